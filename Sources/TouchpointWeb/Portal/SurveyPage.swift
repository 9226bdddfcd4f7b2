import Foundation
import Hummingbird
import TouchpointApplication
import TouchpointCore

/// The page a survey link opens, without signing in: `/survey/{token}`. The email's link for
/// an answer opens the page with that answer chosen, and one press of Send records it — a
/// link alone never does, because mail scanners open every link of a message.
struct SurveyPage: Sendable {
    let app: UseCases
    let pages: Pages

    struct Choice {
        var score: Int
        var chosen: Bool
    }

    struct View {
        var lang: String
        var words: SurveyPageWords
        var brandName: String
        var reference: String?
        var subject: String?
        var token: String
        var choices: [Choice]
        var ask: Bool
        var answered: Bool
        var commented: Bool
        var note: String?
    }

    func addRoutes(to router: Router<TouchpointContext>) {
        router.get("survey/{token}") { request, context in
            let token = context.parameters.get("token") ?? ""
            let chosen = Int(Query(request: request).string("score") ?? "")
            return try await page(token: token, chosen: chosen, note: nil)
        }
        router.post("survey/{token}") { request, context in
            let token = context.parameters.get("token") ?? ""
            let form = HTMLForm(urlEncoded: String(buffer: try await request.body.collect(upTo: 16_384)))
            let comment = form["comment"].map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }.flatMap { $0.isEmpty ? nil : $0 }
            guard let view = try await app.surveys.survey(token: token) else { return try await page(token: token, chosen: nil, note: nil) }
            let words = CustomerMessages(view.language).surveyPage(view.kind)
            if view.score != nil {
                let added = try await comment.asyncMap { try await app.surveys.comment(token: token, text: $0) } ?? false
                return try await page(token: token, chosen: nil, note: added ? words.commentThanks : nil)
            }
            guard let score = form["score"].flatMap(Int.init), view.kind.scores.contains(score) else {
                return try await page(token: token, chosen: nil, note: nil, status: .unprocessableContent)
            }
            _ = try await app.surveys.answer(token: token, score: score, comment: comment)
            return try await page(token: token, chosen: nil, note: nil)
        }
    }

    func page(token: String, chosen: Int?, note: String?, status: HTTPResponse.Status = .ok) async throws -> Response {
        guard let view = try await app.surveys.survey(token: token) else {
            let words = CustomerMessages(.en).surveyPage(.csat)
            return pages.render(
                "survey",
                View(
                    lang: "en", words: words, brandName: "", reference: nil, subject: nil, token: "", choices: [],
                    ask: false, answered: false, commented: false, note: words.unknown), status: .notFound)
        }
        let words = CustomerMessages(view.language).surveyPage(view.kind)
        let open = view.score == nil && !view.expired
        return pages.render(
            "survey",
            View(
                lang: view.language.rawValue, words: words, brandName: view.brandName, reference: view.caseReference, subject: view.caseSubject,
                token: token, choices: view.kind.scores.map { Choice(score: $0, chosen: $0 == (chosen ?? view.score)) }, ask: open,
                answered: view.score != nil, commented: view.comment != nil,
                note: note ?? (view.expired ? words.expired : nil)), status: view.expired ? .gone : status)
    }
}
