import Foundation
import SQLKit
import TouchpointCore

extension Store {
    /// Writes a new article with its first version.
    public func createArticle(_ write: ArticleWrite) async throws {
        try await database.write { db in
            if let original = write.article.translationOf {
                let row = try await db.raw(
                    "SELECT translation_of FROM kb_articles WHERE id = \(bind: original.text) AND brand_id = \(bind: write.article.brandID.text)"
                ).first()
                guard let row else { throw StoreError.invalid(field: "translationOf", reason: "no such article") }
                if try row.optionalString("translation_of") != nil {
                    throw StoreError.invalid(field: "translationOf", reason: "must name the original article, not one of its translations")
                }
            }
            try await self.writeArticle(write, isNew: true, on: db)
        }
    }

    /// Changes an article in one transaction: `change` sees the article as it stands and
    /// returns what to write (it may throw to refuse).
    public func changeArticle(_ id: UUID, brand: BrandID, _ change: @escaping @Sendable (Article) throws -> ArticleWrite) async throws -> Article {
        try await database.write { db in
            guard let current = try await Store.article(id, brand: brand, on: db) else { throw StoreError.notFound("article") }
            let write = try change(current)
            try await self.writeArticle(write, isNew: false, on: db)
            return write.article
        }
    }

    /// Deletes an article with its versions and feedback; its translations keep each other.
    public func deleteArticle(_ id: UUID, brand: BrandID, event: @escaping @Sendable (Article) -> DomainEvent) async throws {
        try await database.write { db in
            guard let article = try await Store.article(id, brand: brand, on: db) else { throw StoreError.notFound("article") }
            if article.translationOf == nil {
                // The oldest translation becomes the original the others point at.
                let heir = try await db.raw("SELECT id FROM kb_articles WHERE translation_of = \(bind: id.text) ORDER BY created_at, id LIMIT 1")
                    .first()
                if let heir = try heir?.string("id") {
                    try await db.raw("UPDATE kb_articles SET translation_of = NULL WHERE id = \(bind: heir)").run()
                    try await db.raw("UPDATE kb_articles SET translation_of = \(bind: heir) WHERE translation_of = \(bind: id.text)").run()
                }
            }
            if self.dialect == .sqlite {
                try await db.raw("DELETE FROM kb_search WHERE rowid = (SELECT rowid FROM kb_articles WHERE id = \(bind: id.text))").run()
            }
            try await db.raw("DELETE FROM kb_feedback WHERE article_id = \(bind: id.text)").run()
            try await db.raw("DELETE FROM kb_article_versions WHERE article_id = \(bind: id.text)").run()
            try await db.raw("DELETE FROM kb_articles WHERE id = \(bind: id.text)").run()
            try await Store.insert(events: [event(article)], on: db)
        }
    }

    /// One article of the brand, or nil.
    public func article(_ id: UUID, brand: BrandID) async throws -> Article? {
        try await database.read { db in try await Store.article(id, brand: brand, on: db) }
    }

    /// The article and its translations (the original first).
    public func translations(of article: Article) async throws -> [Article] {
        let group = article.translationGroup
        return try await database.read { db in
            try await db.raw(
                """
                SELECT * FROM kb_articles WHERE (id = \(bind: group.text) OR translation_of = \(bind: group.text)) AND \(self.brandCheck()) = \(bind: article.brandID.text)
                ORDER BY translation_of IS NOT NULL, language
                """
            ).all().map(Store.article)
        }
    }

    /// The brand's articles a reader may see, most recently changed first.
    public func articles(brand: BrandID, filter: ArticleFilter, limit: Int, cursor: Cursor?) async throws -> Page<Article> {
        try await database.read { db in
            var sql = SQLQueryString("SELECT * FROM kb_articles a WHERE a.brand_id = \(bind: brand.text)")
            Store.appendArticleFilter(filter, to: &sql)
            if let cursor {
                sql += SQLQueryString(
                    " AND (a.updated_at < \(bind: cursor.time) OR (a.updated_at = \(bind: cursor.time) AND a.id < \(bind: cursor.id)))")
            }
            sql += SQLQueryString(" ORDER BY a.updated_at DESC, a.id DESC LIMIT \(literal: limit + 1)")
            let fetched = try await db.raw(sql).all().map(Store.article)
            return Page(fetched: fetched, limit: limit) { Cursor(time: Convert.ms($0.updatedAt), id: $0.id.text) }
        }
    }

