import Foundation
import Hummingbird
import TouchpointApplication
import TouchpointCore

/// Survey results in the console: satisfaction or recommendation over the last 30, 90 or
/// 365 days, by contact point, service model, team, agent, week or month.
extension Console {
    struct SurveyResultLine {
        var label: String
        var sent: Int
        var answered: Int
        var rate: String
        var average: String
        var score: String
    }

    struct SurveyResultsView {
        var chrome: Chrome
        var kinds: [PlaybookForm.Choice]
        var groupings: [PlaybookForm.Choice]
        var periods: [PlaybookForm.Choice]
        var scoreName: String
        var total: SurveyResultLine
        var lines: [SurveyResultLine]
    }

    func addSurveyRoutes(to group: RouterGroup<TouchpointContext>) {
        group.get("surveys") { request, context in
            let session = try context.signedIn()
            let query = HTMLForm(urlEncoded: request.uri.query ?? "")
            let kind = query["kind"].flatMap(SurveyKind.init(rawValue:)) ?? .csat
            let by = query["by"].flatMap(SurveyGrouping.init(rawValue:)) ?? .contactPoint
            let days = query["days"].flatMap(Int.init).flatMap { [30, 90, 365].contains($0) ? $0 : nil } ?? 30
            let now = app.environment.now()
            let say = context.language
            let results = try await app.surveys.results(
                brand: session.user.brandID, kind: kind, from: now.addingTimeInterval(-Double(days) * 86_400), to: now.addingTimeInterval(1), by: by)
            // The tallies name their groups in English (as the API does): said again in the reader's language.
            func label(_ tally: SurveyTally) -> String {
                if tally.key.isEmpty { return say.say("All", "Wszystkie") }
                return switch by {
                case .contactPoint: ContactPoint(rawValue: tally.key)?.label(say) ?? tally.label
                case .week: say.say("Week of ", "Tydzień od ") + tally.key
                default: tally.label
                }
            }
            func line(_ tally: SurveyTally) -> SurveyResultLine {
                SurveyResultLine(
                    label: label(tally), sent: tally.sent, answered: tally.answered,
                    rate: tally.responseRate.map { "\(Int(($0 * 100).rounded()))%" } ?? "—",
                    average: tally.average.map { String(format: "%.1f", $0) } ?? "—",
                    score: tally.score(kind).map { kind == .nps ? String(format: "%+.0f", $0) : "\(Int($0.rounded()))%" } ?? "—")
            }
            return pages.render(
                "surveys",
                SurveyResultsView(
                    chrome: Chrome(title: say.say("Survey results", "Wyniki ankiet"), session: session),
                    kinds: PlaybookForm.choices([("csat", say.say("Satisfaction (1–5)", "Zadowolenie (1–5)")),
                                                 ("nps", say.say("Recommendation (0–10)", "Polecenie (0–10)"))], kind.rawValue),
                    groupings: PlaybookForm.choices(
                        [
                            ("contactPoint", say.say("Contact point", "Punkt kontaktu")), ("model", say.say("Service model", "Model obsługi")),
                            ("team", say.say("Team", "Zespół")), ("agent", say.say("Agent", "Agent")), ("week", say.say("Week", "Tydzień")),
                            ("month", say.say("Month", "Miesiąc")),
                        ],
                        by.rawValue),
                    periods: PlaybookForm.choices([("30", say.say("Last 30 days", "Ostatnie 30 dni")), ("90", say.say("Last 90 days", "Ostatnie 90 dni")),
                                                   ("365", say.say("Last year", "Ostatni rok"))], String(days)),
                    scoreName: kind == .nps ? say.say("Net promoter score", "Wskaźnik NPS") : say.say("Satisfied (4–5)", "Zadowoleni (4–5)"),
                    total: line(results.total), lines: results.groups.map(line)))
        }
    }
}
