/// Messaging settings of SMS and WhatsApp integrations: WhatsApp's approved templates and the
/// template (name, language, parameters) an outbound message is sent with; extra opt-out
/// keywords besides STOP and its kin.
enum Migration0012MessageTemplates {
    static let migration = Migration(version: 12, name: "message_templates") { _ in
        [
            "ALTER TABLE integrations ADD COLUMN templates TEXT",
            "ALTER TABLE text_outbox ADD COLUMN template TEXT",
            "ALTER TABLE integrations ADD COLUMN opt_out_keywords TEXT",
        ]
    }
}