    /// The categories of the articles a reader may see, with how many each holds.
    public func articleCategories(brand: BrandID, filter: ArticleFilter) async throws -> [(name: String, articles: Int)] {
        try await database.read { db in
            var sql = SQLQueryString(
                "SELECT a.category, COUNT(*) AS n FROM kb_articles a WHERE a.brand_id = \(bind: brand.text) AND a.category <> ''")
            Store.appendArticleFilter(filter, to: &sql)
            sql.appendLiteral(" GROUP BY a.category ORDER BY a.category")
            return try await db.raw(sql).all().map { (try $0.string("category"), try $0.int("n")) }
        }
    }

    /// Every version of an article, newest first.
    public func articleVersions(_ id: UUID, brand: BrandID) async throws -> [ArticleVersion] {
        try await database.read { db in
            try await db.raw(
                """
                SELECT * FROM kb_article_versions WHERE article_id = \(bind: id.text) AND \(self.brandCheck()) = \(bind: brand.text) ORDER BY version DESC
                """
            ).all().map(Store.articleVersion)
        }
    }

    /// One version of an article, or nil.
    public func articleVersion(_ id: UUID, version: Int, brand: BrandID) async throws -> ArticleVersion? {
        try await database.read { db in
            try await db.raw(
                """
                SELECT * FROM kb_article_versions WHERE article_id = \(bind: id.text) AND version = \(bind: version) AND \(self.brandCheck()) = \(bind: brand.text)
                """
            ).first().map(Store.articleVersion)
        }
    }

    /// The articles matching a search that the filter lets through, best first.
    public func searchArticles(_ query: SearchQuery, brand: BrandID, filter: ArticleFilter, limit: Int) async throws -> [ArticleHit] {
        guard !query.isEmpty else { return [] }
        return try await database.read { db in
            switch self.dialect {
            case .sqlite:
                // Ranked in the index over the text alone, then the best few rows read and
                // filtered by who may read them. When the filter leaves too few of a full
                // first cut (another brand's or staff-only articles ranked above), the
                // filter moves into the index, which is exact but slower.
                let text = "{title summary tags body} : (" + query.fts5 + ")"
                let cut = limit * 3 + 20
                let first = try await Store.rankedArticles(text, limit: cut, filter: filter, brand: brand, on: db)
                if first.kept.count >= limit || first.ranked < cut { return Array(first.kept.prefix(limit)) }
                return try await Store.rankedArticles(
                    Store.facetMatch(filter, brand: brand) + " AND " + text, limit: limit, filter: filter,
                    brand: brand, on: db
                ).kept
            case .postgres:
                var sql = SQLQueryString(
                    """
                    SELECT a.*, ts_rank('{0.1, 0.2, 0.4, 1.0}', a.search_doc, q) AS score FROM kb_articles a, to_tsquery('simple', \(bind: query.tsquery)) q
                    WHERE a.search_doc @@ q AND a.brand_id = \(bind: brand.text)
                    """)
                Store.appendArticleFilter(filter, to: &sql)
                sql += SQLQueryString(" ORDER BY score DESC, a.updated_at DESC LIMIT \(literal: limit)")
                return try await db.raw(sql).all().map { ArticleHit(article: try Store.article($0), score: try $0.double("score")) }
            }
        }
    }

    /// The best `limit` matches of an FTS5 expression, and those of them the filter keeps.
    static func rankedArticles(
        _ match: String, limit: Int, filter: ArticleFilter, brand: BrandID, on db: any SQLDatabase
    ) async throws
        -> (ranked: Int, kept: [ArticleHit])
    {
        let ranked = try await db.raw(
            """
            SELECT rowid AS rid, -rank AS score FROM kb_search WHERE kb_search MATCH \(bind: match) ORDER BY rank LIMIT \(literal: limit)
            """
        ).all().map { (try $0.int("rid"), try $0.double("score")) }
        guard !ranked.isEmpty else { return (0, []) }
        var sql = SQLQueryString("SELECT a.rowid AS rid, a.* FROM kb_articles a WHERE a.rowid IN (")
        for (index, hit) in ranked.enumerated() {
            if index > 0 { sql.appendLiteral(", ") }
            sql.appendInterpolation(bind: hit.0)
        }
        sql += SQLQueryString(") AND a.brand_id = \(bind: brand.text)")
        appendArticleFilter(filter, to: &sql)
        var rows: [Int: Article] = [:]
        for row in try await db.raw(sql).all() { rows[try row.int("rid")] = try article(row) }
        return (ranked.count, ranked.compactMap { rowid, score in rows[rowid].map { ArticleHit(article: $0, score: score) } })
    }

