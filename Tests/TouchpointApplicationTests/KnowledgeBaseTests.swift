import Foundation
import Testing
import TouchpointApplication
import TouchpointCore
import TouchpointStore
import TouchpointTestSupport

/// The knowledge base on both databases: versions and restore, who sees what, feedback and
/// authors' figures, hostile Markdown, and search quality over the demo articles.
struct KnowledgeBaseTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static func demoArticles() throws -> [ArticleFile] {
        try ArticleFile.load(folder: root.appendingPathComponent("Sources/TouchpointApp/Resources/knowledge"))
    }

    /// The relevance set: (language, query, expected article key).
    static func relevanceQueries() throws -> [(Language, String, String)] {
        let text = try String(contentsOf: root.appendingPathComponent("Benchmarks/Knowledge/queries.tsv"), encoding: .utf8)
        return text.split(separator: "\n").compactMap { line in
            let fields = line.split(separator: "\t").map(String.init)
            guard fields.count == 3, !line.hasPrefix("#"), let language = Language(rawValue: fields[0]) else { return nil }
            return (language, fields[1], fields[2])
        }
    }

    @Test(arguments: Backend.available)
    func searchFindsTheRightArticleInBothLanguages(_ backend: Backend) async throws {
        try await withStore(backend) { store in
            let brand = try await store.createBrand(slug: "kb", name: "KB", casePrefix: "KB", defaultCallingCode: nil)
            let app = UseCases(store: store)
            let written = try await app.knowledge.importFiles(try Self.demoArticles(), brand: brand.id, author: nil)
            #expect(written.count >= 20 && written.values.allSatisfy { $0.count == 2 })
            let queries = try Self.relevanceQueries()
            #expect(queries.count >= 70)
            var first = 0, top3 = 0
            var misses: [String] = []
            for (language, query, expected) in queries {
                let found = try await app.knowledge.search(
                    query, brand: brand.id, filter: ArticleFilter(reader: .anonymous, language: language), limit: 3)
                let ids = found.hits.map(\.article.id)
                let want = try #require(written[expected]?[language], "\(expected) has no \(language) article")
                if ids.first == want.id { first += 1 }
                if ids.contains(want.id) { top3 += 1 } else { misses.append("\(language) '\(query)' → \(found.hits.map(\.article.content.title))") }
            }
            let hitAt1 = Double(first) / Double(queries.count), hitAt3 = Double(top3) / Double(queries.count)
            print("knowledge relevance on \(backend): \(queries.count) queries, hit@1 \(hitAt1), hit@3 \(hitAt3)")
            for miss in misses { print("  missed: \(miss)") }
            #expect(hitAt3 >= 0.9, "hit@3 \(hitAt3): \(misses)")
        }
    }

    @Test(arguments: Backend.available)
    func searchReadsInflectionDiacriticsAndTypos(_ backend: Backend) async throws {
        try await withStore(backend) { store in
            let brand = try await store.createBrand(slug: "kb", name: "KB", casePrefix: "KB", defaultCallingCode: nil)
            let app = UseCases(store: store)
            let invoice = try await app.knowledge.create(
                ArticleDraft(title: "Faktura", body: "Jak zapłacić fakturę w terminie.", language: .pl, status: .published), brand: brand.id,
                author: nil)
            let meter = try await app.knowledge.create(
                ArticleDraft(title: "Meter readings", body: "Reading the meter each month.", language: .en, status: .published), brand: brand.id,
                author: nil)
            let anyone = ArticleFilter(reader: .anonymous)
            for query in ["faktury", "fakturze", "fakturą", "zaplacic", "FAKTURA", "fakutra"] {
                let found = try await app.knowledge.search(query, brand: brand.id, filter: anyone)
                #expect(found.hits.first?.article.id == invoice.id, "\(query)")
            }
            for query in ["meters", "reading", "read", "metre", "meetr"] {
                let found = try await app.knowledge.search(query, brand: brand.id, filter: anyone)
                #expect(found.hits.first?.article.id == meter.id, "\(query)")
            }
            let typo = try await app.knowledge.search("fakutra", brand: brand.id, filter: anyone)
            #expect(typo.corrected == ["fakutra"])
            let marked = try await app.knowledge.search("fakturze", brand: brand.id, filter: anyone)
            #expect(marked.hits.first?.titleHTML == "<mark>Faktura</mark>")
            #expect(marked.hits.first?.snippetHTML.contains("<mark>fakturę</mark>") == true)
            // Whatever a person types is searched, never an error.
            for typed in ["\"", "faktura AND", "*", "🔥", "NEAR(", "\u{0}", "a OR b NOT c", "(((", "'", String(repeating: "x", count: 5000)] {
                _ = try await app.knowledge.search(typed, brand: brand.id, filter: anyone)
            }
            // Only searches by customers that find nothing are counted for authors.
            _ = try await app.knowledge.search("smart plug", brand: brand.id, filter: anyone, countMiss: true)
            _ = try await app.knowledge.search("Smart plugs", brand: brand.id, filter: anyone, countMiss: true)
            _ = try await app.knowledge.search("faktura", brand: brand.id, filter: anyone, countMiss: true)
            let analytics = try await app.knowledge.analytics(brand: brand.id)
            #expect(analytics.unanswered.map(\.query) == ["smart plug", "smart plugs"] || analytics.unanswered.map(\.searches) == [1, 1])
        }
    }

    @Test(arguments: Backend.available)
    func versionsDiffAndRestore(_ backend: Backend) async throws {
        try await withStore(backend) { store in
            let brand = try await store.createBrand(slug: "kb", name: "KB", casePrefix: "KB", defaultCallingCode: nil)
            let author = try await store.createStaffUser(brand: brand.id, email: "a@kb.example", name: "Ann Author", role: .agentL2, team: nil)
            let kb = UseCases(store: store).knowledge
            var draft = ArticleDraft(title: "Outages", body: "Call 991.", language: .en, status: .published)
            let first = try await kb.create(draft, brand: brand.id, author: author.id)
            draft.body = "Check the fuses.\nCall 991."
            let second = try await kb.update(first.id, with: draft, baseVersion: 1, brand: brand.id, author: author.id)
            #expect(second.version == 2)
            // Someone who edited version 1 cannot overwrite version 2 unknowingly.
            await #expect(throws: StoreError.self) { try await kb.update(first.id, with: draft, baseVersion: 1, brand: brand.id, author: author.id) }
            let diff = try await kb.diff(first.id, from: 1, to: 2, brand: brand.id)
            #expect(diff.lines.map(\.change) == [.added, .same])
            let restored = try await kb.restore(first.id, version: 1, brand: brand.id, author: author.id)
            #expect(restored.version == 3 && restored.content.body == "Call 991.")
            let versions = try await kb.versions(first.id, brand: brand.id)
            #expect(versions.map(\.version) == [3, 2, 1])
            #expect(versions.map(\.note) == ["restored from version 1", "written", "written"])
            #expect(versions.allSatisfy { $0.authorID == author.id })
            // The search follows the current version only.
            #expect(try await kb.search("fuses", brand: brand.id, filter: ArticleFilter(reader: .staff)).hits.isEmpty)
            // Feedback counts per version; the article's totals add up.
            try await kb.feedback(
                ArticleFeedback(helpful: false, contactPoint: .portal), article: first.id, version: nil, brand: brand.id, reader: .anonymous)
            try await kb.feedback(
                ArticleFeedback(helpful: true, comment: "thanks", contactPoint: .kiosk), article: first.id, version: 2, brand: brand.id,
                reader: .anonymous)
            let counted = try await kb.versions(first.id, brand: brand.id)
            #expect(counted.map(\.notHelpful) == [1, 0, 0] && counted.map(\.helpful) == [0, 1, 0])
            let analytics = try await kb.analytics(brand: brand.id)
            #expect(analytics.notHelpful.map(\.id) == [first.id])
            #expect(analytics.neverOpened.map(\.id) == [first.id])
            _ = try await kb.open(first.id, brand: brand.id, reader: .anonymous)
            #expect(try await kb.analytics(brand: brand.id).neverOpened.isEmpty)
            // Another brand sees nothing of it.
            let other = try await store.createBrand(slug: "other", name: "Other", casePrefix: "O", defaultCallingCode: nil)
            #expect(try await kb.article(first.id, brand: other.id, reader: .staff) == nil)
            await #expect(throws: StoreError.self) { try await kb.versions(first.id, brand: other.id) }
            try await kb.delete(first.id, brand: brand.id, actor: .staff(author.id))
            #expect(try await kb.article(first.id, brand: brand.id, reader: .staff) == nil)
            #expect(try await kb.search("991", brand: brand.id, filter: ArticleFilter(reader: .staff)).hits.isEmpty)
        }
    }

    @Test(arguments: Backend.available)
    func readersFindOnlyWhatTheyMaySee(_ backend: Backend) async throws {
        try await withStore(backend) { store in
            let brand = try await store.createBrand(slug: "kb", name: "KB", casePrefix: "KB", defaultCallingCode: nil)
            let kb = UseCases(store: store).knowledge
            func make(_ title: String, _ status: ArticleStatus, _ visibility: ArticleVisibility, _ models: [ServiceModel] = []) async throws -> UUID {
                try await kb.create(
                    ArticleDraft(title: title, body: "tariff", language: .en, status: status, visibility: visibility, models: models),
                    brand: brand.id, author: nil
                ).id
            }
            let open = try await make("open", .published, .public)
            let customers = try await make("customers", .published, .customers)
            let high = try await make("high", .published, .models, [.highTouch])
            let staffOnly = try await make("staff", .published, .internal)
            let draft = try await make("draft", .draft, .public)
            func found(_ reader: ArticleReader) async throws -> Set<UUID> {
                Set(try await kb.search("tariff", brand: brand.id, filter: ArticleFilter(reader: reader)).hits.map(\.article.id))
            }
            #expect(try await found(.anonymous) == [open])
            #expect(try await found(.customer(.lowTouch)) == [open, customers])
            #expect(try await found(.customer(.highTouch)) == [open, customers, high])
            #expect(try await found(.staff) == [open, customers, high, staffOnly, draft])
            #expect(try await kb.article(staffOnly, brand: brand.id, reader: .customer(.highTouch)) == nil)
            // Another brand's articles and staff-only ones that rank higher do not crowd a reader's out.
            let other = try await store.createBrand(slug: "other", name: "Other", casePrefix: "O", defaultCallingCode: nil)
            for index in 0..<40 {
                _ = try await kb.create(
                    ArticleDraft(title: "Tariff tariff \(index)", body: "tariff tariff tariff", language: .en, status: .published),
                    brand: other.id, author: nil)
                _ = try await kb.create(
                    ArticleDraft(
                        title: "Tariff tariff staff \(index)", body: "tariff tariff tariff", language: .en, status: .published,
                        visibility: .internal), brand: brand.id, author: nil)
            }
            let crowded = try await kb.search("tariff", brand: brand.id, filter: ArticleFilter(reader: .anonymous), limit: 3)
            #expect(crowded.hits.map(\.article.id) == [open])
            #expect(try await kb.article(high, brand: brand.id, reader: .customer(.midTouch)) == nil)
        }
    }

    @Test func markdownIsRenderedAndNoScriptSurvives() {
        let html = KnowledgeBase.render(
            """
            # Title
            Some **bold** text and a [link](https://acme.example) and [bad](javascript:alert(1)).

            <script>alert(1)</script><img src=x onerror=alert(1)><a href="#" onclick="x()">click</a>
            """)
        #expect(html.contains("<h1>Title</h1>"))
        #expect(html.contains("<strong>bold</strong>"))
        #expect(html.contains("href=\"https://acme.example\""))
        for bad in ["<script", "onerror", "onclick", "javascript:", "alert(1)</script>"] { #expect(!html.contains(bad), "\(bad) in \(html)") }
    }

    @Test func articleFilesAreCheckedWithTheirName() throws {
        #expect(throws: ValidationError(field: "x.md", reason: "must start with a header between two '---' lines")) {
            try ArticleFile.parse("no header", name: "x.md")
        }
        #expect(throws: ValidationError(field: "x.md: key", reason: "is required")) {
            try ArticleFile.parse("---\ntitle: T\n---\nbody", name: "x.md")
        }
        let file = try ArticleFile.parse("---\nkey: k\nlanguage: pl\ntitle: No power: what now\ntags: a, b\n---\n\nBody **x**\n", name: "x.md")
        #expect(file.key == "k" && file.draft.title == "No power: what now" && file.draft.language == .pl && file.draft.tags == ["a", "b"])
        #expect(file.draft.body == "Body **x**" && file.draft.status == .published)
        #expect(try Self.demoArticles().count >= 40)
    }
}
