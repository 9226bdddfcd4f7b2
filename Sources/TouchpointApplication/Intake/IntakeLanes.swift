import Foundation
import Logging
import TouchpointCore

/// Runs stored items through processing in lanes, with a sweep for what was left behind.
///
/// Items of one lane (one sender, one call) are processed one after the other in the order
/// they were submitted, so a reply never overtakes the message it answers; different lanes
/// run side by side, so the store's group commit can batch their transactions. The sweep
/// runs at start (everything a crash left unprocessed) and then every `sweepInterval` (only
/// what waited that long: newer items are still in their lanes), and at once when the
/// database takes work again after an outage (what failed meanwhile, without waiting for the
/// next interval); it pages through the whole backlog, however long, and skips what is
/// already queued.
public final class IntakeLanes: Sendable {
    /// A stored item still to process.
    public struct Item: Sendable {
        public var id: UUID
        public var lane: String
        public var receivedAt: Date

        public init(id: UUID, lane: String, receivedAt: Date) {
            self.id = id
            self.lane = lane
            self.receivedAt = receivedAt
        }
    }

    /// Up to `limit` items still to process, oldest first (by arrival, then id), received
    /// before `receivedBefore` and after the position `after`.
    public typealias Pending = @Sendable (_ receivedBefore: Date?, _ after: (receivedAt: Date, id: UUID)?, _ limit: Int) async throws -> [Item]

    private let name: String
    private let logger: Logger
    private let sweepInterval: Duration
    private let now: @Sendable () -> Date
    private let pending: Pending
    private let process: @Sendable (UUID) async -> Void
    private let lanes: [(stream: AsyncStream<UUID>, continuation: AsyncStream<UUID>.Continuation)]
    private let sweepPage: Int
    private let returns: CommitSignal?
    /// Items in a lane now, so a sweep does not queue them twice.
    private let queued = QueuedSet()

    /// - Parameters:
    ///   - name: what the lanes carry, for the log ("mail", "inbox").
    ///   - pending: the items still to process, oldest first.
    ///   - process: processes one item; it handles its own failures (the item stays for the sweep).
    ///   - returns: fires when the database takes work again (`Store.databaseReturns`).
    public init(
        name: String, lanes: Int, sweepInterval: Duration, now: @escaping @Sendable () -> Date, logger: Logger,
        sweepPage: Int = 1000, returns: CommitSignal? = nil, pending: @escaping Pending, process: @escaping @Sendable (UUID) async -> Void
    ) {
        self.sweepPage = max(sweepPage, 1)
        self.returns = returns
        self.name = name
        self.logger = logger
        self.sweepInterval = sweepInterval
        self.now = now
        self.pending = pending
        self.process = process
        self.lanes = (0..<max(lanes, 1)).map { _ in AsyncStream.makeStream(of: UUID.self) }
    }

    /// Queues a stored item in its lane.
    public func submit(_ id: UUID, lane key: String) {
        guard queued.insert(id) else { return }
        lanes[IntakeLanes.lane(of: key, among: lanes.count)].continuation.yield(id)
    }

    /// Processes a stored item in the caller's task, unless a lane has it already; the sweep
    /// does not queue the item meanwhile.
    public func processNow(_ id: UUID) async {
        guard queued.insert(id) else { return }
        await process(id)
        queued.remove(id)
    }

    /// A stable lane for a key, the same in every run (Swift's `hashValue` is not): FNV-1a.
    static func lane(of key: String, among count: Int) -> Int {
        Int(key.lowercased().utf8.reduce(UInt32(2166136261)) { ($0 ^ UInt32($1)) &* 16777619 } % UInt32(count))
    }

    /// Runs until the task is cancelled. An item being processed then finishes (its commit
    /// is not interrupted); items still queued stay stored and are swept at the next start.
    public func run() async {
        await withTaskCancellationHandler {
            await withDiscardingTaskGroup { group in
                for lane in lanes {
                    group.addTask {
                        for await id in lane.stream {
                            if Task.isCancelled { break }
                            await self.process(id)
                            self.queued.remove(id)
                        }
                    }
                }
                group.addTask {
                    await self.sweep(receivedBefore: nil)
                    var seen = self.returns?.current ?? 0
                    while !Task.isCancelled {
                        if let returns = self.returns {
                            await returns.wait(after: seen, timeout: self.sweepInterval)
                        } else {
                            try? await Task.sleep(for: self.sweepInterval)
                        }
                        if Task.isCancelled { break }
                        let back = (self.returns?.current ?? 0) > seen
                        seen = self.returns?.current ?? 0
                        // Back from an outage: what failed meanwhile arrived before it; a second's
                        // margin leaves what handlers store now to their own submit.
                        let age = back ? 1.0 : Double(self.sweepInterval.components.seconds)
                        await self.sweep(receivedBefore: self.now().addingTimeInterval(-age))
                    }
                }
            }
        } onCancel: { [lanes] in
            for lane in lanes { lane.continuation.finish() }
        }
    }

    /// Queues every item still to process, a page at a time.
    private func sweep(receivedBefore: Date?) async {
        var after: (receivedAt: Date, id: UUID)?
        do {
            while !Task.isCancelled {
                let page = try await pending(receivedBefore, after, sweepPage)
                for item in page { submit(item.id, lane: item.lane) }
                guard page.count == sweepPage, let last = page.last else { return }
                after = (last.receivedAt, last.id)
            }
        } catch {
            logger.warning("could not list unprocessed \(name)", metadata: ["error": "\(error)"])
        }
    }
}

/// The ids in the lanes, under a lock (submits come from request handlers and the sweep).
private final class QueuedSet: @unchecked Sendable {
    private let lock = NSLock()
    private var ids = Set<UUID>()

    /// False when the id is queued already.
    func insert(_ id: UUID) -> Bool { lock.withLock { ids.insert(id).inserted } }
    func remove(_ id: UUID) { lock.withLock { _ = ids.remove(id) } }
}
