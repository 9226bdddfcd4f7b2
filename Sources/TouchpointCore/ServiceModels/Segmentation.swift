import Foundation

/// What a segmentation condition looks at.
public enum SegmentAttribute: String, WireEnum {
    case annualValue, averageOrderValue, complexity, stage, healthScore, goals
    /// The contact's role (their title, e.g. "CFO, decision maker"); rules naming it apply
    /// to contacts only, which is how one account mixes models.
    case contactRole
    /// The computed churn risk (low, medium, high), so a falling account can move to a more
    /// personal model.
    case churnRisk

    /// The attribute as staff read it in a rule.
    public var label: String {
        switch self {
        case .annualValue: "annual value"
        case .averageOrderValue: "average order value"
        case .complexity: "complexity"
        case .stage: "stage"
        case .healthScore: "health score"
        case .goals: "goals"
        case .contactRole: "contact role"
        case .churnRisk: "churn risk"
        }
    }

    public var isNumeric: Bool { self == .annualValue || self == .averageOrderValue || self == .healthScore }
}

public enum ConditionOperator: String, WireEnum {
    case gte, gt, lte, lt, eq, ne, `in`, notIn, contains, notContains

    /// The operator as a rule reads: "≥", "not in".
    public var symbol: String {
        switch self {
        case .gte: "≥"
        case .gt: ">"
        case .lte: "≤"
        case .lt: "<"
        case .eq: "="
        case .ne: "≠"
        case .in: "in"
        case .notIn: "not in"
        case .contains: "contains"
        case .notContains: "does not contain"
        }
    }
}

/// A condition's operand: a number, a text, or a list of texts.
public enum ConditionValue: Codable, Equatable, Sendable {
    case number(Double)
    case text(String)
    case list([String])

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let number = try? container.decode(Double.self) { self = .number(number) }
        else if let text = try? container.decode(String.self) { self = .text(text) }
        else if let list = try? container.decode([String].self) { self = .list(list) }
        else { throw DecodingError.dataCorruptedError(in: container, debugDescription: "must be a number, a string or a list of strings") }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .number(let value): try container.encode(value)
        case .text(let value): try container.encode(value)
        case .list(let value): try container.encode(value)
        }
    }

    var texts: [String] {
        switch self {
        case .number(let value): [Numbers.grouped(value)]
        case .text(let value): [value]
        case .list(let values): values
        }
    }
}

/// One test of an account (or contact) attribute.
public struct SegmentCondition: Codable, Equatable, Sendable {
    public var attribute: SegmentAttribute
    public var op: ConditionOperator
    public var value: ConditionValue

    public init(_ attribute: SegmentAttribute, _ op: ConditionOperator, _ value: ConditionValue) {
        self.attribute = attribute
        self.op = op
        self.value = value
    }

