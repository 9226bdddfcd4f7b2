import Foundation

/// Where a case is in its life.
public enum CaseStatus: String, WireEnum {
    case new, open, pending, resolved, closed

    /// The statuses a case may move to from this one. A closed case is final: a new
    /// message from the customer opens a follow-up case instead.
    public var allowedNext: Set<CaseStatus> {
        switch self {
        case .new: [.open, .pending, .resolved]
        case .open: [.pending, .resolved]
        case .pending: [.open, .resolved]
        case .resolved: [.open, .closed]
        case .closed: []
        }
    }

    /// Whether work on the case is still outstanding.
    public var isActive: Bool { self == .new || self == .open || self == .pending }
}

public enum Priority: String, WireEnum {
    case low, normal, high, urgent
}

/// Support levels: 1 basic (simple questions), 2 intermediate (harder problems),
/// 3 advanced (senior experts and advice). On the wire as the integers 1, 2, 3.
public enum SupportLevel: Int, Codable, Sendable, CaseIterable, Comparable {
    case basic = 1, intermediate = 2, advanced = 3

    public static func < (lhs: SupportLevel, rhs: SupportLevel) -> Bool { lhs.rawValue < rhs.rawValue }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        // Read as any number, so 2.5 or 1e30 is this field's error rather than the decoder's
        // (which names no field for a number that does not fit an Int).
        let raw = try container.decode(Double.self)
        guard let level = Int(exactly: raw).flatMap(SupportLevel.init(rawValue:)) else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "support level must be 1, 2 or 3")
        }
        self = level
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
}

/// The escalation ladder's rungs above the working agent.
public enum EscalationRung: String, WireEnum, Comparable {
    case agent, senior, manager, executive

    private var order: Int { Self.allCases.firstIndex(of: self)! }
    public static func < (lhs: EscalationRung, rhs: EscalationRung) -> Bool { lhs.order < rhs.order }
}

/// A customer need followed to its end across interactions and contact points.
public struct Case: Codable, Equatable, Sendable {
    public var id: CaseID
    public var brandID: BrandID
    /// Human-friendly number, counting per brand from 1.
    public var number: Int
    public var contactID: ContactID
    public var accountID: AccountID?
    public var subject: String
    public var status: CaseStatus
    public var priority: Priority
    public var level: SupportLevel
    public var rung: EscalationRung
    public var teamID: TeamID?
    public var assigneeID: UserID?
    public var tags: [String]
    /// The contact point the case was opened on; replies go back there by default.
    public var contactPoint: ContactPoint
    /// Set when the case was merged into another one.
    public var mergedInto: CaseID?
    /// The service model the case is served under (the contact's, decided at opening).
    public var serviceModel: ServiceModel?
    /// What the case is about, from the brand's routing topics.
    public var topic: String?
    /// The SLA clocks; nil for cases opened before service models existed.
    public var sla: SLAState?
    /// Where the assistant's conversation on this case stands; nil when it never had one.
    public var botState: BotState?
    public var createdAt: Date
    public var updatedAt: Date

    public init(id: CaseID, brandID: BrandID, number: Int, contactID: ContactID, accountID: AccountID?, subject: String,
                status: CaseStatus = .new, priority: Priority = .normal, level: SupportLevel = .basic,
                rung: EscalationRung = .agent, teamID: TeamID? = nil, assigneeID: UserID? = nil, tags: [String] = [],
                contactPoint: ContactPoint, mergedInto: CaseID? = nil, serviceModel: ServiceModel? = nil, topic: String? = nil,
                sla: SLAState? = nil, botState: BotState? = nil, createdAt: Date, updatedAt: Date) {
        self.id = id
        self.brandID = brandID
        self.number = number
        self.contactID = contactID
        self.accountID = accountID
        self.subject = subject
        self.status = status
        self.priority = priority
        self.level = level
        self.rung = rung
        self.teamID = teamID
        self.assigneeID = assigneeID
        self.tags = tags
        self.contactPoint = contactPoint
        self.mergedInto = mergedInto
        self.serviceModel = serviceModel
        self.topic = topic
        self.sla = sla
        self.botState = botState
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }

    /// Where the case stands on the escalation ladder.
    public var step: EscalationStep { EscalationStep(level: level, rung: rung) }

    /// Subjects are trimmed, single-line and at most 300 characters.
    public static func validSubject(_ raw: String, field: String = "subject") throws(ValidationError) -> String {
        let oneLine = raw.split(whereSeparator: \.isNewline).joined(separator: " ")
        return try Check.text(oneLine, field: field, max: 300)
    }

    /// Tags are lower-cased, trimmed, unique, at most 50 of at most 64 characters each.
    public static func normalizedTags(_ raw: [String], field: String = "tags") throws(ValidationError) -> [String] {
        guard raw.count <= 50 else { throw ValidationError(field: field, reason: "at most 50 tags") }
        var seen: [String] = []
        for (index, tag) in raw.enumerated() {
            let clean = try Check.text(tag, field: "\(field)[\(index)]", max: 64).lowercased()
            if clean.contains(",") { throw ValidationError(field: "\(field)[\(index)]", reason: "must not contain ','") }
            if !seen.contains(clean) { seen.append(clean) }
        }
        return seen
    }
}
