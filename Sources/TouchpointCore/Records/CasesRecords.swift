import Foundation

/// A first inbound message that opens a case.
public struct OpenCase: Sendable {
    public var contactPoint: ContactPoint
    /// The sender's identity on that contact point, already normalized.
    public var from: Identity
    /// The sender's name, used when a new contact is created.
    public var name: String?
    public var subject: String
    public var body: String
    public var html: String?
    public var priority: Priority
    public var level: SupportLevel
    public var teamID: TeamID?
    public var tags: [String]
    public var providerMessageID: String?
    public var metadata: [String: String]
    /// When the customer made contact; defaults to now.
    public var occurredAt: Date?
    /// One of the brand's routing topics; decides skills, entry level and maybe the team.
    public var topic: String?
    /// Attachments already stored with `storeAttachment`.
    public var attachments: [AttachmentRef]
    /// A case staff open on the customer's behalf (a follow-up): its first entry is this
    /// person's internal note rather than a message from the customer.
    public var openedBy: UserID?
    /// Whether a message from a known customer may continue their recently active case on
    /// another contact point (`CaseContinuation`); off for history loaded after the fact.
    public var mayContinue: Bool = true

    public init(
        contactPoint: ContactPoint, from: Identity, name: String? = nil, subject: String, body: String, html: String? = nil,
        priority: Priority = .normal, level: SupportLevel = .basic, teamID: TeamID? = nil, tags: [String] = [],
        providerMessageID: String? = nil, metadata: [String: String] = [:], occurredAt: Date? = nil, topic: String? = nil,
        attachments: [AttachmentRef] = [], openedBy: UserID? = nil
    ) {
        self.openedBy = openedBy
        self.contactPoint = contactPoint
        self.from = from
        self.name = name
        self.subject = subject
        self.body = body
        self.html = html
        self.priority = priority
        self.level = level
        self.teamID = teamID
        self.tags = tags
        self.providerMessageID = providerMessageID
        self.metadata = metadata
        self.occurredAt = occurredAt
        self.topic = topic
        self.attachments = attachments
    }
}

/// What opening a case did.
public struct OpenedCase: Sendable {
    public var `case`: Case
    public var interaction: Interaction
    /// The sender was not known and a contact was created for them.
    public var contactCreated: Bool
    /// The provider message id was seen before; nothing new was written.
    public var duplicate: Bool
    /// The message continued the customer's open case (see `CaseContinuation`) instead of
    /// opening one.
    public var continued: Bool

    public init(case: Case, interaction: Interaction, contactCreated: Bool, duplicate: Bool, continued: Bool = false) {
        self.continued = continued
        self.case = `case`
        self.interaction = interaction
        self.contactCreated = contactCreated
        self.duplicate = duplicate
    }
}

/// A new interaction on an existing case.
public struct NewInteraction: Sendable {
    public var direction: Direction
    /// Defaults to the case's contact point.
    public var contactPoint: ContactPoint?
    public var body: String
    public var html: String?
    public var providerMessageID: String?
    public var metadata: [String: String]
    public var occurredAt: Date?
    public var attachments: [AttachmentRef]
    /// For inbound messages: the sender's identity, when it may be someone other than the
    /// case's contact (a colleague in copy). Resolved to its contact, created when new.
    public var from: Identity?
    /// The sender's name, used when a contact is created for `from`.
    public var name: String?
    /// Sent by the system on its own (an acknowledgement): no first response, no status
    /// change, and marked so other systems do not answer it.
    public var automatic: Bool
    /// An outbound WhatsApp message sent as an approved template (allowed outside the
    /// customer-care window); its filled-in text becomes the body.
    public var template: TemplateUse?
    /// The contact point whose transport carries an outbound message recorded on another
    /// one: the assistant's answers are `chatbot` interactions sent by email, SMS or WhatsApp.
    public var deliverVia: ContactPoint?
    /// Colleagues told of this interaction (those an internal note mentions), written with
    /// it as notifications.
    public var notices: [StaffNotice] = []

