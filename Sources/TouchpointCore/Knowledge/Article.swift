import Foundation

/// Where an article stands in its life: only published articles reach customers.
public enum ArticleStatus: String, WireEnum {
    case draft, published, archived
}

/// Who may read an article.
public enum ArticleVisibility: String, WireEnum {
    /// Anyone, signed in or not (the portal's help pages, the kiosk, the chat widget, the bot).
    case `public`
    /// Customers who signed in to the portal.
    case customers
    /// Signed-in customers whose account is on one of the article's service models.
    case models
    /// Staff only: how-tos for agents, never shown to a customer.
    case `internal`
}

/// Who is reading: decides which articles exist for them.
public enum ArticleReader: Sendable, Equatable {
    /// Someone not signed in: published public articles.
    case anonymous
    /// A signed-in customer on a service model (nil when the account has none yet).
    case customer(ServiceModel?)
    /// Staff: every article, drafts and internal ones too.
    case staff

    /// Whether this reader may see an article with this status, visibility and models.
    public func maySee(status: ArticleStatus, visibility: ArticleVisibility, models: [ServiceModel]) -> Bool {
        switch self {
        case .staff: return true
        case .anonymous: return status == .published && visibility == .public
        case .customer(let model):
            guard status == .published else { return false }
            switch visibility {
            case .public, .customers: return true
            case .models: return model.map(models.contains) ?? false
            case .internal: return false
            }
        }
    }
}

/// What an author writes: the content of one version.
public struct ArticleDraft: Sendable, Equatable {
    public var title: String
    public var summary: String
    /// Markdown.
    public var body: String
    public var language: Language
    public var status: ArticleStatus
    public var visibility: ArticleVisibility
    /// The service models that may read it, for `visibility == .models`.
    public var models: [ServiceModel]
    public var category: String
    public var tags: [String]

    public init(
        title: String, summary: String = "", body: String, language: Language, status: ArticleStatus = .draft,
        visibility: ArticleVisibility = .public, models: [ServiceModel] = [], category: String = "", tags: [String] = []
    ) {
        self.title = title
        self.summary = summary
        self.body = body
        self.language = language
        self.status = status
        self.visibility = visibility
        self.models = models
        self.category = category
        self.tags = tags
    }

    /// The draft with its text trimmed and checked, tags deduplicated; a field that does not
    /// fit is named in the error.
    public func validated() throws(ValidationError) -> ArticleDraft {
        var valid = self
        valid.title = try Check.text(title, field: "title", max: 200)
        valid.body = try Check.text(body, field: "body", max: 100_000)
        valid.summary = summary.trimmedWhitespace.isEmpty ? "" : try Check.text(summary, field: "summary", max: 500)
        valid.category = category.trimmedWhitespace.isEmpty ? "" : try Check.text(category, field: "category", max: 80)
        var seen = Set<String>()
        valid.tags = []
        for (index, tag) in tags.enumerated() {
            let clean = try Check.text(tag, field: "tags[\(index)]", max: 40)
            if clean.contains(",") { throw ValidationError(field: "tags[\(index)]", reason: "must not contain a comma") }
            if seen.insert(clean.lowercased()).inserted { valid.tags.append(clean) }
        }
        if valid.tags.count > 20 { throw ValidationError(field: "tags", reason: "must be at most 20 tags") }
        if visibility == .models && models.isEmpty {
            throw ValidationError(field: "models", reason: "must name at least one service model when visibility is models")
        }
        valid.models = visibility == .models ? Array(Set(models)).sorted() : []
        return valid
    }
}

/// An article as it stands now: its latest version's content and its counters.
public struct Article: Sendable, Equatable {
    public var id: UUID
    public var brandID: BrandID
    /// The article this one translates (every translation points at the same original);
    /// nil for an original.
    public var translationOf: UUID?
    public var content: ArticleDraft
    /// The body rendered to HTML and sanitized at save time.
    public var html: String
    /// The body as plain text (for snippets and answers in plain-text channels), kept with it.
    public var plainText: String
    public var version: Int
    public var createdAt: Date
    public var updatedAt: Date
    /// Times customers opened it.
    public var views: Int
    public var helpful: Int
    public var notHelpful: Int

    public init(
        id: UUID, brandID: BrandID, translationOf: UUID?, content: ArticleDraft, html: String, plainText: String = "", version: Int, createdAt: Date,
        updatedAt: Date, views: Int = 0, helpful: Int = 0, notHelpful: Int = 0
    ) {
        self.id = id
        self.brandID = brandID
        self.translationOf = translationOf
        self.content = content
        self.html = html
        self.plainText = plainText
        self.version = version
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.views = views
        self.helpful = helpful
        self.notHelpful = notHelpful
    }

    /// The id all translations of one text share: the original's.
    public var translationGroup: UUID { translationOf ?? id }
}

/// One saved version of an article: every save makes one; feedback counts per version.
public struct ArticleVersion: Sendable, Equatable {
    public var articleID: UUID
    public var version: Int
    public var content: ArticleDraft
    public var html: String
    public var authorID: UserID?
    /// What happened: written, restored from an earlier version.
    public var note: String
    public var savedAt: Date
    public var helpful: Int
    public var notHelpful: Int

    public init(
        articleID: UUID, version: Int, content: ArticleDraft, html: String, authorID: UserID?, note: String, savedAt: Date,
        helpful: Int = 0, notHelpful: Int = 0
    ) {
        self.articleID = articleID
        self.version = version
        self.content = content
        self.html = html
        self.authorID = authorID
        self.note = note
        self.savedAt = savedAt
        self.helpful = helpful
        self.notHelpful = notHelpful
    }
}