    func validated(field: String) throws(ValidationError) -> SegmentCondition {
        var copy = self
        if attribute.isNumeric {
            guard [.gte, .gt, .lte, .lt, .eq, .ne].contains(op) else {
                throw ValidationError(field: "\(field).op", reason: "\(attribute.rawValue) compares with gte, gt, lte, lt, eq or ne")
            }
            guard case .number(let number) = value else {
                throw ValidationError(field: "\(field).value", reason: "\(attribute.rawValue) compares with a number")
            }
            copy.value = .number(try Check.bounded(number, field: "\(field).value"))
            return copy
        }
        switch attribute {
        case .complexity, .stage, .churnRisk:
            guard [.eq, .ne, .in, .notIn].contains(op) else {
                throw ValidationError(field: "\(field).op", reason: "\(attribute.rawValue) compares with eq, ne, in or notIn")
            }
            if case .number = value { throw ValidationError(field: "\(field).value", reason: "must be a string or a list of strings") }
            let allowed = switch attribute {
            case .complexity: ProductComplexity.allCases.map(\.rawValue)
            case .stage: JourneyStage.allCases.map(\.rawValue)
            default: ChurnRisk.allCases.map(\.rawValue)
            }
            for text in value.texts where !allowed.contains(text) {
                throw ValidationError(field: "\(field).value", reason: "unknown \(attribute.rawValue) '\(text)'; expected one of: " + allowed.joined(separator: ", "))
            }
        case .goals, .contactRole:
            guard [.eq, .ne, .in, .notIn, .contains, .notContains].contains(op) else {
                throw ValidationError(field: "\(field).op", reason: "\(attribute.rawValue) compares with eq, ne, in, notIn, contains or notContains")
            }
            guard case .number = value else {
                copy.value = .list(value.texts.map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty })
                if case .text(let text) = value { copy.value = .text(text.trimmingCharacters(in: .whitespaces)) }
                return copy
            }
            throw ValidationError(field: "\(field).value", reason: "must be a string or a list of strings")
        default: break
        }
        if (op == .in || op == .notIn), case .text(let single) = value { copy.value = .list([single]) }
        return copy
    }

    /// Whether the subject meets the condition, and the phrase that says so.
    func test(_ subject: SegmentSubject) -> (Bool, String) {
        let label = attribute.label
        func compare(_ actual: Double) -> (Bool, String) {
            guard case .number(let expected) = value else { return (false, "") }
            let met: Bool = switch op {
            case .gte: actual >= expected
            case .gt: actual > expected
            case .lte: actual <= expected
            case .lt: actual < expected
            case .eq: actual == expected
            case .ne: actual != expected
            default: false
            }
            let phrase = "\(label) \(Numbers.grouped(actual)) \(met ? op.symbol : negated(op)) \(Numbers.grouped(expected))"
            return (met, phrase)
        }
        func match(_ actual: [String], shown: String) -> (Bool, String) {
            let wanted = value.texts.map { $0.lowercased() }
            let have = actual.map { $0.lowercased() }
            let met: Bool
            switch op {
            case .eq: met = have.contains(wanted.first ?? "")
            case .ne: met = !have.contains(wanted.first ?? "")
            case .in: met = have.contains(where: wanted.contains)
            case .notIn: met = !have.contains(where: wanted.contains)
            case .contains: met = wanted.allSatisfy { word in have.contains { $0.contains(word) } }
            case .notContains: met = !wanted.contains { word in have.contains { $0.contains(word) } }
            default: met = false
            }
            let expected = value.texts.count == 1 ? "'\(value.texts[0])'" : "{" + value.texts.joined(separator: ", ") + "}"
            if (op == .eq && met) { return (met, "\(label) \(shown)") }
            return (met, "\(label) \(shown) \(met ? op.symbol : negated(op)) \(expected)")
        }
        switch attribute {
        case .annualValue: return compare(subject.profile.annualValue)
        case .averageOrderValue: return compare(subject.profile.averageOrderValue)
        case .healthScore: return compare(Double(subject.profile.healthScore))
        case .complexity: return match([subject.profile.complexity.rawValue], shown: subject.profile.complexity.rawValue)
        case .stage: return match([subject.profile.stage.rawValue], shown: subject.profile.stage.rawValue)
        case .churnRisk: return match([subject.profile.churnRisk.rawValue], shown: subject.profile.churnRisk.rawValue)
        case .goals:
            let goals = subject.profile.goals
            return match(goals, shown: goals.isEmpty ? "(none)" : "'" + goals.joined(separator: "', '") + "'")
        case .contactRole:
            let role = subject.contactRole ?? ""
            return match([role], shown: role.isEmpty ? "(none)" : "'\(role)'")
        }
    }

    private func negated(_ op: ConditionOperator) -> String {
        switch op {
        case .gte: "<"
        case .gt: "≤"
        case .lte: ">"
        case .lt: "≥"
        case .eq: "≠"
        case .ne: "="
        case .in: "not in"
        case .notIn: "in"
        case .contains: "does not contain"
        case .notContains: "contains"
        }
    }
}

/// Assigns `model` when every condition holds.
public struct SegmentationRule: Codable, Equatable, Sendable {
    public var name: String
    public var model: ServiceModel
    public var conditions: [SegmentCondition]

    public init(name: String, model: ServiceModel, conditions: [SegmentCondition]) {
        self.name = name
        self.model = model
        self.conditions = conditions
    }

    /// Whether the rule speaks of contacts (and so never decides an account's own model).
    public var isContactRule: Bool { conditions.contains { $0.attribute == .contactRole } }
}

/// The ordered rules of a brand: the first rule that matches decides; none → `defaultModel`.
public struct RuleSet: Codable, Equatable, Sendable {
    public var rules: [SegmentationRule]
    public var defaultModel: ServiceModel

