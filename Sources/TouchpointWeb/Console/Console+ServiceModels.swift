import Foundation
import Hummingbird
import TouchpointApplication
import TouchpointCore

/// Administration of what decides service: the segmentation rules (a builder, with a dry
/// run before saving), each model's policy (a form) and the business calendars (a weekly
/// grid). Each keeps the JSON the API takes as "Advanced", checked by the same decoding, so
/// a mistake is shown with its field and nothing half-saved.
extension Console {
    func addServiceModelRoutes(to group: RouterGroup<TouchpointContext>) {
        group.get("admin/models") { _, context in try await modelsPage(context, ModelsState()) }
        group.post("admin/models") { _, context in try await changeModels(context) }
    }

    struct ModelsView {
        var chrome: Chrome
        var builder: RuleForm.View
        var rules: String
        var rulesOpen: Bool
        var policies: [PolicyBox]
        var calendars: [CalendarBox]
        var newCalendar: CalendarBox
        /// Time zones to pick from while typing one.
        var zones: [String]
        var notice: String?
        var error: String?
        var dryRun: DryRunBox?
    }

    struct PolicyBox {
        var model: String
        var title: String
        var form: PolicyForm.View
        var text: String
        /// What went wrong with this model's form, shown beside it.
        var error: String?
        var advancedOpen: Bool
    }

    struct CalendarBox {
        var id: String
        var name: String
        var grid: CalendarForm.View
        var text: String
        var error: String?
        var advancedOpen: Bool
    }

    struct DryRunBox {
        var counts: [Fact]
        var changes: [String]
        /// Changes beyond those listed; nil when all are listed (so nothing says "and 0 more").
        var more: Int?
        var contactChanges: [String]
        var moreContacts: Int?
    }

    /// What the page shows besides what is saved: fields as they were typed, and the result.
    struct ModelsState {
        var ruleValues: [String: String]?
        var rulesText: String?
        var policyValues: [ServiceModel: [String: String]] = [:]
        var policyTexts: [ServiceModel: String] = [:]
        var calendarValues: [String: [String: String]] = [:]
        var calendarTexts: [String: String] = [:]
        /// The box an error belongs to (`rules`, a model, a calendar key), so it shows there.
        var errorAt: String?
        var notice: String?
        var error: String?
        var dryRun: DryRunBox?
        var status: HTTPResponse.Status = .ok
    }

    static let prettyJSON: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()

