import Foundation
import TouchpointCore

/// A service model's policy as a form: contact points as checkboxes, SLA targets per
/// priority as a table of lengths ("4 h", "1 h 30 min"), and the rest as selects and
/// numbers. What the form does not show (costs, value rules, the assistant, playbooks) is
/// kept from the saved policy; the JSON box under "Advanced" edits everything.
enum PolicyForm {
    static func levels(_ say: Language) -> [(String, String)] { SupportLevel.allCases.map { ("\($0.rawValue)", $0.words(say)) } }
    static func ceilings(_ say: Language) -> [(String, String)] {
        EscalationStep.allCases.map { ($0.rawValue, $0.words(say).prefix(1).uppercased() + $0.words(say).dropFirst()) }
    }
    static func points(_ say: Language) -> [(String, String)] { ContactPoint.allCases.map { ($0.rawValue, $0.label(say)) } }
    static let priorities: [Priority] = [.urgent, .high, .normal, .low]

    static func key(_ priority: Priority, _ kind: SLAClockKind) -> String { "sla-\(priority.rawValue)-\(kind.rawValue)" }

    // MARK: policy → fields

    static func values(of policy: ServicePolicy) -> [String: String] {
        var values: [String: String] = [
            "offered": policy.offeredContactPoints.map(\.rawValue).joined(separator: ","),
            "humanReach": policy.humanReach.rawValue,
            "calendarId": policy.calendarId?.text ?? "",
            "entryLevel": "\(policy.entryLevel.rawValue)",
            "escalationCeiling": policy.escalationCeiling.rawValue,
            "namedCSM": policy.namedCSM ? "on" : "",
            "csmCapacity": policy.csmCapacity.map(String.init) ?? "",
            "atRiskPercent": percent(policy.atRiskShare),
            "escalateOnRisk": policy.escalateOnRisk ? "on" : "",
            "escalateOnBreach": policy.escalateOnBreach ? "on" : "",
            "chatsAtOnce": "\(policy.chatConcurrency)",
            "continueWithin": MinutesField.text(policy.continuationWindow),
        ]
        for priority in Priority.allCases {
            for kind in SLAClockKind.allCases { values[key(priority, kind)] = MinutesField.text(policy.sla[priority].minutes(kind)) }
        }
        return values
    }

    /// A share as a percentage to one decimal: 0.8 is "80", 0.825 "82.5".
    static func percent(_ share: Double) -> String {
        let tenths = (share * 1000).rounded()
        return tenths.truncatingRemainder(dividingBy: 10) == 0 ? String(format: "%.0f", tenths / 10) : String(format: "%.1f", tenths / 10)
    }

    /// The submitted fields, as they came (for showing the form again).
    static func values(from form: HTMLForm) -> [String: String] {
        var values: [String: String] = ["offered": form.all("offered").joined(separator: ",")]
        var names = ["humanReach", "calendarId", "entryLevel", "escalationCeiling", "namedCSM", "csmCapacity", "atRiskPercent",
                     "escalateOnRisk", "escalateOnBreach", "chatsAtOnce", "continueWithin"]
        for priority in Priority.allCases { for kind in SLAClockKind.allCases { names.append(key(priority, kind)) } }
        for name in names { values[name] = form[name] ?? "" }
        return values
    }

    // MARK: fields → policy

    /// The saved policy with the form's fields applied, checked as the API checks it; an
    /// error names the field by its label.
    static func policy(from form: HTMLForm, over current: ServicePolicy) throws(ValidationError) -> ServicePolicy {
        func text(_ name: String) -> String? {
            guard let value = form[name]?.trimmingCharacters(in: .whitespaces), !value.isEmpty else { return nil }
            return value
        }
        func number(_ name: String) throws(ValidationError) -> Int? {
            guard let raw = text(name) else { return nil }
            guard let value = Int(raw) else { throw ValidationError(field: label(name), reason: "must be a whole number, got '\(raw)'") }
            return value
        }
        func required<T>(_ name: String, _ parse: (String) -> T?) throws(ValidationError) -> T {
            guard let raw = text(name), let value = parse(raw) else { throw ValidationError(field: label(name), reason: "choose one of the options") }
            return value
        }
        var policy = current
        policy.offeredContactPoints = form.all("offered").compactMap(ContactPoint.init(rawValue:))
        policy.humanReach = try required("humanReach", HumanReach.init(rawValue:))
        if let raw = text("calendarId") {
            guard let id = UUID(text: raw) else { throw ValidationError(field: label("calendarId"), reason: "choose one of the options") }
            policy.calendarId = id
        } else {
            policy.calendarId = nil
        }
        policy.entryLevel = try required("entryLevel") { Int($0).flatMap(SupportLevel.init(rawValue:)) }
        policy.escalationCeiling = try required("escalationCeiling", EscalationStep.init(rawValue:))
        policy.namedCSM = text("namedCSM") != nil
        policy.csmCapacity = try number("csmCapacity")
        var table = policy.sla
        for priority in priorities {
            var targets = table[priority]
            for kind in SLAClockKind.allCases {
                let name = key(priority, kind)
                let minutes = try MinutesField.minutes(text(name) ?? "", field: label(name))
                switch kind {
                case .firstResponse: targets.firstResponseMinutes = minutes
                case .nextResponse: targets.nextResponseMinutes = minutes
                case .resolution: targets.resolutionMinutes = minutes
                }
            }
            switch priority {
            case .low: table.low = targets
            case .normal: table.normal = targets
            case .high: table.high = targets
            case .urgent: table.urgent = targets
            }
        }
        policy.sla = table
        if let raw = text("atRiskPercent") {
            guard let percent = Double(raw.replacingOccurrences(of: ",", with: ".").replacingOccurrences(of: "%", with: "").trimmingCharacters(in: .whitespaces)),
                  percent.isFinite else {
                throw ValidationError(field: label("atRiskPercent"), reason: "must be a percentage, got '\(raw)'")
            }
            policy.atRiskShare = percent / 100
        }
        policy.escalateOnRisk = text("escalateOnRisk") != nil
        policy.escalateOnBreach = text("escalateOnBreach") != nil
        policy.chatsAtOnce = try number("chatsAtOnce")
        if let raw = text("continueWithin") { policy.continueWithinMinutes = try MinutesField.minutes(raw, field: label("continueWithin")) }
        do {
            return try policy.validated(as: current.model)
        } catch {
            throw ValidationError(field: label(error.field), reason: reason(error))
        }
    }

