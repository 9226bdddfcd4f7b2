import Foundation
import Hummingbird
import TouchpointApplication
import TouchpointCore

/// The help pages at `/portal/{brand}/help`: open to anyone for public articles, and to a
/// signed-in customer for the articles their service model may read. Browse by topic,
/// search, read, and say whether it helped, in English or Polish.
extension Portal {
    struct HelpFrame {
        var words: HelpWords
        var lang: String
        var otherLang: String
        var base: String
        var query: String
    }

    struct HelpView {
        var frame: Frame
        var help: HelpFrame
        var categories: [CategoryLine]
        var category: String?
        var searched: Bool
        var results: [ResultLine]
        var corrected: String?
        var empty: Bool
        var signedIn: Bool
    }

    struct CategoryLine {
        var name: String
        var href: String
        var count: Int
        var current: Bool
    }

    struct ResultLine {
        var href: String
        var titleHTML: String
        var snippetHTML: String
    }

    struct ArticleView {
        var frame: Frame
        var help: HelpFrame
        var id: String
        var title: String
        var summary: String
        var html: String
        var category: String?
        var categoryHref: String?
        var updated: TimeText
        var version: Int
        var translation: ResultLine?
        var feedback: String?
        var csrf: String
    }

    func addHelpRoutes(to group: RouterGroup<TouchpointContext>) {
        group.get("{brand}/help") { request, context in try await helpHome(request, context) }
        group.get("{brand}/help/{id}") { request, context in try await helpArticle(request, context) }
        group.post("{brand}/help/{id}/feedback") { request, context in try await helpFeedback(request, context) }
    }


    func helpFrame(_ language: Language, _ brand: Brand, query: String = "") -> HelpFrame {
        HelpFrame(
            words: HelpWords(language), lang: language.rawValue, otherLang: (language == .pl ? Language.en : .pl).rawValue,
            base: "/portal/\(brand.slug)/help", query: query)
    }

    func helpReader(_ context: TouchpointContext) async throws -> ArticleReader {
        try await app.knowledge.reader(for: context.customer?.contact)
    }

    func helpHome(_ request: Request, _ context: TouchpointContext) async throws -> Response {
        let brand = try await brand(context)
        let language = try await language(request, brand, context.customer)
        let form = HTMLForm(urlEncoded: request.uri.query ?? "")
        let text = (form["q"] ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        let category = form["category"].flatMap { $0.isEmpty ? nil : $0 }
        let filter = ArticleFilter(reader: try await helpReader(context), language: language, category: category)
        let base = "/portal/\(brand.slug)/help"
        let categories = try await app.knowledge.categories(brand: brand.id, filter: ArticleFilter(reader: filter.reader, language: language)).map {
            CategoryLine(
                name: $0.name, href: "\(base)?lang=\(language.rawValue)&category=\(HTMLForm.encode($0.name))", count: $0.articles,
                current: $0.name == category)
        }
        var results: [ResultLine] = []
        var corrected: String?
        if !text.isEmpty {
            let found = try await app.knowledge.search(String(text.prefix(500)), brand: brand.id, filter: filter, limit: 10, countMiss: true)
            results = found.hits.map {
                ResultLine(href: "\(base)/\($0.article.id.text)?lang=\(language.rawValue)", titleHTML: $0.titleHTML, snippetHTML: $0.snippetHTML)
            }
            corrected = found.corrected.isEmpty ? nil : found.corrected.joined(separator: ", ")
        } else if category != nil {
            results = try await app.knowledge.articles(brand: brand.id, filter: filter, limit: 100, cursor: nil).items.map {
                ResultLine(
                    href: "\(base)/\($0.id.text)?lang=\(language.rawValue)", titleHTML: HTMLSanitizer.escape($0.content.title),
                    snippetHTML: HTMLSanitizer.escape($0.content.summary))
            }
        }
        let words = HelpWords(language)
        let title = text.isEmpty ? (category ?? words.help) : "\(words.resultsFor) “\(text)”"
        let frame = frame(title, brand, context.customer, speaking: language, request: request)
        return pages.render(
            "portal-help",
            HelpView(
                frame: frame, help: helpFrame(language, brand, query: text), categories: categories, category: category,
                searched: !text.isEmpty || category != nil, results: results, corrected: corrected,
                empty: (!text.isEmpty || category != nil) && results.isEmpty, signedIn: context.customer != nil))
    }

    func helpArticle(_ request: Request, _ context: TouchpointContext, feedback: String? = nil) async throws -> Response {
        let brand = try await brand(context)
        let reader = try await helpReader(context)
        // A missing article and one the reader may not see look the same.
        guard let id = context.parameters.get("id").flatMap(UUID.init(text:)),
            let article = try await
                (feedback == nil
                ? app.knowledge.open(id, brand: brand.id, reader: reader)
                : app.knowledge.article(id, brand: brand.id, reader: reader))
        else { throw Problem(.notFound, "There is no such help page.") }
        let language = article.content.language
        let base = "/portal/\(brand.slug)/help"
        let other = try await app.knowledge.translations(of: article, reader: reader).first
        let frame = frame(article.content.title, brand, context.customer, speaking: language, request: request)
        let category = article.content.category.isEmpty ? nil : article.content.category
        return pages.render(
            "portal-help-article",
            ArticleView(
                frame: frame, help: helpFrame(language, brand), id: article.id.text, title: article.content.title, summary: article.content.summary,
                html: article.html, category: category,
                categoryHref: category.map { "\(base)?lang=\(language.rawValue)&category=\(HTMLForm.encode($0))" },
                updated: TimeText(article.updatedAt, brand.reader(language)), version: article.version,
                translation: other.map {
                    ResultLine(
                        href: "\(base)/\($0.id.text)?lang=\($0.content.language.rawValue)", titleHTML: HTMLSanitizer.escape($0.content.title), snippetHTML: "")
                },
                feedback: feedback, csrf: context.customer?.csrfToken ?? ""))
    }

    /// "Did this help?": counted for the version read, with what was missing when it did not.
    func helpFeedback(_ request: Request, _ context: TouchpointContext) async throws -> Response {
        let brand = try await brand(context)
        let form = context.form ?? HTMLForm(urlEncoded: "")
        guard let id = context.parameters.get("id").flatMap(UUID.init(text:)) else { throw Problem(.notFound, "There is no such help page.") }
        let helpful = form["helpful"] == "yes"
        let reader = try await helpReader(context)
        guard let article = try await app.knowledge.article(id, brand: brand.id, reader: reader) else {
            throw Problem(.notFound, "There is no such help page.")
        }
        let feedback = ArticleFeedback(helpful: helpful, comment: form["comment"], contactID: context.customer?.contact.id, contactPoint: .portal)
        try await app.knowledge.feedback(feedback, article: id, version: form["version"].flatMap { Int($0) }, brand: brand.id, reader: reader)
        let words = HelpWords(article.content.language)
        return try await helpArticle(request, context, feedback: helpful ? words.thanks : words.sorry)
    }
}
