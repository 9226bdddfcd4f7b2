import Foundation
import TouchpointCore

/// The playbook editor's form: a definition as flat form fields and back, the choices of
/// each select with their words, and the sentences the playbook page shows.
enum PlaybookForm {
    /// Rows shown for steps: those written, and this many empty ones to add.
    static let spareSteps = 3

    /// A select's choices: the stored value, then its words in English and Polish.
    typealias Words = [(value: String, en: String, pl: String)]

    static let triggers: Words = [
        ("contactCreated", "A new contact is recorded", "Zapisano nowy kontakt"), ("caseResolved", "A case is resolved", "Sprawa została rozwiązana"),
        ("modelChanged", "The service model changes", "Zmienia się model obsługi"),
        ("journeyStageChanged", "The journey stage changes", "Zmienia się etap relacji"),
        ("invoiceOverdue", "An invoice becomes overdue", "Faktura staje się przeterminowana"),
        ("healthBelow", "Health falls below the threshold", "Kondycja spada poniżej progu"),
        ("lowSurveyScore", "A survey is answered with a low score", "Ankieta dostaje niską ocenę"),
        ("every", "Every so many days", "Co tyle dni"), ("quarterly", "Every quarter", "Co kwartał"),
        ("beforeRenewal", "Days before the renewal date", "Dni przed datą odnowienia"),
    ]
    static let stepTypes: Words = [
        ("", "(no step)", "(bez kroku)"), ("send", "Send a message", "Wyślij wiadomość"), ("wait", "Wait", "Czekaj"),
        ("branch", "Branch", "Rozgałęzienie"), ("task", "Create a task", "Utwórz zadanie"), ("meeting", "Propose a meeting", "Zaproponuj spotkanie"),
        ("survey", "Send a survey", "Wyślij ankietę"), ("set", "Set a field", "Ustaw pole"), ("end", "End", "Koniec"),
    ]
    static let questions: Words = [
        ("replied", "The customer replied", "Klient odpowiedział"), ("openedLink", "A link was opened", "Otwarto link"),
        ("surveyScoreBelow", "The survey score is below", "Wynik ankiety jest poniżej"), ("caseOpen", "A case is open", "Jest otwarta sprawa"),
        ("modelIs", "The service model is", "Model obsługi to"),
    ]
    static let stages: Words = [
        ("onboarding", "Onboarding", "Wdrożenie"), ("adoption", "Adoption", "Korzystanie"), ("renewal", "Renewal", "Odnowienie"),
        ("expansion", "Expansion", "Rozwój"), ("atRisk", "At risk", "Zagrożony"), ("churned", "Churned", "Utracony"),
    ]
    static let exits: Words = [
        ("replied", "the customer replies", "klient odpowie"), ("optedOut", "the customer opts out", "klient zrezygnuje"),
        ("caseOpened", "the customer opens a case", "klient otworzy sprawę"), ("modelChanged", "the service model changes", "zmieni się model obsługi"),
    ]
    static let models: [(String, String)] = ServiceModel.allCases.map { ($0.rawValue, $0.words) }

    static func points(_ say: Language) -> [(String, String)] { PlaybookStep.sendable.map { ($0.rawValue, $0.label(say)) } }

    /// A table's choices in `say`.
    static func said(_ table: Words, _ say: Language) -> [(String, String)] { table.map { ($0.value, say.say($0.en, $0.pl)) } }

    /// A stored value's words from a table, or the value when the table lacks it.
    static func word(_ table: Words, _ value: String?, _ say: Language) -> String? {
        table.first { $0.value == value }.map { say.say($0.en, $0.pl) }
    }

    static func exitLabel(_ exit: PlaybookExit, _ say: Language) -> String { word(exits, exit.rawValue, say) ?? exit.rawValue }

    static func stateLabel(_ state: EnrollmentState, _ say: Language) -> String {
        switch state {
        case .active: say.say("Running", "W toku")
        case .completed: say.say("Finished", "Zakończony")
        case .exited: say.say("Stopped", "Przerwany")
        }
    }

    // MARK: definition → fields

