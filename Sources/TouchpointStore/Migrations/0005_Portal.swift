/// The customer portal: one-time sign-in links sent by email (only their hash is kept),
/// customer sessions, and an optional customer password.
enum Migration0005Portal {
    static let migration = Migration(version: 5, name: "portal") { _ in
        [
            "ALTER TABLE contacts ADD COLUMN portal_password_hash TEXT",
            """
            CREATE TABLE portal_links (
                token_hash TEXT PRIMARY KEY, brand_id TEXT NOT NULL REFERENCES brands(id), contact_id TEXT NOT NULL REFERENCES contacts(id),
                email TEXT NOT NULL, created_at BIGINT NOT NULL, expires_at BIGINT NOT NULL, used_at BIGINT)
            """,
            // The per-address rate limit counts recent links.
            "CREATE INDEX portal_links_email ON portal_links (brand_id, email, created_at)",
            """
            CREATE TABLE portal_sessions (
                token_hash TEXT PRIMARY KEY, brand_id TEXT NOT NULL REFERENCES brands(id), contact_id TEXT NOT NULL REFERENCES contacts(id),
                csrf_token TEXT NOT NULL, created_at BIGINT NOT NULL, last_seen_at BIGINT NOT NULL, expires_at BIGINT NOT NULL)
            """,
            "CREATE INDEX portal_sessions_contact ON portal_sessions (contact_id)",
        ]
    }
}
