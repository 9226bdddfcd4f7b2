import Foundation
import Logging
import TouchpointCore
import TouchpointStore

/// Follows the events table after commit and hands every listener the events it reacts to,
/// each listener in its own task and in event order. Each keeps a checkpoint (the time of
/// the newest event it handled) and reads from `lookback` before it, because transactions
/// commit out of time order: an event committed late still arrives, and the events seen in
/// that window are remembered so they are handed over once per run. After a restart the
/// window is handed over again, which idempotent listeners shrug off. A listener that keeps
/// failing on an event is retried with backoff, then the event is skipped with an error
/// logged and counted, so one bad event cannot stop the others.
public struct EventDispatcher: Sendable {
    let followers: [Follower]
    let pollInterval: Duration

    public init(
        store: Store, listeners: [any EventListener], logger: Logger, pollInterval: Duration = .milliseconds(500), lookback: Duration = .seconds(300),
        retry: RetryPolicy = RetryPolicy(maxAttempts: 5, firstDelay: .seconds(1), maxDelay: .seconds(60)), page: Int = 500
    ) {
        followers = listeners.map { Follower(store: store, listener: $0, logger: logger, lookback: lookback, retry: retry, page: page) }
        self.pollInterval = pollInterval
    }

    /// Runs every listener until cancelled.
    public func run() async {
        await withTaskGroup(of: Void.self) { group in
            for follower in followers {
                group.addTask {
                    while !Task.isCancelled {
                        await follower.round()
                        try? await Task.sleep(for: pollInterval)
                    }
                }
            }
        }
    }

    /// One round for every listener: hands over everything recorded so far; returns how
    /// many events were handled. For the CLI and tests that have no running dispatcher.
    @discardableResult
    public func catchUp() async -> Int {
        var handled = 0
        for follower in followers { handled += await follower.round() }
        return handled
    }

    /// One listener's reading position and memory of the window behind it.
    actor Follower {
        let store: Store
        let listener: any EventListener
        let logger: Logger
        let lookback: TimeInterval
        let retry: RetryPolicy
        let page: Int
        private var position: Date?
        /// Events handled within the look-back window, by id, with their time.
        private var seen: [UUID: Date] = [:]
        /// Failed attempts of the event at hand, and when it may be tried again.
        private var failures: (id: UUID, attempts: Int, retryAt: Date)?

        init(store: Store, listener: any EventListener, logger: Logger, lookback: Duration, retry: RetryPolicy, page: Int) {
            self.store = store
            self.listener = listener
            var logger = logger
            logger[metadataKey: "listener"] = "\(listener.name)"
            self.logger = logger
            self.lookback = Double(lookback.components.seconds)
            self.retry = retry
            self.page = page
        }

        /// Reads and hands over what is new; returns how many events were handled.
        @discardableResult
        func round() async -> Int {
            let now = store.environment.now()
            if let failures, failures.retryAt > now { return 0 }
            do {
                let start: Date
                if let position {
                    start = position
                } else {
                    // First start: from the saved checkpoint, or only the recent past.
                    start = try await store.listenerCheckpoint(listener.name) ?? now
                }
                var cursor: (time: Date, id: UUID?) = (start.addingTimeInterval(-lookback), nil)
                var newest = start
                var handled = 0
                reading: while true {
                    let events = try await store.events(types: listener.interests, after: cursor.time, id: cursor.id, limit: page)
                    for event in events {
                        cursor = (event.occurredAt, event.id)
                        guard seen[event.id] == nil else { continue }
                        guard await handle(event, now: now) else { break reading }
                        seen[event.id] = event.occurredAt
                        newest = max(newest, event.occurredAt)
                        handled += 1
                    }
                    if events.count < page { break }
                }
                if newest != position {
                    try await store.saveListenerCheckpoint(listener.name, at: newest)
                    position = newest
                }
                let horizon = newest.addingTimeInterval(-lookback)
                seen = seen.filter { $0.value >= horizon }
                return handled
            } catch {
                logger.error("could not read the events", metadata: ["error": "\(error)"])
                return 0
            }
        }

        /// Hands one event over; false when it failed and is to be tried again later.
        private func handle(_ event: DomainEvent, now: Date) async -> Bool {
            var metadata: Logger.Metadata = ["event": "\(event.id.text)", "type": "\(event.type.rawValue)"]
            do {
                try await listener.handle(event)
                failures = nil
                AppMetrics.listener(listener.name, "handled")
                return true
            } catch {
                let attempts = (failures?.id == event.id ? failures?.attempts ?? 0 : 0) + 1
                metadata["error"] = "\(error)"
                metadata["attempt"] = "\(attempts)"
                if let retryAt = retry.nextAttempt(after: attempts, from: now) {
                    failures = (event.id, attempts, retryAt)
                    AppMetrics.listener(listener.name, "retried")
                    logger.warning("a listener failed; will retry", metadata: metadata)
                    return false
                }
                // Given up: the event stays in the history; the listener moves on.
                failures = nil
                AppMetrics.listener(listener.name, "skipped")
                logger.error("a listener gave up on an event", metadata: metadata)
                return true
            }
        }
    }
}