    public init(rules: [SegmentationRule], defaultModel: ServiceModel) {
        self.rules = rules
        self.defaultModel = defaultModel
    }

    public func validated() throws(ValidationError) -> RuleSet {
        guard rules.count <= 200 else { throw ValidationError(field: "rules", reason: "at most 200 rules") }
        var copy = self
        var names: Set<String> = []
        for (index, rule) in rules.enumerated() {
            let field = "rules[\(index)]"
            copy.rules[index].name = try Check.text(rule.name, field: "\(field).name", max: 120)
            guard names.insert(copy.rules[index].name.lowercased()).inserted else {
                throw ValidationError(field: "\(field).name", reason: "another rule is already named '\(rule.name)'")
            }
            guard !rule.conditions.isEmpty, rule.conditions.count <= 20 else {
                throw ValidationError(field: "\(field).conditions", reason: "a rule needs 1 to 20 conditions")
            }
            for (position, condition) in rule.conditions.enumerated() {
                copy.rules[index].conditions[position] = try condition.validated(field: "\(field).conditions[\(position)]")
            }
        }
        return copy
    }

    /// The shipped rules: value and complexity decide, onboarding gets more attention, and
    /// at strategic accounts decision makers get a named advisor while other users self-serve.
    public static let defaults = RuleSet(rules: [
        SegmentationRule(name: "Strategic decision makers", model: .highTouch, conditions: [
            SegmentCondition(.annualValue, .gte, .number(50_000)), SegmentCondition(.contactRole, .contains, .text("decision maker"))]),
        SegmentationRule(name: "Strategic", model: .highTouch, conditions: [
            SegmentCondition(.annualValue, .gte, .number(100_000)), SegmentCondition(.complexity, .eq, .text("high"))]),
        SegmentationRule(name: "Onboarding care", model: .highTouch, conditions: [
            SegmentCondition(.stage, .eq, .text("onboarding")), SegmentCondition(.annualValue, .gte, .number(50_000))]),
        SegmentationRule(name: "At risk", model: .midTouch, conditions: [
            SegmentCondition(.healthScore, .lt, .number(40)), SegmentCondition(.annualValue, .gte, .number(10_000))]),
        SegmentationRule(name: "Key accounts", model: .midTouch, conditions: [SegmentCondition(.annualValue, .gte, .number(50_000))]),
        SegmentationRule(name: "Growing", model: .lowTouch, conditions: [SegmentCondition(.annualValue, .gte, .number(5_000))]),
        SegmentationRule(name: "Complex products", model: .lowTouch, conditions: [SegmentCondition(.complexity, .in, .list(["medium", "high"]))]),
    ], defaultModel: .techTouch)
}

/// What segmentation looks at: an account's profile, and for a contact their role.
public struct SegmentSubject: Sendable {
    public var profile: AccountProfile
    /// nil evaluates the account itself; a string (possibly empty) evaluates a contact.
    public var contactRole: String?

    public init(profile: AccountProfile, contactRole: String? = nil) {
        self.profile = profile
        self.contactRole = contactRole
    }
}

/// A model with the reason it was chosen.
public struct Segmentation: Equatable, Sendable {
    public var model: ServiceModel
    /// The name of the rule that matched, nil for the default.
    public var rule: String?
    public var explanation: String

    public init(model: ServiceModel, rule: String?, explanation: String) {
        self.model = model
        self.rule = rule
        self.explanation = explanation
    }
}

extension RuleSet {
    /// The model of an account (contact rules skipped) or of a contact (all rules).
    public func evaluate(_ subject: SegmentSubject) -> Segmentation {
        for rule in rules {
            if subject.contactRole == nil && rule.isContactRule { continue }
            var phrases: [String] = []
            var matched = true
            for condition in rule.conditions {
                let (met, phrase) = condition.test(subject)
                if !met { matched = false; break }
                phrases.append(phrase)
            }
            if matched {
                return Segmentation(model: rule.model, rule: rule.name,
                                    explanation: "\(rule.model.words): " + phrases.joined(separator: " and ") + " (rule '\(rule.name)')")
            }
        }
        return Segmentation(model: defaultModel, rule: nil, explanation: "\(defaultModel.words): no rule matched (the default model)")
    }

