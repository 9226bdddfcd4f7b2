/// The foundation schema: brands, teams, staff, tokens, accounts, contacts and identities,
/// cases, interactions, commitments, the event log and the full-text index.
/// Times are epoch milliseconds (BIGINT); ids are lower-case UUID text.
enum Migration0001Initial {
    static let migration = Migration(version: 1, name: "initial") { dialect in
        // Small rows keyed by time-ordered text ids are stored clustered by that id on
        // SQLite, so an insert updates one B-tree for the key instead of two.
        let clustered = dialect == .sqlite ? " WITHOUT ROWID" : ""
        var statements = [
            """
            CREATE TABLE brands (
                id TEXT PRIMARY KEY, slug TEXT NOT NULL UNIQUE, name TEXT NOT NULL, case_prefix TEXT NOT NULL,
                default_calling_code TEXT, created_at BIGINT NOT NULL)
            """,
            """
            CREATE TABLE teams (
                id TEXT PRIMARY KEY, brand_id TEXT NOT NULL REFERENCES brands(id), name TEXT NOT NULL,
                created_at BIGINT NOT NULL, UNIQUE (brand_id, name))
            """,
            """
            CREATE TABLE staff_users (
                id TEXT PRIMARY KEY, brand_id TEXT NOT NULL REFERENCES brands(id), email TEXT NOT NULL UNIQUE,
                name TEXT NOT NULL, role TEXT NOT NULL, team_id TEXT REFERENCES teams(id), password_hash TEXT,
                created_at BIGINT NOT NULL)
            """,
            """
            CREATE TABLE api_tokens (
                id TEXT PRIMARY KEY, user_id TEXT NOT NULL REFERENCES staff_users(id), token_hash TEXT NOT NULL UNIQUE,
                name TEXT NOT NULL, scope TEXT NOT NULL, created_at BIGINT NOT NULL, revoked_at BIGINT)
            """,
            """
            CREATE TABLE accounts (
                id TEXT PRIMARY KEY, brand_id TEXT NOT NULL REFERENCES brands(id), name TEXT NOT NULL,
                annual_value DOUBLE PRECISION NOT NULL, average_order_value DOUBLE PRECISION NOT NULL,
                complexity TEXT NOT NULL, stage TEXT NOT NULL, goals TEXT NOT NULL, health_score INTEGER NOT NULL,
                owner_csm_id TEXT REFERENCES staff_users(id), created_at BIGINT NOT NULL, updated_at BIGINT NOT NULL)
            """,
            "CREATE INDEX accounts_brand_name ON accounts (brand_id, name, id)",
            """
            CREATE TABLE contacts (
                id TEXT PRIMARY KEY, brand_id TEXT NOT NULL REFERENCES brands(id), account_id TEXT REFERENCES accounts(id),
                name TEXT, title TEXT, preferred_contact_point TEXT, merged_into TEXT REFERENCES contacts(id),
                created_at BIGINT NOT NULL, updated_at BIGINT NOT NULL)\(clustered)
            """,
            "CREATE INDEX contacts_account ON contacts (account_id)",
            "CREATE INDEX contacts_merged_into ON contacts (merged_into)",
            "CREATE INDEX contacts_brand_created ON contacts (brand_id, created_at, id)",
            """
            CREATE TABLE identities (
                id TEXT PRIMARY KEY, brand_id TEXT NOT NULL REFERENCES brands(id), contact_id TEXT NOT NULL REFERENCES contacts(id),
                kind TEXT NOT NULL, value TEXT NOT NULL, created_at BIGINT NOT NULL, UNIQUE (brand_id, kind, value))\(clustered)
            """,
            "CREATE INDEX identities_contact ON identities (contact_id)",
            """
            CREATE TABLE cases (
                id TEXT PRIMARY KEY, brand_id TEXT NOT NULL REFERENCES brands(id), number BIGINT NOT NULL,
                contact_id TEXT NOT NULL REFERENCES contacts(id), account_id TEXT REFERENCES accounts(id),
                subject TEXT NOT NULL, status TEXT NOT NULL, priority TEXT NOT NULL, level INTEGER NOT NULL,
                rung TEXT NOT NULL, team_id TEXT REFERENCES teams(id), assignee_id TEXT REFERENCES staff_users(id),
                tags TEXT NOT NULL, contact_point TEXT NOT NULL, merged_into TEXT REFERENCES cases(id),
                created_at BIGINT NOT NULL, updated_at BIGINT NOT NULL, UNIQUE (brand_id, number))\(clustered)
            """,
            "CREATE INDEX cases_brand_created ON cases (brand_id, created_at, id)",
            // Each list filter gets (brand, filter, newest first), so a filtered list reads only
            // its own rows even where SQLite has no statistics to choose by.
            "CREATE INDEX cases_brand_status ON cases (brand_id, status, created_at, id)",
            "CREATE INDEX cases_contact ON cases (brand_id, contact_id, created_at, id)",
            "CREATE INDEX cases_account ON cases (brand_id, account_id, created_at, id)",
            "CREATE INDEX cases_assignee ON cases (brand_id, assignee_id, created_at, id)",
            "CREATE INDEX cases_team ON cases (brand_id, team_id, created_at, id)",
            """
            CREATE TABLE case_links (
                case_id TEXT NOT NULL REFERENCES cases(id), other_case_id TEXT NOT NULL REFERENCES cases(id),
                kind TEXT NOT NULL, created_at BIGINT NOT NULL, PRIMARY KEY (case_id, other_case_id))
            """,
            """
            CREATE TABLE interactions (
                id TEXT PRIMARY KEY, brand_id TEXT NOT NULL REFERENCES brands(id), contact_id TEXT NOT NULL REFERENCES contacts(id),
                case_id TEXT REFERENCES cases(id), contact_point TEXT NOT NULL, direction TEXT NOT NULL,
                author_kind TEXT NOT NULL, author_id TEXT, body TEXT NOT NULL, html TEXT, attachments TEXT NOT NULL,
                provider_message_id TEXT, metadata TEXT NOT NULL, occurred_at BIGINT NOT NULL, created_at BIGINT NOT NULL)
            """,
            "CREATE INDEX interactions_contact_time ON interactions (contact_id, occurred_at, id)",
            "CREATE INDEX interactions_case_time ON interactions (case_id, occurred_at, id)",
            "CREATE UNIQUE INDEX interactions_provider_id ON interactions (brand_id, contact_point, provider_message_id) WHERE provider_message_id IS NOT NULL",
            """
            CREATE TABLE commitments (
                id TEXT PRIMARY KEY, brand_id TEXT NOT NULL REFERENCES brands(id), account_id TEXT NOT NULL REFERENCES accounts(id),
                case_id TEXT REFERENCES cases(id), what TEXT NOT NULL, due_at BIGINT NOT NULL, owner_id TEXT REFERENCES staff_users(id),
                status TEXT NOT NULL, created_at BIGINT NOT NULL, updated_at BIGINT NOT NULL)
            """,
            "CREATE INDEX commitments_account ON commitments (account_id, status, due_at)",
            """
            CREATE TABLE events (
                id TEXT PRIMARY KEY, brand_id TEXT NOT NULL REFERENCES brands(id), type TEXT NOT NULL,
                actor_kind TEXT NOT NULL, actor_id TEXT, account_id TEXT, contact_id TEXT, case_id TEXT,
                on_timeline INTEGER NOT NULL, payload TEXT NOT NULL, occurred_at BIGINT NOT NULL)\(clustered)
            """,
            "CREATE INDEX events_contact_time ON events (contact_id, on_timeline, occurred_at, id)",
            "CREATE INDEX events_account_time ON events (account_id, on_timeline, occurred_at, id)",
            "CREATE INDEX events_case_time ON events (case_id, occurred_at, id)",
            "CREATE INDEX events_brand_time ON events (brand_id, occurred_at, id)",
        ]
        // Full-text search over case subjects and interaction texts: one row per text,
        // pointing at its case. Only the index differs between the dialects.
        switch dialect {
        case .sqlite:
            statements.append("CREATE VIRTUAL TABLE search_index USING fts5(body, brand_id UNINDEXED, case_id UNINDEXED, tokenize = 'unicode61 remove_diacritics 2')")
        case .postgres:
            statements.append("CREATE TABLE search_index (body TEXT NOT NULL, brand_id TEXT NOT NULL, case_id TEXT NOT NULL, tsv tsvector GENERATED ALWAYS AS (to_tsvector('simple'::regconfig, body)) STORED)")
            statements.append("CREATE INDEX search_index_tsv ON search_index USING GIN (tsv)")
        }
        return statements
    }
}
