/// Calls a phone system reports: one row per call, filled in by its events in whatever
/// order they arrive, and the interaction (and callback case) the finished call became.
enum Migration0008Calls {
    static let migration = Migration(version: 8, name: "calls") { _ in
        [
            """
            CREATE TABLE calls (
                integration_id TEXT NOT NULL REFERENCES integrations(id), call_id TEXT NOT NULL, brand_id TEXT NOT NULL REFERENCES brands(id),
                direction TEXT, customer_number TEXT, our_number TEXT, started_at BIGINT, answered_at BIGINT, ended_at BIGINT,
                agent_id TEXT REFERENCES staff_users(id), cause TEXT, recording_url TEXT, interaction_id TEXT, case_id TEXT,
                PRIMARY KEY (integration_id, call_id))
            """,
        ]
    }
}
