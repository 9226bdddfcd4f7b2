/// Outbound SMS and WhatsApp messages waiting for (or done with) their provider.
enum Migration0009TextOutbox {
    static let migration = Migration(version: 9, name: "text outbox") { _ in
        [
            """
            CREATE TABLE text_outbox (
                id TEXT PRIMARY KEY, brand_id TEXT NOT NULL REFERENCES brands(id), integration_id TEXT NOT NULL REFERENCES integrations(id),
                case_id TEXT REFERENCES cases(id), interaction_id TEXT REFERENCES interactions(id), recipient TEXT NOT NULL, body TEXT NOT NULL,
                state TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0, next_attempt_at BIGINT NOT NULL, last_error TEXT,
                provider_message_id TEXT, created_at BIGINT NOT NULL, updated_at BIGINT NOT NULL, sent_at BIGINT)
            """,
            "CREATE INDEX text_outbox_due ON text_outbox (next_attempt_at, id) WHERE state IN ('pending', 'sending')",
        ]
    }
}
