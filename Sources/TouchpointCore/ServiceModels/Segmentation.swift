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

    /// Whether the subject meets the condition, and how it held.
    func test(_ subject: SegmentSubject) -> (Bool, ConditionReading) {
        func reading(_ met: Bool, _ actual: ConditionValue) -> (Bool, ConditionReading) {
            (met, ConditionReading(attribute: attribute, relation: met ? op : op.opposite, actual: actual, expected: value))
        }
        func compare(_ actual: Double) -> (Bool, ConditionReading) {
            guard case .number(let expected) = value else { return reading(false, .number(actual)) }
            let met: Bool = switch op {
            case .gte: actual >= expected
            case .gt: actual > expected
            case .lte: actual <= expected
            case .lt: actual < expected
            case .eq: actual == expected
            case .ne: actual != expected
            default: false
            }
            return reading(met, .number(actual))
        }
        func match(_ actual: [String]) -> (Bool, ConditionReading) {
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
            var result = reading(met, .list(actual.filter { !$0.isEmpty }))
            // A met equality reads best alone: "complexity high", not "complexity high = 'high'".
            if op == .eq && met { result.1.relation = nil }
            return result
        }
        switch attribute {
        case .annualValue: return compare(subject.profile.annualValue)
        case .averageOrderValue: return compare(subject.profile.averageOrderValue)
        case .healthScore: return compare(Double(subject.profile.healthScore))
        case .complexity: return match([subject.profile.complexity.rawValue])
        case .stage: return match([subject.profile.stage.rawValue])
        case .churnRisk: return match([subject.profile.churnRisk.rawValue])
        case .goals: return match(subject.profile.goals)
        case .contactRole: return match([subject.contactRole ?? ""])
        }
    }
}

extension ConditionOperator {
    /// The comparison that holds when this one does not: `<` for `≥`, "in" for "not in".
    var opposite: ConditionOperator {
        switch self {
        case .gte: .lt
        case .gt: .lte
        case .lte: .gt
        case .lt: .gte
        case .eq: .ne
        case .ne: .eq
        case .in: .notIn
        case .notIn: .in
        case .contains: .notContains
        case .notContains: .contains
        }
    }
}

/// A condition as it held for one subject, kept as facts so that it reads in the reader's
/// language: "annual value 240,000 ≥ 100,000", "wartość roczna 240 000 ≥ 100 000",
/// "complexity high", "contact role (none) does not contain 'cfo'".
public struct ConditionReading: Codable, Equatable, Sendable {
    public var attribute: SegmentAttribute
    /// The comparison that holds for the subject (the rule's own when met, its opposite when
    /// not); nil for a met equality, which reads best alone.
    public var relation: ConditionOperator?
    /// The subject's value: a number, or texts (none: empty).
    public var actual: ConditionValue
    /// What the rule compares with.
    public var expected: ConditionValue

    /// The reading as a phrase in `language`.
    public func words(_ language: Language) -> String {
        let shown = "\(attribute.label(language)) \(subject(language))"
        guard let relation else { return shown }
        return "\(shown) \(relation.symbol(language)) \(rule(language))"
    }

    private var isFreeText: Bool { attribute == .goals || attribute == .contactRole }

    private func subject(_ language: Language) -> String {
        switch actual {
        case .number(let number): return Numbers.grouped(number, language)
        case .text(let text): return term(text, language)
        case .list(let texts):
            guard !texts.isEmpty else { return language.say("(none)", "(brak)") }
            // Free text (goals, a contact's role) is quoted as the customer wrote it.
            return texts.map { isFreeText ? quoted($0, language) : term($0, language) }.joined(separator: ", ")
        }
    }

    private func rule(_ language: Language) -> String {
        switch expected {
        case .number(let number): return Numbers.grouped(number, language)
        case .text(let text): return quoted(term(text, language), language)
        case .list(let texts) where texts.count == 1: return quoted(term(texts[0], language), language)
        case .list(let texts): return "{" + texts.map { term($0, language) }.joined(separator: ", ") + "}"
        }
    }

    private func quoted(_ text: String, _ language: Language) -> String {
        language.say("'\(text)'", "„\(text)”")
    }