    /// Who may read what, as an FTS5 expression over the facets column (see `appendArticleFilter`).
    static func facetMatch(_ filter: ArticleFilter, brand: BrandID) -> String {
        var parts = ["facets:brand" + brand.uuidString.filter { $0 != "-" }.lowercased()]
        func any(_ tokens: [String]) -> String { "(" + tokens.map { "facets:" + $0.lowercased() }.joined(separator: " OR ") + ")" }
        switch filter.reader {
        case .staff:
            if let statuses = filter.statuses, !statuses.isEmpty { parts.append(any(statuses.map { "status" + $0.rawValue })) }
        case .anonymous:
            parts += ["facets:statuspublished", "facets:vispublic"]
        case .customer(let model):
            parts.append("facets:statuspublished")
            parts.append(any(["vispublic", "viscustomers"] + (model.map { ["model" + $0.rawValue] } ?? [])))
        }
        if let language = filter.language { parts.append("facets:lang" + language.rawValue) }
        if let category = filter.category { parts.append("facets:" + ArticleSearchText.categoryFacet(category)) }
        return parts.joined(separator: " AND ")
    }

    /// Which of these stems some article of the brand uses.
    public func knownTerms(_ candidates: Set<String>, brand: BrandID) async throws -> Set<String> {
        guard !candidates.isEmpty else { return [] }
        return try await database.read { db in
            var found = Set<String>()
            let all = candidates.sorted()
            for start in stride(from: 0, to: all.count, by: 500) {
                var sql = SQLQueryString("SELECT term FROM kb_terms WHERE brand_id = \(bind: brand.text) AND term IN (")
                for (index, term) in all[start..<min(start + 500, all.count)].enumerated() {
                    if index > 0 { sql.appendLiteral(", ") }
                    sql.appendInterpolation(bind: term)
                }
                sql.appendLiteral(")")
                for row in try await db.raw(sql).all() { found.insert(try row.string("term")) }
            }
            return found
        }
    }

    /// Which of these prefixes begin some stem an article of the brand uses.
    public func knownPrefixes(_ prefixes: Set<String>, brand: BrandID) async throws -> Set<String> {
        try await database.read { db in
            var found = Set<String>()
            for prefix in prefixes {
                guard let last = prefix.unicodeScalars.last, let next = Unicode.Scalar(last.value + 1) else { continue }
                // The range [prefix, prefix with its last letter raised) reads the index only.
                let upper = String(String.UnicodeScalarView(prefix.unicodeScalars.dropLast() + [next]))
                let row = try await db.raw(
                    """
                    SELECT term FROM kb_terms WHERE brand_id = \(bind: brand.text) AND term >= \(bind: prefix) AND term < \(bind: upper) LIMIT 1
                    """
                ).first()
                if row != nil { found.insert(prefix) }
            }
            return found
        }
    }

    /// Counts a customer's "did this help?" for the article's version they read.
    public func recordArticleFeedback(_ feedback: ArticleFeedback, article id: UUID, version: Int, brand: BrandID, feedbackID: UUID) async throws {
        let now = Convert.ms(environment.now())
        try await database.write { db in
            let column = SQLQueryString(feedback.helpful ? "helpful" : "not_helpful")
            let rows = try await db.raw(
                """
                UPDATE kb_article_versions SET \(column) = \(column) + 1 WHERE article_id = \(bind: id.text) AND version = \(bind: version)
                AND \(self.brandCheck()) = \(bind: brand.text) RETURNING version
                """
            ).all()
            guard !rows.isEmpty else { throw StoreError.notFound("article version") }
            try await db.raw("UPDATE kb_articles SET \(column) = \(column) + 1 WHERE id = \(bind: id.text)").run()
            try await db.raw(
                """
                INSERT INTO kb_feedback (id, brand_id, article_id, version, helpful, comment, contact_id, contact_point, created_at)
                VALUES (\(bind: feedbackID.text), \(bind: brand.text), \(bind: id.text), \(bind: version), \(bind: feedback.helpful ? 1 : 0),
                \(bind: feedback.comment), \(bind: feedback.contactID?.text), \(bind: feedback.contactPoint.rawValue), \(bind: now))
                """
            ).run()
        }
    }

    /// Counts a customer opening an article.
    public func recordArticleView(_ id: UUID, brand: BrandID) async throws {
        let now = Convert.ms(environment.now())
        try await database.write { db in
            try await db.raw(
                """
                UPDATE kb_articles SET views = views + 1, last_viewed_at = \(bind: now) WHERE id = \(bind: id.text) AND \(self.brandCheck()) = \(bind: brand.text)
                """
            ).run()
        }
    }

