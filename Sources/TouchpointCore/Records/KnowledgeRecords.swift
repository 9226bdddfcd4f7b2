import Foundation

/// Which articles a list or a search covers.
public struct ArticleFilter: Sendable, Equatable {
    public var reader: ArticleReader
    public var language: Language?
    public var category: String?
    /// For staff: only these statuses (all when nil). Customers see published articles only.
    public var statuses: [ArticleStatus]?

    public init(reader: ArticleReader, language: Language? = nil, category: String? = nil, statuses: [ArticleStatus]? = nil) {
        self.reader = reader
        self.language = language
        self.category = category
        self.statuses = statuses
    }
}

/// An article a search found, with the database's relevance (higher is better).
public struct ArticleHit: Sendable, Equatable {
    public var article: Article
    public var score: Double

    public init(article: Article, score: Double) {
        self.article = article
        self.score = score
    }
}

/// A search that found nothing: what authors should write next.
public struct SearchMiss: Sendable, Equatable {
    public var query: String
    public var language: Language?
    public var searches: Int
    public var firstAt: Date
    public var lastAt: Date

    public init(query: String, language: Language?, searches: Int, firstAt: Date, lastAt: Date) {
        self.query = query
        self.language = language
        self.searches = searches
        self.firstAt = firstAt
        self.lastAt = lastAt
    }
}

/// What authors look at to improve the knowledge base.
public struct KnowledgeAnalytics: Sendable, Equatable {
    /// Published articles readers said did not help, most "didn't help" first.
    public var notHelpful: [Article]
    /// Searches that found nothing, most frequent first.
    public var unanswered: [SearchMiss]
    /// Published articles no customer has opened, oldest first.
    public var neverOpened: [Article]

    public init(notHelpful: [Article], unanswered: [SearchMiss], neverOpened: [Article]) {
        self.notHelpful = notHelpful
        self.unanswered = unanswered
        self.neverOpened = neverOpened
    }
}

/// A customer's "did this help?", with where it was asked.
public struct ArticleFeedback: Sendable, Equatable {
    public var helpful: Bool
    public var comment: String?
    public var contactID: ContactID?
    public var contactPoint: ContactPoint

    public init(helpful: Bool, comment: String? = nil, contactID: ContactID? = nil, contactPoint: ContactPoint) {
        self.helpful = helpful
        self.comment = comment
        self.contactID = contactID
        self.contactPoint = contactPoint
    }
}

/// A new state of an article as a use case decided it: the article row, the version to
/// add, the text to index and the events; the store writes them in one transaction.
public struct ArticleWrite: Sendable {
    public var article: Article
    public var version: ArticleVersion
    public var search: ArticleSearchText
    public var events: [DomainEvent]

    public init(article: Article, version: ArticleVersion, search: ArticleSearchText, events: [DomainEvent]) {
        self.article = article
        self.version = version
        self.search = search
        self.events = events
    }
}
