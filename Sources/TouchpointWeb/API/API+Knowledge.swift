import Foundation
import Hummingbird
import TouchpointApplication
import TouchpointCore

/// An article as the API gives it: content, rendered HTML, its version and counters.
struct ArticleDTO: Encodable {
    var id: String
    var version: Int
    var title: String
    var summary: String
    /// Markdown, as written.
    var body: String
    /// The body rendered and sanitized.
    var html: String
    var language: Language
    var status: ArticleStatus
    var visibility: ArticleVisibility
    var models: [ServiceModel]
    var category: String
    var tags: [String]
    var translationOf: String?
    var translations: [ArticleLinkDTO]?
    var createdAt: Date
    var updatedAt: Date
    var views: Int
    var helpful: Int
    var notHelpful: Int

    init(_ article: Article, translations: [Article]? = nil) {
        let content = article.content
        id = article.id.text
        version = article.version
        title = content.title
        summary = content.summary
        body = content.body
        html = article.html
        language = content.language
        status = content.status
        visibility = content.visibility
        models = content.models
        category = content.category
        tags = content.tags
        translationOf = article.translationOf?.text
        self.translations = translations?.map(ArticleLinkDTO.init)
        createdAt = article.createdAt
        updatedAt = article.updatedAt
        views = article.views
        helpful = article.helpful
        notHelpful = article.notHelpful
    }
}

/// An article named in a list: enough to show and open it.
struct ArticleLinkDTO: Encodable {
    var id: String
    var title: String
    var language: Language
    var status: ArticleStatus
    var version: Int
    var helpful: Int
    var notHelpful: Int
    var views: Int
    var updatedAt: Date

    init(_ article: Article) {
        id = article.id.text
        title = article.content.title
        language = article.content.language
        status = article.content.status
        version = article.version
        helpful = article.helpful
        notHelpful = article.notHelpful
        views = article.views
        updatedAt = article.updatedAt
    }
}

/// What an author sends to write or change an article. On `PUT`, a field left out keeps
/// its current value.
struct ArticleRequest: Decodable {
    var title: String?
    var body: String?
    var language: Language?
    var status: ArticleStatus?
    var summary: String?
    var category: String?
    var tags: [String]?
    var visibility: ArticleVisibility?
    var models: [ServiceModel]?
    /// POST only: the original article this one translates.
    var translationOf: UUID?
    /// PUT only: the version the author edited; a newer one saved meanwhile is a 409.
    var baseVersion: Int?

    func draft(over current: ArticleDraft?) throws -> ArticleDraft {
        guard let title = title ?? current?.title else { throw Problem.invalid(ValidationError(field: "title", reason: "is required")) }
        guard let body = body ?? current?.body else { throw Problem.invalid(ValidationError(field: "body", reason: "is required")) }
        guard let language = language ?? current?.language else { throw Problem.invalid(ValidationError(field: "language", reason: "is required")) }
        return ArticleDraft(
            title: title, summary: summary ?? current?.summary ?? "", body: body, language: language,
            status: status ?? current?.status ?? .draft, visibility: visibility ?? current?.visibility ?? .public,
            models: models ?? current?.models ?? [], category: category ?? current?.category ?? "", tags: tags ?? current?.tags ?? [])
    }
}

struct ArticleVersionDTO: Encodable {
    var version: Int
    var title: String
    var status: ArticleStatus
    var authorId: String?
    var note: String
    var savedAt: Date
    var helpful: Int
    var notHelpful: Int
    /// Only when one version is asked for.
    var summary: String?
    var body: String?
    var html: String?

    init(_ version: ArticleVersion, full: Bool) {
        self.version = version.version
        title = version.content.title
        status = version.content.status
        authorId = version.authorID?.text
        note = version.note
        savedAt = version.savedAt
        helpful = version.helpful
        notHelpful = version.notHelpful
        if full {
            summary = version.content.summary
            body = version.content.body
            html = version.html
        }
    }
}

struct ArticleDiffDTO: Encodable {
    struct Field: Encodable {
        var name: String
        var from: String
        var to: String
    }

    struct Line: Encodable {
        var change: ArticleDiff.Change
        var text: String
    }

    var from: Int
    var to: Int
    var fields: [Field]
    var lines: [Line]
}

