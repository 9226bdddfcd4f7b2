import Foundation
import Logging
import NIOCore
import NIOPosix
import SQLKit
import SQLiteKit
import SQLiteNIO

/// The embedded default: one SQLite file in WAL mode with `synchronous=FULL`, one writer
/// connection behind a group-commit queue and a few reader connections.
public final class SQLiteDatabase: Database {
    public let dialect = SQLDialectKind.sqlite
    public let describe: String
    private let writerConnection: SQLiteConnection
    private let readers: [SQLiteConnection]
    private let writer: GroupCommitWriter
    private let writerPool: NIOThreadPool
    private let readerPool: NIOThreadPool
    private let nextReader = ManagedAtomicCounter()

    /// Opens (creating if needed) `path`.
    public static func open(path: String, readers readerCount: Int = 3, logger: Logger) async throws -> SQLiteDatabase {
        let directory = (path as NSString).deletingLastPathComponent
        if !directory.isEmpty {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        }
        // The writer gets a thread of its own so long reads never delay a commit.
        let writerPool = NIOThreadPool(numberOfThreads: 1)
        writerPool.start()
        let readerPool = NIOThreadPool(numberOfThreads: max(1, readerCount))
        readerPool.start()
        let loop = MultiThreadedEventLoopGroup.singleton.any()
        var quiet = logger
        quiet.logLevel = .warning
        let writer = try await SQLiteConnection.open(storage: .file(path: path), threadPool: writerPool, logger: quiet, on: loop)
        // A 64 MiB page cache for the writer: bulk commands (re-segmenting every account,
        // moving every SLA deadline) otherwise spill pages to the WAL mid-transaction.
        for pragma in ["PRAGMA journal_mode=WAL", "PRAGMA synchronous=FULL", "PRAGMA foreign_keys=ON", "PRAGMA busy_timeout=10000",
                       "PRAGMA cache_size=-65536", "PRAGMA temp_store=MEMORY"] {
            _ = try await writer.query(pragma)
        }
        var readers: [SQLiteConnection] = []
        for _ in 0..<max(1, readerCount) {
            let reader = try await SQLiteConnection.open(storage: .file(path: path), threadPool: readerPool, logger: quiet, on: loop)
            _ = try await reader.query("PRAGMA busy_timeout=10000")
            _ = try await reader.query("PRAGMA foreign_keys=ON")
            _ = try await reader.query("PRAGMA cache_size=-16384")
            readers.append(reader)
        }
        return SQLiteDatabase(path: path, writer: writer, readers: readers, writerPool: writerPool, readerPool: readerPool)
    }

    private init(path: String, writer: SQLiteConnection, readers: [SQLiteConnection], writerPool: NIOThreadPool, readerPool: NIOThreadPool) {
        self.describe = "sqlite:\(path)"
        self.writerConnection = writer
        self.readers = readers
        self.writer = GroupCommitWriter(connection: writer.sql(queryLogLevel: nil), executor: ThreadPoolExecutor(pool: writerPool))
        self.writerPool = writerPool
        self.readerPool = readerPool
    }

    public func read<T: Sendable>(_ body: @escaping @Sendable (any SQLDatabase) async throws -> T) async throws -> T {
        let reader = readers[nextReader.next() % readers.count]
        return try await body(reader.sql(queryLogLevel: nil))
    }

    public func write<T: Sendable>(_ body: @escaping @Sendable (any SQLDatabase) async throws -> T) async throws -> T {
        try await writer.submit(body)
    }

    public func shutdown() async {
        for reader in readers { try? await reader.close() }
        try? await writerConnection.close()
        try? await writerPool.shutdownGracefully()
        try? await readerPool.shutdownGracefully()
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
