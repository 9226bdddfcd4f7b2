import Foundation

/// A step of the escalation ladder: level 1 → level 2 → level 3 → manager → executive.
public enum EscalationStep: String, WireEnum, Comparable {
    case level1, level2, level3, manager, executive

    var order: Int { Self.allCases.firstIndex(of: self)! }
    public static func < (lhs: EscalationStep, rhs: EscalationStep) -> Bool { lhs.order < rhs.order }

    /// Where a case stands: the manager and executive rungs are above every level; below
    /// them the support level decides (the senior rung is a level-internal distinction).
    public init(level: SupportLevel, rung: EscalationRung) {
        switch rung {
        case .executive: self = .executive
        case .manager: self = .manager
        case .agent, .senior: self = level.step
        }
    }

    /// The support level a case works at on this step (management keeps the current level).
    public func level(keeping current: SupportLevel) -> SupportLevel {
        switch self {
        case .level1: .basic
        case .level2: .intermediate
        case .level3: .advanced
        case .manager, .executive: current
        }
    }

    public func rung(keeping current: EscalationRung) -> EscalationRung {
        switch self {
        case .manager: .manager
        case .executive: .executive
        case .level1, .level2, .level3: current == .senior ? .senior : .agent
        }
    }

    public var next: EscalationStep? { order + 1 < Self.allCases.count ? Self.allCases[order + 1] : nil }
    public var previous: EscalationStep? { order > 0 ? Self.allCases[order - 1] : nil }

    /// Who owns a case on this step.
    public var ownerRole: Role? {
        switch self {
        case .manager: .manager
        case .executive: .executive
        default: nil
        }
    }
}

extension SupportLevel {
    public var step: EscalationStep {
        switch self {
        case .basic: .level1
        case .intermediate: .level2
        case .advanced: .level3
        }
    }
}

/// Why a case moves up the ladder.
public enum EscalationTrigger: Equatable, Sendable {
    case slaAtRisk(SLAClockKind)
    case slaBreached(SLAClockKind)
    /// The customer asked for a manager (an explicit action).
    case customerRequestedManager
    /// The account's value asks for a higher start (a value rule of the policy).
    case accountValue(annualValue: Double, threshold: Double)
    /// A person decided, with a reason.
    case manual(reason: String, target: EscalationStep?)

    var reason: String {
        switch self {
        case .slaAtRisk(let kind): "SLA \(kind.label) at risk"
        case .slaBreached(let kind): "SLA \(kind.label) breached"
        case .customerRequestedManager: "the customer asked for a manager"
        case .accountValue(let value, let threshold): "account value \(Numbers.grouped(value)) ≥ \(Numbers.grouped(threshold))"
        case .manual(let reason, _): reason
        }
    }
}

/// A decided move on the ladder.
public struct EscalationDecision: Equatable, Sendable {
    public var from: EscalationStep
    public var to: EscalationStep
    public var level: SupportLevel
    public var rung: EscalationRung
    /// The stored explanation: the trigger and, when the ceiling stopped it, that too.
    public var reason: String
    public var capped: Bool

    public var isUp: Bool { to > from }
}

/// Why a move on the ladder was refused.
public enum EscalationRefusal: Error, Equatable, Sendable {
    case atCeiling(step: EscalationStep, ceiling: EscalationStep, model: ServiceModel)
    case notBelow(step: EscalationStep, target: EscalationStep)
    case notAbove(step: EscalationStep, target: EscalationStep)
    case reasonRequired

    public var message: String {
        switch self {
        case .atCeiling(let step, let ceiling, let model):
            "the case is at \(step.words); \(model.words) cases escalate no higher than \(ceiling.words)"
        case .notBelow(let step, let target): "\(target.words) is not below the case's current step \(step.words)"
        case .notAbove(let step, let target): "\(target.words) is not above the case's current step \(step.words)"
        case .reasonRequired: "a reason is required"
        }
    }
}

