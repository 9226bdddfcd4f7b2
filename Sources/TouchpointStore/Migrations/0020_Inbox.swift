/// One inbox for the envelopes that contact points acknowledge before processing them
/// (SMS, WhatsApp and phone-system webhooks): the raw body is committed, the provider hears
/// 202, and the intake worker takes it from there; a sweep finds what a crash left behind.
/// The webhook events of earlier versions move in (with their states, so a provider's
/// retry is still recognised; ones never processed are processed now).
enum Migration0020Inbox {
    static let migration = Migration(version: 20, name: "inbox") { dialect in
        let bytes = dialect == .postgres ? "BYTEA" : "BLOB"
        let newID = dialect == .postgres
            ? "gen_random_uuid()::text"
            : "lower(hex(randomblob(4)) || '-' || hex(randomblob(2)) || '-4' || substr(hex(randomblob(2)), 2) || '-' || "
                + "substr('89ab', 1 + (abs(random()) % 4), 1) || substr(hex(randomblob(2)), 2) || '-' || hex(randomblob(6)))"
        return [
            """
            CREATE TABLE inbox (
                id TEXT PRIMARY KEY, brand_id TEXT NOT NULL REFERENCES brands(id), contact_point TEXT NOT NULL, source TEXT NOT NULL,
                provider_key TEXT NOT NULL, lane TEXT NOT NULL, raw \(bytes) NOT NULL, received_at BIGINT NOT NULL, state TEXT NOT NULL,
                stage TEXT, reason TEXT, attempts INTEGER NOT NULL DEFAULT 0, next_attempt_at BIGINT, case_id TEXT, interaction_id TEXT,
                processed_at BIGINT, UNIQUE (source, provider_key))
            """,
            // The worker's queue after a restart: only envelopes still to process are indexed.
            "CREATE INDEX inbox_pending ON inbox (received_at, id) WHERE state = 'received'",
            "CREATE INDEX inbox_brand_state ON inbox (brand_id, state, received_at, id)",
            // The metrics count the quarantines of every contact point.
            "CREATE INDEX inbox_quarantined ON inbox (contact_point) WHERE state = 'quarantined'",
            "CREATE INDEX inbound_mail_quarantined ON inbound_mail (received_at) WHERE state = 'quarantined'",
            """
            INSERT INTO inbox (id, brand_id, contact_point, source, provider_key, lane, raw, received_at, state, reason, case_id, interaction_id, processed_at)
            SELECT \(newID), i.brand_id, CASE i.kind WHEN 'cti' THEN 'phone' ELSE i.kind END, w.integration_id, w.event_key, w.event_key, w.raw,
                   w.received_at, CASE w.state WHEN 'received' THEN 'received' ELSE 'processed' END,
                   CASE w.state WHEN 'unmatched' THEN 'unmatched' ELSE w.error END, w.case_id, w.interaction_id,
                   CASE w.state WHEN 'received' THEN NULL ELSE w.received_at END
            FROM webhook_events w JOIN integrations i ON i.id = w.integration_id
            """,
            "DROP TABLE webhook_events",
        ]
    }
}
