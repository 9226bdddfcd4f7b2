import Foundation
import TouchpointCore
import TouchpointStore

/// A visitor's message from the chat widget, as its socket stores it in the inbox before
/// answering `stored`; the intake then takes it into the history like any other contact.
public struct ChatPayload: Codable, Sendable, Equatable {
    /// The widget's id for the visitor's browser.
    public var visitor: String
    /// The widget's id for this message: a message resent after a dropped connection keeps it.
    public var clientId: String
    public var text: String
    /// The email address or phone number the visitor gave, already checked.
    public var identity: Identity?
    public var name: String?
    /// Written while nobody could answer live: the answer goes by email.
    public var leftMessage: Bool

    public init(visitor: String, clientId: String, text: String, identity: Identity?, name: String?, leftMessage: Bool) {
        self.visitor = visitor
        self.clientId = clientId
        self.text = text
        self.identity = identity
        self.name = name
        self.leftMessage = leftMessage
    }

    /// The envelope the socket stores: keyed by visitor and message, so a resent message is
    /// recognised; one visitor's messages are taken in order.
    public func envelope(brand: BrandID) throws -> NewEnvelope {
        NewEnvelope(
            brandID: brand, contactPoint: .webChat, source: "widget", providerKey: "chat:\(visitor):\(clientId)", lane: visitor,
            raw: Array(try JSONEncoder().encode(self)))
    }

    /// Reads a stored payload; throws `DecodingError` for bytes that are not one.
    public static func decode(_ raw: [UInt8]) throws -> ChatPayload {
        try JSONDecoder().decode(ChatPayload.self, from: Data(raw))
    }
}

/// Web chat: a visitor's message onto their open chat case, or a new one.
enum ChatIntake {
    static func process(_ envelope: Envelope, raw: [UInt8], store: Store) async throws {
        let payload: ChatPayload
        do {
            payload = try ChatPayload.decode(raw)
        } catch {
            throw IntakeFailure(stage: .normalize, error, permanent: true)
        }
        _ = try await store.postChatMessage(
            brand: envelope.brandID, visitor: payload.visitor, clientID: payload.clientId, text: payload.text, identity: payload.identity,
            name: payload.name, leftMessage: payload.leftMessage, envelope: envelope.id)
    }
}
