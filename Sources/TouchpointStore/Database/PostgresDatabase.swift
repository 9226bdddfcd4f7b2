import TouchpointCore
import Foundation
import Logging
import PostgresKit
import PostgresNIO
import SQLKit

/// PostgreSQL for production: a pooled `PostgresClient`; each write is its own transaction
/// (PostgreSQL commits concurrently, so no batching is needed), and several app nodes can share it.
public final class PostgresDatabase: Database {
    public let dialect = SQLDialectKind.postgres
    public let describe: String
    private let client: PostgresClient
    private let runTask: Task<Void, Never>

    /// Connects to `url` (`postgres://user:password@host:port/database`).
    public static func connect(url: String, logger: Logger) async throws -> PostgresDatabase {
        guard let parts = URLComponents(string: url), ["postgres", "postgresql"].contains(parts.scheme ?? ""),
              let host = parts.host, !host.isEmpty else {
            throw StoreError.invalid(field: "database-url", reason: "expected postgres://user:password@host:port/database")
        }
        let database = parts.path.hasPrefix("/") ? String(parts.path.dropFirst()) : parts.path
        var config = PostgresClient.Configuration(
            host: host, port: parts.port ?? 5432, username: parts.user ?? "postgres",
            password: parts.password, database: database.isEmpty ? nil : database, tls: .disable)
        config.options.maximumConnections = 16
        var quiet = logger
        quiet.logLevel = .warning
        let client = PostgresClient(configuration: config, backgroundLogger: quiet)
        let db = PostgresDatabase(client: client, describe: DatabaseLocation.postgres(url: url).description)
        // Fail fast with a clear message when the server is not there.
        do {
            _ = try await db.read { try await $0.raw("SELECT 1 AS one").all() }
        } catch {
            await db.shutdown()
            throw StoreError.unavailable("cannot connect to PostgreSQL at \(host):\(parts.port ?? 5432): \(String(reflecting: error))")
        }
        return db
    }

    private init(client: PostgresClient, describe: String) {
        self.client = client
        self.describe = describe
        self.runTask = Task { await client.run() }
    }

    public func read<T: Sendable>(_ body: @escaping @Sendable (any SQLDatabase) async throws -> T) async throws -> T {
        try await client.withConnection { connection in
            try await body(connection.sql(queryLogLevel: nil))
        }
    }

    public func write<T: Sendable>(_ body: @escaping @Sendable (any SQLDatabase) async throws -> T) async throws -> T {
        try await client.withConnection { connection in
            let sql = connection.sql(queryLogLevel: nil)
            try await sql.raw("BEGIN").run()
            do {
                let result = try await body(sql)
                try await sql.raw("COMMIT").run()
                return result
            } catch {
                try? await sql.raw("ROLLBACK").run()
                throw error
            }
        }
    }

    public func shutdown() async {
        runTask.cancel()
        _ = await runTask.value
    }
}

extension DatabaseLocation {
    /// Opens the database this location names.
    public func open(logger: Logger) async throws -> any Database {
        switch self {
        case .sqlite(let directory):
            return try await SQLiteDatabase.open(path: directory + "/touchpoint.sqlite", logger: logger)
        case .postgres(let url):
            return try await PostgresDatabase.connect(url: url, logger: logger)
        }
    }
}
