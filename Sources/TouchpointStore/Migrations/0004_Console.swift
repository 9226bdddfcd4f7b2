/// The browser console (staff passwords, bcrypt hashes set by the edge, live in
/// staff_users.password_hash since schema 1): signed-in
/// sessions (only a hash of the cookie value is stored), personal saved views, and the
/// moment a case's SLA becomes at risk, so the "SLA at risk" queue is an index range.
enum Migration0004Console {
    static let migration = Migration(version: 4, name: "console") { _ in
        [
            """
            CREATE TABLE staff_sessions (
                token_hash TEXT PRIMARY KEY, user_id TEXT NOT NULL REFERENCES staff_users(id), csrf_token TEXT NOT NULL,
                created_at BIGINT NOT NULL, last_seen_at BIGINT NOT NULL, expires_at BIGINT NOT NULL, user_agent TEXT)
            """,
            "CREATE INDEX staff_sessions_user ON staff_sessions (user_id)",
            """
            CREATE TABLE saved_views (
                id TEXT PRIMARY KEY, user_id TEXT NOT NULL REFERENCES staff_users(id), name TEXT NOT NULL, query TEXT NOT NULL,
                created_at BIGINT NOT NULL)
            """,
            "CREATE UNIQUE INDEX saved_views_user_name ON saved_views (user_id, name)",
            "ALTER TABLE cases ADD COLUMN sla_risk_at BIGINT",
            "CREATE INDEX cases_sla_risk ON cases (brand_id, sla_risk_at) WHERE sla_risk_at IS NOT NULL AND status IN ('new', 'open', 'pending')",
        ]
    }
}
