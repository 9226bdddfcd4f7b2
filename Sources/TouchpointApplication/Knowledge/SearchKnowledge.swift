import Foundation
import TouchpointCore
import TouchpointStore

/// An article found by a search, ready to show: the title and the matching passage with
/// the searched words marked.
public struct KnowledgeHit: Sendable {
    public var article: Article
    public var score: Double
    /// The title, HTML-escaped, matching words in `<mark>`.
    public var titleHTML: String
    /// The passage of the body that matched best, HTML-escaped, matching words in `<mark>`.
    public var snippetHTML: String
}

/// What a search found, and how it read the query.
public struct KnowledgeSearchResult: Sendable {
    public var hits: [KnowledgeHit]
    /// Words of the query that matched nothing as typed and were read as a nearby word.
    public var corrected: [String]
    /// The query's words with every stem they were matched by (typo readings included).
    public var terms: [QueryTerm]
    /// Words no article uses in any spelling close to it.
    public var unknown: Set<String>
}

extension KnowledgeBase {
    /// Searches the articles the filter lets through, best first. Words are matched by their
    /// stems in the query's language (in every language when not given), without
    /// diacritics, and a word the knowledge base does not use is read as the words one
    /// typo away that it does use. A search that finds nothing is remembered for authors
    /// when `countMiss` is set (customers' searches; not staff looking around). The search is
    /// widened to any word when every word finds fewer than `widenBelow` (default: `limit`).
    public func search(
        _ text: String, brand: BrandID, filter: ArticleFilter, limit: Int = 10, countMiss: Bool = false, widenBelow: Int? = nil
    ) async throws -> KnowledgeSearchResult {
        var terms = SearchAnalyzer.queryTerms(text, language: filter.language)
        guard !terms.isEmpty else { return KnowledgeSearchResult(hits: [], corrected: [], terms: [], unknown: []) }
        let (corrected, unknown) = try await correctTypos(&terms, brand: brand, language: filter.language)
        // Every word first; widened to any word only when that finds too little.
        var found = try await store.searchArticles(SearchQuery(terms: terms, matchAll: true), brand: brand, filter: filter, limit: limit)
        if found.count < (widenBelow ?? limit) && terms.count > 1 {
            let seen = Set(found.map(\.article.id))
            let wider = try await store.searchArticles(SearchQuery(terms: terms), brand: brand, filter: filter, limit: limit)
            found += wider.filter { !seen.contains($0.article.id) }.prefix(limit - found.count)
        }
        let query = SearchQuery(terms: terms)
        if found.isEmpty, countMiss {
            try await store.recordSearchMiss(terms.map(\.word).joined(separator: " "), language: filter.language, brand: brand)
        }
        let stems = query.stems
        let hits = found.map { hit in
            let content = hit.article.content
            let plain = hit.article.plainText
            return KnowledgeHit(
                article: hit.article, score: hit.score,
                titleHTML: SearchSnippet.highlight(content.title, matching: stems, language: content.language),
                snippetHTML: SearchSnippet.snippet(
                    content.summary.isEmpty ? plain : content.summary + "\n" + plain,
                    matching: stems, language: content.language))
        }
        return KnowledgeSearchResult(hits: hits, corrected: corrected, terms: terms, unknown: unknown)
    }

    /// Published articles that may answer a case: searched with its subject and what the
    /// customer wrote last (staff see internal how-tos too).
    public func suggestions(subject: String, text: String, brand: BrandID, limit: Int = 3) async throws -> [KnowledgeHit] {
        try await search(subject + "\n" + text.prefix(2000), brand: brand, filter: ArticleFilter(reader: .staff, statuses: [.published]), limit: limit).hits
    }

    /// Adds to each word the knowledge base does not know the stems of its one-typo
    /// neighbours that it does know; returns the words so read, and those it could not read.
    func correctTypos(_ terms: inout [QueryTerm], brand: BrandID, language: Language?) async throws -> (corrected: [String], unknown: Set<String>) {
        let all = Set(terms.flatMap(\.stems))
        let exact = try await store.knownTerms(all, brand: brand)
        let long = Set(all.filter { !exact.contains($0) && $0.count >= SearchQuery.prefixLength })
        let prefixes = try await store.knownPrefixes(long, brand: brand)
        let known = exact.union(prefixes)
        let languages = language.map { [$0] } ?? Language.allCases
        var corrected: [String] = []
        var unknown = Set<String>()
        for index in terms.indices where !terms[index].stems.contains(where: known.contains) && !terms[index].word.allSatisfy(\.isNumber) {
            var candidates = Set<String>()
            for variant in Typos.variants(of: terms[index].word) where !SearchAnalyzer.isStopWord(variant) {
                for language in languages { candidates.insert(SearchAnalyzer.stem(variant, language: language)) }
            }
            candidates.subtract(terms[index].stems)
            // The few closest readings that exist; more would match everything.
            let found = try await store.knownTerms(candidates, brand: brand).sorted().prefix(3)
            if !found.isEmpty {
                terms[index].stems += found
                corrected.append(terms[index].word)
            } else {
                unknown.insert(terms[index].word)
            }
        }
        return (corrected, unknown)
    }
}
