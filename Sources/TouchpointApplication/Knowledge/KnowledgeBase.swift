import Foundation
import Ink
import TouchpointCore
import TouchpointStore

/// The knowledge base: articles authors write in Markdown, every save a version, and the
/// one search every contact point asks (portal, kiosk, chat widget, console, API, bot).
public struct KnowledgeBase: Sendable {
    let store: Store

    /// Writes a new article (version 1); with `translationOf` it is a translation of that
    /// original article.
    public func create(_ draft: ArticleDraft, translationOf: UUID? = nil, brand: BrandID, author: UserID?) async throws -> Article {
        let content = try draft.validated()
        let now = store.environment.now()
        let id = store.environment.newID()
        let html = Self.render(content.body)
        let article = Article(
            id: id, brandID: brand, translationOf: translationOf, content: content, html: html, version: 1, createdAt: now, updatedAt: now)
        let write = write(article, note: "written", author: author)
        try await store.createArticle(write)
        return write.article
    }

    /// Saves a new version of an article. With `baseVersion`, the save is refused when
    /// someone else saved after that version (409), instead of overwriting their work.
    public func update(_ id: UUID, with draft: ArticleDraft, baseVersion: Int?, brand: BrandID, author: UserID?) async throws -> Article {
        let content = try draft.validated()
        let html = Self.render(content.body)
        let now = store.environment.now()
        return try await store.changeArticle(id, brand: brand) { current in
            if let baseVersion, baseVersion != current.version {
                throw StoreError.conflict("version \(current.version) was saved after version \(baseVersion): reload the article and save again")
            }
            var next = current
            next.content = content
            next.html = html
            next.version = current.version + 1
            next.updatedAt = now
            return write(next, note: "written", author: author)
        }
    }

    /// Makes an earlier version's content the newest version again (nothing is lost: the
    /// versions in between stay).
    public func restore(_ id: UUID, version: Int, brand: BrandID, author: UserID?) async throws -> Article {
        guard let old = try await store.articleVersion(id, version: version, brand: brand) else { throw StoreError.notFound("article version") }
        let now = store.environment.now()
        return try await store.changeArticle(id, brand: brand) { current in
            var next = current
            next.content = old.content
            next.html = old.html
            next.version = current.version + 1
            next.updatedAt = now
            return write(next, note: "restored from version \(version)", author: author)
        }
    }

    /// Deletes an article and its history.
    public func delete(_ id: UUID, brand: BrandID, actor: Actor) async throws {
        let environment = store.environment
        try await store.deleteArticle(id, brand: brand) { article in
            DomainEvent(
                id: environment.newID(), brandID: brand, type: .articleDeleted, actor: actor, accountID: nil, contactID: nil, caseID: nil,
                payload: ["articleId": .string(article.id.text), "title": .string(article.content.title)], occurredAt: environment.now())
        }
    }

    /// Who a customer is as a reader: anyone when not signed in, else a customer on their
    /// account's service model.
    public func reader(for contact: Contact?) async throws -> ArticleReader {
        guard let contact else { return .anonymous }
        guard let accountID = contact.accountID else { return .customer(nil) }
        return .customer(try await store.account(accountID, brand: contact.brandID).serviceModel)
    }

    /// An article as this reader may see it, or nil (absent, or not for them).
    public func article(_ id: UUID, brand: BrandID, reader: ArticleReader) async throws -> Article? {
        guard let article = try await store.article(id, brand: brand) else { return nil }
        let content = article.content
        return reader.maySee(status: content.status, visibility: content.visibility, models: content.models) ? article : nil
    }

    /// An article a customer opens: as `article`, and counted as a view.
    public func open(_ id: UUID, brand: BrandID, reader: ArticleReader) async throws -> Article? {
        guard let article = try await article(id, brand: brand, reader: reader) else { return nil }
        if reader != .staff { try await store.recordArticleView(id, brand: brand) }
        return article
    }

