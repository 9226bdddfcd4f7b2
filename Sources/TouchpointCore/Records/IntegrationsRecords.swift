import Foundation

/// An outside system that calls in with signed webhooks.
public struct Integration: Sendable, Equatable {
    public var id: String
    public var brandID: BrandID
    public var kind: IntegrationKind
    public var name: String
    /// The HMAC-SHA256 key of its webhooks (kept readable: a signature must be recomputed).
    public var secret: String
    /// Where outbound messages are posted (SMS and WhatsApp drivers).
    public var providerURL: String?
    /// WhatsApp: the templates approved for writing outside the customer-care window.
    public var templates: [MessageTemplate] = []
    /// Words that opt a customer out besides STOP, UNSUBSCRIBE and their kin (upper case).
    public var optOutKeywords: [String] = []

    public init(
        id: String, brandID: BrandID, kind: IntegrationKind, name: String, secret: String, providerURL: String? = nil,
        templates: [MessageTemplate] = [], optOutKeywords: [String] = []
    ) {
        self.id = id
        self.brandID = brandID
        self.kind = kind
        self.name = name
        self.secret = secret
        self.providerURL = providerURL
        self.templates = templates
        self.optOutKeywords = optOutKeywords
    }
}

/// A customer's text message as a provider reports it.
public struct InboundText: Sendable, Equatable {
    public var messageID: String
    public var from: String
    public var to: String?
    public var text: String
    /// The provider's media references (URLs), kept on the interaction.
    public var media: [String]
    public var receivedAt: Date?

    public init(messageID: String, from: String, to: String?, text: String, media: [String], receivedAt: Date?) {
        self.messageID = messageID
        self.from = from
        self.to = to
        self.text = text
        self.media = media
        self.receivedAt = receivedAt
    }
}

/// What intake did with a text message.
public struct TextIntakeResult: Sendable, Equatable {
    /// The case the message joined or opened; none for a message that took a queue number.
    public var caseID: CaseID?
    public var caseNumber: Int?
    public var interactionID: InteractionID
    /// A new case was opened (otherwise the message joined the contact's open case).
    public var opened: Bool
    public var keyword: TextKeyword?
    /// The walk-in ticket the message took or holds (`QUEUE B`).
    public var ticket: String?

    public init(
        caseID: CaseID? = nil, caseNumber: Int? = nil, interactionID: InteractionID, opened: Bool, keyword: TextKeyword? = nil, ticket: String? = nil
    ) {
        self.caseID = caseID
        self.caseNumber = caseNumber
        self.interactionID = interactionID
        self.opened = opened
        self.keyword = keyword
        self.ticket = ticket
    }
}
