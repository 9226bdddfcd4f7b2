import Foundation
import TouchpointCore

/// The segmentation rules as a builder: one block per rule (name, model, then rows of
/// attribute, operator and value), in the order they are tried, with a spare rule and a
/// spare condition row to add with. Reordering and removing re-show the form without
/// saving; a dry run and saving read the same fields.
enum RuleForm {
    /// At most this many rules and conditions per rule are read from a form (the rule set's
    /// own limits are checked after).
    static let maxRules = 200
    static let maxConditions = 20

    static func attributes(_ say: Language) -> [(String, String)] {
        [("", say.say("(no condition)", "(bez warunku)"))]
            + SegmentAttribute.allCases.map { ($0.rawValue, $0.label(say).prefix(1).uppercased() + $0.label(say).dropFirst()) }
    }
    static func operators(_ say: Language) -> [(String, String)] { ConditionOperator.allCases.map { ($0.rawValue, $0.symbol(say)) } }
    static let models: [(String, String)] = ServiceModel.allCases.map { ($0.rawValue, $0.words) }

    // MARK: rules → fields

    static func values(of rules: RuleSet) -> [String: String] {
        var values = ["defaultModel": rules.defaultModel.rawValue, "count": "\(rules.rules.count)"]
        for (index, rule) in rules.rules.enumerated() {
            values["r\(index)-name"] = rule.name
            values["r\(index)-model"] = rule.model.rawValue
            values["r\(index)-count"] = "\(rule.conditions.count)"
            for (position, condition) in rule.conditions.enumerated() {
                let key = { (name: String) in "r\(index)-c\(position)-\(name)" }
                values[key("attribute")] = condition.attribute.rawValue
                values[key("op")] = condition.op.rawValue
                values[key("value")] = text(condition.value, for: condition.attribute)
            }
        }
        return values
    }

    /// A value as the builder's box holds it: a plain number, a text, or texts separated by
    /// commas; stages in words ("at risk").
    static func text(_ value: ConditionValue, for attribute: SegmentAttribute) -> String {
        let shown = { (text: String) in attribute == .stage ? JourneyStage(rawValue: text)?.words ?? text : text }
        switch value {
        case .number(let number):
            return number == number.rounded() && abs(number) < 1e15 ? String(format: "%.0f", number) : "\(number)"
        case .text(let text): return shown(text)
        case .list(let texts): return texts.map(shown).joined(separator: ", ")
        }
    }

    /// The stored name of a word typed for an attribute with fixed values ("at risk" is
    /// `atRisk`); anything else as typed, for the rule set's check to name.
    static func named(_ typed: String, for attribute: SegmentAttribute) -> String {
        let names: [String] = switch attribute {
        case .complexity: ProductComplexity.allCases.map(\.rawValue)
        case .stage: JourneyStage.allCases.map(\.rawValue)
        case .churnRisk: ChurnRisk.allCases.map(\.rawValue)
        default: []
        }
        let squeezed = typed.lowercased().filter { !$0.isWhitespace }
        return names.first { $0.lowercased() == squeezed } ?? typed
    }

    /// The submitted fields, renumbered without gaps, with one rule moved or removed when
    /// `change` asks for it (`up:3`, `down:0`, `remove:2`).
    static func values(from form: HTMLForm, change: String? = nil) -> [String: String] {
        var blocks: [[String: String]] = []
        for index in 0..<maxRules {
            let prefix = "r\(index)-"
            guard form["\(prefix)name"] != nil else { continue }
            var block: [String: String] = ["name": form["\(prefix)name"] ?? "", "model": form["\(prefix)model"] ?? ""]
            var rows = 0
            for position in 0..<maxConditions {
                let key = { (name: String) in "\(prefix)c\(position)-\(name)" }
                let attribute = form[key("attribute")] ?? ""
                let value = form[key("value")] ?? ""
                if attribute.isEmpty && value.trimmingCharacters(in: .whitespaces).isEmpty { continue }
                block["c\(rows)-attribute"] = attribute
                block["c\(rows)-op"] = form[key("op")] ?? ""
                block["c\(rows)-value"] = value
                rows += 1
            }
            block["count"] = "\(rows)"
            // The spare block stays out until something is written in it.
            if (block["name"] ?? "").trimmingCharacters(in: .whitespaces).isEmpty && rows == 0 { continue }
            blocks.append(block)
        }
        if let change {
            let parts = change.split(separator: ":")
            if parts.count == 2, let index = Int(parts[1]), blocks.indices.contains(index) {
                switch parts[0] {
                case "up" where index > 0: blocks.swapAt(index, index - 1)
                case "down" where index + 1 < blocks.count: blocks.swapAt(index, index + 1)
                case "remove": blocks.remove(at: index)
                default: break
                }
            }
        }
        var values = ["defaultModel": form["defaultModel"] ?? "", "count": "\(blocks.count)"]
        for (index, block) in blocks.enumerated() {
            for (name, value) in block { values["r\(index)-\(name)"] = value }
        }
        return values
    }

    // MARK: fields → rules

