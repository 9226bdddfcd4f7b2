import Foundation
import TouchpointCore

// Request bodies of the API. Decoding checks types and enum values (naming the field);
// `validated` checks the rules the core owns.

struct IdentityInput: Decodable {
    var kind: IdentityKind
    var value: String

    func validated(field: String, callingCode: String?) throws -> Identity {
        try Identity(kind: kind, raw: value, defaultCallingCode: callingCode, field: "\(field).value")
    }
}

struct AccountCreateRequest: Decodable {
    var name: String
    var annualValue: Double?
    var averageOrderValue: Double?
    var complexity: ProductComplexity?
    var stage: JourneyStage?
    var goals: [String]?
    /// The starting score until the first computation (an import from another system).
    var healthScore: Int?
    var ownerCsmId: UUID?
    var renewalOn: CivilDate?
    var timeZone: String?
    var region: String?
    var language: Language?

    var profile: AccountProfile {
        AccountProfile(annualValue: annualValue ?? 0, averageOrderValue: averageOrderValue ?? 0, complexity: complexity ?? .low,
                       stage: stage ?? .onboarding, goals: goals ?? [], healthScore: healthScore ?? 50, ownerCSM: ownerCsmId, renewalOn: renewalOn,
                       timeZone: timeZone, region: region, language: language)
    }
}

struct AccountPatchRequest: Decodable {
    var changes: AccountChanges

    enum CodingKeys: String, CodingKey {
        case name, annualValue, averageOrderValue, complexity, stage, goals, healthScore, ownerCsmId, renewalOn, timeZone, region, language
    }

    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        changes = AccountChanges(
            name: try c.decodeIfPresent(String.self, forKey: .name),
            annualValue: try c.decodeIfPresent(Double.self, forKey: .annualValue),
            averageOrderValue: try c.decodeIfPresent(Double.self, forKey: .averageOrderValue),
            complexity: try c.decodeIfPresent(ProductComplexity.self, forKey: .complexity),
            stage: try c.decodeIfPresent(JourneyStage.self, forKey: .stage),
            goals: try c.decodeIfPresent([String].self, forKey: .goals),
            healthScore: try c.decodeIfPresent(Int.self, forKey: .healthScore),
            ownerCSM: try c.decodePatch(UUID.self, forKey: .ownerCsmId),
            renewalOn: try c.decodePatch(CivilDate.self, forKey: .renewalOn),
            timeZone: try c.decodePatch(String.self, forKey: .timeZone),
            region: try c.decodePatch(String.self, forKey: .region),
            language: try c.decodePatch(Language.self, forKey: .language))
    }
}

struct ContactCreateRequest: Decodable {
    var accountId: UUID?
    var name: String?
    var title: String?
    var preferredContactPoint: ContactPoint?
    var identities: [IdentityInput]?

    func identities(callingCode: String?) throws -> [Identity] {
        guard let identities, !identities.isEmpty else {
            throw ValidationError(field: "identities", reason: "a contact needs at least one identity")
        }
        guard identities.count <= 50 else { throw ValidationError(field: "identities", reason: "at most 50 identities") }
        return try identities.enumerated().map { try $1.validated(field: "identities[\($0)]", callingCode: callingCode) }
    }
}

struct ContactPatchRequest: Decodable {
    var name: String??
    var title: String??
    var accountId: UUID??
    var preferredContactPoint: ContactPoint??
    var addIdentities: [IdentityInput]
    var removeIdentities: [IdentityInput]

    enum CodingKeys: String, CodingKey {
        case name, title, accountId, preferredContactPoint, addIdentities, removeIdentities
    }

    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        name = try c.decodePatch(String.self, forKey: .name)
        title = try c.decodePatch(String.self, forKey: .title)
        accountId = try c.decodePatch(UUID.self, forKey: .accountId)
        preferredContactPoint = try c.decodePatch(ContactPoint.self, forKey: .preferredContactPoint)
        addIdentities = try c.decodeIfPresent([IdentityInput].self, forKey: .addIdentities) ?? []
        removeIdentities = try c.decodeIfPresent([IdentityInput].self, forKey: .removeIdentities) ?? []
    }

    func changes(callingCode: String?) throws -> ContactChanges {
        ContactChanges(
            name: name, title: title, accountID: accountId, preferredContactPoint: preferredContactPoint,
            addIdentities: try addIdentities.enumerated().map { try $1.validated(field: "addIdentities[\($0)]", callingCode: callingCode) },
            removeIdentities: try removeIdentities.enumerated().map { try $1.validated(field: "removeIdentities[\($0)]", callingCode: callingCode) })
    }
}

struct MergeContactsRequest: Decodable {
    var duplicateId: UUID
    var reason: String?
}

