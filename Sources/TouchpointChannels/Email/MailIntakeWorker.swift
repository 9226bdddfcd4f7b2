import Foundation
import Logging
import TouchpointStore

/// Processes received mail after the sender has its 250. Messages go to one of `lanes`
/// by their envelope sender: one sender's mail is processed in arrival order (a reply
/// never overtakes the message it answers), while different senders' mail is processed
/// side by side, so the store's group commit can batch their transactions. A sweep every
/// `sweepInterval` picks up what is still unprocessed (after a restart, or a database
/// hiccup); at start it takes everything.
public final class MailIntakeWorker: Sendable {
    private let store: Store
    private let logger: Logger
    private let sweepInterval: Duration
    private let lanes: [(stream: AsyncStream<UUID>, continuation: AsyncStream<UUID>.Continuation)]

    public init(store: Store, logger: Logger, lanes: Int = 64, sweepInterval: Duration = .seconds(30)) {
        self.store = store
        self.logger = logger
        self.sweepInterval = sweepInterval
        self.lanes = (0..<max(lanes, 1)).map { _ in AsyncStream.makeStream(of: UUID.self) }
    }

    /// Queues stored messages of one envelope sender for processing.
    public func submit(_ ids: [UUID], sender: String) {
        let lane = lanes[MailIntakeWorker.lane(of: sender, among: lanes.count)]
        for id in ids { lane.continuation.yield(id) }
    }

    /// A stable lane for a sender (Swift's `hashValue` changes between runs).
    static func lane(of sender: String, among count: Int) -> Int {
        Int(sender.lowercased().utf8.reduce(UInt32(2166136261)) { ($0 ^ UInt32($1)) &* 16777619 } % UInt32(count))
    }

    /// Runs until the task is cancelled.
    public func run() async {
        await withTaskCancellationHandler {
            await withDiscardingTaskGroup { group in
                for lane in lanes {
                    group.addTask { for await id in lane.stream { await self.process(id) } }
                }
                group.addTask {
                    await self.sweep(receivedBefore: nil)
                    while !Task.isCancelled {
                        try? await Task.sleep(for: self.sweepInterval)
                        // Only what waited a whole interval: newer mail is still in its lane.
                        await self.sweep(receivedBefore: Date().addingTimeInterval(-Double(self.sweepInterval.components.seconds)))
                    }
                }
            }
        } onCancel: { [lanes] in
            for lane in lanes { lane.continuation.finish() }
        }
    }

    private func sweep(receivedBefore: Date?) async {
        do {
            for (id, sender) in try await store.pendingMail(limit: 1000, receivedBefore: receivedBefore) where !Task.isCancelled {
                submit([id], sender: sender)
            }
        } catch {
            logger.warning("could not list unprocessed mail", metadata: ["error": "\(error)"])
        }
    }

    private func process(_ id: UUID) async {
        do {
            let result = try await store.processMail(id)
            var metadata: Logger.Metadata = ["mail": "\(id.uuidString.lowercased())", "outcome": "\(result.outcome.rawValue)"]
            if let number = result.caseNumber { metadata["case"] = "\(number)" }
            if let reason = result.reason { metadata["reason"] = "\(reason)" }
            logger.log(level: result.outcome == .quarantined ? .warning : .info, "mail processed", metadata: metadata)
        } catch {
            // The message stays received; the next sweep tries again.
            logger.error("mail processing failed; will retry", metadata: ["mail": "\(id.uuidString.lowercased())", "error": "\(error)"])
        }
    }
}
