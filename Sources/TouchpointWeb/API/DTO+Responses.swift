import Foundation
import TouchpointCore
import TouchpointStore

// Response bodies of the API: camelCase keys, ISO 8601 times, ids as lower-case UUIDs.

struct PageDTO<Item: Encodable>: Encodable {
    var items: [Item]
    var nextCursor: String?
}

struct IdentityDTO: Encodable {
    var kind: IdentityKind
    var value: String
    init(_ identity: Identity) { kind = identity.kind; value = identity.value }
}

struct CommitmentDTO: Encodable {
    var id: String
    var accountId: String
    var caseId: String?
    var what: String
    var dueAt: Date
    var ownerId: String?
    var status: CommitmentStatus
    var overdue: Bool
    var createdAt: Date
    var updatedAt: Date

    init(_ item: Commitment, now: Date) {
        id = item.id.text
        accountId = item.accountID.text
        caseId = item.caseID?.text
        what = item.what
        dueAt = item.dueAt
        ownerId = item.ownerID?.text
        status = item.status
        overdue = item.isOverdue(at: now)
        createdAt = item.createdAt
        updatedAt = item.updatedAt
    }
}

struct AccountDTO: Encodable {
    var id: String
    var name: String
    var annualValue: Double
    var averageOrderValue: Double
    var complexity: ProductComplexity
    var stage: JourneyStage
    var goals: [String]
    var healthScore: Int
    var ownerCsmId: String?
    var createdAt: Date
    var updatedAt: Date
    /// Open promises to this account, shown with it everywhere.
    var openCommitments: [CommitmentDTO]?

    init(_ item: Account, commitments: [CommitmentDTO]? = nil) {
        id = item.id.text
        name = item.name
        annualValue = item.profile.annualValue
        averageOrderValue = item.profile.averageOrderValue
        complexity = item.profile.complexity
        stage = item.profile.stage
        goals = item.profile.goals
        healthScore = item.profile.healthScore
        ownerCsmId = item.profile.ownerCSM?.text
        createdAt = item.createdAt
        updatedAt = item.updatedAt
        openCommitments = commitments
    }
}

struct ContactDTO: Encodable {
    var id: String
    var accountId: String?
    var name: String?
    var title: String?
    var preferredContactPoint: ContactPoint?
    var mergedInto: String?
    var identities: [IdentityDTO]
    var createdAt: Date
    var openCommitments: [CommitmentDTO]?

    init(_ item: Contact, commitments: [CommitmentDTO]? = nil) {
        id = item.id.text
        accountId = item.accountID?.text
        name = item.name
        title = item.title
        preferredContactPoint = item.preferredContactPoint
        mergedInto = item.mergedInto?.text
        identities = item.identities.map(IdentityDTO.init)
        createdAt = item.createdAt
        openCommitments = commitments
    }
}

struct ActorDTO: Encodable {
    var kind: AuthorKind
    var id: String?
}

struct InteractionDTO: Encodable {
    var id: String
    var caseId: String?
    var contactId: String
    var contactPoint: ContactPoint
    /// `high` when the customer was present, `low` at arm's length.
    var nature: ContactNature
    var direction: Direction
    var author: ActorDTO
    var text: String
    var html: String?
    var attachments: [AttachmentRef]
    var providerMessageId: String?
    var metadata: [String: String]
    var occurredAt: Date

    init(_ item: Interaction) {
        id = item.id.text
        caseId = item.caseID?.text
        contactId = item.contactID.text
        contactPoint = item.contactPoint
        nature = item.nature
        direction = item.direction
        author = ActorDTO(kind: item.authorKind, id: item.authorID?.text)
        text = item.text
        html = item.html
        attachments = item.attachments
        providerMessageId = item.providerMessageID
        metadata = item.metadata
        occurredAt = item.occurredAt
    }
}

struct EventDTO: Encodable {
    var id: String
    var type: EventType
    var actor: ActorDTO
    var accountId: String?
    var contactId: String?
    var caseId: String?
    var payload: [String: JSONValue]
    var occurredAt: Date

    init(_ item: DomainEvent) {
        id = item.id.text
        type = item.type
        actor = ActorDTO(kind: item.actor.kind, id: item.actor.id?.text)
        accountId = item.accountID?.text
        contactId = item.contactID?.text
        caseId = item.caseID?.text
        payload = item.payload
        occurredAt = item.occurredAt
    }
}

/// A timeline entry: `{"kind": "interaction", "interaction": {…}}` or `{"kind": "event", "event": {…}}`.
struct TimelineEntryDTO: Encodable {
    var kind: String
    var occurredAt: Date
    var interaction: InteractionDTO?
    var event: EventDTO?

    init(_ entry: TimelineEntry) {
        occurredAt = entry.occurredAt
        switch entry {
        case .interaction(let item):
            kind = "interaction"
            interaction = InteractionDTO(item)
        case .event(let item):
            kind = "event"
            event = EventDTO(item)
        }
    }
}

struct CaseLinkDTO: Encodable {
    var caseId: String
    var number: Int
    var subject: String
    var status: CaseStatus
    var kind: String
}

struct CaseDTO: Encodable {
    var id: String
    var number: Int
    /// The reference customers see and quote, e.g. `Acme #42`.
    var reference: String
    var subject: String
    var status: CaseStatus
    var allowedStatuses: [CaseStatus]
    var priority: Priority
    var level: SupportLevel
    var rung: EscalationRung
    var teamId: String?
    var assigneeId: String?
    var tags: [String]
    var contactPoint: ContactPoint
    var contactId: String
    var accountId: String?
    var mergedInto: String?
    var createdAt: Date
    var updatedAt: Date
    // Present on the detail view and the create response.
    var interactions: [InteractionDTO]?
    var links: [CaseLinkDTO]?
    var openCommitments: [CommitmentDTO]?
    var interaction: InteractionDTO?
    var contactCreated: Bool?
    var duplicate: Bool?

    init(_ item: Case, prefix: String) {
        id = item.id.text
        number = item.number
        reference = "\(prefix) #\(item.number)"
        subject = item.subject
        status = item.status
        allowedStatuses = CaseStatus.allCases.filter(item.status.allowedNext.contains)
        priority = item.priority
        level = item.level
        rung = item.rung
        teamId = item.teamID?.text
        assigneeId = item.assigneeID?.text
        tags = item.tags
        contactPoint = item.contactPoint
        contactId = item.contactID.text
        accountId = item.accountID?.text
        mergedInto = item.mergedInto?.text
        createdAt = item.createdAt
        updatedAt = item.updatedAt
    }
}

struct TeamDTO: Encodable {
    var id: String
    var name: String
}

struct StaffDTO: Encodable {
    var id: String
    var email: String
    var name: String
    var role: Role
    var level: SupportLevel?
    var teamId: String?

    init(_ user: StaffUser) {
        id = user.id.text
        email = user.email
        name = user.name
        role = user.role
        level = user.role.supportLevel
        teamId = user.teamID?.text
    }
}

struct MeDTO: Encodable {
    var userId: String
    var brandId: String
    var role: Role
    var scope: TokenScope
    var permissions: [Permission]
}