struct SearchResultDTO: Encodable {
    var id: String
    var title: String
    /// The title with the searched words in `<mark>` (HTML).
    var titleHtml: String
    /// The passage that matched best, HTML-escaped, searched words in `<mark>`.
    var snippet: String
    var score: Double
    var summary: String
    var language: Language
    var category: String
    var version: Int
}

struct SearchResponseDTO: Encodable {
    var results: [SearchResultDTO]
    /// Words read as a nearby word because the knowledge base does not use them as typed.
    var corrected: [String]
}

struct ArticleFeedbackRequest: Decodable {
    var helpful: Bool
    var comment: String?
    /// The version read; the current one when left out.
    var version: Int?
    var contactId: UUID?
    var contactPoint: ContactPoint?
}

struct KnowledgeAnalyticsDTO: Encodable {
    struct Miss: Encodable {
        var query: String
        var language: Language?
        var searches: Int
        var firstAt: Date
        var lastAt: Date
    }

    var notHelpful: [ArticleLinkDTO]
    var unanswered: [Miss]
    var neverOpened: [ArticleLinkDTO]
}

extension API {
    /// The knowledge base: authors write and version articles; anyone with access searches.
    func addKnowledgeRoutes(to group: RouterGroup<TouchpointContext>) {
        group.post("kb/articles") { request, context in
            let caller = try context.caller(may: .writeArticles)
            let body = try await io.decode(ArticleRequest.self, from: request)
            let article = try await app.knowledge.create(
                try body.draft(over: nil), translationOf: body.translationOf, brand: caller.brandID,
                author: caller.userID)
            return try JSONIO.response(ArticleDTO(article), status: .created, headers: [.location: "/api/v1/kb/articles/\(article.id.text)"])
        }
        group.get("kb/articles") { request, context in
            let caller = try context.caller(may: .readCustomers)
            let query = Query(request: request)
            let filter = ArticleFilter(
                reader: .staff, language: try query.wire("language", as: Language.self), category: query.string("category"),
                statuses: try query.wireList("status", as: ArticleStatus.self))
            let page = try await app.knowledge.articles(brand: caller.brandID, filter: filter, limit: try query.limit(), cursor: try query.cursor())
            return try JSONIO.response(EncodablePageDTO(items: page.items.map { ArticleDTO($0) }, nextCursor: page.nextCursor))
        }
        group.get("kb/articles/{id}") { _, context in
            let caller = try context.caller(may: .readCustomers)
            let article = try await staffArticle(context, caller)
            return try JSONIO.response(ArticleDTO(article, translations: try await app.knowledge.translations(of: article, reader: .staff)))
        }
        group.put("kb/articles/{id}") { request, context in
            let caller = try context.caller(may: .writeArticles)
            let current = try await staffArticle(context, caller)
            let body = try await io.decode(ArticleRequest.self, from: request)
            let article = try await app.knowledge.update(
                current.id, with: try body.draft(over: current.content), baseVersion: body.baseVersion,
                brand: caller.brandID, author: caller.userID)
            return try JSONIO.response(ArticleDTO(article))
        }
        group.delete("kb/articles/{id}") { _, context in
            let caller = try context.caller(may: .writeArticles)
            try await app.knowledge.delete(try context.parameters.id(), brand: caller.brandID, actor: .staff(caller.userID))
            return Response(status: .noContent)
        }
        group.get("kb/articles/{id}/versions") { _, context in
            let caller = try context.caller(may: .readCustomers)
            let versions = try await app.knowledge.versions(try context.parameters.id(), brand: caller.brandID)
            return try JSONIO.response(["items": versions.map { ArticleVersionDTO($0, full: false) }])
        }
        group.get("kb/articles/{id}/versions/{version}") { _, context in
            let caller = try context.caller(may: .readCustomers)
            guard let number = context.parameters.get("version").flatMap({ Int($0) }) else { throw Problem(.notFound, "not found") }
            return try JSONIO.response(
                ArticleVersionDTO(try await app.knowledge.version(try context.parameters.id(), number, brand: caller.brandID), full: true))
        }
        group.get("kb/articles/{id}/diff") { request, context in
            let caller = try context.caller(may: .readCustomers)
            let query = Query(request: request)
            let from = try query.positive("from"), to = try query.positive("to")
            let diff = try await app.knowledge.diff(try context.parameters.id(), from: from, to: to, brand: caller.brandID)
            return try JSONIO.response(
                ArticleDiffDTO(
                    from: from, to: to,
                    fields: diff.fields.sorted { $0.key < $1.key }.map { .init(name: $0.key, from: $0.value.from, to: $0.value.to) },
                    lines: diff.lines.map { .init(change: $0.change, text: $0.text) }))
        }
        group.post("kb/articles/{id}/restore") { request, context in
            let caller = try context.caller(may: .writeArticles)
            struct Body: Decodable { var version: Int }
            let body = try await io.decode(Body.self, from: request)
            let article = try await app.knowledge.restore(
                try context.parameters.id(), version: body.version, brand: caller.brandID, author: caller.userID)
            return try JSONIO.response(ArticleDTO(article))
        }
        group.post("kb/articles/{id}/feedback") { request, context in
            let caller = try context.caller(may: .readCustomers)
            let body = try await io.decode(ArticleFeedbackRequest.self, from: request)
            let feedback = ArticleFeedback(
                helpful: body.helpful, comment: body.comment, contactID: body.contactId, contactPoint: body.contactPoint ?? .portal)
            try await app.knowledge.feedback(
                feedback, article: try context.parameters.id(), version: body.version, brand: caller.brandID, reader: .staff)
            return Response(status: .noContent)
        }
        group.get("kb/search") { request, context in
            let caller = try context.caller(may: .readCustomers)
            let query = Query(request: request)
            guard let text = query.string("q") else { throw Problem.invalid(ValidationError(field: "q", reason: "is required")) }
            let filter = ArticleFilter(
                reader: try query.reader(), language: try query.wire("language", as: Language.self),
                category: query.string("category"), statuses: [.published])
            let found = try await app.knowledge.search(text, brand: caller.brandID, filter: filter, limit: try query.limit(default: 10, max: 50))
            return try JSONIO.response(SearchResponseDTO(results: found.hits.map(SearchResultDTO.init), corrected: found.corrected))
        }
        group.get("kb/analytics") { request, context in
            let caller = try context.caller(may: .writeArticles)
            let analytics = try await app.knowledge.analytics(brand: caller.brandID, limit: try Query(request: request).limit(default: 20, max: 100))
            return try JSONIO.response(
                KnowledgeAnalyticsDTO(
                    notHelpful: analytics.notHelpful.map(ArticleLinkDTO.init),
                    unanswered: analytics.unanswered.map {
                        .init(query: $0.query, language: $0.language, searches: $0.searches, firstAt: $0.firstAt, lastAt: $0.lastAt)
                    },
                    neverOpened: analytics.neverOpened.map(ArticleLinkDTO.init)))
        }
        group.delete("kb/unanswered") { request, context in
            let caller = try context.caller(may: .writeArticles)
            guard let text = Query(request: request).string("q") else { throw Problem.invalid(ValidationError(field: "q", reason: "is required")) }
            try await app.knowledge.dismissMiss(text, brand: caller.brandID)
            return Response(status: .noContent)
        }
    }

