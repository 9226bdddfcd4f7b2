/// Playbooks: definitions with every saved version, enrollments (one contact's run, claimed
/// with a lease so each step runs once across nodes), the step log, the automated messages a
/// contact received (the shared frequency cap), tracked links, account tags, the meetings a
/// CSM proposed, and the accounts' time zones.
enum Migration0030Playbooks {
    static let migration = Migration(version: 30, name: "playbooks") { _ in
        [
            """
            CREATE TABLE playbooks (
                id TEXT PRIMARY KEY, brand_id TEXT NOT NULL, name TEXT NOT NULL, status TEXT NOT NULL, version INTEGER NOT NULL,
                definition TEXT NOT NULL, trigger_kind TEXT NOT NULL, created_at BIGINT NOT NULL, updated_at BIGINT NOT NULL)
            """,
            "CREATE INDEX playbooks_brand ON playbooks (brand_id, status, trigger_kind)",
            """
            CREATE TABLE playbook_versions (
                playbook_id TEXT NOT NULL, version INTEGER NOT NULL, definition TEXT NOT NULL, author_id TEXT, created_at BIGINT NOT NULL,
                PRIMARY KEY (playbook_id, version))
            """,
            """
            CREATE TABLE playbook_enrollments (
                id TEXT PRIMARY KEY, brand_id TEXT NOT NULL, playbook_id TEXT NOT NULL, version INTEGER NOT NULL, account_id TEXT, contact_id TEXT NOT NULL,
                entry_key TEXT NOT NULL, reason TEXT NOT NULL, state TEXT NOT NULL, step_index INTEGER NOT NULL, seq INTEGER NOT NULL, due_at BIGINT,
                lease_owner TEXT, lease_until BIGINT, exit_reason TEXT, started_at BIGINT NOT NULL, ended_at BIGINT, updated_at BIGINT NOT NULL)
            """,
            "CREATE UNIQUE INDEX enrollments_entry ON playbook_enrollments (playbook_id, entry_key)",
            "CREATE INDEX enrollments_due ON playbook_enrollments (due_at) WHERE state = 'active'",
            "CREATE INDEX enrollments_contact ON playbook_enrollments (contact_id, state)",
            "CREATE INDEX enrollments_account ON playbook_enrollments (account_id, state)",
            "CREATE INDEX enrollments_playbook ON playbook_enrollments (playbook_id, started_at)",
            """
            CREATE TABLE playbook_steps (
                enrollment_id TEXT NOT NULL, seq INTEGER NOT NULL, step_index INTEGER NOT NULL, step_id TEXT NOT NULL, type TEXT NOT NULL,
                outcome TEXT NOT NULL, detail TEXT NOT NULL, outbox_id TEXT, at BIGINT NOT NULL, PRIMARY KEY (enrollment_id, seq))
            """,
            """
            CREATE TABLE automated_messages (
                contact_id TEXT NOT NULL, sent_at BIGINT NOT NULL, source TEXT NOT NULL, id TEXT NOT NULL, PRIMARY KEY (contact_id, sent_at, id))
            """,
            """
            CREATE TABLE playbook_links (
                token_hash TEXT PRIMARY KEY, enrollment_id TEXT NOT NULL, step_index INTEGER NOT NULL, kind TEXT NOT NULL, url TEXT NOT NULL,
                opened_at BIGINT)
            """,
            "CREATE INDEX playbook_links_enrollment ON playbook_links (enrollment_id)",
            "CREATE TABLE account_tags (account_id TEXT NOT NULL, tag TEXT NOT NULL, brand_id TEXT NOT NULL, created_at BIGINT NOT NULL, PRIMARY KEY (account_id, tag))",
            """
            CREATE TABLE meetings (
                id TEXT PRIMARY KEY, brand_id TEXT NOT NULL, owner_id TEXT NOT NULL, account_id TEXT, contact_id TEXT NOT NULL, title TEXT NOT NULL,
                start_at BIGINT NOT NULL, end_at BIGINT NOT NULL, enrollment_id TEXT, created_at BIGINT NOT NULL)
            """,
            "CREATE INDEX meetings_owner ON meetings (owner_id, start_at)",
            "ALTER TABLE accounts ADD COLUMN time_zone TEXT",
            "ALTER TABLE commitments ADD COLUMN team_id TEXT",
        ]
    }
}
