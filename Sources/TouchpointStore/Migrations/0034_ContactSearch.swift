/// Customer search by words: names, email addresses, phone numbers and customer numbers in a
/// full-text index, so finding "Kowal" or "600 100 200" among a million customers reads the
/// index instead of every customer of the brand (a `LIKE` on the name did).
///
/// On SQLite each customer is one row of an FTS5 table whose rowid follows the order
/// customers were added; `contacts.search_row` points at it so a change can replace it. On
/// PostgreSQL a table keyed by contact with a GIN index on its words.
enum Migration0034ContactSearch {
    static let migration = Migration(version: 34, name: "customer search") { dialect in
        // What a customer is found by, as `Store.contactSearchText` writes it: the name, each
        // identity but chat visitors' random ids (addresses by their parts), and phone numbers'
        // digits and last nine digits (the number as people say it, without the country code).
        let digits = "replace(i.value, '+', '')"
        let pieces = "lower(replace(replace(replace(replace(i.value, '.', ' '), '@', ' '), '-', ' '), '_', ' '))"
        let identities = """
            (SELECT \(dialect == .sqlite ? "group_concat" : "string_agg")(CASE WHEN i.kind IN ('phone', 'whatsApp')
            THEN \(digits) || ' ' || substr(\(digits), \(dialect == .sqlite ? "-9" : "greatest(length(\(digits)) - 8, 1)")) ELSE \(pieces) END, ' ')
            FROM identities i WHERE i.contact_id = c.id AND i.kind <> 'chatVisitor')
            """
        let body = "COALESCE(c.name, '') || ' ' || COALESCE(\(identities), '')"
        if dialect == .sqlite {
            return [
                "ALTER TABLE contacts ADD COLUMN search_row INTEGER",
                """
                UPDATE contacts SET search_row = n.row
                FROM (SELECT id, ROW_NUMBER() OVER (ORDER BY created_at, id) AS row FROM contacts) AS n WHERE n.id = contacts.id
                """,
                """
                CREATE VIRTUAL TABLE contact_search USING fts5(body, brand_id UNINDEXED, contact_id UNINDEXED,
                tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3')
                """,
                "INSERT INTO contact_search (rowid, body, brand_id, contact_id) SELECT c.search_row, \(body), c.brand_id, c.id FROM contacts c ORDER BY c.search_row",
            ]
        }
        return [
            "ALTER TABLE contacts ADD COLUMN search_row BIGINT",
            """
            CREATE TABLE contact_search (contact_id TEXT PRIMARY KEY, brand_id TEXT NOT NULL, body TEXT NOT NULL,
            tsv tsvector GENERATED ALWAYS AS (to_tsvector('simple'::regconfig, body)) STORED)
            """,
            "CREATE INDEX contact_search_tsv ON contact_search USING GIN (tsv)",
            // Polish letters also without their diacritics, as `Store.contactSearchBody` writes.
            """
            INSERT INTO contact_search (contact_id, brand_id, body)
            SELECT id, brand_id, body || ' ' || translate(body, 'ąćęłńóśźżĄĆĘŁŃÓŚŹŻ', 'acelnoszzACELNOSZZ')
            FROM (SELECT c.id, c.brand_id, \(body) AS body FROM contacts c) AS words
            """,
        ]
    }
}
