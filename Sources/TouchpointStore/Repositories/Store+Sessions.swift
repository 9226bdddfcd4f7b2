import Foundation
import SQLKit
import TouchpointCore

extension Store {
    /// The user with this email and their password hash (nil when no password was set).
    /// Hashing and verifying belong to the edge; the store only keeps the hash.
    public func credentials(email: String) async throws -> (user: StaffUser, passwordHash: String?)? {
        guard let normalized = try? Identity.normalizeEmail(email) else { return nil }
        return try await database.read { db in
            guard let row = try await db.raw("SELECT * FROM staff_users WHERE email = \(bind: normalized)").first() else { return nil }
            return (try Store.staffUser(from: row), try row.optionalString("password_hash"))
        }
    }

    /// Sets a user's password hash and ends every session they have, so a reset locks out
    /// whoever knew the old password.
    public func setPasswordHash(_ hash: String, userID: UserID, brand: BrandID, actor: Actor) async throws {
        let environment = self.environment
        try await database.write { db in
            let rows = try await db.raw("""
                UPDATE staff_users SET password_hash = \(bind: hash) WHERE id = \(bind: userID.text) AND brand_id = \(bind: brand.text) RETURNING id
                """).all()
            guard !rows.isEmpty else { throw StoreError.notFound("staff user") }
            try await db.raw("DELETE FROM staff_sessions WHERE user_id = \(bind: userID.text)").run()
            try await Store.insert(events: [DomainEvent(id: environment.newID(), brandID: brand, type: .staffPasswordSet, actor: actor,
                                                        accountID: nil, contactID: nil, caseID: nil,
                                                        payload: ["userId": .string(userID.text)], occurredAt: environment.now())], on: db)
        }
    }

    /// Starts a session for a user whose password the edge verified; returns the cookie
    /// value, which is stored only as a hash.
    public func startSession(user: StaffUser, userAgent: String?, lifetime: SessionLifetime = SessionLifetime()) async throws -> (token: String, session: StaffSession) {
        let token = Store.randomToken()
        let csrf = Store.randomToken()
        let now = environment.now()
        let expires = now.addingTimeInterval(min(lifetime.idle, lifetime.absolute))
        let event = DomainEvent(id: environment.newID(), brandID: user.brandID, type: .staffSignedIn, actor: .staff(user.id),
                                accountID: nil, contactID: nil, caseID: nil, payload: [:], occurredAt: now)
        try await database.write { db in
            try await db.raw("""
                INSERT INTO staff_sessions (token_hash, user_id, csrf_token, created_at, last_seen_at, expires_at, user_agent)
                VALUES (\(bind: Store.hash(token: token)), \(bind: user.id.text), \(bind: csrf), \(bind: Convert.ms(now)), \(bind: Convert.ms(now)),
                        \(bind: Convert.ms(expires)), \(bind: userAgent.map { String($0.prefix(300)) }))
                """).run()
            try await Store.insert(events: [event], on: db)
        }
        return (token, StaffSession(user: user, csrfToken: csrf, expiresAt: expires))
    }

    /// Records a failed sign-in for a known user in the audit log.
    public func recordFailedSignIn(user: StaffUser) async throws {
        let event = DomainEvent(id: environment.newID(), brandID: user.brandID, type: .staffSignInFailed, actor: .system,
                                accountID: nil, contactID: nil, caseID: nil, payload: ["userId": .string(user.id.text)], occurredAt: environment.now())
        try await database.write { db in try await Store.insert(events: [event], on: db) }
    }

    /// The live session behind a cookie value, or nil. Use slides the idle expiry forward,
    /// written at most once a minute so browsing does not cost a write per page.
    public func session(token: String, lifetime: SessionLifetime = SessionLifetime()) async throws -> StaffSession? {
        let hash = Store.hash(token: token)
        let now = environment.now()
        guard let (session, createdAt, lastSeen) = try await database.read({ db -> (StaffSession, Date, Date)? in
            guard let row = try await db.raw("""
                SELECT u.*, s.csrf_token, s.created_at AS session_created_at, s.last_seen_at, s.expires_at
                FROM staff_sessions s JOIN staff_users u ON u.id = s.user_id WHERE s.token_hash = \(bind: hash)
                """).first() else { return nil }
            let session = StaffSession(user: try Store.staffUser(from: row), csrfToken: try row.string("csrf_token"), expiresAt: try row.date("expires_at"))
            return (session, try row.date("session_created_at"), try row.date("last_seen_at"))
        }) else { return nil }
        guard session.expiresAt > now else {
            try await endSession(token: token)
            return nil
        }
        guard now.timeIntervalSince(lastSeen) >= 60 else { return session }
        let expires = min(now.addingTimeInterval(lifetime.idle), createdAt.addingTimeInterval(lifetime.absolute))
        var renewed = session
        renewed.expiresAt = expires
        try await database.write { db in
            try await db.raw("""
                UPDATE staff_sessions SET last_seen_at = \(bind: Convert.ms(now)), expires_at = \(bind: Convert.ms(expires))
                WHERE token_hash = \(bind: hash)
                """).run()
        }
        return renewed
    }

    /// Ends a session (sign-out); unknown tokens are ignored.
    public func endSession(token: String) async throws {
        let hash = Store.hash(token: token)
        try await database.write { db in
            try await db.raw("DELETE FROM staff_sessions WHERE token_hash = \(bind: hash)").run()
        }
    }

    /// The number of live sessions a user has (for the admin page).
    public func sessionCount(userID: UserID) async throws -> Int {
        let now = Convert.ms(environment.now())
        return try await database.read { db in
            try await db.raw("SELECT COUNT(*) AS n FROM staff_sessions WHERE user_id = \(bind: userID.text) AND expires_at > \(bind: now)").first()?.int("n") ?? 0
        }
    }
}