    static func pretty(_ value: some Encodable) -> String {
        (try? prettyJSON.encode(value)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
    }

    static let calendarExample = """
        {
          "name": "Office hours",
          "timeZone": "Europe/Warsaw",
          "weekly": {"mon": [["08:00", "17:00"]], "tue": [["08:00", "17:00"]], "wed": [["08:00", "17:00"]], "thu": [["08:00", "17:00"]], "fri": [["08:00", "16:00"]]},
          "holidays": [],
          "yearlyHolidays": ["01-01", "12-25"]
        }
        """

    func modelsPage(_ context: TouchpointContext, _ state: ModelsState) async throws -> Response {
        let session = try context.signedIn()
        guard session.principal.may(.administer) else { throw Problem(.forbidden, "only administrators change service models") }
        let brand = session.user.brandID
        let say = context.language
        let rules = try await app.accountModels.segmentationRules(brand: brand)
        let config = try await app.serviceSettings.serviceConfig(brand: brand)
        let calendars = try await app.serviceSettings.calendars(brand: brand)
        var ruleSet = RuleSetDTO(rules: rules.rules, defaultModel: rules.defaultModel)
        ruleSet.changedAccounts = nil
        // An error shows beside the box it belongs to; one that belongs to none at the top.
        let boxed = state.errorAt != nil
        let view = ModelsView(
            chrome: Chrome(title: say.say("Service models", "Modele obsługi"), session: session),
            builder: RuleForm.view(state.ruleValues ?? RuleForm.values(of: rules), say),
            rules: state.rulesText ?? Self.pretty(ruleSet), rulesOpen: state.rulesText != nil,
            policies: ServiceModel.allCases.map { model in
                let policy = config.policy(model)
                let mine = state.errorAt == model.rawValue
                return PolicyBox(
                    model: model.rawValue, title: model.words,
                    form: PolicyForm.view(model, state.policyValues[model] ?? PolicyForm.values(of: policy), calendars: calendars, say),
                    text: state.policyTexts[model] ?? Self.pretty(PolicyDTO(policy)), error: mine ? state.error : nil,
                    advancedOpen: state.policyTexts[model] != nil)
            },
            calendars: calendars.map { named in
                var dto = CalendarDTO(named)
                dto.id = nil
                let key = named.id.text
                return CalendarBox(
                    id: key, name: named.name,
                    grid: CalendarForm.view(key: key, state.calendarValues[key] ?? CalendarForm.values(name: named.name, of: named.calendar), say),
                    text: state.calendarTexts[key] ?? Self.pretty(dto), error: state.errorAt == key ? state.error : nil,
                    advancedOpen: state.calendarTexts[key] != nil)
            },
            newCalendar: CalendarBox(
                id: "new", name: "", grid: CalendarForm.view(key: "new", state.calendarValues["new"] ?? CalendarForm.blank, say),
                text: state.calendarTexts["new"] ?? Self.calendarExample, error: state.errorAt == "new" ? state.error : nil,
                advancedOpen: state.calendarTexts["new"] != nil),
            zones: TimeZone.knownTimeZoneIdentifiers.sorted(),
            notice: state.notice, error: boxed && state.errorAt != "rules" ? nil : state.error, dryRun: state.dryRun)
        return pages.render("models", view, status: state.status)
    }

    func changeModels(_ context: TouchpointContext) async throws -> Response {
        let session = try context.signedIn()
        guard session.principal.may(.administer) else { throw Problem(.forbidden, "only administrators change service models") }
        let form = context.form ?? HTMLForm(urlEncoded: "")
        let action = form["action"] ?? ""
        if action.hasPrefix("builder") { return try await changeRulesInBuilder(context, action: action, form: form, session: session) }
        if action.hasPrefix("calendar") { return try await changeCalendar(context, action: action, form: form, session: session) }
        if action.hasPrefix("policy") { return try await changePolicy(context, action: action, form: form, session: session) }
        guard action == "dryrun" || action == "rules" else { throw Problem(.badRequest, "unknown action") }
        let text = form["rules"] ?? ""
        do {
            let body = try JSONIO.decoder.decode(RuleSetDTO.self, from: Data(text.utf8))
            return try await tryOrSaveRules(context, RuleSet(rules: body.rules, defaultModel: body.defaultModel), dryRun: action == "dryrun",
                                            session: session, state: ModelsState(rulesText: text))
        } catch {
            // What was typed stays in the box, with the reason next to it.
            return try await modelsPage(context, ModelsState(rulesText: text, errorAt: "rules", error: Self.sentence(error),
                                                             status: .unprocessableContent))
        }
    }

    /// A dry run (nothing saved; the fields stay as typed) or saving the rules.
    func tryOrSaveRules(_ context: TouchpointContext, _ rules: RuleSet, dryRun: Bool, session: StaffSession, state: ModelsState) async throws -> Response {
        let brand = session.user.brandID
        let say = context.language
        if dryRun {
            var shown = state
            shown.notice = say.say("Dry run: nothing was saved.", "Próba: nic nie zapisano.")
            shown.dryRun = Self.dryRunBox(try await app.accountModels.dryRun(rules, brand: brand), say)
            return try await modelsPage(context, shown)
        }
        let (_, changed) = try await app.accountModels.setSegmentationRules(rules, brand: brand, actor: .staff(session.user.id))
        return try await modelsPage(context, ModelsState(notice: say.say(
            "Rules saved; \(changed) \(changed == 1 ? "account" : "accounts") changed model.",
            "Reguły zapisane; model zmieniło: " + say.count(changed, ("", ""), ("firma", "firmy", "firm")) + ".")))
    }

    static func dryRunBox(_ run: DryRun, _ say: Language) -> DryRunBox {
        DryRunBox(
            counts: ServiceModel.allCases.map { Fact(label: $0.words, value: "\(run.currentCounts[$0] ?? 0) → \(run.counts[$0] ?? 0)") },
            changes: run.changes.prefix(50).map { "\($0.name): \($0.from?.words ?? say.say("none", "brak")) → \($0.to.words) (\($0.why.explanation(say)))" },
            more: run.changes.count > 50 ? run.changes.count - 50 : nil,
            contactChanges: run.contactChanges.prefix(50).map {
                "\($0.name ?? say.say("(no name)", "(bez nazwy)")), \($0.title) \(say.say("at", "w")) \($0.accountName): \($0.from.words) → \($0.to.words) (\($0.why.explanation(say)))"
            },
            moreContacts: run.contactChanges.count > 50 ? run.contactChanges.count - 50 : nil)
    }

    /// The rule builder: `builder-dryrun`, `builder-save`, `builder-rows` (show the form again
    /// with fresh empty rows) and `builder-move:up|down|remove:<rule>`.
    func changeRulesInBuilder(_ context: TouchpointContext, action: String, form: HTMLForm, session: StaffSession) async throws -> Response {
        let change = action.hasPrefix("builder-move:") ? String(action.dropFirst("builder-move:".count)) : nil
        let values = RuleForm.values(from: form, change: change)
        guard action == "builder-dryrun" || action == "builder-save" else {
            let notice = change == nil ? nil : context.language.say("Order changed here; nothing is saved until you save the rules.",
                                                                      "Kolejność zmieniona tutaj; nic nie zostanie zapisane, dopóki nie zapiszesz reguł.")
            return try await modelsPage(context, ModelsState(ruleValues: values, notice: notice))
        }
        do {
            let rules = try RuleForm.rules(from: values)
            return try await tryOrSaveRules(context, rules, dryRun: action == "builder-dryrun", session: session, state: ModelsState(ruleValues: values))
        } catch {
            return try await modelsPage(context, ModelsState(ruleValues: values, errorAt: "rules", error: Self.sentence(error),
                                                             status: .unprocessableContent))
        }
    }

    /// `policy-form:<model>` (the form) and `policy:<model>` (the JSON under "Advanced").
    func changePolicy(_ context: TouchpointContext, action: String, form: HTMLForm, session: StaffSession) async throws -> Response {
        let brand = session.user.brandID
        guard let model = action.split(separator: ":").last.flatMap({ ServiceModel(rawValue: String($0)) }) else {
            throw Problem(.badRequest, "unknown action")
        }
        let fromForm = action.hasPrefix("policy-form:")
        var state = ModelsState(errorAt: model.rawValue, status: .unprocessableContent)
        do {
            let policy: ServicePolicy
            if fromForm {
                state.policyValues[model] = PolicyForm.values(from: form)
                policy = try PolicyForm.policy(from: form, over: try await app.serviceSettings.serviceConfig(brand: brand).policy(model))
            } else {
                state.policyTexts[model] = form["policy"] ?? ""
                policy = try JSONIO.decoder.decode(PolicyDTO.self, from: Data((form["policy"] ?? "").utf8)).policy(as: model)
            }
            let (_, moved) = try await app.serviceSettings.setPolicy(policy, brand: brand, actor: .staff(session.user.id))
            let say = context.language
            let deadlines = moved == 0 ? "" : say.say("; \(moved) open \(moved == 1 ? "case has" : "cases have") new SLA deadlines",
                                                      "; nowe terminy SLA: " + say.count(moved, ("", ""), ("otwarta sprawa", "otwarte sprawy", "otwartych spraw")))
            return try await modelsPage(context, ModelsState(notice: say.say("\(model.words) policy saved\(deadlines).", "Zapisano politykę: \(model.words)\(deadlines).")))
        } catch {
            state.error = Self.sentence(error)
            return try await modelsPage(context, state)
        }
    }

    /// A form's validation error as one sentence: "Accounts per advisor: …".
    /// In the reader's language (`RefusalWords`).
    static func sentence(_ error: any Error) -> String {
        let said = RefusalWords.sentence(error, Pages.speaking ?? .en)
        return said.prefix(1).uppercased() + said.dropFirst()
    }

    /// `calendar-grid:<key>` (the weekly grid), `calendar-holidays:<key>` (add Poland's public
    /// holidays to the grid, unsaved), `calendar:<key>` (the JSON) and `calendar-delete:<id>`;
    /// the key is `new` or a calendar's id.
    func changeCalendar(_ context: TouchpointContext, action: String, form: HTMLForm, session: StaffSession) async throws -> Response {
        let brand = session.user.brandID
        let actor = Actor.staff(session.user.id)
        let key = String(action.split(separator: ":").last ?? "")
        let id = key == "new" ? nil : UUID(text: key)
        guard key == "new" || id != nil else { throw Problem(.badRequest, "unknown calendar") }
        if action.hasPrefix("calendar-delete:"), let id {
            do {
                try await app.serviceSettings.deleteCalendar(id, brand: brand)
            } catch {
                return try await modelsPage(context, ModelsState(errorAt: key, error: Self.sentence(error), status: .conflict))
            }
            return try await modelsPage(context, ModelsState(notice: context.language.say("Calendar deleted.", "Kalendarz usunięty.")))
        }
        if action.hasPrefix("calendar-holidays:") {
            // This year where the calendar keeps its hours (on 31 December evening in Warsaw it
            // is already next year), else where the brand does.
            let typed = CalendarForm.values(from: form)
            let brandZone = try await app.staff.brand(brand).timeZone
            var local = Calendar(identifier: .gregorian)
            local.timeZone = TimeZone(identifier: (typed["timeZone"] ?? "").trimmingCharacters(in: .whitespaces))
                ?? TimeZone(identifier: brandZone) ?? .gmt
            let year = local.component(.year, from: app.environment.now())
            let values = CalendarForm.addingPolishHolidays(to: typed, years: year...(year + 4))
            return try await modelsPage(context, ModelsState(
                calendarValues: [key: values],
                notice: context.language.say("Polish public holidays \(year)–\(year + 4) added to the form; save the calendar to keep them.",
                                             "Polskie święta \(year)–\(year + 4) dodane do formularza; zapisz kalendarz, by je zachować.")))
        }
        let grid = action.hasPrefix("calendar-grid:")
        var state = ModelsState(errorAt: key, status: .unprocessableContent)
        do {
            if let id { _ = try await app.serviceSettings.calendar(id, brand: brand) }
            let name: String
            let calendar: BusinessCalendar
            if grid {
                let values = CalendarForm.values(from: form)
                state.calendarValues[key] = values
                let (typedName, definition) = try CalendarForm.definition(from: values)
                (name, calendar) = (typedName, try definition.calendar())
            } else {
                state.calendarTexts[key] = form["calendar"] ?? ""
                let body = try JSONIO.decoder.decode(CalendarDTO.self, from: Data((form["calendar"] ?? "").utf8))
                (name, calendar) = (body.name, try body.calendar())
            }
            let saved = try await app.serviceSettings.saveCalendar(id: id, name: name, calendar: calendar, brand: brand, actor: actor)
            return try await modelsPage(context, ModelsState(notice: context.language.say("Calendar \(saved.name) saved.", "Kalendarz \(saved.name) zapisany.")))
        } catch {
            state.error = grid ? Self.sentence(error) : context.language.say("Calendar: ", "Kalendarz: ") + Self.sentence(error)
            return try await modelsPage(context, state)
        }
    }
}
