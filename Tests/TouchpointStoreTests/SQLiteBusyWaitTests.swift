import Foundation
import Testing
@testable import TouchpointStore

/// Every SQLite connection the store opens waits less than a second for a lock another
/// process holds, so a write behind an operator's open transaction is refused with
/// "retry later" at once instead of holding the request (SQLite's default is not to wait
/// at all; this project once waited 10 s).
@Suite("SQLite's wait for another process's lock")
struct SQLiteBusyWaitTests {
    @Test func aConnectionWaitsUnderASecondForALock() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("touchpoint-busy-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let handle = try SQLiteHandle(path: directory.appendingPathComponent("busy.sqlite").path)
        var timeout: SQLiteValue?
        try handle.execute("PRAGMA busy_timeout", binds: []) { row in timeout = row.column("timeout") }
        guard case .integer(let milliseconds) = timeout else {
            Issue.record("PRAGMA busy_timeout answered \(String(describing: timeout))")
            return
        }
        #expect(milliseconds > 0 && milliseconds < 1_000, "busy timeout \(milliseconds) ms")
    }
}
