import Foundation

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

    /// Called by the store after each committed write.
    public func fire() {
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
