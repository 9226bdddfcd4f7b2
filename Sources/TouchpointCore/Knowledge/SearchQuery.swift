/// A knowledge-base search as the databases run it: each word of the query with its
/// stems (and the spellings it was corrected to), any word enough for a match, the
/// ranking rewarding articles that hold more of them, and rarer ones, in the title most.
public struct SearchQuery: Sendable, Equatable {
    /// Stems at least this long also match longer stems ("zaplac" finds "zaplacic").
    public static let prefixLength = 5

    public var terms: [QueryTerm]

    public init(terms: [QueryTerm]) {
        self.terms = terms
    }

    public var isEmpty: Bool { terms.isEmpty }

    /// Every stem sought, for highlighting.
    public var stems: Set<String> { Set(terms.flatMap(\.stems)) }

    /// An FTS5 match expression: quoted stems joined by OR, long ones as prefixes.
    public var fts5: String {
        stems.sorted().map { stem in
            let quoted = "\"" + stem.replacingOccurrences(of: "\"", with: "\"\"") + "\""
            return stem.count >= Self.prefixLength ? quoted + "*" : quoted
        }.joined(separator: " OR ")
    }

    /// A PostgreSQL `to_tsquery('simple', …)` text of the same meaning.
    public var tsquery: String {
        stems.sorted().map { stem in
            let quoted = "'" + stem.replacingOccurrences(of: "'", with: "''").replacingOccurrences(of: "\\", with: "\\\\") + "'"
            return stem.count >= Self.prefixLength ? quoted + ":*" : quoted
        }.joined(separator: " | ")
    }
}

/// An article's text as the index holds it: the stems of each weighted part.
public struct ArticleSearchText: Sendable, Equatable {
    public var title: String
    public var summary: String
    public var tags: String
    public var body: String

    /// The stems of the draft's parts in its language; `plainBody` is the body without markup.
    public init(_ draft: ArticleDraft, plainBody: String) {
        let terms = { (text: String) in SearchAnalyzer.indexTerms(text, language: draft.language).joined(separator: " ") }
        title = terms(draft.title)
        summary = terms(draft.summary)
        tags = terms((draft.tags + [draft.category]).joined(separator: " "))
        body = terms(plainBody)
    }

    /// Every distinct stem, for the vocabulary that typo correction checks against.
    public var vocabulary: Set<String> {
        Set([title, summary, tags, body].flatMap { $0.split(separator: " ").map(String.init) })
    }
}