    /// The policy's rule in the form's words: a percentage where the API says a share.
    private static func reason(_ error: ValidationError) -> String {
        switch error.field {
        case "atRiskShare": "must be between 50 and 95 %"
        case let field where field.hasPrefix("sla."): "must be between 1 min and 8760 h (a year)"
        case "offeredContactPoints": "tick at least one contact point"
        case "entryLevel": "cases cannot start above the highest escalation step"
        default: error.reason
        }
    }

    /// A field's label, for form fields and for the policy's own field names.
    static func label(_ field: String) -> String {
        for priority in Priority.allCases {
            for kind in SLAClockKind.allCases where field == key(priority, kind) || field == "sla.\(priority.rawValue).\(kind.rawValue)Minutes" {
                let say = Pages.speaking ?? .en
                return say.say("\(priority.rawValue.prefix(1).uppercased() + priority.rawValue.dropFirst()) priority, \(kind.label)",
                               "Priorytet \(priority.words(say)), \(kind.label(say))")
            }
        }
        return switch field {
        case "offered", "offeredContactPoints": "Contact points offered"
        case "humanReach": "How customers reach a person"
        case "calendarId": "Opening hours"
        case "entryLevel": "Cases start at"
        case "escalationCeiling": "Escalate at most to"
        case "csmCapacity": "Accounts per advisor"
        case "atRiskPercent", "atRiskShare": "At risk after"
        case "chatsAtOnce": "Chats one agent holds at once"
        case "continueWithin", "continueWithinMinutes": "A message continues the open case within"
        default: field
        }
    }

    // MARK: the form's view

    struct SLARow {
        var label: String
        var cells: [SLACell]
    }

    struct SLACell {
        var name: String
        var label: String
        var value: String
    }

    struct View {
        var model: String
        var title: String
        var points: [FormChoice]
        var reaches: [FormChoice]
        var calendars: [FormChoice]
        var levels: [FormChoice]
        var ceilings: [FormChoice]
        var namedCSM: Bool
        var csmCapacity: String
        var sla: [SLARow]
        var atRiskPercent: String
        var escalateOnRisk: Bool
        var escalateOnBreach: Bool
        var chatsAtOnce: String
        var continueWithin: String
    }

    static func view(_ model: ServiceModel, _ values: [String: String], calendars: [NamedCalendar], _ say: Language) -> View {
        let rows = priorities.map { priority in
            let name = priority.words(say).prefix(1).uppercased() + priority.words(say).dropFirst()
            return SLARow(label: name, cells: SLAClockKind.allCases.map { kind in
                SLACell(name: key(priority, kind), label: say.say("\(name) priority, \(kind.label)", "Priorytet \(priority.words(say)), \(kind.label(say))"),
                        value: values[key(priority, kind)] ?? "")
            })
        }
        let calendarOptions = [("", say.say("Around the clock", "Całą dobę"))] + calendars.map { ($0.id.text, $0.name) }
        let reaches = HumanReach.allCases.map { ($0.rawValue, $0.words(say).prefix(1).uppercased() + $0.words(say).dropFirst()) }
        return View(
            model: model.rawValue, title: model.words, points: FormChoice.list(points(say), values["offered"]),
            reaches: FormChoice.list(reaches, values["humanReach"]), calendars: FormChoice.list(calendarOptions, values["calendarId"]),
            levels: FormChoice.list(levels(say), values["entryLevel"]), ceilings: FormChoice.list(ceilings(say), values["escalationCeiling"]),
            namedCSM: !(values["namedCSM"] ?? "").isEmpty, csmCapacity: values["csmCapacity"] ?? "", sla: rows,
            atRiskPercent: values["atRiskPercent"] ?? "", escalateOnRisk: !(values["escalateOnRisk"] ?? "").isEmpty,
            escalateOnBreach: !(values["escalateOnBreach"] ?? "").isEmpty, chatsAtOnce: values["chatsAtOnce"] ?? "",
            continueWithin: values["continueWithin"] ?? "")
    }
}
