import Foundation
import Logging
import NIOCore
import NIOPosix
import SQLKit
import TouchpointCore

/// The embedded default: one SQLite file in WAL mode with `synchronous=FULL`, one writer
/// connection behind a group-commit queue and a few reader connections, each with a thread
/// of its own on which its statements run.
public final class SQLiteDatabase: Database {
    public let dialect = SQLDialectKind.sqlite
    public let describe: String
    private let writerHandle: SQLiteHandle
    private let readers: [(database: SQLiteSQLDatabase, executor: ThreadPoolExecutor)]
    private let writer: GroupCommitWriter
    private let pools: [NIOThreadPool]
    private let nextReader = ManagedAtomicCounter()

    /// Opens (creating if needed) `path`.
    public static func open(path: String, readers readerCount: Int = 3, logger: Logger) async throws -> SQLiteDatabase {
        let directory = (path as NSString).deletingLastPathComponent
        if !directory.isEmpty {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        }
        let loop = MultiThreadedEventLoopGroup.singleton.any()
        var quiet = logger
        quiet.logLevel = .warning
        func pool() -> NIOThreadPool {
            let pool = NIOThreadPool(numberOfThreads: 1)
            pool.start()
            return pool
        }
        // The writer gets a thread of its own so long reads never delay a commit.
        let writerPool = pool()
        let writer = try SQLiteHandle(path: path)
        let writerDatabase = SQLiteSQLDatabase(handle: writer, logger: quiet, eventLoop: loop)
        // A 64 MiB page cache for the writer: bulk commands (re-segmenting every account,
        // moving every SLA deadline) otherwise spill pages to the WAL mid-transaction.
        for pragma in ["PRAGMA journal_mode=WAL", "PRAGMA synchronous=FULL", "PRAGMA foreign_keys=ON",
                       "PRAGMA cache_size=-65536", "PRAGMA temp_store=MEMORY"] {
            try await writerDatabase.raw(SQLQueryString(pragma)).run()
        }
        // Table statistics for the planner, as SQLite recommends for a long-lived connection:
        // a quick, bounded analysis of the tables that need one, before the readers open (they
        // read the statistics when they load the schema). Queries on hot paths do not rely on
        // them (the query-plan test plans without), but the rest plan better with them.
        try await writerDatabase.raw("PRAGMA optimize=0x10002").run()
        var readers: [(SQLiteSQLDatabase, ThreadPoolExecutor)] = []
        var pools = [writerPool]
        for _ in 0..<max(1, readerCount) {
            let reader = SQLiteSQLDatabase(handle: try SQLiteHandle(path: path), logger: quiet, eventLoop: loop)
            for pragma in ["PRAGMA foreign_keys=ON", "PRAGMA cache_size=-16384"] { try await reader.raw(SQLQueryString(pragma)).run() }
            let readerPool = pool()
            pools.append(readerPool)
            readers.append((reader, ThreadPoolExecutor(pool: readerPool)))
        }
        return SQLiteDatabase(path: path, writer: writer, writerDatabase: writerDatabase, writerPool: writerPool, readers: readers, pools: pools)
    }

    private init(path: String, writer: SQLiteHandle, writerDatabase: SQLiteSQLDatabase, writerPool: NIOThreadPool,
                 readers: [(database: SQLiteSQLDatabase, executor: ThreadPoolExecutor)], pools: [NIOThreadPool]) {
        self.describe = "sqlite:\(path)"
        self.writerHandle = writer
        self.readers = readers
        self.writer = GroupCommitWriter(connection: writerDatabase, executor: ThreadPoolExecutor(pool: writerPool))
        self.pools = pools
    }

    public func read<T: Sendable>(_ body: @escaping @Sendable (any SQLDatabase) async throws -> T) async throws -> T {
        let reader = readers[nextReader.next() % readers.count]
        // Statements run on the calling thread: the reader's own, not the shared pool's.
        return try await withTaskExecutorPreference(reader.executor) { try await body(reader.database) }
    }

    public func write<T: Sendable>(_ body: @escaping @Sendable (any SQLDatabase) async throws -> T) async throws -> T {
        try await writer.submit(body)
    }

    /// The same as `write`: SQLite in the process has no connection to wait for.
    public func write<T: Sendable>(limits: DatabaseLimits, _ body: @escaping @Sendable (any SQLDatabase) async throws -> T) async throws -> T {
        try await writer.submit(body)
    }

    public func writeFailure() async -> String? { await writer.failure }
    public var returns: CommitSignal { writer.returns }

    public func shutdown() async {
        for reader in readers { reader.database.handle.forgetStatements() }
        writerHandle.forgetStatements()
        for pool in pools { try? await pool.shutdownGracefully() }
    }
}

/// A lock-protected counter for spreading reads over connections.
final class ManagedAtomicCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var value = 0
    func next() -> Int {
        lock.lock()
        defer { lock.unlock() }
        value &+= 1
        return value & Int.max
    }
}
