import Foundation
import SQLKit

/// Tells waiters that a write transaction of this process committed, so readers that follow
/// changes (the live pages, the chat) look at once instead of at their next poll.
public final class CommitSignal: @unchecked Sendable {
    private let lock = NSLock()
    private var generation = 0
    private var waiters: [UUID: CheckedContinuation<Void, Never>] = [:]

    public init() {}

    /// The number of commits so far.
    public var current: Int {
        lock.lock()
        defer { lock.unlock() }
        return generation
    }

    func fire() {
        lock.lock()
        generation += 1
        let woken = waiters
        waiters.removeAll()
        lock.unlock()
        for waiter in woken.values { waiter.resume() }
    }

    /// Returns when a commit after `seen` happened, or after `timeout` at the latest.
    public func wait(after seen: Int, timeout: Duration) async {
        let id = UUID()
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            lock.lock()
            if generation > seen {
                lock.unlock()
                continuation.resume()
                return
            }
            waiters[id] = continuation
            lock.unlock()
            Task {
                try? await Task.sleep(for: timeout)
                self.resume(id)
            }
        }
    }

    private func resume(_ id: UUID) {
        lock.lock()
        let waiter = waiters.removeValue(forKey: id)
        lock.unlock()
        waiter?.resume()
    }
}

/// A database that fires a signal after each committed write; the store wraps its
/// database in one, so nothing else has to remember to.
struct SignallingDatabase: Database {
    let base: any Database
    let signal: CommitSignal

    var dialect: SQLDialectKind { base.dialect }
    var describe: String { base.describe }

    func read<T: Sendable>(_ body: @escaping @Sendable (any SQLDatabase) async throws -> T) async throws -> T {
        try await base.read(body)
    }

    func write<T: Sendable>(_ body: @escaping @Sendable (any SQLDatabase) async throws -> T) async throws -> T {
        let result = try await base.write(body)
        signal.fire()
        return result
    }

    func shutdown() async { await base.shutdown() }
}
