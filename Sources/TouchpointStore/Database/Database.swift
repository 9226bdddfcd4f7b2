import Foundation
import SQLKit

/// The SQL dialects Touchpoint runs on. Every place where they differ switches on this.
public enum SQLDialectKind: String, Sendable {
    case sqlite, postgres
}

/// A database the store runs its commands on: reads on any connection, writes as one
/// transaction each (the SQLite driver commits several writes together, see `GroupCommitWriter`).
public protocol Database: Sendable {
    var dialect: SQLDialectKind { get }
    /// Runs `body` on a connection for reading.
    func read<T: Sendable>(_ body: @escaping @Sendable (any SQLDatabase) async throws -> T) async throws -> T
    /// Runs `body` as one atomic command: either all its statements take effect or none.
    /// Returns only after the change is durably committed.
    func write<T: Sendable>(_ body: @escaping @Sendable (any SQLDatabase) async throws -> T) async throws -> T
    /// A short description for `/health` (driver and location, never a password).
    var describe: String { get }
    func shutdown() async
}

/// Errors from the store, mapped once at each edge (HTTP status, CLI exit code).
public enum StoreError: Error, Equatable, Sendable {
    /// The object does not exist, or the caller's brand may not see it.
    case notFound(String)
    /// The request is well-formed but clashes with the current state.
    case conflict(String)
    /// A field is wrong.
    case invalid(field: String, reason: String)
    /// The caller lacks the permission.
    case forbidden(String)
    /// The database could not be reached or could not commit; try again later.
    case unavailable(String)
}

/// Where and how to open the database; parsed once from the command line and environment.
public enum DatabaseLocation: Sendable, Equatable {
    /// SQLite file `touchpoint.sqlite` inside this directory.
    case sqlite(directory: String)
    /// A PostgreSQL URL, `postgres://user:password@host:port/database`.
    case postgres(url: String)

    public var description: String {
        switch self {
        case .sqlite(let directory): return "sqlite:\(directory)/touchpoint.sqlite"
        case .postgres(let url):
            // Keep the password out of logs and /health.
            guard var parts = URLComponents(string: url) else { return "postgres" }
            if parts.password != nil { parts.password = "***" }
            return "postgres:" + (parts.string ?? "")
        }
    }
}
