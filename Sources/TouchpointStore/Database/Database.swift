import Foundation
import SQLKit
import TouchpointCore

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
    /// `write` with other time limits than the database's own (migrations run without one).
    func write<T: Sendable>(limits: DatabaseLimits, _ body: @escaping @Sendable (any SQLDatabase) async throws -> T) async throws -> T
    /// A short description for `/health` (driver and location, never a password).
    var describe: String { get }
    /// Why the last write could not be committed (a full disk, a locked file, an I/O error),
    /// nil once one commits again; `/health` reports it.
    func writeFailure() async -> String?
    /// Fires when the database takes work again after it could not (PostgreSQL reachable
    /// again, a SQLite commit after failed ones), so that what waits for a retry need not
    /// wait for its next sweep.
    var returns: CommitSignal { get }
    func shutdown() async
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
