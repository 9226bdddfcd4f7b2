/// Who has a case open in the console and whether they are writing on it (see
/// `CasePresence`). Kept in the database rather than in one process's memory, so that two
/// agents on two nodes see each other. A row per person and case, removed when the page
/// closes or, for a page that never said so, when that person's next mark finds it stale.
enum Migration0038CasePresence {
    static let migration = Migration(version: 38, name: "case presence") { _ in
        [
            """
            CREATE TABLE case_presence (
                case_id TEXT NOT NULL,
                user_id TEXT NOT NULL,
                brand_id TEXT NOT NULL,
                seen_at BIGINT NOT NULL,
                typing_at BIGINT,
                PRIMARY KEY (case_id, user_id)
            )
            """,
            "CREATE INDEX case_presence_user ON case_presence (user_id, seen_at)",
        ]
    }
}
