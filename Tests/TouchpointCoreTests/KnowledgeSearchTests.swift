import Foundation
import Testing

@testable import TouchpointCore

/// How the knowledge base reads words: folding, stems in Polish and English, typos,
/// snippets, and what it makes of the things people type into a search box.
struct KnowledgeSearchTests {
    @Test func polishFormsOfOneWordShareAStem() {
        let groups: [[String]] = [
            ["faktura", "faktury", "fakturze", "fakturę", "fakturą", "fakturami", "fakturach", "fakturom", "faktur"],
            ["licznik", "licznika", "liczniku", "licznikiem", "liczniki", "liczników", "licznikami"],
            ["odczyt", "odczytu", "odczytem", "odczyty", "odczytów"],
            ["płatność", "płatności", "płatnością"],
            ["zapłacić", "zapłacę", "zapłaci", "zapłacisz"],
            ["awaria", "awarii", "awarię", "awarią"],
            ["rachunek", "rachunku", "rachunki", "rachunkiem"],
            ["taryfa", "taryfy", "taryfie", "taryfę"],
            ["zużycie", "zużycia", "zużyciu"],
            ["umowa", "umowy", "umowie", "umowę", "umową"],
        ]
        for group in groups {
            let stems = Set(group.map { PolishStemmer.stem(SearchAnalyzer.words($0)[0]) })
            #expect(stems.count == 1, "\(group): \(stems)")
        }
        // A search also tries the alternation the index cannot undo safely.
        #expect(PolishStemmer.searchStems("wizycie").contains(PolishStemmer.stem("wizyta")))
        #expect(PolishStemmer.searchStems("przeprowadzce").contains(PolishStemmer.stem("przeprowadzka")))
    }

    @Test func englishFormsOfOneWordShareAStem() {
        let groups: [[String]] = [
            ["meter", "meters"], ["read", "reads", "reading", "readings"], ["move", "moved", "moving", "moves"],
            ["invoice", "invoices", "invoiced", "invoicing"], ["bill", "bills", "billed", "billing"], ["outage", "outages"],
            ["reply", "replies", "replied"], ["run", "running"], ["pay", "pays", "paying"],
        ]
        for group in groups {
            let stems = Set(group.map(EnglishStemmer.stem))
            #expect(stems.count == 1, "\(group): \(stems)")
        }
        #expect(EnglishStemmer.stem("bring") == "bring")
        #expect(EnglishStemmer.stem("status") == "status")
    }

    @Test func foldingDropsCaseAndDiacritics() {
        #expect(SearchAnalyzer.words("Zapłacić ŁÓDŹ, Crème-brûlée!") == ["zaplacic", "lodz", "creme", "brulee"])
        #expect(SearchAnalyzer.words("Cafe\u{301} 42x") == ["cafe", "42x"])
        #expect(SearchAnalyzer.queryTerms("zaplacic", language: .pl) == SearchAnalyzer.queryTerms("zapłacić", language: .pl))
    }

    @Test func whatPeopleTypeBecomesPlainTerms() {
        for typed in ["\"faktura", "faktura AND licznik", "fak*", "💡 faktura 🔥", "NEAR(a b)", "'; DROP TABLE x; --", "a:b -c ^d", ""] {
            let query = SearchQuery(terms: SearchAnalyzer.queryTerms(typed, language: nil))
            for stem in query.stems { #expect(stem.allSatisfy { $0.isLetter || $0.isNumber }, "\(typed) → \(stem)") }
        }
        let query = SearchQuery(terms: SearchAnalyzer.queryTerms("How do I read my meter?", language: .en))
        #expect(query.stems == ["read", "meter"])
        #expect(query.fts5 == "\"meter\"* OR \"read\"")
        #expect(query.tsquery == "'meter':* | 'read'")
    }

    @Test func typoVariantsAreOneEditAway() {
        let variants = Typos.variants(of: "licznk")
        #expect(variants.contains("licznik"))
        #expect(Typos.variants(of: "invocie").contains("invoice"))
        #expect(Typos.variants(of: "metre").contains("meter"))
        #expect(!variants.contains("licznk"))
        #expect(Typos.variants(of: "gaz").isEmpty)
    }

    @Test func snippetsMarkTheMatchingWordsAndEscapeTheRest() {
        let text =
            "Opening words. " + Array(repeating: "filler", count: 40).joined(separator: " ")
            + " Your <b>meter</b> readings are due monthly. " + Array(repeating: "tail", count: 40).joined(separator: " ")
        let stems = SearchQuery(terms: SearchAnalyzer.queryTerms("meter reading", language: .en)).stems
        let snippet = SearchSnippet.snippet(text, matching: stems, language: .en)
        #expect(snippet.contains("<mark>meter</mark>"))
        #expect(snippet.contains("<mark>readings</mark>"))
        #expect(snippet.contains("&lt;b&gt;"))
        #expect(snippet.hasPrefix("… ") && snippet.hasSuffix(" …"))
        #expect(!snippet.contains("Opening"))
        #expect(SearchSnippet.highlight("Faktura & płatność", matching: ["faktur"], language: .pl) == "<mark>Faktura</mark> &amp; płatność")
    }

    @Test func draftsAreCheckedFieldByField() throws {
        #expect(throws: ValidationError(field: "title", reason: "must not be empty")) {
            try ArticleDraft(title: " ", body: "x", language: .en).validated()
        }
        #expect(throws: ValidationError(field: "models", reason: "must name at least one service model when visibility is models")) {
            try ArticleDraft(title: "t", body: "x", language: .en, visibility: .models).validated()
        }
        let valid = try ArticleDraft(title: " t ", body: "x", language: .en, tags: ["Meter", "meter", " bills "]).validated()
        #expect(valid.title == "t" && valid.tags == ["Meter", "bills"])
    }

    @Test func readersSeeWhatTheirAccessAllows() {
        let models: [ServiceModel] = [.highTouch]
        #expect(ArticleReader.anonymous.maySee(status: .published, visibility: .public, models: []))
        #expect(!ArticleReader.anonymous.maySee(status: .published, visibility: .customers, models: []))
        #expect(!ArticleReader.anonymous.maySee(status: .draft, visibility: .public, models: []))
        #expect(ArticleReader.customer(.lowTouch).maySee(status: .published, visibility: .customers, models: []))
        #expect(!ArticleReader.customer(.lowTouch).maySee(status: .published, visibility: .models, models: models))
        #expect(ArticleReader.customer(.highTouch).maySee(status: .published, visibility: .models, models: models))
        #expect(!ArticleReader.customer(.highTouch).maySee(status: .published, visibility: .internal, models: []))
        #expect(ArticleReader.staff.maySee(status: .draft, visibility: .internal, models: []))
    }

    @Test func diffShowsChangedLinesAndFields() {
        let old = ArticleDraft(title: "A", body: "one\ntwo\nthree", language: .en)
        var new = old
        new.title = "B"
        new.body = "one\n2\nthree\nfour"
        let diff = ArticleDiff(from: old, to: new)
        #expect(diff.lines.map(\.change) == [.same, .removed, .added, .same, .added])
        #expect(diff.lines.map(\.text) == ["one", "two", "2", "three", "four"])
        #expect(diff.fields.keys.sorted() == ["title"])
    }
}
