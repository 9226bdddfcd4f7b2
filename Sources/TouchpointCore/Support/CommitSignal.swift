import Foundation

/// Tells waiters that a write transaction of this process committed, so readers that follow
/// changes (the live pages, the chat) look at once instead of at their next poll.
public final class CommitSignal: @unchecked Sendable {
    private let lock = NSLock()
    private var generation = 0
    private var waiters: [UUID: CheckedContinuation<Void, Never>] = [:]
    /// Waits cancelled before they began waiting.
    private var cancelled: Set<UUID> = []

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

    /// Returns when a commit after `seen` happened, after `timeout` at the latest, or at once
    /// when the task is cancelled (a worker's loop must not hold up a stop).
    public func wait(after seen: Int, timeout: Duration) async {
        let id = UUID()
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                lock.lock()
                if generation > seen || cancelled.remove(id) != nil {
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
        } onCancel: {
            lock.lock()
            let waiter = waiters.removeValue(forKey: id)
            if waiter == nil { cancelled.insert(id) }
            lock.unlock()
            waiter?.resume()
        }
    }

    private func resume(_ id: UUID) {
        lock.lock()
        let waiter = waiters.removeValue(forKey: id)
        lock.unlock()
        waiter?.resume()
    }
}
