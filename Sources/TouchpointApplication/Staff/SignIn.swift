import Foundation
import TouchpointCore
import TouchpointStore

/// Staff signing in: passwords, sessions and their limits.
public struct SignIn: Sendable {
    let store: Store

    /// The user with this email and their password hash (nil when no password was set).
    /// Hashing and verifying belong to the edge; the store only keeps the hash.
    public func credentials(email: String) async throws -> (user: StaffUser, passwordHash: String?)? {
        try await store.credentials(email: email)
    }

    /// Sets a user's password hash and ends every session they have, so a reset locks out
    /// whoever knew the old password.
    public func setPasswordHash(_ hash: String, userID: UserID, brand: BrandID, actor: Actor) async throws {
        try await store.setPasswordHash(hash, userID: userID, brand: brand, actor: actor)
    }

    /// Starts a session for a user whose password the edge verified; returns the cookie
    /// value, which is stored only as a hash.
    public func startSession(
        user: StaffUser, userAgent: String?, lifetime: SessionLifetime = SessionLifetime()
    ) async throws -> (token: String, session: StaffSession) {
        try await store.startSession(user: user, userAgent: userAgent, lifetime: lifetime)
    }

    /// Records a failed sign-in for a known user in the audit log.
    public func recordFailedSignIn(user: StaffUser) async throws {
        try await store.recordFailedSignIn(user: user)
    }

    /// The live session behind a cookie value, or nil. Use slides the idle expiry forward,
    /// written at most once a minute so browsing does not cost a write per page.
    public func session(token: String, lifetime: SessionLifetime = SessionLifetime()) async throws -> StaffSession? {
        try await store.session(token: token, lifetime: lifetime)
    }

    /// Ends a session (sign-out); unknown tokens are ignored.
    public func endSession(token: String) async throws {
        try await store.endSession(token: token)
    }

    /// The number of live sessions a user has (for the admin page).
    public func sessionCount(userID: UserID) async throws -> Int {
        try await store.sessionCount(userID: userID)
    }
}
