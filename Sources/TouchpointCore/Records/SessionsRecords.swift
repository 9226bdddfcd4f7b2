import Foundation

/// A signed-in staff member's browser session.
public struct StaffSession: Sendable, Equatable {
    public var user: StaffUser
    /// The synchronizer token every form of this session carries (CSRF protection).
    public var csrfToken: String
    public var expiresAt: Date

    /// The caller the session stands for: the user's role, with writes allowed.
    public var principal: Principal { Principal(userID: user.id, brandID: user.brandID, role: user.role, scope: .write) }

    public init(user: StaffUser, csrfToken: String, expiresAt: Date) {
        self.user = user
        self.csrfToken = csrfToken
        self.expiresAt = expiresAt
    }
}

/// How long sessions live.
public struct SessionLifetime: Sendable {
    /// A session unused this long ends.
    public var idle: TimeInterval
    /// A session ends this long after sign-in, used or not.
    public var absolute: TimeInterval

    public init(idle: TimeInterval = 12 * 3600, absolute: TimeInterval = 7 * 24 * 3600) {
        self.idle = idle
        self.absolute = absolute
    }
}
