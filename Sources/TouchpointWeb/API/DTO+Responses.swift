import Foundation
import TouchpointCore

// Response bodies of the API: camelCase keys, ISO 8601 times, ids as lower-case UUIDs.

struct PageDTO<Item: JSONWritable>: JSONWritable {
    var items: [Item]
    var nextCursor: String?

    func write(to out: inout JSONOut) {
        out.object {
            $0.field("items", items)
            $0.field("nextCursor", nextCursor)
        }
    }
}

struct IdentityDTO: JSONWritable {
    var kind: IdentityKind
    var value: String
    init(_ identity: Identity) { kind = identity.kind; value = identity.value }

    func write(to out: inout JSONOut) {
        out.object {
            $0.field("kind", kind)
            $0.field("value", value)
        }
    }
}

struct CommitmentDTO: JSONWritable {
    var id: String
    var accountId: String
    var caseId: String?
    var what: String
    var dueAt: Date
    var ownerId: String?
    var teamId: String?
    var status: CommitmentStatus
    var kind: CommitmentKind
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
        teamId = item.teamID?.text
        status = item.status
        kind = item.kind
        overdue = item.isOverdue(at: now)
        createdAt = item.createdAt
        updatedAt = item.updatedAt
    }

    func write(to out: inout JSONOut) {
        out.object {
            $0.field("id", id)
            $0.field("accountId", accountId)
            $0.field("caseId", caseId)
            $0.field("what", what)
            $0.field("dueAt", dueAt)
            $0.field("ownerId", ownerId)
            $0.field("teamId", teamId)
            $0.field("status", status)
            $0.field("kind", kind)
            $0.field("overdue", overdue)
            $0.field("createdAt", createdAt)
            $0.field("updatedAt", updatedAt)
        }
    }
}

struct AccountDTO: JSONWritable {
    var id: String
    var name: String
    var annualValue: Double
    var averageOrderValue: Double
    var complexity: ProductComplexity
    var stage: JourneyStage
    var goals: [String]
    var healthScore: Int
    var churnRisk: ChurnRisk
    var renewalOn: String?
    var timeZone: String?
    var region: String?
    var language: Language?
    var ownerCsmId: String?
    var serviceModel: ServiceModel?
    var modelExplanation: String?
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
        churnRisk = item.profile.churnRisk
        renewalOn = item.profile.renewalOn?.description
        timeZone = item.profile.timeZone
        region = item.profile.region
        language = item.profile.language
        ownerCsmId = item.profile.ownerCSM?.text
        serviceModel = item.serviceModel
        modelExplanation = item.modelExplanation
        createdAt = item.createdAt
        updatedAt = item.updatedAt
        openCommitments = commitments
    }

    func write(to out: inout JSONOut) {
        out.object {
            $0.field("id", id)
            $0.field("name", name)
            $0.field("annualValue", annualValue)
            $0.field("averageOrderValue", averageOrderValue)
            $0.field("complexity", complexity)
            $0.field("stage", stage)
            $0.field("goals", goals)
            $0.field("healthScore", healthScore)
            $0.field("churnRisk", churnRisk)
            $0.field("renewalOn", renewalOn)
            $0.field("timeZone", timeZone)
            $0.field("region", region)
            $0.field("language", language)
            $0.field("ownerCsmId", ownerCsmId)
            $0.field("serviceModel", serviceModel)
            $0.field("modelExplanation", modelExplanation)
            $0.field("createdAt", createdAt)
            $0.field("updatedAt", updatedAt)
            $0.field("openCommitments", openCommitments)
        }
    }
}

struct ContactDTO: JSONWritable {
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

    func write(to out: inout JSONOut) {
        out.object {
            $0.field("id", id)
            $0.field("accountId", accountId)
            $0.field("name", name)
            $0.field("title", title)
            $0.field("preferredContactPoint", preferredContactPoint)
            $0.field("mergedInto", mergedInto)
            $0.field("identities", identities)
            $0.field("createdAt", createdAt)
            $0.field("openCommitments", openCommitments)
        }
    }
}

