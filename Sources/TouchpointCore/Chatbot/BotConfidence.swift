import Foundation

/// An article the assistant might answer with, and how sure it is.
public struct BotCandidate: Sendable, Equatable {
    public var article: Article
    /// 0…1: how much of the question the article covers, and how far it leads the next one.
    public var confidence: Double

    public init(article: Article, confidence: Double) {
        self.article = article
        self.confidence = confidence
    }
}

/// How sure the assistant may be that a search result answers the question. The ranking
/// scores of the two databases are not on one scale, so confidence is read from the
/// question's words themselves: the share of them the article holds (in its title, summary
/// or tags in full, in its body alone at `bodyWeight`), lowered when the next result is
/// about as good (then the customer should choose). A word no article uses counts half:
/// it cannot decide between articles, but a question full of them is about something
/// else. Both parts are the same on SQLite and PostgreSQL, so a threshold means the same
/// on both.
public enum BotConfidence {
    /// What a word found only in the body counts for, against one in the title.
    public static let bodyWeight = 0.6
    /// Below this lead over the next result (as a share of the best score) the confidence is cut.
    public static let clearLead = 0.35
    /// What a dead heat with the next result leaves of the confidence: below the default
    /// `confidentAt`, so a tie is always offered as a choice.
    public static let tieFactor = 0.6

    /// What a word the knowledge base does not use weighs in the share.
    public static let unknownWeight = 0.5

    /// The share of `terms` that `article` covers, 0…1; `unknown` words weigh `unknownWeight`.
    public static func coverage(of terms: [QueryTerm], in article: Article, unknown: Set<String> = []) -> Double {
        guard !terms.isEmpty else { return 0 }
        let text = ArticleSearchText(article.content, plainBody: article.plainText)
        let heading = Set((text.title + " " + text.summary + " " + text.tags).split(separator: " ").map(String.init))
        let body = Set(text.body.split(separator: " ").map(String.init))
        var covered = 0.0
        var total = 0.0
        for term in terms {
            total += unknown.contains(term.word) ? unknownWeight : 1
            if term.stems.contains(where: { matches($0, heading) }) {
                covered += 1
            } else if term.stems.contains(where: { matches($0, body) }) {
                covered += bodyWeight
            }
        }
        return total > 0 ? covered / total : 0
    }

    /// A stem matches itself, and when long enough any stem it begins (as the indexes do).
    static func matches(_ stem: String, _ stems: Set<String>) -> Bool {
        if stems.contains(stem) { return true }
        guard stem.count >= SearchQuery.prefixLength else { return false }
        return stems.contains { $0.hasPrefix(stem) }
    }

    /// The candidates of ranked results (best first, with their database scores): each
    /// one's coverage, the first's cut by how little it leads the second.
    /// `focus` is what the message says it is about (an email's subject): an article that
    /// covers it counts as covering the message, however long the message runs on.
    public static func rate(
        _ results: [(article: Article, score: Double)], terms: [QueryTerm], unknown: Set<String> = [], focus: [QueryTerm] = []
    ) -> [BotCandidate] {
        var rated = results.map { result in
            let whole = coverage(of: terms, in: result.article, unknown: unknown)
            let subject = focus.isEmpty ? 0 : coverage(of: focus, in: result.article, unknown: unknown)
            return BotCandidate(article: result.article, confidence: max(whole, subject))
        }
        guard rated.count > 1, let best = results.first?.score, best > 0 else { return rated }
        let lead = max(0, (best - results[1].score) / best)
        if lead < clearLead { rated[0].confidence *= tieFactor + (1 - tieFactor) * lead / clearLead }
        return rated
    }
}