    static func values(of playbook: Playbook?) -> [String: String] {
        guard let playbook else {
            return ["status": "active", "trigger": "contactCreated", "exit": "optedOut", "s0-type": "send", "s0-point": "email"]
        }
        let definition = playbook.definition
        var values: [String: String] = ["name": definition.name, "description": definition.description ?? "", "status": playbook.status.rawValue]
        let trigger = definition.trigger
        values["trigger"] = trigger.event?.rawValue ?? trigger.schedule?.rawValue ?? ""
        values["threshold"] = trigger.threshold.map(String.init) ?? ""
        values["days"] = trigger.interval.map { String($0.seconds / 86_400) } ?? ""
        values["models"] = definition.audience.models.map(\.rawValue).joined(separator: ",")
        values["stages"] = definition.audience.stages.map(\.rawValue).joined(separator: ",")
        values["roles"] = definition.audience.roles.joined(separator: ", ")
        values["exit"] = definition.exitOn.map(\.rawValue).joined(separator: ",")
        for (index, step) in definition.steps.enumerated() {
            let key = { (name: String) in "s\(index)-\(name)" }
            values[key("type")] = step.type.rawValue
            values[key("id")] = step.id
            values[key("point")] = step.contactPoint?.rawValue
            for language in Language.allCases {
                values[key("\(language.rawValue)-subject")] = step.templates?[language.rawValue]?.subject
                values[key("\(language.rawValue)-body")] = step.templates?[language.rawValue]?.body
            }
            values[key("duration")] = step.duration?.text
            values[key("businessDays")] = step.businessDays.map(String.init)
            values[key("when")] = step.condition?.when.rawValue
            values[key("score")] = step.condition?.score.map(String.init)
            values[key("models")] = step.condition?.models?.map(\.rawValue).joined(separator: ",")
            values[key("then")] = step.then
            values[key("else")] = step.else
            values[key("assignee")] = step.assignee?.rawValue
            values[key("team")] = step.teamId?.text
            values[key("title")] = step.title
            values[key("due")] = step.due?.text
            values[key("after")] = step.after?.text
            values[key("survey")] = step.survey?.rawValue
            values[key("field")] = step.field?.rawValue
            values[key("value")] = step.value
        }
        return values
    }

    /// The submitted fields, as they came (for showing the form again).
    static func values(from form: HTMLForm) -> [String: String] {
        var values: [String: String] = [:]
        for name in ["name", "description", "status", "trigger", "threshold", "days", "roles"] { values[name] = form[name] ?? "" }
        for name in ["models", "stages", "exit"] { values[name] = form.all(name).joined(separator: ",") }
        for index in 0..<50 {
            for field in [
                "type", "id", "point", "en-subject", "en-body", "pl-subject", "pl-body", "duration", "businessDays", "when", "score", "then", "else",
                "assignee", "team", "title", "due", "after", "survey", "field", "value",
            ] {
                if let value = form["s\(index)-\(field)"] { values["s\(index)-\(field)"] = value }
            }
            if !form.all("s\(index)-models").isEmpty { values["s\(index)-models"] = form.all("s\(index)-models").joined(separator: ",") }
        }
        return values
    }

    // MARK: fields → definition