    /// A value as the reader says it: a stage, complexity or churn risk in their words ("at
    /// risk", not `atRisk`); anything else as written.
    private func term(_ text: String, _ language: Language) -> String {
        guard !isFreeText else { return text }
        func named<Term: CaseIterable & RawRepresentable<String>>(_: Term.Type, _ words: (Term) -> String) -> String {
            Term.allCases.first { $0.rawValue.lowercased() == text.lowercased() }.map(words) ?? text
        }
        return switch attribute {
        case .complexity: named(ProductComplexity.self) { $0.words(language) }
        case .stage: named(JourneyStage.self) { $0.words(language) }
        case .churnRisk: named(ChurnRisk.self) { $0.words(language) }
        default: text
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
public struct Segmentation: Codable, Equatable, Sendable {
    public var model: ServiceModel
    /// The name of the rule that matched, nil for the default.
    public var rule: String?
    /// The matched rule's conditions as they held, in the rule's order (none for the default).
    public var readings: [ConditionReading]
    /// For a contact whose own rule gave another model than their account's: the account's.
    public var accountModel: ServiceModel?

    public init(model: ServiceModel, rule: String?, readings: [ConditionReading] = [], accountModel: ServiceModel? = nil) {
        self.model = model
        self.rule = rule
        self.readings = readings
        self.accountModel = accountModel
    }

    /// The facts as an event carries them (`because`), so a timeline says them again in its
    /// reader's language.
    /// Built by hand (a re-evaluation may write one per account), in the shape `Codable`
    /// reads back.
    public var payload: JSONValue {
        func json(_ value: ConditionValue) -> JSONValue {
            switch value {
            case .number(let number): .double(number)
            case .text(let text): .string(text)
            case .list(let texts): .array(texts.map(JSONValue.string))
            }
        }
        var object: [String: JSONValue] = ["model": .string(model.rawValue), "readings": .array(readings.map { reading in
            var fields: [String: JSONValue] = ["attribute": .string(reading.attribute.rawValue), "actual": json(reading.actual), "expected": json(reading.expected)]
            if let relation = reading.relation { fields["relation"] = .string(relation.rawValue) }
            return .object(fields)
        })]
        if let rule { object["rule"] = .string(rule) }
        if let accountModel { object["accountModel"] = .string(accountModel.rawValue) }
        return .object(object)
    }

    /// The facts an event carried; nil when they do not read as a segmentation.
    public init?(payload: JSONValue) {
        guard let data = try? JSONEncoder().encode(payload), let read = try? JSONDecoder().decode(Segmentation.self, from: data) else { return nil }
        self = read
    }

    /// Why, in English: what is stored on the account and sent in events and the API.
    public var explanation: String { explanation(.en) }

    /// Why, in `language`: "High-touch: annual value 240,000 ≥ 100,000 and complexity high
    /// (rule 'Strategic')", "High-touch: wartość roczna 240 000 ≥ 100 000 i złożoność wysoka
    /// (reguła „Strategic”)".
    public func explanation(_ language: Language) -> String {
        var text = "\(model.words): "
        if let rule {
            text += readings.map { $0.words(language) }.joined(separator: language.say(" and ", " i "))
                + language.say(" (rule '\(rule)')", " (reguła „\(rule)”)")
        } else {
            text += language.say("no rule matched (the default model)", "żadna reguła nie pasuje (model domyślny)")
        }
        if let accountModel { text += language.say("; the account itself is \(accountModel.words)", "; sama firma: \(accountModel.words)") }
        return text
    }
}

extension RuleSet {
    /// The model of an account (contact rules skipped) or of a contact (all rules).
    public func evaluate(_ subject: SegmentSubject) -> Segmentation {
        for rule in rules {
            if subject.contactRole == nil && rule.isContactRule { continue }
            var readings: [ConditionReading] = []
            var matched = true
            for condition in rule.conditions {
                let (met, reading) = condition.test(subject)
                if !met { matched = false; break }
                readings.append(reading)
            }
            if matched { return Segmentation(model: rule.model, rule: rule.name, readings: readings) }
        }
        return Segmentation(model: defaultModel, rule: nil)
    }

    /// A contact's model: a contact rule that matches overrides the account's model.
    public func evaluateContact(profile: AccountProfile, role: String?) -> Segmentation {
        let contact = evaluate(SegmentSubject(profile: profile, contactRole: role ?? ""))
        // When the first match is not a contact rule, the account's own evaluation (which
        // only skips contact rules, none of which matched) ends on the same rule.
        guard let name = contact.rule, rules.first(where: { $0.name == name })?.isContactRule == true else { return contact }
        let account = evaluate(SegmentSubject(profile: profile))
        var mixed = contact
        if contact.model != account.model { mixed.accountModel = account.model }
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
        /// Why the account would get `to`.
        public var why: Segmentation
        public var explanation: String { why.explanation }
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
        /// Why the contact would get `to`.
        public var why: Segmentation
        public var explanation: String { why.explanation }
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
                changes.append(Change(accountID: account.id, name: account.name, from: account.current, to: result.model, why: result))
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
                                                accountName: account.name, from: before.model, to: after.model, why: after))
        }
        return DryRun(counts: counts, currentCounts: current, changes: changes, contactChanges: contactChanges)
    }
}
