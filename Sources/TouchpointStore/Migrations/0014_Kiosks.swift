/// Kiosks: registered devices with their own token and location, the sessions of the
/// customers who identify at them, and one-time codes sent to a phone to identify.
enum Migration0014Kiosks {
    static let migration = Migration(version: 14, name: "kiosks") { _ in
        [
            """
            CREATE TABLE kiosks (
                id TEXT PRIMARY KEY, brand_id TEXT NOT NULL REFERENCES brands(id), location_id TEXT REFERENCES locations(id), name TEXT NOT NULL,
                token_hash TEXT NOT NULL UNIQUE, idle_seconds INTEGER NOT NULL, languages TEXT NOT NULL, created_at BIGINT NOT NULL, last_seen_at BIGINT)
            """,
            """
            CREATE TABLE kiosk_sessions (
                token_hash TEXT PRIMARY KEY, kiosk_id TEXT NOT NULL REFERENCES kiosks(id), contact_id TEXT NOT NULL REFERENCES contacts(id),
                method TEXT NOT NULL, created_at BIGINT NOT NULL, expires_at BIGINT NOT NULL)
            """,
            """
            CREATE TABLE kiosk_codes (
                kiosk_id TEXT NOT NULL REFERENCES kiosks(id), phone TEXT NOT NULL, code_hash TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0,
                expires_at BIGINT NOT NULL, PRIMARY KEY (kiosk_id, phone))
            """,
        ]
    }
}
