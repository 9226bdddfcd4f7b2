import Foundation
import Logging
import NIOCore
import NIOPosix
import PostgresKit
import PostgresNIO
import SQLKit
import TouchpointCore
import _ConnectionPoolModule

/// PostgreSQL for production: a pooled `PostgresClient`; each write is its own transaction
/// (PostgreSQL commits concurrently, so no batching is needed), and several app nodes can share it.
public final class PostgresDatabase: Database {
    public let dialect = SQLDialectKind.postgres
    public let describe: String
    /// Connections each node opens at most.
    static let connections = 16
    private let client: PostgresClient
    private let runTask: Task<Void, Never>
    private let limits: DatabaseLimits
    private let reachability: Reachability

    /// Connects to `url` (`postgres://user:password@host:port/database`).
    public static func connect(url: String, logger: Logger, limits: DatabaseLimits = DatabaseLimits()) async throws -> PostgresDatabase {
        guard let parts = URLComponents(string: url), ["postgres", "postgresql"].contains(parts.scheme ?? ""),
            let host = parts.host, !host.isEmpty
        else {
            throw StoreError.invalid(field: "database-url", reason: "expected postgres://user:password@host:port/database")
        }
        let database = parts.path.hasPrefix("/") ? String(parts.path.dropFirst()) : parts.path
        var config = PostgresClient.Configuration(
            host: host, port: parts.port ?? 5432, username: parts.user ?? "postgres",
            password: parts.password, database: database.isEmpty ? nil : database, tls: .disable)
        config.options.maximumConnections = Self.connections
        // A server that does not answer a connection attempt within the wait for one is as
        // good as down.
        config.options.connectTimeout = limits.connection
        // The server ends what the client stopped waiting for (see `DatabaseLimits.call`).
        if let call = limits.call {
            let milliseconds = call.components.seconds * 1000 + call.components.attoseconds / 1_000_000_000_000_000
            config.options.additionalStartupParameters = [
                ("statement_timeout", "\(milliseconds)"),
                ("idle_in_transaction_session_timeout", "\(milliseconds)"),
            ]
        }
        var quiet = logger
        quiet.logLevel = .warning
        let client = PostgresClient(configuration: config, backgroundLogger: quiet)
        let db = PostgresDatabase(
            client: client, describe: DatabaseLocation.postgres(url: url).description, limits: limits,
            host: host, port: parts.port ?? 5432)
        // Fail fast with a clear message when the server is not there.
        do {
            _ = try await db.read { try await $0.raw("SELECT 1 AS one").all() }
        } catch {
            await db.shutdown()
            throw StoreError.unavailable("cannot connect to PostgreSQL at \(host):\(parts.port ?? 5432): \(String(reflecting: error))")
        }
        return db
    }

    private init(client: PostgresClient, describe: String, limits: DatabaseLimits, host: String, port: Int) {
        self.client = client
        self.describe = describe
        self.limits = limits
        self.reachability = Reachability { await Self.accepts(host: host, port: port) }
        self.runTask = Task { await client.run() }
    }

    public func read<T: Sendable>(_ body: @escaping @Sendable (any SQLDatabase) async throws -> T) async throws -> T {
        try await call(limits) { sql, _ in try await body(sql) }
    }

    public func write<T: Sendable>(_ body: @escaping @Sendable (any SQLDatabase) async throws -> T) async throws -> T {
        try await write(limits: limits, body)
    }

    public func write<T: Sendable>(limits: DatabaseLimits, _ body: @escaping @Sendable (any SQLDatabase) async throws -> T) async throws -> T {
        try await call(limits) { sql, progress in
            try await sql.raw("BEGIN").run()
            // The server-side limit set for every connection does not bind an unlimited call.
            if limits.call == nil { try await sql.raw("SET LOCAL statement_timeout = 0").run() }
            do {
                let result = try await body(sql)
                progress.at(.committing)
                try await sql.raw("COMMIT").run()
                return result
            } catch let error as PSQLError where Self.isConnectionLoss(error) {
                // The server rolls back what a lost connection left open.
                throw error
            } catch {
                progress.at(.rollingBack)
                try? await sql.raw("ROLLBACK").run()
                throw error
            }
        }
    }

