/// Email: the mailboxes that receive mail, every received message's raw bytes (stored
/// before the sender hears 250), content-addressed attachments, addresses that bounce, and
/// the outbox that outbound mail waits in until the smarthost took it.
enum Migration0003Mail {
    static let migration = Migration(version: 3, name: "mail") { dialect in
        let bytes = dialect == .postgres ? "BYTEA" : "BLOB"
        return [
            """
            CREATE TABLE mailboxes (
                address TEXT PRIMARY KEY, brand_id TEXT NOT NULL REFERENCES brands(id), team_id TEXT REFERENCES teams(id),
                forwards_open_for_sender INTEGER NOT NULL DEFAULT 0, acknowledges INTEGER NOT NULL DEFAULT 0, created_at BIGINT NOT NULL)
            """,
            "CREATE INDEX mailboxes_brand ON mailboxes (brand_id, address)",
            """
            CREATE TABLE inbound_mail (
                id TEXT PRIMARY KEY, brand_id TEXT NOT NULL REFERENCES brands(id), mailbox TEXT NOT NULL, recipients TEXT NOT NULL,
                envelope_from TEXT NOT NULL, size INTEGER NOT NULL, raw \(bytes) NOT NULL, received_at BIGINT NOT NULL,
                state TEXT NOT NULL, reason TEXT, message_id TEXT, sender TEXT, subject TEXT, case_id TEXT, interaction_id TEXT,
                attempts INTEGER NOT NULL DEFAULT 0, processed_at BIGINT)
            """,
            // The intake worker's queue after a restart: only unprocessed mail is indexed.
            "CREATE INDEX inbound_mail_pending ON inbound_mail (received_at, id) WHERE state = 'received'",
            "CREATE INDEX inbound_mail_brand_state ON inbound_mail (brand_id, state, received_at, id)",
            // The per-sender rate limit counts a sender's recent mail.
            "CREATE INDEX inbound_mail_sender ON inbound_mail (brand_id, sender, received_at)",
            """
            CREATE TABLE attachments (
                brand_id TEXT NOT NULL REFERENCES brands(id), sha256 TEXT NOT NULL, content_type TEXT NOT NULL, size INTEGER NOT NULL,
                data \(bytes) NOT NULL, created_at BIGINT NOT NULL, PRIMARY KEY (brand_id, sha256))
            """,
            """
            CREATE TABLE outbox (
                id TEXT PRIMARY KEY, brand_id TEXT NOT NULL REFERENCES brands(id), case_id TEXT REFERENCES cases(id),
                interaction_id TEXT REFERENCES interactions(id), contact_point TEXT NOT NULL, recipient TEXT NOT NULL, message TEXT NOT NULL,
                state TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0, next_attempt_at BIGINT NOT NULL, last_error TEXT,
                created_at BIGINT NOT NULL, updated_at BIGINT NOT NULL, sent_at BIGINT)
            """,
            // The delivery worker's queue: only messages still to send are indexed.
            "CREATE INDEX outbox_due ON outbox (next_attempt_at, id) WHERE state IN ('pending', 'sending')",
            "CREATE INDEX outbox_brand_state ON outbox (brand_id, state, created_at, id)",
            "ALTER TABLE identities ADD COLUMN failing_since BIGINT",
            "ALTER TABLE identities ADD COLUMN failure TEXT",
        ]
    }
}