    public init(
        direction: Direction, contactPoint: ContactPoint? = nil, body: String, html: String? = nil,
        providerMessageID: String? = nil, metadata: [String: String] = [:], occurredAt: Date? = nil,
        attachments: [AttachmentRef] = [], from: Identity? = nil, name: String? = nil, automatic: Bool = false,
        template: TemplateUse? = nil, deliverVia: ContactPoint? = nil
    ) {
        self.template = template
        self.deliverVia = deliverVia
        self.direction = direction
        self.contactPoint = contactPoint
        self.body = body
        self.html = html
        self.providerMessageID = providerMessageID
        self.metadata = metadata
        self.occurredAt = occurredAt
        self.attachments = attachments
        self.from = from
        self.name = name
        self.automatic = automatic
    }
}

/// A notification for one colleague: why, and what it is about.
public struct StaffNotice: Sendable, Equatable {
    public var userID: UserID
    /// Said as the notification's subject ("Ola Nowak mentioned you").
    public var reason: String
    /// A few words of what it is about (the note's start).
    public var what: String?

    public init(userID: UserID, reason: String, what: String? = nil) {
        self.userID = userID
        self.reason = reason
        self.what = what
    }
}

/// Filters for listing cases; all optional and combined with AND.
public struct CaseFilter: Sendable, Equatable {
    public var statuses: [CaseStatus]
    public var teamID: TeamID?
    public var assigneeID: UserID?
    /// Only cases nobody is assigned to.
    public var unassigned: Bool
    public var level: SupportLevel?
    /// Cases with at least one interaction on this contact point.
    public var contactPoint: ContactPoint?
    public var contactID: ContactID?
    public var accountID: AccountID?
    /// Full-text query over subjects and interaction texts.
    public var text: String?
    /// Active cases whose SLA is at risk (a clock past its warning point) at this moment.
    public var slaAtRiskBy: Date?
    /// true: only conversations the assistant holds; false: none of them (the queues people
    /// work from); nil: either.
    public var withAssistant: Bool?
    public var priority: Priority?
    public var serviceModel: ServiceModel?
    /// The order of the list; `deadline` lists only active cases (closed ones have none).
    /// A full-text search keeps its own order, newest first.
    public var order: CaseOrder

    public init(
        statuses: [CaseStatus] = [], teamID: TeamID? = nil, assigneeID: UserID? = nil, unassigned: Bool = false,
        level: SupportLevel? = nil, contactPoint: ContactPoint? = nil, contactID: ContactID? = nil,
        accountID: AccountID? = nil, text: String? = nil, slaAtRiskBy: Date? = nil, withAssistant: Bool? = nil,
        priority: Priority? = nil, serviceModel: ServiceModel? = nil, order: CaseOrder = .newest
    ) {
        self.priority = priority
        self.serviceModel = serviceModel
        self.order = order
        self.withAssistant = withAssistant
        self.statuses = statuses
        self.teamID = teamID
        self.assigneeID = assigneeID
        self.unassigned = unassigned
        self.level = level
        self.contactPoint = contactPoint
        self.contactID = contactID
        self.accountID = accountID
        self.text = text
        self.slaAtRiskBy = slaAtRiskBy
    }
}

/// How a list of cases is ordered.
public enum CaseOrder: String, CaseIterable, Sendable {
    /// The next SLA deadline first; active cases whose clocks are paused or have no target
    /// follow, longest waiting first.
    case deadline
    case newest
    case oldest
}

/// A link between two cases.
public struct CaseLink: Sendable, Equatable {
    public var caseID: CaseID
    public var number: Int
    public var subject: String
    public var status: CaseStatus
    /// `related`, `merged` (the other case was merged into this one) or `mergedInto`.
    public var kind: String

    public init(caseID: CaseID, number: Int, subject: String, status: CaseStatus, kind: String) {
        self.caseID = caseID
        self.number = number
        self.subject = subject
        self.status = status
        self.kind = kind
    }
}
