import CSQLite
import Foundation

/// A value as SQLite stores it.
enum SQLiteValue: Sendable, Equatable {
    case null
    case integer(Int)
    case float(Double)
    case text(String)
    case blob([UInt8])
}

/// What SQLite said when a statement failed.
struct SQLiteFailure: Error, CustomStringConvertible {
    var code: Int32
    var message: String

    var description: String { "SQLite error \(code): \(message)" }

    /// The file cannot take the write now (full, locked by another process, read-only,
    /// failing I/O): not the command's fault, so its caller is told to retry, not refused.
    var isEnvironmental: Bool {
        [SQLITE_FULL, SQLITE_IOERR, SQLITE_BUSY, SQLITE_LOCKED, SQLITE_READONLY, SQLITE_CANTOPEN, SQLITE_NOMEM, SQLITE_PROTOCOL]
            .contains(code & 0xFF)
    }
}

/// The column names of a statement's rows, shared by all its rows.
final class SQLiteColumns: Sendable {
    let names: [String]
    let index: [String: Int]

    init(_ names: [String]) {
        self.names = names
        var index: [String: Int] = [:]
        // The first of two equal names wins, as in SQL's own lookups.
        for (position, name) in names.enumerated() where index[name] == nil { index[name] = position }
        self.index = index
    }
}

/// One open SQLite database, driven directly through its C API with every statement
/// prepared once and kept. Preparing was about a fifth of a command's time on the writer,
/// and the writer is the bottleneck of every write; statements run on the calling thread,
/// one at a time (a lock guards the handle and its statements).
final class SQLiteHandle: @unchecked Sendable {
    private final class Statement {
        let pointer: OpaquePointer
        var columns: SQLiteColumns

        init(pointer: OpaquePointer, columns: SQLiteColumns) {
            self.pointer = pointer
            self.columns = columns
        }
    }

    /// Statements built with varying text (IN lists of varying length) would fill the cache
    /// for nothing: beyond this many it is emptied and starts again.
    private static let maxStatements = 512
    // SQLite copies bound text and blobs at once (SQLITE_TRANSIENT).
    private static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

    private let db: OpaquePointer
    /// The database file, as opened.
    let path: String
    private let lock = NSLock()
    private var statements: [String: Statement] = [:]

    /// How long a statement waits for a lock another process holds (an operator's `sqlite3`
    /// shell in a transaction, a backup) before SQLite reports the database busy. Within the
    /// process there is one writer, and WAL readers never wait for it, so only another
    /// process waits here; a request then answers 503 with `Retry-After` within a second
    /// rather than hanging.
    static let busyTimeoutMilliseconds: Int32 = 750

    /// Opens (creating if needed) the database at `path`.
    init(path: String, busyTimeoutMilliseconds: Int32 = SQLiteHandle.busyTimeoutMilliseconds) throws {
        var handle: OpaquePointer?
        // Each handle is used by one thread at a time (the lock), so SQLite's own mutexes
        // are not needed.
        let status = sqlite3_open_v2(path, &handle, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nil)
        guard status == SQLITE_OK, let handle else {
            let message = handle.map { String(cString: sqlite3_errmsg($0)) } ?? "cannot open \(path)"
            if let handle { sqlite3_close_v2(handle) }
            throw SQLiteFailure(code: status, message: message)
        }
        db = handle
        self.path = path
        sqlite3_extended_result_codes(db, 1)
        sqlite3_busy_timeout(db, busyTimeoutMilliseconds)
    }

    deinit {
        for statement in statements.values { sqlite3_finalize(statement.pointer) }
        sqlite3_close_v2(db)
    }