    func staffArticle(_ context: TouchpointContext, _ caller: Principal) async throws -> Article {
        guard let article = try await app.knowledge.article(try context.parameters.id(), brand: caller.brandID, reader: .staff) else {
            throw Problem(.notFound, "article not found")
        }
        return article
    }
}

extension SearchResultDTO {
    init(_ hit: KnowledgeHit) {
        let content = hit.article.content
        self.init(
            id: hit.article.id.text, title: content.title, titleHtml: hit.titleHTML, snippet: hit.snippetHTML, score: hit.score,
            summary: content.summary, language: content.language, category: content.category, version: hit.article.version)
    }
}

extension Query {
    /// A whole number of at least 1 (a version).
    func positive(_ name: String) throws -> Int {
        guard let raw = string(name) else { throw Problem.invalid(ValidationError(field: name, reason: "is required")) }
        guard let number = Int(raw), number >= 1 else { throw Problem.invalid(ValidationError(field: name, reason: "must be a whole number from 1")) }
        return number
    }

    /// Whom to search as: `staff` (every published article, internal ones too; the default),
    /// `public` (anyone), `customer` (any signed-in customer) or a service model's name
    /// (a signed-in customer on that model).
    func reader() throws -> ArticleReader {
        switch string("as") {
        case nil, "staff": return .staff
        case "public": return .anonymous
        case "customer": return .customer(nil)
        case let raw?:
            guard let model = ServiceModel(rawValue: raw) else {
                throw Problem.invalid(ValidationError(field: "as", reason: "must be staff, public, customer or a service model"))
            }
            return .customer(model)
        }
    }
}
