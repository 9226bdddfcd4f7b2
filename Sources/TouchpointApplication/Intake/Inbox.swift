import Foundation
import Logging
import TouchpointCore
import TouchpointStore

/// Takes one stored envelope into the history. Throws `IntakeFailure` to name the stage it
/// failed at; any other error counts as the `record` stage.
public typealias EnvelopeHandler = @Sendable (Envelope, [UInt8]) async throws -> Void

/// A failure at a named stage of intake.
public struct IntakeFailure: Error, CustomStringConvertible {
    public var stage: IntakeStage
    public var underlying: any Error
    /// Retrying cannot help (the body cannot be read, a field is impossible): quarantine now.
    public var permanent: Bool

    public init(stage: IntakeStage, _ underlying: any Error, permanent: Bool) {
        self.stage = stage
        self.underlying = underlying
        self.permanent = permanent
    }

    public var description: String { "\(underlying)" }
}

/// The one intake path of the contact points that acknowledge before processing (SMS,
/// WhatsApp, the phone system): an edge verifies a delivery and calls `accept`, which
/// stores the envelope in one group-committed insert; the envelope is then processed in
/// its lane, and a sweep finds every envelope a crash left behind. Processing marks the
/// envelope processed in the transaction that writes the history, so it is idempotent:
/// running an envelope again never duplicates. An envelope that fails is retried with
/// backoff and then quarantined with its stage and reason, for an operator to run again or
/// discard.
public final class Inbox: Sendable {
    public let store: Store
    private let logger: Logger
    private let handlers: [ContactPoint: EnvelopeHandler]
    private let retry: RetryPolicy
    private let lanes: IntakeLanes
    private let work: Work

    /// - Parameter handlers: how each contact point's envelopes are processed; the defaults
    ///   for those not given (tests replace one to make it fail).
    public init(
        store: Store, logger: Logger, handlers: [ContactPoint: EnvelopeHandler] = [:], retry: RetryPolicy = RetryPolicy(),
        lanes: Int = 64, sweepInterval: Duration = .seconds(30), sweepPage: Int = 1000
    ) {
        let all = Inbox.defaultHandlers(store: store).merging(handlers) { _, given in given }
        let work = Work(store: store, logger: logger, handlers: all, retry: retry)
        self.store = store
        self.logger = logger
        self.handlers = all
        self.retry = retry
        self.work = work
        self.lanes = IntakeLanes(
            name: "inbox envelopes", lanes: lanes, sweepInterval: sweepInterval, now: store.environment.now, logger: logger, sweepPage: sweepPage,
            returns: store.databaseReturns,
            pending: { before, after, limit in
                try await store.pendingEnvelopes(limit: limit, receivedBefore: before, after: after).map {
                    IntakeLanes.Item(id: $0.id, lane: $0.lane, receivedAt: $0.receivedAt)
                }
            },
            process: { id in await work.process(id) })
    }

    /// Stores an envelope and queues it in its lane; only after this returns may the sender
    /// be told it was received. A retry of a stored envelope is recognised (`duplicate`).
    public func accept(_ envelope: NewEnvelope) async throws -> (id: UUID, duplicate: Bool) {
        let accepted = try await store.accept(envelope)
        AppMetrics.intake(envelope.contactPoint, accepted.duplicate ? "duplicate" : "accepted")
        if !accepted.duplicate { lanes.submit(accepted.id, lane: envelope.lane) }
        return accepted
    }

    /// Stores an envelope and takes it into the history at once, in the caller's task, for
    /// an edge that answers with the result (the chat socket says which case a message went
    /// to). The envelope is stored first, so a crash or a failure while processing loses
    /// nothing: the sweep or an operator's re-run takes it in later. Returns the envelope as
    /// processing left it.
    public func acceptAndProcess(_ envelope: NewEnvelope) async throws -> Envelope {
        let accepted = try await store.accept(envelope)
        AppMetrics.intake(envelope.contactPoint, accepted.duplicate ? "duplicate" : "accepted")
        await lanes.processNow(accepted.id)
        return try await store.envelope(accepted.id, brand: envelope.brandID)
    }

    /// Runs the lanes and the sweep until the task is cancelled.
    public func run() async { await lanes.run() }

    /// Processes one envelope now (whatever its lane is doing); failures are recorded.
    public func process(_ id: UUID) async { await work.process(id) }

    /// Processes every envelope that is due, oldest first, until none is left; returns how
    /// many were taken. For the CLI and for tests that have no running worker.
    @discardableResult
    public func processPending() async throws -> Int {
        var taken = 0
        var seen = Set<UUID>()
        while true {
            let due = try await store.pendingEnvelopes(limit: 500).filter { !seen.contains($0.id) }
            if due.isEmpty { return taken }
            for item in due {
                seen.insert(item.id)
                await work.process(item.id)
                taken += 1
            }
        }
    }

    /// Runs a quarantined envelope again from the start and returns it as it ended.
    public func rerun(_ id: UUID, brand: BrandID, actor: Actor) async throws -> Envelope {
        _ = try await store.rerunEnvelope(id, brand: brand, actor: actor)
        await work.process(id)
        return try await store.envelope(id, brand: brand)
    }

    /// The processing of one envelope, shared by the lanes and direct calls.
    private struct Work: Sendable {
        let store: Store
        let logger: Logger
        let handlers: [ContactPoint: EnvelopeHandler]
        let retry: RetryPolicy

