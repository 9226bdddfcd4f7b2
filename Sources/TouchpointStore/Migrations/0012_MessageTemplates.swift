/// WhatsApp message templates: the approved templates of an integration, and the template
/// (name, language, parameters) an outbound message is sent with.
enum Migration0012MessageTemplates {
    static let migration = Migration(version: 12, name: "message_templates") { _ in
        [
            "ALTER TABLE integrations ADD COLUMN templates TEXT",
            "ALTER TABLE text_outbox ADD COLUMN template TEXT",
        ]
    }
}