    /// The other languages of an article this reader may see.
    public func translations(of article: Article, reader: ArticleReader) async throws -> [Article] {
        try await store.translations(of: article).filter { other in
            other.id != article.id && reader.maySee(status: other.content.status, visibility: other.content.visibility, models: other.content.models)
        }
    }

    /// The articles this filter lets through, most recently changed first.
    public func articles(brand: BrandID, filter: ArticleFilter, limit: Int, cursor: Cursor?) async throws -> Page<Article> {
        try await store.articles(brand: brand, filter: filter, limit: limit, cursor: cursor)
    }

    /// The categories a reader can browse, with how many articles each holds for them.
    public func categories(brand: BrandID, filter: ArticleFilter) async throws -> [(name: String, articles: Int)] {
        try await store.articleCategories(brand: brand, filter: filter)
    }

    /// Every version of an article, newest first.
    public func versions(_ id: UUID, brand: BrandID) async throws -> [ArticleVersion] {
        let versions = try await store.articleVersions(id, brand: brand)
        if versions.isEmpty { throw StoreError.notFound("article") }
        return versions
    }

    public func version(_ id: UUID, _ version: Int, brand: BrandID) async throws -> ArticleVersion {
        guard let found = try await store.articleVersion(id, version: version, brand: brand) else { throw StoreError.notFound("article version") }
        return found
    }

    /// What changed from one version to another.
    public func diff(_ id: UUID, from: Int, to: Int, brand: BrandID) async throws -> ArticleDiff {
        async let old = version(id, from, brand: brand)
        async let new = version(id, to, brand: brand)
        return ArticleDiff(from: try await old.content, to: try await new.content)
    }

    /// Counts a reader's "did this help?" for the version they read (the current one when
    /// nil).
    public func feedback(_ feedback: ArticleFeedback, article id: UUID, version: Int?, brand: BrandID, reader: ArticleReader) async throws {
        guard let article = try await article(id, brand: brand, reader: reader) else { throw StoreError.notFound("article") }
        var feedback = feedback
        if let comment = feedback.comment, !comment.trimmedWhitespace.isEmpty {
            feedback.comment = try Check.text(comment, field: "comment", max: 2000)
        } else {
            feedback.comment = nil
        }
        try await store.recordArticleFeedback(
            feedback, article: id, version: version ?? article.version, brand: brand,
            feedbackID: store.environment.newID())
    }

    /// What authors should work on next.
    public func analytics(brand: BrandID, limit: Int = 20) async throws -> KnowledgeAnalytics {
        try await store.knowledgeAnalytics(brand: brand, limit: limit)
    }

    /// Forgets a search that found nothing, once an article answers it.
    public func dismissMiss(_ query: String, brand: BrandID) async throws {
        try await store.dismissSearchMiss(query, brand: brand)
    }

    /// An article's body as customers read it: Markdown to HTML, then only safe markup.
    public static func render(_ markdown: String) -> String {
        HTMLSanitizer.sanitize(MarkdownParser().html(from: markdown))
    }

    func write(_ article: Article, note: String, author: UserID?) -> ArticleWrite {
        let version = ArticleVersion(
            articleID: article.id, version: article.version, content: article.content, html: article.html,
            authorID: author, note: note, savedAt: article.updatedAt)
        let event = DomainEvent(
            id: store.environment.newID(), brandID: article.brandID, type: .articleSaved, actor: author.map(Actor.staff) ?? .system,
            accountID: nil, contactID: nil, caseID: nil,
            payload: [
                "articleId": .string(article.id.text), "version": .int(article.version), "title": .string(article.content.title),
                "status": .string(article.content.status.rawValue), "note": .string(note),
            ],
            occurredAt: article.updatedAt)
        var article = article
        article.plainText = HTMLText.plainText(fromHTML: article.html)
        let search = ArticleSearchText(article.content, plainBody: article.plainText)
        return ArticleWrite(article: article, version: version, search: search, events: [event])
    }
}