    /// A contact's model: a contact rule that matches overrides the account's model.
    public func evaluateContact(profile: AccountProfile, role: String?) -> Segmentation {
        let contact = evaluate(SegmentSubject(profile: profile, contactRole: role ?? ""))
        // When the first match is not a contact rule, the account's own evaluation (which
        // only skips contact rules, none of which matched) ends on the same rule.
        guard let name = contact.rule, rules.first(where: { $0.name == name })?.isContactRule == true else { return contact }
        let account = evaluate(SegmentSubject(profile: profile))
        var mixed = contact
        if contact.model != account.model { mixed.explanation += "; the account itself is \(account.model.rawValue)" }
        return mixed
    }
}

/// An account as the dry run and re-evaluation see it.
public struct SegmentedAccount: Sendable {
    public var id: AccountID
    public var name: String
    public var profile: AccountProfile
    public var current: ServiceModel?

    public init(id: AccountID, name: String, profile: AccountProfile, current: ServiceModel?) {
        self.id = id
        self.name = name
        self.profile = profile
        self.current = current
    }
}

/// What a rule set would do to a brand's accounts.
/// A contact with a role, as the dry run sees them: contact rules may give them a model of
/// their own, different from their account's.
public struct SegmentedContact: Sendable {
    public var id: ContactID
    public var name: String?
    public var title: String
    public var accountID: AccountID

    public init(id: ContactID, name: String?, title: String, accountID: AccountID) {
        self.id = id
        self.name = name
        self.title = title
        self.accountID = accountID
    }
}

public struct DryRun: Sendable {
    public struct Change: Sendable, Equatable {
        public var accountID: AccountID
        public var name: String
        public var from: ServiceModel?
        public var to: ServiceModel
        public var explanation: String
    }

    /// A contact whose own model would change, other than along with their account.
    public struct ContactChange: Sendable, Equatable {
        public var contactID: ContactID
        public var name: String?
        public var title: String
        public var accountID: AccountID
        public var accountName: String
        public var from: ServiceModel
        public var to: ServiceModel
        public var explanation: String
    }

    /// Accounts per model under the candidate rules (every model listed, zero included).
    public var counts: [ServiceModel: Int]
    /// Accounts per model today.
    public var currentCounts: [ServiceModel: Int]
    /// The accounts whose model would change, in the order given.
    public var changes: [Change]
    /// The contacts whose own model would change: a contact rule starts, stops or moves them,
    /// where their account alone would not (those follow their account, listed above).
    public var contactChanges: [ContactChange]

    /// Evaluates every account, and every contact with a role, under `rules` against `current`
    /// without changing anything.
    public static func run(_ rules: RuleSet, current currentRules: RuleSet, accounts: [SegmentedAccount], contacts: [SegmentedContact] = []) -> DryRun {
        var counts = Dictionary(uniqueKeysWithValues: ServiceModel.allCases.map { ($0, 0) })
        var current = counts
        var changes: [Change] = []
        var byID: [AccountID: SegmentedAccount] = [:]
        for account in accounts {
            byID[account.id] = account
            let result = rules.evaluate(SegmentSubject(profile: account.profile))
            counts[result.model, default: 0] += 1
            if let model = account.current { current[model, default: 0] += 1 }
            if result.model != account.current {
                changes.append(Change(accountID: account.id, name: account.name, from: account.current, to: result.model, explanation: result.explanation))
            }
        }
        var contactChanges: [ContactChange] = []
        for contact in contacts {
            guard let account = byID[contact.accountID] else { continue }
            let before = currentRules.evaluateContact(profile: account.profile, role: contact.title)
            let after = rules.evaluateContact(profile: account.profile, role: contact.title)
            guard before.model != after.model else { continue }
            // A contact who is and stays with their account's model moves with it: already listed.
            let accountBefore = currentRules.evaluate(SegmentSubject(profile: account.profile)).model
            let accountAfter = rules.evaluate(SegmentSubject(profile: account.profile)).model
            guard before.model != accountBefore || after.model != accountAfter else { continue }
            contactChanges.append(ContactChange(contactID: contact.id, name: contact.name, title: contact.title, accountID: account.id,
                                                accountName: account.name, from: before.model, to: after.model, explanation: after.explanation))
        }
        return DryRun(counts: counts, currentCounts: current, changes: changes, contactChanges: contactChanges)
    }
}
