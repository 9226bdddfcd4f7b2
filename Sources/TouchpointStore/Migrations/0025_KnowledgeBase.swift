/// The knowledge base: articles (their current version, counters and search text), every
/// saved version, customers' feedback, the vocabulary typo correction checks against, and
/// the searches that found nothing. The search index is FTS5 on SQLite (a row per article,
/// sharing the article's rowid) and a weighted `tsvector` with a GIN index on PostgreSQL;
/// both hold stems the application computes, so both databases match the same words.
/// Title above summary and tags, those above the body.
enum Migration0025KnowledgeBase {
    static let migration = Migration(version: 25, name: "knowledge base") { dialect in
        let searchColumn = dialect == .postgres ? ", search_doc tsvector NOT NULL" : ""
        var statements = [
            """
            CREATE TABLE kb_articles (
                id TEXT PRIMARY KEY, brand_id TEXT NOT NULL REFERENCES brands(id), translation_of TEXT,
                language TEXT NOT NULL, status TEXT NOT NULL, visibility TEXT NOT NULL, models TEXT NOT NULL,
                category TEXT NOT NULL, tags TEXT NOT NULL, title TEXT NOT NULL, summary TEXT NOT NULL,
                body TEXT NOT NULL, html TEXT NOT NULL, plain TEXT NOT NULL, version INTEGER NOT NULL,
                created_at BIGINT NOT NULL, updated_at BIGINT NOT NULL, views BIGINT NOT NULL DEFAULT 0,
                last_viewed_at BIGINT, helpful BIGINT NOT NULL DEFAULT 0, not_helpful BIGINT NOT NULL DEFAULT 0\(searchColumn))
            """,
            "CREATE INDEX kb_articles_brand_updated ON kb_articles (brand_id, updated_at, id)",
            "CREATE INDEX kb_articles_translation ON kb_articles (translation_of)",
            """
            CREATE TABLE kb_article_versions (
                article_id TEXT NOT NULL, version INTEGER NOT NULL, brand_id TEXT NOT NULL,
                language TEXT NOT NULL, status TEXT NOT NULL, visibility TEXT NOT NULL, models TEXT NOT NULL,
                category TEXT NOT NULL, tags TEXT NOT NULL, title TEXT NOT NULL, summary TEXT NOT NULL,
                body TEXT NOT NULL, html TEXT NOT NULL, author_id TEXT, note TEXT NOT NULL, saved_at BIGINT NOT NULL,
                helpful BIGINT NOT NULL DEFAULT 0, not_helpful BIGINT NOT NULL DEFAULT 0,
                PRIMARY KEY (article_id, version))
            """,
            """
            CREATE TABLE kb_feedback (
                id TEXT PRIMARY KEY, brand_id TEXT NOT NULL, article_id TEXT NOT NULL, version INTEGER NOT NULL,
                helpful INTEGER NOT NULL, comment TEXT, contact_id TEXT, contact_point TEXT NOT NULL, created_at BIGINT NOT NULL)
            """,
            "CREATE INDEX kb_feedback_article ON kb_feedback (article_id, created_at)",
            "CREATE TABLE kb_terms (brand_id TEXT NOT NULL, term TEXT NOT NULL, PRIMARY KEY (brand_id, term))",
            """
            CREATE TABLE kb_search_misses (
                brand_id TEXT NOT NULL, query TEXT NOT NULL, language TEXT NOT NULL, searches BIGINT NOT NULL,
                first_at BIGINT NOT NULL, last_at BIGINT NOT NULL, PRIMARY KEY (brand_id, query))
            """,
            "CREATE INDEX kb_search_misses_count ON kb_search_misses (brand_id, searches)",
        ]
        switch dialect {
        case .sqlite:
            // Stems are plain ASCII words the application wrote: no diacritics left to remove.
            // `facets` holds what a search filters on (brand, status, who may read, language,
            // topic), so filtering and ranking both happen in the index and only the best
            // few articles are read; it weighs nothing in the ranking.
            statements.append("CREATE VIRTUAL TABLE kb_search USING fts5(title, summary, tags, body, facets, tokenize = 'unicode61 remove_diacritics 0')")
            statements.append("INSERT INTO kb_search (kb_search, rank) VALUES ('rank', 'bm25(10.0, 4.0, 4.0, 1.0, 0.0)')")
        case .postgres:
            statements.append("CREATE INDEX kb_articles_search ON kb_articles USING GIN (search_doc)")
        }
        return statements
    }
}