    /// Counts a search that found nothing, by its folded words.
    public func recordSearchMiss(_ query: String, language: Language?, brand: BrandID) async throws {
        let now = Convert.ms(environment.now())
        try await database.write { db in
            try await db.raw(
                """
                INSERT INTO kb_search_misses (brand_id, query, language, searches, first_at, last_at)
                VALUES (\(bind: brand.text), \(bind: query), \(bind: language?.rawValue ?? ""), 1, \(bind: now), \(bind: now))
                ON CONFLICT (brand_id, query) DO UPDATE SET searches = kb_search_misses.searches + 1, last_at = excluded.last_at
                """
            ).run()
        }
    }

    /// Forgets a search that found nothing (an author wrote the article it needed).
    public func dismissSearchMiss(_ query: String, brand: BrandID) async throws {
        try await database.write { db in
            try await db.raw("DELETE FROM kb_search_misses WHERE brand_id = \(bind: brand.text) AND query = \(bind: query)").run()
        }
    }

    /// What authors should look at: unhelpful articles, unanswered searches, unread articles.
    public func knowledgeAnalytics(brand: BrandID, limit: Int) async throws -> KnowledgeAnalytics {
        try await database.read { db in
            let notHelpful = try await db.raw(
                """
                SELECT * FROM kb_articles WHERE brand_id = \(bind: brand.text) AND status = 'published' AND not_helpful > 0
                ORDER BY not_helpful DESC, helpful, id LIMIT \(literal: limit)
                """
            ).all().map(Store.article)
            let unanswered = try await db.raw(
                """
                SELECT * FROM kb_search_misses WHERE brand_id = \(bind: brand.text) ORDER BY searches DESC, last_at DESC LIMIT \(literal: limit)
                """
            ).all().map { row in
                SearchMiss(
                    query: try row.string("query"), language: Language(rawValue: try row.string("language")), searches: try row.int("searches"),
                    firstAt: try row.date("first_at"), lastAt: try row.date("last_at"))
            }
            let neverOpened = try await db.raw(
                """
                SELECT * FROM kb_articles WHERE brand_id = \(bind: brand.text) AND status = 'published' AND views = 0
                ORDER BY created_at, id LIMIT \(literal: limit)
                """
            ).all().map(Store.article)
            return KnowledgeAnalytics(notHelpful: notHelpful, unanswered: unanswered, neverOpened: neverOpened)
        }
    }
}

// MARK: - Rows

extension Store {
    static func article(_ id: UUID, brand: BrandID, on db: any SQLDatabase) async throws -> Article? {
        try await db.raw("SELECT * FROM kb_articles WHERE id = \(bind: id.text) AND brand_id = \(bind: brand.text)").first().map(article)
    }

