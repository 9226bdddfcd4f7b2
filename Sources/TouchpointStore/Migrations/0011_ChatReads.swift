/// Web chat read receipts: how far each side of a conversation has read, so a reconnecting
/// widget or agent page shows the same "seen" marks as before.
enum Migration0011ChatReads {
    static let migration = Migration(version: 11, name: "chat_reads") { _ in
        [
            "ALTER TABLE chat_sessions ADD COLUMN visitor_read_seq INTEGER NOT NULL DEFAULT 0",
            "ALTER TABLE chat_sessions ADD COLUMN agent_read_seq INTEGER NOT NULL DEFAULT 0",
            "CREATE INDEX chat_sessions_case ON chat_sessions (case_id)",
        ]
    }
}
