import Foundation
import Hummingbird
import TouchpointApplication
import TouchpointCore

/// Administration of what decides service: the segmentation rules (with a dry run before
/// saving) and each model's policy, edited as the same JSON the API takes and checked by
/// the same decoding, so a mistake is shown with its field and nothing half-saved.
extension Console {
    func addServiceModelRoutes(to group: RouterGroup<TouchpointContext>) {
        group.get("admin/models") { _, context in try await modelsPage(context, rulesText: nil, policyTexts: [:], result: nil) }
        group.post("admin/models") { _, context in try await changeModels(context) }
    }

    struct ModelsView {
        var chrome: Chrome
        var rules: String
        var policies: [PolicyBox]
        var calendars: [CalendarBox]
        var newCalendar: String
        var notice: String?
        var error: String?
        var dryRun: DryRunBox?
    }

    struct PolicyBox {
        var model: String
        var text: String
    }

    struct CalendarBox {
        var id: String
        var name: String
        var text: String
    }

    struct DryRunBox {
        var counts: [Fact]
        var changes: [String]
        /// Changes beyond those listed; nil when all are listed (so nothing says "and 0 more").
        var more: Int?
        var contactChanges: [String]
        var moreContacts: Int?
    }

    struct ModelsResult {
        var notice: String?
        var error: String?
        var dryRun: DryRunBox?
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

    func modelsPage(_ context: TouchpointContext, rulesText: String?, policyTexts: [ServiceModel: String], result: ModelsResult?,
                    calendarTexts: [String: String] = [:], status: HTTPResponse.Status = .ok) async throws -> Response {
        let session = try context.signedIn()
        guard session.principal.may(.administer) else { throw Problem(.forbidden, "only administrators change service models") }
        let brand = session.user.brandID
        let rules = try await app.accountModels.segmentationRules(brand: brand)
        let config = try await app.serviceSettings.serviceConfig(brand: brand)
        var ruleSet = RuleSetDTO(rules: rules.rules, defaultModel: rules.defaultModel)
        ruleSet.changedAccounts = nil
        let view = ModelsView(
            chrome: Chrome(title: "Service models", session: session), rules: rulesText ?? Self.pretty(ruleSet),
            policies: ServiceModel.allCases.map { model in
                PolicyBox(model: model.rawValue, text: policyTexts[model] ?? Self.pretty(PolicyDTO(config.policy(model))))
            },
            calendars: try await app.serviceSettings.calendars(brand: brand).map { named in
                var dto = CalendarDTO(named)
                dto.id = nil
                return CalendarBox(id: named.id.text, name: named.name, text: calendarTexts[named.id.text] ?? Self.pretty(dto))
            },
            newCalendar: calendarTexts["new"] ?? Self.calendarExample,
            notice: result?.notice, error: result?.error, dryRun: result?.dryRun)
        return pages.render("models", view, status: status)
    }

    func changeModels(_ context: TouchpointContext) async throws -> Response {
        let session = try context.signedIn()
        guard session.principal.may(.administer) else { throw Problem(.forbidden, "only administrators change service models") }
        let brand = session.user.brandID
        let actor = Actor.staff(session.user.id)
        let form = context.form ?? HTMLForm(urlEncoded: "")
        let action = form["action"] ?? ""
        do {
            if action == "dryrun" || action == "rules" {
                let text = form["rules"] ?? ""
                let body = try JSONIO.decoder.decode(RuleSetDTO.self, from: Data(text.utf8))
                let candidate = RuleSet(rules: body.rules, defaultModel: body.defaultModel)
                if action == "dryrun" {
                    let run = try await app.accountModels.dryRun(candidate, brand: brand)
                    let box = DryRunBox(
                        counts: ServiceModel.allCases.map { Fact(label: $0.rawValue, value: "\(run.currentCounts[$0] ?? 0) → \(run.counts[$0] ?? 0)") },
                        changes: run.changes.prefix(50).map { "\($0.name): \($0.from?.rawValue ?? "none") → \($0.to.rawValue) (\($0.explanation))" },
                        more: run.changes.count > 50 ? run.changes.count - 50 : nil,
                        contactChanges: run.contactChanges.prefix(50).map {
                            "\($0.name ?? "(no name)"), \($0.title) at \($0.accountName): \($0.from.rawValue) → \($0.to.rawValue) (\($0.explanation))"
                        },
                        moreContacts: run.contactChanges.count > 50 ? run.contactChanges.count - 50 : nil)
                    return try await modelsPage(context, rulesText: text, policyTexts: [:],
                                                result: ModelsResult(notice: "Dry run: nothing was saved.", dryRun: box))
                }
                let (_, changed) = try await app.accountModels.setSegmentationRules(candidate, brand: brand, actor: actor)
                return try await modelsPage(context, rulesText: nil, policyTexts: [:],
                                            result: ModelsResult(notice: "Rules saved; \(changed) accounts changed model."))
            }
            if action.hasPrefix("calendar") {
                return try await changeCalendar(context, action: action, form: form, session: session)
            }
            guard let model = action.split(separator: ":").last.flatMap({ ServiceModel(rawValue: String($0)) }), action.hasPrefix("policy:") else {
                throw Problem(.badRequest, "unknown action")
            }
            let text = form["policy"] ?? ""
            do {
                let body = try JSONIO.decoder.decode(PolicyDTO.self, from: Data(text.utf8))
                let (_, moved) = try await app.serviceSettings.setPolicy(try body.policy(as: model), brand: brand, actor: actor)
                return try await modelsPage(context, rulesText: nil, policyTexts: [:],
                                            result: ModelsResult(notice: "Policy of \(model.rawValue) saved; \(moved) open cases got new SLA deadlines."))
            } catch {
                return try await modelsPage(context, rulesText: nil, policyTexts: [model: text],
                                            result: ModelsResult(error: "\(model.rawValue): " + Problem.from(error).detail), status: .unprocessableContent)
            }
        } catch let problem as Problem where problem.status == .badRequest {
            throw problem
        } catch {
            // What was typed stays in the box, with the reason next to it.
            return try await modelsPage(context, rulesText: form["rules"], policyTexts: [:],
                                        result: ModelsResult(error: Problem.from(error).detail), status: .unprocessableContent)
        }
    }

    /// `calendar:new`, `calendar:<id>` (save) and `calendar-delete:<id>`.
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
                return try await modelsPage(context, rulesText: nil, policyTexts: [:], result: ModelsResult(error: Problem.from(error).detail),
                                            status: .conflict)
            }
            return try await modelsPage(context, rulesText: nil, policyTexts: [:], result: ModelsResult(notice: "Calendar deleted."))
        }
        let text = form["calendar"] ?? ""
        do {
            if let id { _ = try await app.serviceSettings.calendar(id, brand: brand) }
            let body = try JSONIO.decoder.decode(CalendarDTO.self, from: Data(text.utf8))
            let saved = try await app.serviceSettings.saveCalendar(id: id, name: body.name, calendar: try body.calendar(), brand: brand, actor: actor)
            return try await modelsPage(context, rulesText: nil, policyTexts: [:], result: ModelsResult(notice: "Calendar \(saved.name) saved."))
        } catch {
            return try await modelsPage(context, rulesText: nil, policyTexts: [:], result: ModelsResult(error: "Calendar: " + Problem.from(error).detail),
                                        calendarTexts: [key: text], status: .unprocessableContent)
        }
    }
}
