/// A knowledge-base search as the databases run it: each word of the query with its
/// stems (and the spellings it was corrected to). With `matchAll`, an article must hold
/// every word (any of its stems); otherwise any word is enough and the ranking rewards
/// articles that hold more of them, and rarer ones, in the title most. A search asks for
/// every word first and widens only when that finds too little: the narrow set is what
/// people mean, and it is small, so ranking it stays cheap however large the base grows.
public struct SearchQuery: Sendable, Equatable {
    /// Stems at least this long also match longer stems ("zaplac" finds "zaplacic").
    public static let prefixLength = 5

    public var terms: [QueryTerm]
    public var matchAll: Bool

    public init(terms: [QueryTerm], matchAll: Bool = false) {
        self.terms = terms
        self.matchAll = matchAll
    }

    public var isEmpty: Bool { terms.isEmpty }

    /// Every stem sought, for highlighting.
    public var stems: Set<String> { Set(terms.flatMap(\.stems)) }

    /// An FTS5 match expression: each word's quoted stems (long ones as prefixes) in
    /// parentheses, joined by AND or OR.
    public var fts5: String {
        groups(or: " OR ", and: " AND ") { stem in
            let quoted = "\"" + stem.replacingOccurrences(of: "\"", with: "\"\"") + "\""
            return stem.count >= Self.prefixLength ? quoted + "*" : quoted
        }
    }

    /// A PostgreSQL `to_tsquery('simple', …)` text of the same meaning.
    public var tsquery: String {
        groups(or: " | ", and: " & ") { stem in
            let quoted = "'" + stem.replacingOccurrences(of: "'", with: "''").replacingOccurrences(of: "\\", with: "\\\\") + "'"
            return stem.count >= Self.prefixLength ? quoted + ":*" : quoted
        }
    }

    func groups(or: String, and: String, _ quote: (String) -> String) -> String {
        if !matchAll { return stems.sorted().map(quote).joined(separator: or) }
        return terms.map { "(" + $0.stems.map(quote).joined(separator: or) + ")" }.joined(separator: and)
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

    /// Words the index filters on beside the text (brand, status, who may read, language,
    /// topic): plain letters and digits, so the tokenizer keeps each whole.
    public static func facets(brand: BrandID, content: ArticleDraft) -> String {
        var facets = [
            "brand" + brand.uuidString.filter { $0 != "-" }, "status" + content.status.rawValue, "vis" + content.visibility.rawValue,
            "lang" + content.language.rawValue,
        ]
        facets += content.models.map { "model" + $0.rawValue }
        if !content.category.isEmpty { facets.append(categoryFacet(content.category)) }
        return facets.joined(separator: " ").lowercased()
    }

    /// The facet of a topic: its letters folded, as hexadecimal (any script, one token).
    public static func categoryFacet(_ category: String) -> String {
        "cat" + hex(SearchAnalyzer.words(category).joined(separator: " "))
    }

    static func hex(_ text: String) -> String {
        text.utf8.map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined()
    }

    /// Every distinct stem, for the vocabulary that typo correction checks against.
    public var vocabulary: Set<String> {
        Set([title, summary, tags, body].flatMap { $0.split(separator: " ").map(String.init) })
    }
}