    /// Runs one SQL statement with its bound values, handing each result row to `onRow`.
    func execute(_ sql: String, binds: [SQLiteValue], onRow: (SQLiteRow) -> Void) throws {
        StatementLog.shared.record(sql, path: path)
        lock.lock()
        defer { lock.unlock() }
        let statement = try prepared(sql)
        let pointer = statement.pointer
        defer {
            sqlite3_reset(pointer)
            sqlite3_clear_bindings(pointer)
        }
        for (offset, value) in binds.enumerated() {
            try check(bind(value, at: Int32(offset + 1), on: pointer))
        }
        while true {
            let status = sqlite3_step(pointer)
            if status == SQLITE_DONE { return }
            guard status == SQLITE_ROW else { throw failure(status) }
            let count = Int(sqlite3_column_count(pointer))
            // A schema change re-prepares the statement inside SQLite; `SELECT *` may then
            // have other columns than the ones named when it was first prepared.
            if count != statement.columns.names.count { statement.columns = Self.columns(of: pointer) }
            var values: [SQLiteValue] = []
            values.reserveCapacity(count)
            for column in 0..<Int32(count) { values.append(Self.value(of: pointer, at: column)) }
            onRow(SQLiteRow(columns: statement.columns, values: values))
        }
    }

    /// Finalizes every kept statement (before the database file is closed or replaced).
    func forgetStatements() {
        lock.lock()
        defer { lock.unlock() }
        for statement in statements.values { sqlite3_finalize(statement.pointer) }
        statements.removeAll()
    }

    private func prepared(_ sql: String) throws -> Statement {
        if let statement = statements[sql] { return statement }
        if statements.count >= Self.maxStatements {
            for statement in statements.values { sqlite3_finalize(statement.pointer) }
            statements.removeAll()
        }
        var pointer: OpaquePointer?
        let status = sqlite3_prepare_v3(db, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &pointer, nil)
        guard status == SQLITE_OK, let pointer else { throw failure(status) }
        let statement = Statement(pointer: pointer, columns: Self.columns(of: pointer))
        statements[sql] = statement
        return statement
    }

    private func bind(_ value: SQLiteValue, at index: Int32, on statement: OpaquePointer) -> Int32 {
        switch value {
        case .null:
            return sqlite3_bind_null(statement, index)
        case .integer(let number):
            return sqlite3_bind_int64(statement, index, Int64(number))
        case .float(let number):
            return sqlite3_bind_double(statement, index, number)
        case .text(let text):
            // An empty buffer has no address, and a null address would bind NULL.
            guard !text.isEmpty else { return sqlite3_bind_text(statement, index, "", 0, Self.transient) }
            var copy = text
            return copy.withUTF8 { bytes in sqlite3_bind_text(statement, index, bytes.baseAddress, Int32(bytes.count), Self.transient) }
        case .blob(let bytes):
            guard !bytes.isEmpty else { return sqlite3_bind_zeroblob(statement, index, 0) }
            return bytes.withUnsafeBytes { raw in sqlite3_bind_blob(statement, index, raw.baseAddress, Int32(raw.count), Self.transient) }
        }
    }

    private static func columns(of statement: OpaquePointer) -> SQLiteColumns {
        SQLiteColumns((0..<sqlite3_column_count(statement)).map { column in
            sqlite3_column_name(statement, column).map { String(cString: $0) } ?? ""
        })
    }

    private static func value(of statement: OpaquePointer, at column: Int32) -> SQLiteValue {
        switch sqlite3_column_type(statement, column) {
        case SQLITE_INTEGER:
            return .integer(Int(sqlite3_column_int64(statement, column)))
        case SQLITE_FLOAT:
            return .float(sqlite3_column_double(statement, column))
        case SQLITE_TEXT:
            guard let text = sqlite3_column_text(statement, column) else { return .text("") }
            let count = Int(sqlite3_column_bytes(statement, column))
            return .text(String(decoding: UnsafeBufferPointer(start: text, count: count), as: UTF8.self))
        case SQLITE_BLOB:
            let count = Int(sqlite3_column_bytes(statement, column))
            guard count > 0, let bytes = sqlite3_column_blob(statement, column) else { return .blob([]) }
            return .blob(Array(UnsafeRawBufferPointer(start: bytes, count: count)))
        default:
            return .null
        }
    }

    private func check(_ status: Int32) throws {
        guard status == SQLITE_OK else { throw failure(status) }
    }

    private func failure(_ status: Int32) -> SQLiteFailure {
        SQLiteFailure(code: status, message: String(cString: sqlite3_errmsg(db)))
    }
}
