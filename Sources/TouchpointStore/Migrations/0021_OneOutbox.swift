/// One outbox for every outbound message. SMS and WhatsApp messages move in from the text
/// outbox (their words and template as the message, the integration they go through kept),
/// the provider's message id gets a column, and the delivery queue is indexed by contact
/// point, so a worker without a driver for one (mail without a smarthost) never reads past
/// its waiting messages. Delivery events become one pair for every contact point.
enum Migration0021OneOutbox {
    static let migration = Migration(version: 21, name: "one outbox") { dialect in
        let textMessage =
            dialect == .postgres
            ? "json_build_object('text', t.body, 'template', t.template::json)::text"
            : "json_object('text', t.body, 'template', json(t.template))"
        return [
            "ALTER TABLE outbox ADD COLUMN integration_id TEXT",
            "ALTER TABLE outbox ADD COLUMN provider_message_id TEXT",
            """
            INSERT INTO outbox (id, brand_id, case_id, interaction_id, contact_point, recipient, message, state, attempts, next_attempt_at, last_error,
                                created_at, updated_at, sent_at, integration_id, provider_message_id)
            SELECT t.id, t.brand_id, t.case_id, t.interaction_id, CASE i.kind WHEN 'whatsApp' THEN 'whatsApp' ELSE 'sms' END, t.recipient,
                   \(textMessage), t.state, t.attempts, t.next_attempt_at, t.last_error, t.created_at, t.updated_at, t.sent_at, t.integration_id,
                   t.provider_message_id
            FROM text_outbox t JOIN integrations i ON i.id = t.integration_id
            """,
            "DROP TABLE text_outbox",
            "DROP INDEX outbox_due",
            "CREATE INDEX outbox_due ON outbox (contact_point, next_attempt_at, id) WHERE state IN ('pending', 'sending')",
            // The console shows each reply's delivery state by its interaction.
            "CREATE INDEX outbox_interaction ON outbox (interaction_id) WHERE interaction_id IS NOT NULL",
            "UPDATE events SET type = 'message.sent' WHERE type = 'mail.sent'",
            "UPDATE events SET type = 'message.failed' WHERE type = 'mail.failed'",
        ]
    }
}
