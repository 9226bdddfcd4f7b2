/// Case search that reads newest first from the index. On SQLite every indexed text of a case
/// gets an FTS5 rowid in its case's slot, `case number × 2^20 + n` (case N of every brand
/// shares slot N; the brand is checked per match), so the index hands out the
/// matches of a search in the order the case list shows them — newest case first — and a
/// page stops after its fifty cases whether a word is in every case or in none. PostgreSQL
/// keeps its table and GIN index under the new name (its planner has statistics to choose by).
enum Migration0032CaseSearchByNewest {
    static let migration = Migration(version: 32, name: "case search by newest") { dialect in
        switch dialect {
        case .sqlite:
            [
                "CREATE VIRTUAL TABLE case_search USING fts5(body, brand_id UNINDEXED, case_id UNINDEXED, tokenize = 'unicode61 remove_diacritics 2')",
                """
                INSERT INTO case_search (rowid, body, brand_id, case_id)
                SELECT c.number * \(Store.caseSearchSlots) + ROW_NUMBER() OVER (PARTITION BY c.number ORDER BY s.rowid) - 1, s.body, s.brand_id, s.case_id
                FROM search_index s JOIN cases c ON c.id = s.case_id
                """,
                "DROP TABLE search_index",
                // Every word the index holds, so a search's last word (typed as a prefix) is read
                // as the few words it begins — an OR FTS5 streams newest first — instead of a
                // prefix query, which gathers every match of every such word before the first.
                "CREATE TABLE case_terms (term TEXT PRIMARY KEY) WITHOUT ROWID",
                "CREATE VIRTUAL TABLE case_search_words USING fts5vocab(case_search, 'row')",
                "INSERT INTO case_terms (term) SELECT term FROM case_search_words",
                "DROP TABLE case_search_words",
            ]
        case .postgres:
            [
                "ALTER TABLE search_index RENAME TO case_search", "ALTER INDEX search_index_tsv RENAME TO case_search_tsv",
                // Merging cases moves one case's texts.
                "CREATE INDEX case_search_case ON case_search (case_id)",
            ]
        }
    }
}
