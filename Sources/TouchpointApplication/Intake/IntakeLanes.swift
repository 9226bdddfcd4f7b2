import Foundation
import Logging

/// Runs stored items through processing in lanes, with a sweep for what was left behind.
///
/// Items of one lane (one sender, one call) are processed one after the other in the order
/// they were submitted, so a reply never overtakes the message it answers; different lanes
/// run side by side, so the store's group commit can batch their transactions. The sweep
/// runs at start (everything a crash left unprocessed) and then every `sweepInterval` (only
/// what waited that long: newer items are still in their lanes).
public final class IntakeLanes: Sendable {
    public typealias Pending = @Sendable (_ receivedBefore: Date?) async throws -> [(id: UUID, lane: String)]

    private let name: String
    private let logger: Logger
    private let sweepInterval: Duration
    private let now: @Sendable () -> Date
    private let pending: Pending
    private let process: @Sendable (UUID) async -> Void
    private let lanes: [(stream: AsyncStream<UUID>, continuation: AsyncStream<UUID>.Continuation)]

    /// - Parameters:
    ///   - name: what the lanes carry, for the log ("mail", "inbox").
    ///   - pending: the items still to process, oldest first.
    ///   - process: processes one item; it handles its own failures (the item stays for the sweep).
    public init(
        name: String, lanes: Int, sweepInterval: Duration, now: @escaping @Sendable () -> Date, logger: Logger,
        pending: @escaping Pending, process: @escaping @Sendable (UUID) async -> Void
    ) {
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
        lanes[IntakeLanes.lane(of: key, among: lanes.count)].continuation.yield(id)
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
                        }
                    }
                }
                group.addTask {
                    await self.sweep(receivedBefore: nil)
                    while !Task.isCancelled {
                        try? await Task.sleep(for: self.sweepInterval)
                        if Task.isCancelled { break }
                        await self.sweep(receivedBefore: self.now().addingTimeInterval(-Double(self.sweepInterval.components.seconds)))
                    }
                }
            }
        } onCancel: { [lanes] in
            for lane in lanes { lane.continuation.finish() }
        }
    }

    private func sweep(receivedBefore: Date?) async {
        do {
            for item in try await pending(receivedBefore) where !Task.isCancelled {
                submit(item.id, lane: item.lane)
            }
        } catch {
            logger.warning("could not list unprocessed \(name)", metadata: ["error": "\(error)"])
        }
    }
}