/// The escalation ladder's rules; the model's ceiling is always respected.
public enum EscalationLadder {
    /// Moves a case up for `trigger`: manual moves go to the named step or one up, a
    /// request for a manager goes to the manager, everything else one step up; capped at
    /// the ceiling (with the cap in the reason), refused when already there.
    public static func escalate(level: SupportLevel, rung: EscalationRung, trigger: EscalationTrigger,
                                ceiling: EscalationStep, model: ServiceModel) -> Result<EscalationDecision, EscalationRefusal> {
        let current = EscalationStep(level: level, rung: rung)
        var wanted: EscalationStep
        switch trigger {
        case .manual(let reason, let target):
            guard !reason.isBlank else { return .failure(.reasonRequired) }
            wanted = target ?? current.next ?? current
        case .customerRequestedManager: wanted = max(.manager, current.next ?? current)
        default: wanted = current.next ?? current
        }
        if case .manual(_, let target?) = trigger, target <= current { return .failure(.notAbove(step: current, target: target)) }
        let capped = wanted > ceiling
        if capped { wanted = ceiling }
        guard wanted > current else { return .failure(.atCeiling(step: current, ceiling: ceiling, model: model)) }
        var reason = trigger.reason
        if capped { reason += "; \(model.words) cases go no higher than \(ceiling.words)" }
        return .success(EscalationDecision(from: current, to: wanted, level: wanted.level(keeping: level), rung: wanted.rung(keeping: rung),
                                           reason: reason, capped: capped))
    }

    /// Moves a case down to `target` (default one step), with a reason.
    public static func deescalate(level: SupportLevel, rung: EscalationRung, to target: EscalationStep?,
                                  reason: String) -> Result<EscalationDecision, EscalationRefusal> {
        let trimmed = reason.trimmedWhitespace
        guard !trimmed.isEmpty else { return .failure(.reasonRequired) }
        let current = EscalationStep(level: level, rung: rung)
        guard let wanted = target ?? current.previous, wanted < current else {
            return .failure(.notBelow(step: current, target: target ?? current))
        }
        return .success(EscalationDecision(from: current, to: wanted, level: wanted.level(keeping: level), rung: wanted.rung(keeping: .agent),
                                           reason: trimmed, capped: false))
    }

    /// The step a new case starts at: the model's entry level, raised by a value rule.
    public static func entry(policy: ServicePolicy, annualValue: Double?, requested: SupportLevel) -> (step: EscalationStep, reason: String) {
        var step = max(policy.entryLevel.step, requested.step)
        var reason = "\(policy.model.words) enters at level \(policy.entryLevel.rawValue)"
        if requested.step > policy.entryLevel.step { reason += "; the topic asks for level \(requested.rawValue)" }
        if step > policy.escalationCeiling {
            step = policy.escalationCeiling
            reason += ", capped at the model's ceiling \(step.words)"
        }
        if let value = annualValue,
           let rule = policy.valueEscalations.filter({ value >= $0.minAnnualValue }).max(by: { $0.step < $1.step }),
           min(rule.step, policy.escalationCeiling) > step {
            step = min(rule.step, policy.escalationCeiling)
            reason += "; " + EscalationTrigger.accountValue(annualValue: value, threshold: rule.minAnnualValue).reason + " → \(step.words)"
        }
        return (step, reason)
    }
}

/// Number formatting for explanations (`240,000`, `1,500.5`).
enum Numbers {
    static func grouped(_ value: Double) -> String {
        // Whatever was stored before amounts were bounded still formats: not finite is a
        // word, and the digits come from the formatter, never through a trapping Int.
        guard value.isFinite else { return value.isNaN ? "not a number" : (value < 0 ? "-" : "") + "infinite" }
        let negative = value < 0
        let magnitude = abs(value)
        let whole = magnitude.rounded(.down)
        var digits = String(format: "%.0f", whole)
        var groups: [String] = []
        while digits.count > 3 {
            groups.insert(String(digits.suffix(3)), at: 0)
            digits.removeLast(3)
        }
        groups.insert(digits, at: 0)
        var text = groups.joined(separator: ",")
        let fraction = magnitude - whole
        if fraction > 0.000_5 {
            let cents = String(format: "%.2f", fraction).dropFirst(1)
            text += cents.hasSuffix("0") ? String(cents.dropLast()) : String(cents)
        }
        return (negative ? "-" : "") + text
    }

    /// The number as `language` writes it: English `240,000.5`, Polish `240 000,5` (a
    /// no-break space between groups, so a number never breaks across lines).
    static func grouped(_ value: Double, _ language: Language) -> String {
        let english = grouped(value)
        guard language == .pl else { return english }
        return String(english.map { $0 == "," ? "\u{00A0}" : $0 == "." ? "," : $0 })
    }
}