    /// The rule set the fields describe, checked as the API checks it; an error names the
    /// rule and row as the builder shows them ("Rule 2, condition 1: …").
    static func rules(from values: [String: String]) throws(ValidationError) -> RuleSet {
        guard let defaultModel = ServiceModel(rawValue: values["defaultModel"] ?? "") else {
            throw ValidationError(field: "Otherwise", reason: "choose a model")
        }
        var rules: [SegmentationRule] = []
        for index in 0..<(Int(values["count"] ?? "") ?? 0) {
            let place = "Rule \(index + 1)"
            guard let model = ServiceModel(rawValue: values["r\(index)-model"] ?? "") else {
                throw ValidationError(field: place, reason: "choose a model")
            }
            var conditions: [SegmentCondition] = []
            for position in 0..<(Int(values["r\(index)-count"] ?? "") ?? 0) {
                let key = { (name: String) in "r\(index)-c\(position)-\(name)" }
                let row = "\(place), condition \(position + 1)"
                guard let attribute = SegmentAttribute(rawValue: values[key("attribute")] ?? "") else {
                    throw ValidationError(field: row, reason: "choose what the condition looks at")
                }
                guard let op = ConditionOperator(rawValue: values[key("op")] ?? "") else {
                    throw ValidationError(field: row, reason: "choose a comparison")
                }
                let typed = (values[key("value")] ?? "").trimmingCharacters(in: .whitespaces)
                guard !typed.isEmpty else { throw ValidationError(field: row, reason: "write the value to compare with") }
                conditions.append(SegmentCondition(attribute, op, try value(typed, for: attribute, op, field: row)))
            }
            rules.append(SegmentationRule(name: values["r\(index)-name"] ?? "", model: model, conditions: conditions))
        }
        do {
            return try RuleSet(rules: rules, defaultModel: defaultModel).validated()
        } catch {
            throw ValidationError(field: place(error.field), reason: error.reason)
        }
    }

    /// A typed value: a number for numeric attributes ("100 000", "100,000", "2.5"), texts
    /// separated by commas for "in" and "not in", else one text.
    static func value(_ typed: String, for attribute: SegmentAttribute, _ op: ConditionOperator, field: String) throws(ValidationError) -> ConditionValue {
        if attribute.isNumeric {
            var digits = typed.filter { !$0.isWhitespace && $0 != "_" }
            if digits.contains(","), digits.contains(".") || digits.range(of: #"^-?\d{1,3}(,\d{3})+$"#, options: .regularExpression) != nil {
                digits = digits.replacingOccurrences(of: ",", with: "")
            }
            guard let number = Double(digits.replacingOccurrences(of: ",", with: ".")), number.isFinite else {
                throw ValidationError(field: field, reason: "\(attribute.label) compares with a number, got '\(typed)'")
            }
            return .number(number)
        }
        if op == .in || op == .notIn {
            return .list(typed.split(separator: ",").map { named($0.trimmingCharacters(in: .whitespaces), for: attribute) }.filter { !$0.isEmpty })
        }
        return .text(named(typed, for: attribute))
    }

    /// "rules[1].conditions[0].value" in the builder's words: "Rule 2, condition 1".
    static func place(_ field: String) -> String {
        let say = Pages.speaking ?? .en
        var words: [String] = []
        if let range = field.range(of: #"rules\[(\d+)\]"#, options: .regularExpression) {
            words.append(say.say("Rule", "Reguła") + " \((Int(field[range].dropFirst(6).dropLast()) ?? 0) + 1)")
        }
        if let range = field.range(of: #"conditions\[(\d+)\]"#, options: .regularExpression) {
            words.append(say.say("condition", "warunek") + " \((Int(field[range].dropFirst(11).dropLast()) ?? 0) + 1)")
        }
        if field.hasSuffix(".name") { words.append(say.say("name", "nazwa")) }
        return words.isEmpty ? field : words.joined(separator: ", ")
    }

    // MARK: the form's view

    struct ConditionRow {
        var key: String
        var number: Int
        var attributes: [FormChoice]
        var operators: [FormChoice]
        var value: String
    }

    struct RuleBlock {
        var index: Int
        var number: Int
        var name: String
        var models: [FormChoice]
        var conditions: [ConditionRow]
        var first: Bool
        var last: Bool
        /// The spare block for a new rule (no reorder or remove buttons).
        var spare: Bool
    }

    struct View {
        var rules: [RuleBlock]
        var defaults: [FormChoice]
        var hints: String
    }

    static func view(_ values: [String: String], _ say: Language) -> View {
        let (attributes, operators) = (attributes(say), operators(say))
        let count = Int(values["count"] ?? "") ?? 0
        let blocks = (0...count).map { index -> RuleBlock in
            let spare = index == count
            let written = Int(values["r\(index)-count"] ?? "") ?? 0
            let rows = (0..<(written + (spare ? 2 : 1))).map { position -> ConditionRow in
                let key = "r\(index)-c\(position)"
                return ConditionRow(
                    key: key, number: position + 1, attributes: FormChoice.list(attributes, values["\(key)-attribute"]),
                    operators: FormChoice.list(operators, values["\(key)-op"] ?? "gte"), value: values["\(key)-value"] ?? "")
            }
            return RuleBlock(
                index: index, number: index + 1, name: values["r\(index)-name"] ?? "",
                models: FormChoice.list(models, values["r\(index)-model"] ?? "techTouch"), conditions: rows,
                first: index == 0, last: index + 1 >= count, spare: spare)
        }
        return View(
            rules: blocks, defaults: FormChoice.list(models, values["defaultModel"]),
            hints: say.say("Complexity: low, medium, high. Stage: ", "Złożoność: low, medium, high. Etap: ")
                + JourneyStage.allCases.map(\.words).joined(separator: ", ")
                + say.say(". Churn risk: low, medium, high. Several values for “in”: separate them with commas.",
                          ". Ryzyko odejścia: low, medium, high. Kilka wartości dla „w”: oddziel je przecinkami."))
    }
}
