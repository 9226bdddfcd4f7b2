import Foundation

/// Identifiers are UUIDs rendered lower-case; the core never makes them itself — the
/// caller passes them in, so every rule stays deterministic under test.
public typealias BrandID = UUID
public typealias TeamID = UUID
public typealias UserID = UUID
public typealias AccountID = UUID
public typealias ContactID = UUID
public typealias IdentityID = UUID
public typealias CaseID = UUID
public typealias InteractionID = UUID
public typealias CommitmentID = UUID
public typealias EventID = UUID

extension UUID {
    /// Lower-case text form used in the database and the API.
    public var text: String { uuidString.lowercased() }
}

/// Where the core gets new ids and the current instant from; adapters pass the live one,
/// tests a deterministic one.
public struct Environment: Sendable {
    public var now: @Sendable () -> Date
    public var newID: @Sendable () -> UUID

    public init(now: @escaping @Sendable () -> Date, newID: @escaping @Sendable () -> UUID) {
        self.now = now
        self.newID = newID
    }

    public static let live = Environment(now: { Date() }, newID: { UUID() })
}