    /// Who may read what, as SQL over the alias `a`.
    static func appendArticleFilter(_ filter: ArticleFilter, to sql: inout SQLQueryString) {
        switch filter.reader {
        case .staff:
            if let statuses = filter.statuses, !statuses.isEmpty {
                sql.appendLiteral(" AND a.status IN (")
                for (index, status) in statuses.enumerated() {
                    if index > 0 { sql.appendLiteral(", ") }
                    sql.appendInterpolation(bind: status.rawValue)
                }
                sql.appendLiteral(")")
            }
        case .anonymous:
            sql.appendLiteral(" AND a.status = 'published' AND a.visibility = 'public'")
        case .customer(let model):
            sql.appendLiteral(" AND a.status = 'published' AND (a.visibility IN ('public', 'customers')")
            if let model {
                // Models are stored as a JSON array of their names.
                sql += SQLQueryString(" OR (a.visibility = 'models' AND a.models LIKE \(bind: "%\"\(model.rawValue)\"%"))")
            }
            sql.appendLiteral(")")
        }
        if let language = filter.language { sql += SQLQueryString(" AND a.language = \(bind: language.rawValue)") }
        if let category = filter.category { sql += SQLQueryString(" AND a.category = \(bind: category)") }
    }

    func writeArticle(_ write: ArticleWrite, isNew: Bool, on db: any SQLDatabase) async throws {
        let article = write.article, content = article.content, search = write.search
        let models = Convert.json(content.models.map(\.rawValue)), tags = Convert.json(content.tags)
        let created = Convert.ms(article.createdAt), updated = Convert.ms(article.updatedAt)
        let searchDoc: SQLQueryString =
            dialect == .postgres
            ? """
            , search_doc = setweight(to_tsvector('simple', \(bind: search.title)), 'A') || setweight(to_tsvector('simple', \(bind: search.summary)), 'B')
            || setweight(to_tsvector('simple', \(bind: search.tags)), 'B') || setweight(to_tsvector('simple', \(bind: search.body)), 'D')
            """ : ""
        if isNew {
            // Inserted bare, then set like any change, so both paths write the same columns.
            try await db.raw(
                """
                INSERT INTO kb_articles (id, brand_id, translation_of, language, status, visibility, models, category, tags, title, summary, body, html, plain,
                version, created_at, updated_at\(unsafeRaw: dialect == .postgres ? ", search_doc" : ""))
                VALUES (\(bind: article.id.text), \(bind: article.brandID.text), \(bind: article.translationOf?.text), '', '', '', '', '', '', '', '', '', '', '',
                0, \(bind: created), \(bind: updated)\(unsafeRaw: dialect == .postgres ? ", ''" : ""))
                """
            ).run()
        }
        let rows = try await db.raw(
            """
            UPDATE kb_articles SET language = \(bind: content.language.rawValue), status = \(bind: content.status.rawValue),
            visibility = \(bind: content.visibility.rawValue), models = \(bind: models), category = \(bind: content.category), tags = \(bind: tags),
            title = \(bind: content.title), summary = \(bind: content.summary), body = \(bind: content.body), html = \(bind: article.html),
            plain = \(bind: article.plainText), version = \(bind: article.version), updated_at = \(bind: updated)\(searchDoc)
            WHERE id = \(bind: article.id.text) AND version = \(bind: article.version - 1) RETURNING id
            """
        ).all()
        // Two authors saving the same version: the second is told, not silently overwritten.
        guard !rows.isEmpty else { throw StoreError.conflict("the article changed meanwhile: reload it and save again") }
        let version = write.version
        try await db.raw(
            """
            INSERT INTO kb_article_versions (article_id, version, brand_id, language, status, visibility, models, category, tags, title, summary,
            body, html, author_id, note, saved_at)
            VALUES (\(bind: article.id.text), \(bind: version.version), \(bind: article.brandID.text), \(bind: content.language.rawValue),
            \(bind: content.status.rawValue), \(bind: content.visibility.rawValue), \(bind: models), \(bind: content.category), \(bind: tags),
            \(bind: content.title), \(bind: content.summary), \(bind: content.body), \(bind: version.html), \(bind: version.authorID?.text),
            \(bind: version.note), \(bind: Convert.ms(version.savedAt)))
            """
        ).run()
        if dialect == .sqlite {
            let rowid = try await db.raw("SELECT rowid FROM kb_articles WHERE id = \(bind: article.id.text)").first()?.int("rowid") ?? 0
            try await db.raw("DELETE FROM kb_search WHERE rowid = \(bind: rowid)").run()
            try await db.raw(
                """
                INSERT INTO kb_search (rowid, title, summary, tags, body, facets)
                VALUES (\(bind: rowid), \(bind: search.title), \(bind: search.summary), \(bind: search.tags), \(bind: search.body),
                \(bind: ArticleSearchText.facets(brand: article.brandID, content: content)))
                """
            ).run()
        }
        let terms = search.vocabulary.sorted()
        try await Store.insertRows(
            "INSERT INTO kb_terms (brand_id, term)", terms.map { [article.brandID.text, $0] }, tail: " ON CONFLICT (brand_id, term) DO NOTHING",
            on: db)
        try await Store.insert(events: write.events, on: db)
    }

    static func article(_ row: any SQLRow) throws -> Article {
        Article(
            id: try row.uuid("id"), brandID: try row.uuid("brand_id"), translationOf: try row.optionalUUID("translation_of"),
            content: try articleContent(row), html: try row.string("html"), plainText: try row.string("plain"), version: try row.int("version"),
            createdAt: try row.date("created_at"), updatedAt: try row.date("updated_at"), views: try row.int("views"),
            helpful: try row.int("helpful"), notHelpful: try row.int("not_helpful"))
    }

    static func articleVersion(_ row: any SQLRow) throws -> ArticleVersion {
        ArticleVersion(
            articleID: try row.uuid("article_id"), version: try row.int("version"), content: try articleContent(row),
            html: try row.string("html"), authorID: try row.optionalUUID("author_id"), note: try row.string("note"),
            savedAt: try row.date("saved_at"), helpful: try row.int("helpful"), notHelpful: try row.int("not_helpful"))
    }

    static func articleContent(_ row: any SQLRow) throws -> ArticleDraft {
        ArticleDraft(
            title: try row.string("title"), summary: try row.string("summary"), body: try row.string("body"),
            language: try row.wire("language", as: Language.self), status: try row.wire("status", as: ArticleStatus.self),
            visibility: try row.wire("visibility", as: ArticleVisibility.self),
            models: Convert.strings(try row.string("models")).compactMap(ServiceModel.init(rawValue:)),
            category: try row.string("category"), tags: Convert.strings(try row.string("tags")))
    }
}
