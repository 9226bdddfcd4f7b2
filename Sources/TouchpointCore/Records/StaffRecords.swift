import Foundation

/// An API token as administrators see it: who, what for, and whether it still works.
public struct APIToken: Sendable, Equatable {
    public var id: UUID
    public var name: String
    public var email: String
    public var scope: TokenScope
    public var createdAt: Date
    public var revokedAt: Date?

    public init(id: UUID, name: String, email: String, scope: TokenScope, createdAt: Date, revokedAt: Date? = nil) {
        self.id = id
        self.name = name
        self.email = email
        self.scope = scope
        self.createdAt = createdAt
        self.revokedAt = revokedAt
    }
}
