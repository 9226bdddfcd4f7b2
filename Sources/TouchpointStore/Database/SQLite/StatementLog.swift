import Foundation
import Synchronization

/// The distinct SQL statements SQLite ran on one database file while the log was on: the
/// query-plan test explains each one. Off, it costs one relaxed atomic read per statement.
public final class StatementLog: Sendable {
    public static let shared = StatementLog()

    private let on = Atomic<Bool>(false)
    /// The file watched, and what ran on it.
    private let state = Mutex<(path: String, statements: Set<String>)>(("", []))

    /// Starts recording, from empty, the statements run on the database file at `path`
    /// (other databases of the process, other tests', are not recorded).
    public func start(path: String) {
        state.withLock { $0 = (path, []) }
        on.store(true, ordering: .relaxed)
    }

    public func stop() { on.store(false, ordering: .relaxed) }

    /// What was recorded since the last `start`.
    public var statements: Set<String> { state.withLock { $0.statements } }

    func record(_ sql: String, path: String) {
        guard on.load(ordering: .relaxed) else { return }
        state.withLock {
            if $0.path == path { $0.statements.insert(sql) }
        }
    }
}
