import Foundation
import TouchpointCore
import TouchpointStore

/// What a visitor is told once their message is stored: its number in the conversation and
/// the case, once it is in the history (nil while it waits to be taken in).
public struct ChatReceipt: Sendable, Equatable {
    public var caseID: CaseID?
    public var caseNumber: Int?
    public var seq: Int?

    public init(caseID: CaseID? = nil, caseNumber: Int? = nil, seq: Int? = nil) {
        self.caseID = caseID
        self.caseNumber = caseNumber
        self.seq = seq
    }
}

extension Inbox {
    /// A visitor's chat message through the one intake path: stored as an envelope (from
    /// then on it is safe whatever happens), taken into the history at once, and the
    /// receipt says where it went. A message resent after a dropped connection is the same
    /// envelope and gets the same receipt.
    public func receiveChatMessage(_ payload: ChatPayload, brand: BrandID) async throws -> ChatReceipt {
        let envelope = try await acceptAndProcess(try payload.envelope(brand: brand))
        guard envelope.state == .processed else { return ChatReceipt() }
        var found = envelope.caseID
        // A message already in the history when it came again: its envelope names no case of its own.
        if found == nil { found = try await store.chatCase(brand: brand, visitor: payload.visitor) }
        guard let caseID = found else { return ChatReceipt() }
        let number = try await store.case(caseID, brand: brand).number
        let seq = try await store.chatMessages(caseID: caseID, brand: brand, after: 0)
            .first { $0.clientID == payload.clientId && $0.from == "visitor" }?.seq
        return ChatReceipt(caseID: caseID, caseNumber: number, seq: seq)
    }
}