        func process(_ id: UUID) async {
            var metadata: Logger.Metadata = ["envelope": "\(id.uuidString.lowercased())"]
            do {
                let (envelope, raw) = try await store.envelope(id)
                metadata["contactPoint"] = "\(envelope.contactPoint.rawValue)"
                guard envelope.state == .received else { return }
                if let due = envelope.nextAttemptAt, due > store.environment.now() { return }
                guard let handler = handlers[envelope.contactPoint] else {
                    throw IntakeFailure(stage: .normalize, IntakeError.noHandler(envelope.contactPoint), permanent: true)
                }
                try await handler(envelope, raw)
                // A handler that found its message already in the history (written by another
                // envelope of the same call, say) wrote nothing: the envelope is done too.
                if try await store.envelopeState(id) == .received { try await store.markEnvelopeProcessed(id, note: "already in the history") }
                AppMetrics.intake(envelope.contactPoint, "processed")
                logger.debug("envelope processed", metadata: metadata)
            } catch {
                await failed(id, error, metadata: metadata)
            }
        }

        private func failed(_ id: UUID, _ error: any Error, metadata: Logger.Metadata) async {
            let failure = error as? IntakeFailure
            let stage = failure?.stage ?? .record
            let underlying = failure?.underlying ?? error
            var metadata = metadata
            metadata["stage"] = "\(stage.rawValue)"
            let point = metadata["contactPoint"].flatMap { ContactPoint(rawValue: "\($0)") }
            metadata["error"] = "\(underlying)"
            do {
                let attempts = try await store.envelope(id).0.attempts + 1
                let permanent = failure?.permanent ?? Inbox.isPermanent(underlying)
                let retryAt = permanent ? nil : retry.nextAttempt(after: attempts, from: store.environment.now())
                try await store.recordFailure(id, stage: stage, reason: Inbox.describe(underlying), retryAt: retryAt)
                if let point { AppMetrics.intake(point, retryAt == nil ? "quarantined" : "retried") }
                logger.log(
                    level: retryAt == nil ? .error : .warning, retryAt == nil ? "envelope quarantined" : "envelope failed; will retry",
                    metadata: metadata)
            } catch {
                // Not even the failure could be written (the database is away): the envelope
                // stays received and the sweep brings it back.
                metadata["recordError"] = "\(error)"
                logger.error("envelope failed and the failure could not be recorded", metadata: metadata)
            }
        }
    }

    /// Errors that a retry cannot cure.
    static func isPermanent(_ error: any Error) -> Bool {
        switch error {
        case is ValidationError, is DecodingError, is IntakeError: return true
        case let store as StoreError:
            if case .unavailable = store { return false }
            return true
        default: return false
        }
    }

    /// An operator's sentence for a failure.
    static func describe(_ error: any Error) -> String {
        switch error {
        case let validation as ValidationError: return "\(validation.field): \(validation.reason)"
        case let store as StoreError:
            switch store {
            case .notFound(let what): return "\(what) not found"
            case .conflict(let why), .forbidden(let why), .unavailable(let why): return why
            case .invalid(let field, let reason): return "\(field): \(reason)"
            }
        case let decoding as DecodingError: return "the body cannot be read: \(decoding)"
        default: return "\(error)"
        }
    }

    /// The processing of every contact point that uses the inbox.
    public static func defaultHandlers(store: Store) -> [ContactPoint: EnvelopeHandler] {
        let text: EnvelopeHandler = { envelope, raw in try await TextIntake.process(envelope, raw: raw, store: store) }
        return [
            .sms: text, .whatsApp: text, .phone: { envelope, raw in try await CallIntake.process(envelope, raw: raw, store: store) },
            .webChat: { envelope, raw in try await ChatIntake.process(envelope, raw: raw, store: store) },
        ]
    }
}

/// Intake's own refusals.
public enum IntakeError: Error, Equatable, CustomStringConvertible {
    case noHandler(ContactPoint)
    case unknownSource(String)

    public var description: String {
        switch self {
        case .noHandler(let point): "no intake for the contact point \(point.rawValue)"
        case .unknownSource(let source): "the integration '\(source)' no longer exists"
        }
    }
}

/// SMS and WhatsApp: a message into the history, or a delivery report onto the message.
enum TextIntake {
    static func process(_ envelope: Envelope, raw: [UInt8], store: Store) async throws {
        let payload: TextPayload
        do {
            payload = try TextPayload.decode(raw)
        } catch {
            throw IntakeFailure(stage: .normalize, error, permanent: true)
        }
        guard let integration = try await store.integration(id: envelope.source) else {
            throw IntakeFailure(stage: .normalize, IntakeError.unknownSource(envelope.source), permanent: true)
        }
        if let status = payload.status {
            _ = try await store.recordDelivery(
                status, error: payload.error, messageID: payload.messageId.trimmedWhitespace, integration: integration,
                envelope: envelope.id)
        } else if try await !TextSurveyAnswers(store: store).answer(payload.message, integration: integration, envelope: envelope.id) {
            _ = try await store.processText(payload.message, integration: integration, envelope: envelope.id)
        }
    }
}

/// The phone system: a call event onto its call, and a finished call into the history.
enum CallIntake {
    static func process(_ envelope: Envelope, raw: [UInt8], store: Store) async throws {
        let payload: CallPayload
        do {
            payload = try CallPayload.decode(raw)
        } catch {
            throw IntakeFailure(stage: .normalize, error, permanent: true)
        }
        guard let integration = try await store.integration(id: envelope.source) else {
            throw IntakeFailure(stage: .normalize, IntakeError.unknownSource(envelope.source), permanent: true)
        }
        _ = try await store.processCall(payload.callEvent, integration: integration, envelope: envelope.id)
    }
}
