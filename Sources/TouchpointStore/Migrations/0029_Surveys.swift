/// Surveys: one row per question sent, found by the hash of its link's token; answered once.
/// Fatigue rules read a contact's recent ones, health an account's answers of the window.
enum Migration0029Surveys {
    static let migration = Migration(version: 29, name: "surveys") { _ in
        [
            """
            CREATE TABLE surveys (
                id TEXT PRIMARY KEY, brand_id TEXT NOT NULL, kind TEXT NOT NULL, case_id TEXT, contact_id TEXT NOT NULL, account_id TEXT,
                contact_point TEXT NOT NULL, token_hash TEXT NOT NULL UNIQUE, sent_at BIGINT NOT NULL, expires_at BIGINT NOT NULL,
                answered_at BIGINT, score INTEGER, comment TEXT)
            """,
            "CREATE UNIQUE INDEX surveys_case ON surveys (case_id, kind) WHERE case_id IS NOT NULL",
            "CREATE INDEX surveys_contact ON surveys (contact_id, kind, sent_at)",
            "CREATE INDEX surveys_answered ON surveys (brand_id, kind, answered_at)",
        ]
    }
}
