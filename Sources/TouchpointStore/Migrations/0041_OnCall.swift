/// On-call rosters (one per team, its rotation and overrides as JSON), the pages sent for
/// cases taken after hours (one open page per case, with whom it goes to next), and how
/// each person is paged: by SMS to their phone or by email.
enum Migration0041OnCall {
    static let migration = Migration(version: 41, name: "on call") { _ in
        [
            """
            CREATE TABLE on_call_rosters (
                team_id TEXT PRIMARY KEY,
                brand_id TEXT NOT NULL,
                roster TEXT NOT NULL,
                updated_at BIGINT NOT NULL
            )
            """,
            "CREATE INDEX on_call_rosters_brand ON on_call_rosters (brand_id)",
            """
            CREATE TABLE on_call_pages (
                case_id TEXT PRIMARY KEY,
                brand_id TEXT NOT NULL,
                team_id TEXT NOT NULL,
                user_id TEXT NOT NULL,
                chain TEXT NOT NULL,
                pages INTEGER NOT NULL,
                pages_per_person INTEGER NOT NULL,
                acknowledge_within INTEGER NOT NULL,
                paged_at BIGINT NOT NULL,
                due_at BIGINT NOT NULL,
                state TEXT NOT NULL,
                acknowledged_at BIGINT
            )
            """,
            "CREATE INDEX on_call_pages_due ON on_call_pages (due_at) WHERE state = 'open'",
            "ALTER TABLE staff_users ADD COLUMN phone TEXT",
            "ALTER TABLE staff_users ADD COLUMN page_by TEXT NOT NULL DEFAULT 'email'",
        ]
    }
}
