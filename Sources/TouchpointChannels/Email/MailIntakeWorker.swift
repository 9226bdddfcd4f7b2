import Foundation
import Logging
import TouchpointStore

/// Processes received mail one message at a time, in arrival order, after the sender has
/// its 250: the listener hands over the ids it stored, and a sweep every `sweepInterval`
/// picks up whatever is still unprocessed (after a restart, or a database hiccup).
public final class MailIntakeWorker: Sendable {
    private let store: Store
    private let logger: Logger
    private let sweepInterval: Duration
    private let stream: AsyncStream<UUID?>
    private let continuation: AsyncStream<UUID?>.Continuation

    public init(store: Store, logger: Logger, sweepInterval: Duration = .seconds(30)) {
        self.store = store
        self.logger = logger
        self.sweepInterval = sweepInterval
        (stream, continuation) = AsyncStream.makeStream(of: UUID?.self)
    }

    /// Queues stored messages for processing.
    public func submit(_ ids: [UUID]) {
        for id in ids { continuation.yield(id) }
    }

    /// Runs until the task is cancelled.
    public func run() async {
        let ticker = Task { [continuation, sweepInterval] in
            continuation.yield(nil)  // a sweep at start finds what an earlier run left
            while !Task.isCancelled {
                try? await Task.sleep(for: sweepInterval)
                continuation.yield(nil)
            }
        }
        defer { ticker.cancel() }
        await withTaskCancellationHandler {
            for await item in stream {
                if let id = item {
                    await process(id)
                } else {
                    await sweep()
                }
            }
        } onCancel: { [continuation] in
            continuation.finish()
        }
    }

    private func sweep() async {
        do {
            for id in try await store.pendingMail(limit: 500) where !Task.isCancelled { await process(id) }
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
