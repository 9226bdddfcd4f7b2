import Foundation

/// Where an outbound message is on its way out.
public enum OutboxState: String, WireEnum {
    /// Waiting for its (next) attempt.
    case pending
    /// Taken by the delivery worker; one that crashed mid-send is retried after a while.
    case sending
    case sent
    /// The dead letter: refused for good, or out of attempts. An operator sees it and may
    /// send it again.
    case failed
}

/// An outbound email as the outbox keeps it: the message without its attachment bytes,
/// which stay in `attachments` under their hash.
public struct OutboxMessage: Codable, Equatable, Sendable {
    public var mail: OutboundMail
    public var attachments: [AttachmentRef]

    public init(mail: OutboundMail, attachments: [AttachmentRef]) {
        self.mail = mail
        self.attachments = attachments
    }
}

/// An outbound SMS or WhatsApp message: the words the customer gets and, for WhatsApp
/// outside the customer-care window, the approved template they are sent with.
public struct TextContent: Codable, Equatable, Sendable {
    public var text: String
    public var template: TemplateUse?

    public init(text: String, template: TemplateUse? = nil) {
        self.text = text
        self.template = template
    }
}

/// What an outbound message carries, by the kind of contact point it goes out on.
public enum OutboundContent: Equatable, Sendable {
    case email(OutboxMessage)
    case text(TextContent)
}

/// One message of the outbox, whatever its contact point.
public struct OutboxItem: Equatable, Sendable {
    public var id: UUID
    public var brandID: BrandID
    public var contactPoint: ContactPoint
    public var caseID: CaseID?
    public var interactionID: InteractionID?
    public var recipient: String
    public var content: OutboundContent
    /// The messaging integration a text goes through (nil for email).
    public var integrationID: String?
    public var state: OutboxState
    public var attempts: Int
    public var nextAttemptAt: Date
    public var lastError: String?
    /// The provider's id of the sent message (a text's id, where delivery reports find it).
    public var providerMessageID: String?
    public var createdAt: Date
    public var sentAt: Date?

    /// The email, when this is one.
    public var email: OutboxMessage? { if case .email(let message) = content { message } else { nil } }
    /// The text, when this is an SMS or WhatsApp message.
    public var text: TextContent? { if case .text(let text) = content { text } else { nil } }

    public init(
        id: UUID, brandID: BrandID, contactPoint: ContactPoint, caseID: CaseID? = nil, interactionID: InteractionID? = nil, recipient: String,
        content: OutboundContent, integrationID: String? = nil, state: OutboxState, attempts: Int, nextAttemptAt: Date, lastError: String? = nil,
        providerMessageID: String? = nil, createdAt: Date, sentAt: Date? = nil
    ) {
        self.id = id
        self.brandID = brandID
        self.contactPoint = contactPoint
        self.caseID = caseID
        self.interactionID = interactionID
        self.recipient = recipient
        self.content = content
        self.integrationID = integrationID
        self.state = state
        self.attempts = attempts
        self.nextAttemptAt = nextAttemptAt
        self.lastError = lastError
        self.providerMessageID = providerMessageID
        self.createdAt = createdAt
        self.sentAt = sentAt
    }
}
