/// The assistant's conversations: on the case, where it stands (so queues and the
/// assignment of waiting cases leave alone what the assistant holds); beside it, what the
/// assistant asked last, what it showed, when it handed over and why, for the case page
/// and the deflection report.
enum Migration0026Chatbot {
    static let migration = Migration(version: 26, name: "chatbot") { _ in
        [
            "ALTER TABLE cases ADD COLUMN bot_state TEXT",
            """
            CREATE TABLE bot_conversations (
                case_id TEXT PRIMARY KEY, brand_id TEXT NOT NULL, contact_id TEXT NOT NULL, contact_point TEXT NOT NULL,
                service_model TEXT, language TEXT NOT NULL, state TEXT NOT NULL, ask TEXT NOT NULL, failures INTEGER NOT NULL,
                answers INTEGER NOT NULL, shown TEXT NOT NULL, article_id TEXT, article_version INTEGER,
                started_at BIGINT NOT NULL, last_at BIGINT NOT NULL, handed_off_at BIGINT, hand_off_reason TEXT, ended_at BIGINT,
                answered_at BIGINT, answered_id TEXT)
            """,
            "CREATE INDEX bot_conversations_brand ON bot_conversations (brand_id, started_at)",
            "CREATE INDEX bot_conversations_idle ON bot_conversations (state, last_at)",
        ]
    }
}
