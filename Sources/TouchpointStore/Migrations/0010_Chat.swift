/// Web chat: which case a widget visitor's conversation is on.
enum Migration0010Chat {
    static let migration = Migration(version: 10, name: "chat") { _ in
        [
            """
            CREATE TABLE chat_sessions (
                brand_id TEXT NOT NULL REFERENCES brands(id), visitor TEXT NOT NULL, case_id TEXT NOT NULL REFERENCES cases(id),
                contact_id TEXT NOT NULL REFERENCES contacts(id), created_at BIGINT NOT NULL, PRIMARY KEY (brand_id, visitor))
            """,
        ]
    }
}