struct ActorDTO: JSONWritable {
    var kind: AuthorKind
    var id: String?

    func write(to out: inout JSONOut) {
        out.object {
            $0.field("kind", kind)
            $0.field("id", id)
        }
    }
}

struct InteractionDTO: JSONWritable {
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

    func write(to out: inout JSONOut) {
        out.object {
            $0.field("id", id)
            $0.field("caseId", caseId)
            $0.field("contactId", contactId)
            $0.field("contactPoint", contactPoint)
            $0.field("nature", nature)
            $0.field("direction", direction)
            $0.field("author", author)
            $0.field("text", text)
            $0.field("html", html)
            $0.field("attachments", attachments)
            $0.field("providerMessageId", providerMessageId)
            $0.field("metadata", metadata)
            $0.field("occurredAt", occurredAt)
        }
    }
}

struct EventDTO: JSONWritable {
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

    func write(to out: inout JSONOut) {
        out.object {
            $0.field("id", id)
            $0.field("type", type)
            $0.field("actor", actor)
            $0.field("accountId", accountId)
            $0.field("contactId", contactId)
            $0.field("caseId", caseId)
            $0.field("payload", payload)
            $0.field("occurredAt", occurredAt)
        }
    }
}

/// A timeline entry: `{"kind": "interaction", "interaction": {…}}` or `{"kind": "event", "event": {…}}`.
struct TimelineEntryDTO: JSONWritable {
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

    func write(to out: inout JSONOut) {
        out.object {
            $0.field("kind", kind)
            $0.field("occurredAt", occurredAt)
            $0.field("interaction", interaction)
            $0.field("event", event)
        }
    }
}

struct CaseLinkDTO: JSONWritable {
    var caseId: String
    var number: Int
    var subject: String
    var status: CaseStatus
    var kind: String

    func write(to out: inout JSONOut) {
        out.object {
            $0.field("caseId", caseId)
            $0.field("number", number)
            $0.field("subject", subject)
            $0.field("status", status)
            $0.field("kind", kind)
        }
    }
}

struct CaseDTO: JSONWritable {
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
    var serviceModel: ServiceModel?
    var topic: String?
    /// Where the assistant's conversation stands (bot, waiting, human, resolved); absent
    /// when the assistant never had one.
    var assistant: BotState?
    /// The nearest deadline of a running SLA clock.
    var slaDueAt: Date?
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
        serviceModel = item.serviceModel
        topic = item.topic
        assistant = item.botState
        slaDueAt = item.sla?.clocks.filter(\.isRunning).compactMap(\.dueAt).min()
        createdAt = item.createdAt
        updatedAt = item.updatedAt
    }

    func write(to out: inout JSONOut) {
        out.object {
            $0.field("id", id)
            $0.field("number", number)
            $0.field("reference", reference)
            $0.field("subject", subject)
            $0.field("status", status)
            $0.field("allowedStatuses", allowedStatuses)
            $0.field("priority", priority)
            $0.field("level", level)
            $0.field("rung", rung)
            $0.field("teamId", teamId)
            $0.field("assigneeId", assigneeId)
            $0.field("tags", tags)
            $0.field("contactPoint", contactPoint)
            $0.field("contactId", contactId)
            $0.field("accountId", accountId)
            $0.field("mergedInto", mergedInto)
            $0.field("serviceModel", serviceModel)
            $0.field("topic", topic)
            $0.field("assistant", assistant)
            $0.field("slaDueAt", slaDueAt)
            $0.field("createdAt", createdAt)
            $0.field("updatedAt", updatedAt)
            $0.field("interactions", interactions)
            $0.field("links", links)
            $0.field("openCommitments", openCommitments)
            $0.field("interaction", interaction)
            $0.field("contactCreated", contactCreated)
            $0.field("duplicate", duplicate)
        }
    }
}

struct MeDTO: Encodable {
    var userId: String
    var brandId: String
    var role: Role
    var scope: TokenScope
    var permissions: [Permission]
}
