/// Integrations with outside systems that call in (a phone system, SMS and WhatsApp
/// providers), each with the secret its webhooks are signed with; every webhook body is
/// stored before it is answered (and a repeated event id is recognised); opt-outs from
/// text messages.
enum Migration0007Integrations {
    static let migration = Migration(version: 7, name: "integrations") { dialect in
        let bytes = dialect == .postgres ? "BYTEA" : "BLOB"
        return [
            """
            CREATE TABLE integrations (
                id TEXT PRIMARY KEY, brand_id TEXT NOT NULL REFERENCES brands(id), kind TEXT NOT NULL, name TEXT NOT NULL,
                secret TEXT NOT NULL, provider_url TEXT, created_at BIGINT NOT NULL)
            """,
            "CREATE INDEX integrations_brand ON integrations (brand_id, kind)",
            """
            CREATE TABLE webhook_events (
                integration_id TEXT NOT NULL REFERENCES integrations(id), event_key TEXT NOT NULL, raw \(bytes) NOT NULL,
                received_at BIGINT NOT NULL, state TEXT NOT NULL, error TEXT, case_id TEXT, interaction_id TEXT,
                PRIMARY KEY (integration_id, event_key))
            """,
            """
            CREATE TABLE opt_outs (
                brand_id TEXT NOT NULL REFERENCES brands(id), contact_point TEXT NOT NULL, address TEXT NOT NULL, keyword TEXT NOT NULL,
                created_at BIGINT NOT NULL, PRIMARY KEY (brand_id, contact_point, address))
            """,
        ]
    }
}
