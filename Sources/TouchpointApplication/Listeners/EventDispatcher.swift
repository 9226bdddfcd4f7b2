import Foundation
import Logging
import TouchpointCore
import TouchpointStore

/// Follows the events table after commit and hands every listener the events it reacts to,
/// each listener in its own task, in event order and in batches. Each keeps a checkpoint
/// (the time of the newest event it was handed) and, because transactions commit out of
/// time order, reads a little behind it: a second on every round, the whole `settle`
/// window twice per `settle`, and `lookback` after a start. Those looks back read only ids
/// and times from an index; the events remembered as handed over are skipped, so an event
/// committed late still arrives, once per run. (Re-reading the whole window on every round
/// cost as much as the work itself under load: ten seconds of events twice a second.) After a
/// restart the look-back window is handed over again, which idempotent listeners shrug off.
/// A batch that fails is retried with backoff; after the attempts it is skipped with an
/// error logged and counted, so one bad event cannot stop the listener for good.
public struct EventDispatcher: Sendable {
    let followers: [Follower]
    let pollInterval: Duration

    public init(
        store: Store, listeners: [any EventListener], logger: Logger, pollInterval: Duration = .milliseconds(500), settle: Duration = .seconds(10),
        lookback: Duration = .seconds(300), retry: RetryPolicy = RetryPolicy(maxAttempts: 5, firstDelay: .seconds(1), maxDelay: .seconds(60)),
        batch: Int = 500
    ) {
        followers = listeners.map {
            Follower(store: store, listener: $0, logger: logger, settle: settle, lookback: lookback, retry: retry, batch: batch)
        }
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
    /// many events were handed over. For the CLI and tests that have no running dispatcher.
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
        let settle: TimeInterval
        let lookback: TimeInterval
        let retry: RetryPolicy
        let batch: Int
        /// The time of the newest event handed over (or the saved checkpoint).
        private var position: Date?
        /// Where the first round started reading; set once.
        private var start: Date?
        /// When the whole settle window was last read again.
        private var sweptAt: Date?
        /// Events handed over within the window behind the position, by id, with their time.
        private var seen: [UUID: Date] = [:]
        /// Failed attempts of the batch at hand, and when it may be tried again.
        private var failures: (attempts: Int, retryAt: Date)?

        init(store: Store, listener: any EventListener, logger: Logger, settle: Duration, lookback: Duration, retry: RetryPolicy, batch: Int) {
            self.store = store
            self.listener = listener
            var logger = logger
            logger[metadataKey: "listener"] = "\(listener.name)"
            self.logger = logger
            self.settle = Double(settle.components.seconds)
            self.lookback = Double(lookback.components.seconds)
            self.retry = retry
            self.batch = batch
        }

        /// How far behind the checkpoint every round reads: commits that overtake one another
        /// by more than this are found by the next sweep of the settle window.
        static let recent: TimeInterval = 1

        /// Reads and hands over what is new; returns how many events were handed over.
        @discardableResult
        func round() async -> Int {
            let now = store.environment.now()
            if let failures, failures.retryAt > now { return 0 }
            do {
                let since: Date
                if let start {
                    let sweep = sweptAt.map { now.timeIntervalSince($0) >= settle / 2 } ?? true
                    if sweep { sweptAt = now }
                    since = position.map { $0.addingTimeInterval(-(sweep ? settle : min(settle, Self.recent))) } ?? start
                } else {
                    // First round: from the saved checkpoint (or now), the whole look-back behind it.
                    position = try await store.listenerCheckpoint(listener.name)
                    since = (position ?? now).addingTimeInterval(-lookback)
                    start = since
                    sweptAt = now
                }
                var handled = 0
                var from = since
                // A stop (SIGTERM) ends a long catch-up between batches: the checkpoint is
                // saved after each, so the next start goes on from there.
                while !Task.isCancelled {
                    let positions = try await store.eventPositions(types: listener.interests, since: from, limit: batch * 4)
                    let fresh = positions.filter { seen[$0.id] == nil }.prefix(batch)
                    if !fresh.isEmpty {
                        let events = try await store.events(ids: fresh.map(\.id))
                        guard await hand(events, now: now) else { break }
                        for event in events { seen[event.id] = event.occurredAt }
                        handled += events.count
                        let newest = events.map(\.occurredAt).max() ?? from
                        if newest > (position ?? .distantPast) {
                            try await store.saveListenerCheckpoint(listener.name, at: newest)
                            position = newest
                        }
                    }
                    // A full read, or a batch cut short, may have more behind it; reading on from the
                    // last time (>=) gives that instant again, and the memory skips what was handed.
                    let next = fresh.count == batch ? fresh.last?.at : positions.count == batch * 4 ? positions.last?.at : nil
                    guard let next, next > from || fresh.count == batch else { break }
                    from = next
                }
                let horizon = (position ?? now).addingTimeInterval(-max(settle, lookback))
                seen = seen.filter { $0.value >= horizon }
                return handled
            } catch {
                logger.error("could not read the events", metadata: ["error": "\(error)"])
                return 0
            }
        }

        /// Hands a batch over; false when it failed and is to be tried again later.
        private func hand(_ events: [DomainEvent], now: Date) async -> Bool {
            var metadata: Logger.Metadata = ["events": "\(events.count)", "first": "\(events.first?.id.text ?? "")"]
            do {
                try await listener.handle(events)
                failures = nil
                AppMetrics.listener(listener.name, "handled", count: events.count)
                return true
            } catch {
                let attempts = (failures?.attempts ?? 0) + 1
                metadata["error"] = "\(error)"
                metadata["attempt"] = "\(attempts)"
                if let retryAt = retry.nextAttempt(after: attempts, from: now) {
                    failures = (attempts, retryAt)
                    AppMetrics.listener(listener.name, "retried", count: events.count)
                    logger.warning("a listener failed; will retry", metadata: metadata)
                    return false
                }
                // Given up: the events stay in the history; the listener moves on.
                failures = nil
                AppMetrics.listener(listener.name, "skipped", count: events.count)
                logger.error("a listener gave up on events", metadata: metadata)
                return true
            }
        }
    }
}
