import Foundation
import Hummingbird
import TouchpointApplication
import TouchpointCore

/// Help on the kiosk: the same public articles as the portal and the chat, found with the
/// on-screen keyboard or by topic, read at touch size, and "did this help?" counted as the
/// kiosk's. Nobody needs to sign in; a public screen shows only public articles.
extension KioskPages {
    struct HelpView {
        var query: String
        var topics: [Choice]
        var results: [Choice]
        var searched: Bool
        var article: ArticleView?
    }

    struct ArticleView {
        var id: String
        var title: String
        var summary: String
        /// Rendered when saved and sanitized: safe to show as it is.
        var html: String
        var thanks: String?
    }

    func addHelpRoutes(to group: RouterGroup<TouchpointContext>) {
        group.get("help") { request, context in try await helpScreen(request, context) }
        group.get("help/{id}") { request, context in try await articleScreen(request, context, thanks: nil) }
        group.post("help/{id}/feedback") { request, context in
            let kiosk = try kiosk(context)
            let id = try context.parameters.id()
            let helpful = context.form?.text("helpful") == "yes"
            let version = context.form?.text("version").flatMap { Int($0) }
            try await app.knowledge.feedback(
                ArticleFeedback(helpful: helpful, contactPoint: .kiosk), article: id, version: version, brand: kiosk.brandID, reader: .anonymous)
            return try await articleScreen(request, context, thanks: helpful ? "thanks" : "sorry")
        }
    }

    func helpScreen(_ request: Request, _ context: TouchpointContext) async throws -> Response {
        let kiosk = try kiosk(context)
        let signedIn = try await customer(request, context) != nil
        var page = try view(request, context, screen: "help", signedIn: signedIn)
        let language = Language(rawValue: language(request, kiosk)) ?? .en
        let query = Query(request: request)
        let text = String((query.string("q") ?? "").prefix(200))
        let topic = query.string("topic")
        let filter = ArticleFilter(reader: .anonymous, language: language, category: topic)
        var results: [Choice] = []
        if !text.isEmpty {
            let found = try await app.knowledge.search(text, brand: kiosk.brandID, filter: filter, limit: 6, countMiss: true)
            results = found.hits.map { Choice(value: $0.article.id.text, label: $0.article.content.title, detail: $0.article.content.summary) }
        } else if topic != nil {
            results = try await app.knowledge.articles(brand: kiosk.brandID, filter: filter, limit: 20, cursor: nil).items.map {
                Choice(value: $0.id.text, label: $0.content.title, detail: $0.content.summary)
            }
        }
        let topics = try await app.knowledge.categories(brand: kiosk.brandID, filter: ArticleFilter(reader: .anonymous, language: language))
        page.help = HelpView(
            query: text, topics: topics.map { Choice(value: HTMLForm.encode($0.name), label: $0.name, detail: nil) }, results: results,
            searched: !text.isEmpty || topic != nil, article: nil)
        return show(page)
    }

    func articleScreen(_ request: Request, _ context: TouchpointContext, thanks: String?) async throws -> Response {
        let kiosk = try kiosk(context)
        guard let article = try await app.knowledge.open(try context.parameters.id(), brand: kiosk.brandID, reader: .anonymous) else {
            throw Problem(.notFound, "no such article")
        }
        var page = try view(request, context, screen: "article", signedIn: try await customer(request, context) != nil)
        page.help = HelpView(
            query: "", topics: [], results: [], searched: false,
            article: ArticleView(
                id: article.id.text, title: article.content.title, summary: article.content.summary, html: article.html,
                thanks: thanks.flatMap { page.t[$0] }))
        page.articleVersion = String(article.version)
        return show(page)
    }
}
