/// Service models: brand settings (policies, segmentation rules, topics), business
/// calendars, routing settings of teams and staff, each account's model, and each case's
/// model, topic and SLA clocks with the time the scheduler must next look at them.
enum Migration0002ServiceModels {
    static let migration = Migration(version: 2, name: "service_models") { _ in
        [
            """
            CREATE TABLE calendars (
                id TEXT PRIMARY KEY, brand_id TEXT NOT NULL REFERENCES brands(id), name TEXT NOT NULL, definition TEXT NOT NULL,
                created_at BIGINT NOT NULL, updated_at BIGINT NOT NULL, UNIQUE (brand_id, name))
            """,
            """
            CREATE TABLE brand_settings (
                brand_id TEXT NOT NULL REFERENCES brands(id), key TEXT NOT NULL, value TEXT NOT NULL, updated_at BIGINT NOT NULL,
                PRIMARY KEY (brand_id, key))
            """,
            "ALTER TABLE accounts ADD COLUMN service_model TEXT",
            "ALTER TABLE accounts ADD COLUMN model_explanation TEXT",
            "CREATE INDEX accounts_owner ON accounts (brand_id, owner_csm_id)",
            "ALTER TABLE teams ADD COLUMN calendar_id TEXT REFERENCES calendars(id)",
            "ALTER TABLE teams ADD COLUMN strategy TEXT NOT NULL DEFAULT 'leastLoaded'",
            "ALTER TABLE teams ADD COLUMN skills TEXT NOT NULL DEFAULT '[]'",
            "ALTER TABLE teams ADD COLUMN levels TEXT NOT NULL DEFAULT '[]'",
            "ALTER TABLE teams ADD COLUMN round_robin_cursor TEXT",
            "ALTER TABLE teams ADD COLUMN average_handle_minutes DOUBLE PRECISION NOT NULL DEFAULT 8",
            "ALTER TABLE staff_users ADD COLUMN skills TEXT NOT NULL DEFAULT '[]'",
            "ALTER TABLE staff_users ADD COLUMN capacity INTEGER NOT NULL DEFAULT 10",
            "ALTER TABLE staff_users ADD COLUMN presence TEXT NOT NULL DEFAULT 'offline'",
            "ALTER TABLE staff_users ADD COLUMN shift_calendar_id TEXT REFERENCES calendars(id)",
            "ALTER TABLE cases ADD COLUMN service_model TEXT",
            "ALTER TABLE cases ADD COLUMN topic TEXT",
            "ALTER TABLE cases ADD COLUMN sla TEXT",
            "ALTER TABLE cases ADD COLUMN sla_next_at BIGINT",
            // The scheduler's queue: only cases with a pending warning or deadline are in it.
            "CREATE INDEX cases_sla_next ON cases (sla_next_at) WHERE sla_next_at IS NOT NULL",
            // Routing counts each agent's active cases; only assigned active cases are indexed.
            "CREATE INDEX cases_active_assignee ON cases (brand_id, assignee_id) WHERE assignee_id IS NOT NULL AND status IN ('new', 'open', 'pending')",
        ]
    }
}