    /// One call on a pooled connection, within `limits`; a lost connection is reported as the
    /// database being unavailable (the caller retries), anything else as it came.
    private func call<T: Sendable>(
        _ limits: DatabaseLimits, _ body: @escaping @Sendable (any SQLDatabase, CallProgress) async throws -> T
    ) async throws -> T {
        do {
            return try await CallDeadline.run(limits, reachability: reachability) { [client, reachability] progress in
                try await client.withConnection { connection in
                    progress.holding { try? await connection.close() }
                    progress.at(.connected)
                    // The caller may have stopped waiting while the pool found this connection.
                    try Task.checkCancellation()
                    do {
                        return try await body(connection.sql(queryLogLevel: nil), progress)
                    } catch let error as PSQLError where Self.isConnectionLoss(error) {
                        // Closed before it goes back to the pool: a connection the server ended
                        // (a fast shutdown sends its FATAL before it closes the socket) could
                        // otherwise be handed to the next call, whose query then never returns.
                        try? await connection.close()
                        reachability.lostConnection()
                        // A server going down ends every session: the calls after this one are
                        // refused at once instead of each waiting for a connection.
                        if Self.isShutdown(error) { reachability.unreachable() }
                        throw error
                    }
                }
            }
        } catch let error as PSQLError where Self.isConnectionLoss(error) {
            throw StoreError.unavailable("the connection to PostgreSQL was lost (\(error.code))")
        } catch let error as _ConnectionPoolModule.ConnectionPoolError where error != .requestCancelled {
            // The pool stopped trying to connect (its own breaker) or was shut down.
            throw StoreError.unavailable("no connection to PostgreSQL (\(error))")
        }
    }

    /// Whether the server's address takes a TCP connection. Only a refusal (or an address that
    /// does not resolve) counts as no: an attempt that merely takes longer than a second says
    /// the machine is loaded or the server's backlog full, and calls then wait out their limit
    /// instead of all being refused at once.
    static func accepts(host: String, port: Int) async -> Bool {
        let bootstrap = ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton).connectTimeout(.seconds(1))
        do {
            let channel = try await bootstrap.connect(host: host, port: port).get()
            try? await channel.close()
            return true
        } catch ChannelError.connectTimeout {
            return true
        } catch {
            return false
        }
    }

    /// The server said it is shutting down, crashed or is starting up (SQLSTATE 57P01–57P03).
    static func isShutdown(_ error: PSQLError) -> Bool {
        ["57P01", "57P02", "57P03"].contains(error.serverInfo?[.sqlState] ?? "")
    }

    /// Errors that say nothing about the statement, only that the server went away: the
    /// connection broke, or the server is shutting down or starting (SQLSTATE classes 08, 57).
    static func isConnectionLoss(_ error: PSQLError) -> Bool {
        switch error.code {
        case .serverClosedConnection, .clientClosedConnection, .connectionError, .uncleanShutdown, .poolClosed:
            return true
        case .server:
            let state = error.serverInfo?[.sqlState] ?? ""
            return state.hasPrefix("08") || state.hasPrefix("57")
        default:
            return false
        }
    }

    /// Closes the pool's connections; returns after at most `shutdownWait` even if one of them
    /// does not close (a server that stopped answering must not keep the process alive).
    /// PostgreSQL's own failures (a full disk included) end the statement with an error the
    /// caller gets; an unreachable server is what `/health` reports, by `ping`.
    public func writeFailure() async -> String? { nil }
    public var returns: CommitSignal { reachability.returns }

    public func shutdown() async {
        runTask.cancel()
        let (ended, signal) = AsyncStream<Void>.makeStream()
        Task { [runTask] in
            await runTask.value
            signal.yield()
        }
        Task {
            try? await Task.sleep(for: Self.shutdownWait)
            signal.yield()
        }
        for await _ in ended { break }
    }

    static let shutdownWait = Duration.seconds(5)
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
