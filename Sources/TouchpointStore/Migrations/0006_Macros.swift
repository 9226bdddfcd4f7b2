/// Macros: a brand's canned replies with placeholders.
enum Migration0006Macros {
    static let migration = Migration(version: 6, name: "macros") { _ in
        [
            """
            CREATE TABLE macros (
                id TEXT PRIMARY KEY, brand_id TEXT NOT NULL REFERENCES brands(id), name TEXT NOT NULL, body TEXT NOT NULL,
                created_at BIGINT NOT NULL, updated_at BIGINT NOT NULL, UNIQUE (brand_id, name))
            """,
        ]
    }
}
