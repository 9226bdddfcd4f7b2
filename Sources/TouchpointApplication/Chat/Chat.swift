import Foundation
import TouchpointCore
import TouchpointStore

/// Web chat: sessions, messages, read marks and whether anyone is there to answer.
public struct Chat: Sendable {
    let store: Store

    /// The case of a visitor's conversation while it is still open.
    public func chatCase(brand: BrandID, visitor: String) async throws -> CaseID? {
        try await store.chatCase(brand: brand, visitor: visitor)
    }

    /// The conversation's messages after `seq` (internal notes are never part of it).
    public func chatMessages(caseID: CaseID, brand: BrandID, after seq: Int) async throws -> [ChatMessage] {
        try await store.chatMessages(caseID: caseID, brand: brand, after: seq)
    }

    /// Records an agent's chat message as an outbound web-chat reply on the case (so it
    /// answers the customer: status and SLA clocks move as for any reply). Resent after a
    /// dropped connection (same client id), it is recorded once.
    public func postAgentChatMessage(caseID: CaseID, brand: BrandID, staff: UserID, clientID: String, text: String) async throws -> Int {
        try await store.postAgentChatMessage(caseID: caseID, brand: brand, staff: staff, clientID: clientID, text: text)
    }

    /// The web-chat conversation on a case, if the case came from the widget.
    public func chatSession(caseID: CaseID, brand: BrandID) async throws -> ChatSession? {
        try await store.chatSession(caseID: caseID, brand: brand)
    }

    /// Marks a chat read up to `seq` by one side; returns the mark now stored.
    public func markChatRead(caseID: CaseID, brand: BrandID, side: ChatSide, seq: Int) async throws -> Int {
        try await store.markChatRead(caseID: caseID, brand: brand, side: side, seq: seq)
    }

    /// Whether a person answers a chat now, for this visitor: the customer is found by the
    /// identity they gave, or by the contact their earlier chat joined; their account's model
    /// decides whether web chat is offered and whose hours count.
    /// The notice is in `language` (the visitor's page's), else the brand's.
    public func chatAvailability(brand: BrandID, visitor: String?, identity: Identity?, language: Language? = nil) async throws -> ChatAvailability {
        try await store.chatAvailability(brand: brand, visitor: visitor, identity: identity, language: language)
    }
}