struct ReasonRequest: Decodable {
    var reason: String?
}

struct CaseCreateRequest: Decodable {
    var contactPoint: ContactPoint
    var from: String
    /// Overrides the identity kind the contact point implies (a walk-in giving a phone number).
    var fromKind: IdentityKind?
    var name: String?
    var subject: String
    var body: String
    var html: String?
    var priority: Priority?
    var level: SupportLevel?
    var teamId: UUID?
    var tags: [String]?
    var providerMessageId: String?
    var metadata: [String: String]?
    var occurredAt: Date?
    var topic: String?

    func validated(callingCode: String?) throws -> OpenCase {
        let kind = fromKind ?? contactPoint.identityKind
        let identity = try Identity(kind: kind, raw: from, defaultCallingCode: callingCode, field: "from")
        if let providerMessageId, providerMessageId.isEmpty || providerMessageId.count > 998 {
            throw ValidationError(field: "providerMessageId", reason: "must be 1 to 998 characters")
        }
        return OpenCase(contactPoint: contactPoint, from: identity, name: name, subject: subject, body: body,
                        html: html.map(HTMLSanitizer.sanitize), priority: priority ?? .normal, level: level ?? .basic,
                        teamID: teamId, tags: tags ?? [], providerMessageID: providerMessageId, metadata: metadata ?? [:],
                        occurredAt: occurredAt, topic: topic)
    }
}

struct CasePatchRequest: Decodable {
    var update: CaseUpdate

    enum CodingKeys: String, CodingKey {
        case subject, status, priority, level, rung, teamId, assigneeId, tags, reason
    }

    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        update = CaseUpdate(
            subject: try c.decodeIfPresent(String.self, forKey: .subject),
            status: try c.decodeIfPresent(CaseStatus.self, forKey: .status),
            priority: try c.decodeIfPresent(Priority.self, forKey: .priority),
            level: try c.decodeIfPresent(SupportLevel.self, forKey: .level),
            rung: try c.decodeIfPresent(EscalationRung.self, forKey: .rung),
            teamID: try c.decodePatch(UUID.self, forKey: .teamId),
            assigneeID: try c.decodePatch(UUID.self, forKey: .assigneeId),
            tags: try c.decodeIfPresent([String].self, forKey: .tags),
            reason: try c.decodeIfPresent(String.self, forKey: .reason))
    }
}

/// What kind of interaction is added to a case.
enum InteractionType: String, WireEnum {
    /// A reply to the customer.
    case reply
    /// An internal note for staff.
    case note
    /// A message from the customer (for integrations that forward one).
    case inbound

    var direction: Direction {
        switch self {
        case .reply: .outbound
        case .note: .internal
        case .inbound: .inbound
        }
    }
}

struct InteractionCreateRequest: Decodable {
    var type: InteractionType
    var contactPoint: ContactPoint?
    /// Required, except for a WhatsApp template, whose filled-in text is the body.
    var body: String?
    var html: String?
    var providerMessageId: String?
    var metadata: [String: String]?
    var occurredAt: Date?
    var template: TemplateUse?

    var validated: NewInteraction {
        get throws {
            guard let body = body ?? (template == nil ? nil : "") else { throw ValidationError(field: "body", reason: "is required") }
            return NewInteraction(direction: type.direction, contactPoint: contactPoint, body: body, html: html.map(HTMLSanitizer.sanitize),
                                  providerMessageID: providerMessageId, metadata: metadata ?? [:], occurredAt: occurredAt, template: template)
        }
    }
}

struct LinkCaseRequest: Decodable {
    var caseId: UUID
}

struct MergeCaseRequest: Decodable {
    var targetId: UUID
}

struct CommitmentCreateRequest: Decodable {
    var what: String
    var dueAt: Date
    var caseId: UUID?
    var ownerId: UUID?
    /// `promise` (ours, the default) or `promiseToPay` (the customer's).
    var kind: CommitmentKind?
}

struct PaymentPlanRequest: Decodable {
    var total: String
    var currency: String
    var instalments: Int
    var firstDue: Date
    var everyDays: Int?
    var invoice: String?
    var caseId: UUID?
}

struct CommitmentPatchRequest: Decodable {
    var changes: CommitmentChanges

    enum CodingKeys: String, CodingKey {
        case status, what, dueAt, ownerId
    }

    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        changes = CommitmentChanges(
            status: try c.decodeIfPresent(CommitmentStatus.self, forKey: .status),
            what: try c.decodeIfPresent(String.self, forKey: .what),
            dueAt: try c.decodeIfPresent(Date.self, forKey: .dueAt),
            ownerID: try c.decodePatch(UUID.self, forKey: .ownerId))
    }
}
