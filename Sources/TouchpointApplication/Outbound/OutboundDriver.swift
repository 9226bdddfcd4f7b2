import Foundation
import TouchpointCore

/// A message made ready for a provider: everything its driver needs, so a driver never
/// reads the database.
public enum PreparedMessage: Sendable {
    /// An email with its attachments, to the envelope recipient (the copies are in the mail).
    case email(OutboundMail, recipient: String)
    /// An SMS or WhatsApp message for a provider's HTTP API.
    case text(PreparedText)
}

/// An SMS or WhatsApp message and the integration it is posted through.
public struct PreparedText: Sendable, Equatable {
    /// Ours, so the provider can recognise a repeated post of the same message.
    public var messageID: String
    public var contactPoint: ContactPoint
    public var providerURL: String
    /// The integration's shared secret the post is signed with.
    public var secret: String
    public var recipient: String
    /// The words the customer gets.
    public var text: String
    /// WhatsApp outside the customer-care window: the approved template and its parameters.
    public var template: TemplateUse?
}

/// What a provider made of one attempt.
public enum DeliveryOutcome: Sendable, Equatable {
    /// Taken: `receipt` is the provider's answer (for the timeline), `providerMessageID` its
    /// id of the message (where its delivery reports will point).
    case sent(receipt: String, providerMessageID: String?)
    /// Refused for good; `recipientRejected` when the address itself was refused, so the
    /// customer's identity is marked as failing.
    case refused(String, recipientRejected: Bool)
    /// Not delivered now; worth another attempt later.
    case deferred(String)
}

/// Delivers the messages of some contact points through one kind of provider (a smarthost,
/// an SMS/WhatsApp provider's API). The delivery worker gives it every due message on its
/// contact points and records the outcome the same way for all.
public protocol OutboundDriver: Sendable {
    /// The contact points whose messages this driver delivers.
    var contactPoints: Set<ContactPoint> { get }
    /// One attempt. Never throws: every failure is an outcome.
    func deliver(_ message: PreparedMessage) async -> DeliveryOutcome
}
