import Foundation
import Hummingbird
import TouchpointApplication
import TouchpointCore

/// Survey results over the API: `GET /surveys/results`.
struct SurveyResultsDTO: Encodable {
    struct Group: Encodable {
        var key: String
        var label: String
        var sent: Int
        var answered: Int
        var responseRate: Double?
        var average: Double?
        /// Satisfaction: percent answering 4–5. Recommendation: the net promoter score.
        var score: Double?
        var promoters: Int?
        var passives: Int?
        var detractors: Int?

        init(_ tally: SurveyTally, kind: SurveyKind) {
            key = tally.key
            label = tally.label
            sent = tally.sent
            answered = tally.answered
            responseRate = tally.responseRate.map { ($0 * 1000).rounded() / 1000 }
            average = tally.average.map { ($0 * 100).rounded() / 100 }
            score = tally.score(kind).map { ($0 * 10).rounded() / 10 }
            if kind == .nps {
                promoters = tally.promoters
                passives = tally.passives
                detractors = tally.detractors
            }
        }
    }

    var kind: SurveyKind
    var from: String
    var to: String
    var by: SurveyGrouping
    var total: Group
    var groups: [Group]
}

extension API {
    func addSurveyRoutes(to group: RouterGroup<TouchpointContext>) {
        group.get("surveys/settings") { _, context in
            let caller = try context.caller(may: .readCustomers)
            return try JSONIO.response(try await app.surveys.settings(brand: caller.brandID))
        }
        group.get("surveys/results") { request, context in
            let caller = try context.caller(may: .readCustomers)
            let query = Query(request: request)
            let kind = try SurveyKind.parse(query.given("kind") ?? "csat", field: "kind")
            let by = try SurveyGrouping.parse(query.given("by") ?? "contactPoint", field: "by")
            let today = CivilDate(app.environment.now(), timeZone: .gmt)
            func day(_ name: String, default value: CivilDate) throws -> CivilDate {
                guard let raw = query.string(name) else { return value }
                guard let date = CivilDate(raw) else { throw ValidationError(field: name, reason: "must be a date YYYY-MM-DD, got '\(raw)'") }
                return date
            }
            let from = try day("from", default: today.adding(days: -29))
            let to = try day("to", default: today)
            let results = try await app.surveys.results(
                brand: caller.brandID, kind: kind, from: Self.start(of: from), to: Self.start(of: to.adding(days: 1)), by: by)
            return try JSONIO.response(
                SurveyResultsDTO(
                    kind: kind, from: from.description, to: to.description, by: by, total: .init(results.total, kind: kind),
                    groups: results.groups.map { .init($0, kind: kind) }))
        }
        group.put("surveys/settings") { request, context in
            let caller = try context.caller(may: .administer)
            let body = try await io.decode(SurveySettings.self, from: request)
            return try JSONIO.response(try await app.surveys.setSettings(body, brand: caller.brandID))
        }
    }

    /// Midnight UTC of a day.
    static func start(of day: CivilDate) -> Date { Date(timeIntervalSince1970: Double(day.ordinal) * 86_400) }
}
