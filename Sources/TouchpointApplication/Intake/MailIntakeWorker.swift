import Foundation
import Logging
import TouchpointStore

/// Processes received mail after the sender has its 250, in lanes by envelope sender (see
/// `IntakeLanes`); mail that cannot become an interaction is quarantined by the store with
/// its reason, and a database failure leaves the message for the sweep.
public final class MailIntakeWorker: Sendable {
    private let lanes: IntakeLanes

    public init(store: Store, logger: Logger, lanes: Int = 64, sweepInterval: Duration = .seconds(30)) {
        self.lanes = IntakeLanes(
            name: "mail", lanes: lanes, sweepInterval: sweepInterval, now: store.environment.now, logger: logger,
            pending: { before in try await store.pendingMail(limit: 1000, receivedBefore: before).map { ($0.id, $0.envelopeFrom) } },
            process: { id in await MailIntakeWorker.process(id, store: store, logger: logger) })
    }

    /// Queues stored messages of one envelope sender for processing.
    public func submit(_ ids: [UUID], sender: String) {
        for id in ids { lanes.submit(id, lane: sender) }
    }

    /// Runs until the task is cancelled.
    public func run() async { await lanes.run() }

    private static func process(_ id: UUID, store: Store, logger: Logger) async {
        do {
            let result = try await store.processMail(id)
            AppMetrics.intake(.email, result.outcome == .quarantined ? "quarantined" : result.outcome == .duplicate ? "duplicate" : "processed")
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
