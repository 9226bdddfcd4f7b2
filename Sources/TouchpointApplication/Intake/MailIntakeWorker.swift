import Foundation
import Logging
import TouchpointStore

/// Processes received mail after the sender has its 250, in lanes by envelope sender (see
/// `IntakeLanes`); mail that cannot become an interaction is quarantined by the store with
/// its reason, and a database failure leaves the message for the sweep.
public final class MailIntakeWorker: Sendable {
    private let lanes: IntakeLanes

    /// - Parameter maxAttempts: processing attempts that throw before a message is
    ///   quarantined with the last error (a poison message is not retried forever; the sweep
    ///   every `sweepInterval` is the wait between attempts).
    public init(store: Store, logger: Logger, lanes: Int = 64, sweepInterval: Duration = .seconds(30), maxAttempts: Int = 8) {
        self.lanes = IntakeLanes(
            name: "mail", lanes: lanes, sweepInterval: sweepInterval, now: store.environment.now, logger: logger,
            returns: store.databaseReturns,
            pending: { before, after, limit in
                try await store.pendingMail(limit: limit, receivedBefore: before, after: after).map {
                    IntakeLanes.Item(id: $0.id, lane: $0.envelopeFrom, receivedAt: $0.receivedAt)
                }
            },
            process: { id in await MailIntakeWorker.process(id, store: store, logger: logger, maxAttempts: maxAttempts) })
    }

    /// Queues stored messages of one envelope sender for processing.
    public func submit(_ ids: [UUID], sender: String) {
        for id in ids { lanes.submit(id, lane: sender) }
    }

    /// Runs until the task is cancelled.
    public func run() async { await lanes.run() }

    private static func process(_ id: UUID, store: Store, logger: Logger, maxAttempts: Int) async {
        do {
            let result = try await store.processMail(id)
            AppMetrics.intake(.email, result.outcome == .quarantined ? "quarantined" : result.outcome == .duplicate ? "duplicate" : "processed")
            var metadata: Logger.Metadata = ["mail": "\(id.uuidString.lowercased())", "outcome": "\(result.outcome.rawValue)"]
            if let number = result.caseNumber { metadata["case"] = "\(number)" }
            if let reason = result.reason { metadata["reason"] = "\(reason)" }
            logger.log(level: result.outcome == .quarantined ? .warning : .info, "mail processed", metadata: metadata)
        } catch {
            // The message stays received and the next sweep tries again, until the attempts are used up.
            var metadata: Logger.Metadata = ["mail": "\(id.uuidString.lowercased())", "error": "\(error)"]
            do {
                let quarantined = try await store.recordMailFailure(id, error: "\(error)", maxAttempts: maxAttempts)
                AppMetrics.intake(.email, quarantined ? "quarantined" : "retried")
                logger.error(quarantined ? "mail processing failed too often; quarantined" : "mail processing failed; will retry", metadata: metadata)
            } catch {
                metadata["recordError"] = "\(error)"
                logger.error("mail processing failed and the failure could not be recorded; will retry", metadata: metadata)
            }
        }
    }
}