    static func definition(from form: HTMLForm, keeping existing: PlaybookDefinition?) throws(ValidationError) -> PlaybookDefinition {
        func text(_ name: String) -> String? {
            form[name].map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }.flatMap { $0.isEmpty ? nil : $0 }
        }
        func number(_ name: String, field: String) throws(ValidationError) -> Int? {
            guard let raw = text(name) else { return nil }
            guard let value = Int(raw) else { throw ValidationError(field: field, reason: "must be a whole number, got '\(raw)'") }
            return value
        }
        func duration(_ name: String, field: String) throws(ValidationError) -> ISODuration? {
            try text(name).map { raw throws(ValidationError) in try ISODuration(raw, field: field) }
        }
        var trigger = PlaybookTrigger()
        let kind = text("trigger") ?? ""
        if let schedule = PlaybookSchedule(rawValue: kind) {
            trigger.schedule = schedule
            if let days = try number("days", field: "trigger.interval") { trigger.interval = ISODuration(seconds: days * 86_400) }
        } else {
            trigger.event = try PlaybookEvent.parse(kind, field: "trigger.event")
            trigger.threshold = try number("threshold", field: "trigger.threshold")
        }
        var audience = PlaybookAudience(
            models: form.all("models").compactMap(ServiceModel.init(rawValue:)), stages: form.all("stages").compactMap(JourneyStage.init(rawValue:)),
            conditions: existing?.audience.conditions ?? [],
            roles: (text("roles") ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty })
        audience.conditions = existing?.audience.conditions ?? []
        var steps: [PlaybookStep] = []
        for index in 0..<50 {
            let key = { (name: String) in "s\(index)-\(name)" }
            guard let raw = text(key("type")) else { continue }
            let path = "steps[\(steps.count)]"
            var step = PlaybookStep(id: text(key("id")) ?? "", type: try PlaybookStepType.parse(raw, field: "\(path).type"))
            switch step.type {
            case .send:
                step.contactPoint = try ContactPoint.parse(text(key("point")) ?? "email", field: "\(path).contactPoint")
                var templates: [String: PlaybookMessage] = [:]
                for language in Language.allCases {
                    let subject = text(key("\(language.rawValue)-subject"))
                    guard let body = text(key("\(language.rawValue)-body")) else { continue }
                    templates[language.rawValue] = PlaybookMessage(subject: subject, body: body)
                }
                step.templates = templates
            case .wait:
                step.duration = try duration(key("duration"), field: "\(path).duration")
                step.businessDays = try number(key("businessDays"), field: "\(path).businessDays")
            case .branch:
                if let when = text(key("when")) {
                    step.condition = PlaybookCondition(
                        when: try PlaybookQuestion.parse(when, field: "\(path).condition.when"),
                        score: try number(key("score"), field: "\(path).condition.score"),
                        models: form.all(key("models")).compactMap(ServiceModel.init(rawValue:)))
                }
                step.then = text(key("then"))
                step.else = text(key("else"))
            case .task:
                step.assignee = try text(key("assignee")).map { raw throws(ValidationError) in
                    try PlaybookAssignee.parse(raw, field: "\(path).assignee")
                }
                step.teamId = text(key("team")).flatMap(UUID.init(text:))
                step.title = text(key("title"))
                step.due = try duration(key("due"), field: "\(path).due")
            case .meeting:
                step.title = text(key("title"))
                step.duration = try duration(key("duration"), field: "\(path).duration")
                step.after = try duration(key("after"), field: "\(path).after")
            case .survey:
                step.survey = try SurveyKind.parse(text(key("survey")) ?? "nps", field: "\(path).survey")
                step.contactPoint = try text(key("point")).map { raw throws(ValidationError) in try ContactPoint.parse(raw, field: "\(path).contactPoint") }
            case .set:
                step.field = try text(key("field")).map { raw throws(ValidationError) in try PlaybookField.parse(raw, field: "\(path).field") }
                step.value = text(key("value"))
            case .end:
                break
            }
            steps.append(step)
        }
        return PlaybookDefinition(
            name: text("name") ?? "", description: text("description"), trigger: trigger, audience: audience, steps: steps,
            exitOn: form.all("exit").compactMap(PlaybookExit.init(rawValue:)))
    }

    /// A validation error in the editor's words ("Step 2, the message in pl: …").
    static func explain(_ error: ValidationError, _ language: Language) -> String {
        var place = error.field
        if language == .pl {
            place = RefusalWords.field(place, .pl)
        } else if let range = place.range(of: #"^steps\[(\d+)\]"#, options: .regularExpression) {
            let number = (Int(place[range].dropFirst(6).dropLast()) ?? 0) + 1
            place = "Step \(number)" + place[range.upperBound...].replacingOccurrences(of: ".", with: " ")
        }
        return "\(place): \(RefusalWords.say(error.reason, language))"
    }

    // MARK: the form's view

    typealias Choice = FormChoice

    struct StepRow {
        var index: Int
        var number: Int
        var id: String
        var types: [Choice]
        var points: [Choice]
        var enSubject: String
        var enBody: String
        var plSubject: String
        var plBody: String
        var duration: String
        var businessDays: String
        var questions: [Choice]
        var score: String
        var models: [Choice]
        var then: String
        var otherwise: String
        var assignees: [Choice]
        var teams: [Choice]
        var title: String
        var due: String
        var after: String
        var surveys: [Choice]
        var fields: [Choice]
        var value: String
    }

    struct View {
        var name: String
        var description: String
        var active: Bool
        var triggers: [Choice]
        var threshold: String
        var days: String
        var models: [Choice]
        var stages: [Choice]
        var roles: String
        var exits: [Choice]
        var steps: [StepRow]
        var placeholders: [String]
    }

    static func choices(_ options: [(String, String)], _ selected: String?) -> [Choice] { FormChoice.list(options, selected) }

    static func view(_ values: [String: String], teams: [(String, String)], _ say: Language) -> View {
        let written = (0..<50).filter { !(values["s\($0)-type"] ?? "").isEmpty }.count
        let rows = (0..<min(50, written + spareSteps)).map { index -> StepRow in
            let value = { (name: String) in values["s\(index)-\(name)"] ?? "" }
            return StepRow(
                index: index, number: index + 1, id: value("id"), types: choices(said(stepTypes, say), value("type")), points: choices(points(say), value("point")),
                enSubject: value("en-subject"), enBody: value("en-body"), plSubject: value("pl-subject"), plBody: value("pl-body"),
                duration: value("duration"), businessDays: value("businessDays"), questions: choices(said(questions, say), value("when")), score: value("score"),
                models: choices(models, value("models")), then: value("then"), otherwise: value("else"),
                assignees: choices([("csm", say.say("The account's CSM", "Opiekun firmy")), ("team", say.say("A team", "Zespół"))], value("assignee")),
                teams: choices(teams, value("team")), title: value("title"), due: value("due"), after: value("after"),
                surveys: choices([("nps", say.say("Recommendation (0–10)", "Polecenie (0–10)")), ("csat", say.say("Satisfaction (1–5)", "Zadowolenie (1–5)"))],
                                 value("survey")),
                fields: choices([("stage", say.say("Journey stage", "Etap relacji")), ("tag", say.say("Tag", "Etykieta"))], value("field")),
                value: value("value"))
        }
        return View(
            name: values["name"] ?? "", description: values["description"] ?? "", active: values["status"] != "paused",
            triggers: choices(said(triggers, say), values["trigger"]), threshold: values["threshold"] ?? "", days: values["days"] ?? "",
            models: choices(models, values["models"]), stages: choices(said(stages, say), values["stages"]), roles: values["roles"] ?? "",
            exits: choices(said(exits, say), values["exit"]), steps: rows, placeholders: PlaybookTemplate.variables.map { "{{\($0.name)}}" })
    }

    // MARK: sentences

    static func describe(_ audience: PlaybookAudience, _ say: Language) -> String {
        var parts: [String] = []
        if !audience.models.isEmpty { parts.append(audience.models.map(\.words).joined(separator: ", ")) }
        if !audience.stages.isEmpty {
            parts.append(say.say("in ", "na etapie: ") + audience.stages.map { word(stages, $0.rawValue, say) ?? $0.rawValue }.joined(separator: ", "))
        }
        if !audience.roles.isEmpty {
            parts.append(say.say("contacts whose role mentions ", "kontakty, których rola zawiera ") + audience.roles.joined(separator: say.say(" or ", " lub ")))
        }
        if !audience.conditions.isEmpty {
            parts.append(say.say("\(audience.conditions.count) more condition(s)", "dodatkowe warunki: \(audience.conditions.count)"))
        }
        return parts.isEmpty ? say.say("Every customer", "Każdy klient") : parts.joined(separator: "; ")
    }

    static func describe(_ step: PlaybookStep, _ say: Language) -> String {
        let next = say.say("the next step", "następnego kroku")
        switch step.type {
        case .send:
            let point = step.contactPoint?.label(say) ?? say.say("Message", "Wiadomość")
            let subject = step.templates?.sorted { $0.key < $1.key }.first?.value.subject.map { ": “\($0)”" } ?? ""
            return "\(point)\(subject)"
        case .wait:
            if let days = step.businessDays { return say.say("Wait \(days) business day(s)", "Czekaj: dni robocze \(days)") }
            return say.say("Wait ", "Czekaj ") + (step.duration.map { words($0, say) } ?? "")
        case .branch:
            let question = word(questions, step.condition?.when.rawValue, say) ?? "?"
            let score = step.condition?.score.map { " \($0)" } ?? ""
            return say.say("If \(question.lowercased())\(score): go to \(step.then ?? next), otherwise \(step.else ?? next)",
                           "Jeśli \(question.lowercased())\(score): przejdź do \(step.then ?? next), w przeciwnym razie do \(step.else ?? next)")
        case .task:
            return say.say("Task for \(step.assignee == .team ? "a team" : "the CSM"): ", "Zadanie dla: \(step.assignee == .team ? "zespół" : "opiekun"): ")
                + (step.title ?? "")
        case .meeting: return say.say("Meeting with the CSM: ", "Spotkanie z opiekunem: ") + (step.title ?? "")
        case .survey: return step.survey == .csat ? say.say("Satisfaction survey", "Ankieta zadowolenia") : say.say("Recommendation survey", "Ankieta polecenia")
        case .set:
            return step.field == .stage ? say.say("Set the journey stage to ", "Ustaw etap relacji na ") + (step.value ?? "")
                : say.say("Tag the account ", "Oznacz firmę etykietą ") + (step.value ?? "")
        case .end: return say.say("End", "Koniec")
        }
    }

    /// "3 days", "2 hours 30 minutes", "5 seconds"; in Polish "3 dni", "2 godziny 30 minut".
    static func words(_ duration: ISODuration, _ say: Language) -> String {
        var rest = duration.seconds
        var parts: [String] = []
        let units: [(Int, (String, String), (String, String, String))] = [
            (86_400, ("day", "days"), ("dzień", "dni", "dni")), (3600, ("hour", "hours"), ("godzina", "godziny", "godzin")),
            (60, ("minute", "minutes"), ("minuta", "minuty", "minut")), (1, ("second", "seconds"), ("sekunda", "sekundy", "sekund")),
        ]
        for (size, en, pl) in units where rest >= size {
            let count = rest / size
            rest %= size
            parts.append(say.count(count, (one: en.0, other: en.1), (one: pl.0, few: pl.1, many: pl.2)))
        }
        return parts.isEmpty ? say.say("no time", "bez czekania") : parts.joined(separator: " ")
    }
}
