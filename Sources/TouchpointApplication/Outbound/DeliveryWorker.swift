import Foundation
import Logging
import TouchpointCore
import TouchpointStore

/// The one delivery worker of the outbox: takes every due message on the contact points it
/// has a driver for, prepares it, hands it to its driver and records the outcome — sent,
/// tried again later with backoff and jitter, or a dead letter — with the same events for
/// every contact point. Runs until cancelled.
public struct DeliveryWorker: Sendable {
    let store: Store
    let drivers: [ContactPoint: any OutboundDriver]
    let retry: RetryPolicy
    let logger: Logger
    /// How often the outbox is looked at when nothing was due.
    let pollInterval: Duration
    /// Messages taken, and delivered concurrently, per round.
    let batch: Int

    public init(
        store: Store, drivers: [any OutboundDriver], logger: Logger, retry: RetryPolicy = .outbound, pollInterval: Duration = .seconds(1),
        batch: Int = 20
    ) {
        var byPoint: [ContactPoint: any OutboundDriver] = [:]
        for driver in drivers { for point in driver.contactPoints { byPoint[point] = driver } }
        self.store = store
        self.drivers = byPoint
        self.retry = retry
        self.logger = logger
        self.pollInterval = pollInterval
        self.batch = batch
    }

    /// The contact points this worker delivers; messages on others wait in the outbox.
    public var contactPoints: Set<ContactPoint> { Set(drivers.keys) }

    public func run() async {
        while !Task.isCancelled {
            do {
                if try await deliverDue() == 0 { try await Task.sleep(for: pollInterval) }
            } catch is CancellationError {
                return
            } catch {
                logger.error("the outbox could not be read", metadata: ["error": "\(error)"])
                try? await Task.sleep(for: .seconds(5))
            }
        }
    }

    /// One round: delivers what is due now; returns how many messages were tried.
    @discardableResult
    public func deliverDue() async throws -> Int {
        let items = try await store.claimOutbox(limit: batch, contactPoints: contactPoints)
        await withTaskGroup(of: Void.self) { group in
            for item in items { group.addTask { await deliver(item) } }
        }
        return items.count
    }

    private func deliver(_ item: OutboxItem) async {
        var metadata: Logger.Metadata = [
            "outbox": "\(item.id.text)", "contactPoint": "\(item.contactPoint.rawValue)", "to": "\(item.recipient)", "attempt": "\(item.attempts)",
        ]
        if let caseID = item.caseID { metadata["case"] = "\(caseID.text)" }
        do {
            let outcome: DeliveryOutcome
            switch try await prepare(item) {
            case .ready(let message):
                guard let driver = drivers[item.contactPoint] else { return }
                outcome = await driver.deliver(message)
            case .impossible(let why):
                outcome = .refused(why, recipientRejected: false)
            }
            let result = try await record(item, outcome)
            AppMetrics.delivery(item.contactPoint, result)
            metadata["result"] = "\(result)"
            logger.log(level: result == "sent" ? .info : .warning, "delivery attempt", metadata: metadata)
        } catch {
            // The store failed: the message stays `sending` and is taken again after a while.
            metadata["error"] = "\(error)"
            logger.error("could not record a delivery", metadata: metadata)
        }
    }

    private enum Preparation { case ready(PreparedMessage), impossible(String) }

    /// Gathers what the driver needs: an email's attachments, a text's integration.
    private func prepare(_ item: OutboxItem) async throws -> Preparation {
        switch item.content {
        case .email(let message):
            var mail = message.mail
            for ref in message.attachments {
                let stored = try await store.attachment(sha256: ref.sha256, brand: item.brandID)
                mail.attachments.append(OutboundMail.Attachment(name: ref.name, contentType: ref.contentType, data: Array(stored.data)))
            }
            return .ready(.email(mail, recipient: item.recipient))
        case .text(let text):
            guard let id = item.integrationID, let integration = try await store.integration(id: id) else {
                return .impossible("the integration it was to go through no longer exists")
            }
            guard let url = integration.providerURL else { return .impossible("the integration \(integration.name) has no provider URL") }
            return .ready(
                .text(
                    PreparedText(
                        messageID: item.id.text, contactPoint: item.contactPoint, providerURL: url, secret: integration.secret,
                        recipient: item.recipient, text: text.text, template: text.template)))
        }
    }

    /// Writes the outcome; returns the metric's result (`sent`, `retry` or `failed`).
    private func record(_ item: OutboxItem, _ outcome: DeliveryOutcome) async throws -> String {
        let now = store.environment.now()
        switch outcome {
        case .sent(let receipt, let providerID):
            try await store.outboxSent(
                item, providerMessageID: providerID, event: try await event(.messageSent, item, detail: receipt, providerID: providerID, at: now))
            return "sent"
        case .deferred(let why):
            if let next = retry.nextAttempt(after: item.attempts, from: now) {
                try await store.outboxDeferred(item, error: why, next: next, at: now)
                return "retry"
            }
            try await store.outboxDead(
                item, error: why, addressFailing: nil, event: try await event(.messageFailed, item, detail: why, providerID: nil, at: now))
            return "failed"
        case .refused(let why, let recipientRejected):
            try await store.outboxDead(
                item, error: why, addressFailing: recipientRejected ? item.contactPoint.identityKind : nil,
                event: try await event(.messageFailed, item, detail: why, providerID: nil, at: now))
            return "failed"
        }
    }

    /// The one shape of delivery events, whatever the contact point.
    private func event(_ type: EventType, _ item: OutboxItem, detail: String, providerID: String?, at now: Date) async throws -> DomainEvent {
        let owner = try await item.caseID.asyncMap { try await store.caseOwner($0) } ?? nil
        var payload: [String: JSONValue] = [
            "outboxId": .string(item.id.text), "contactPoint": .string(item.contactPoint.rawValue), "to": .string(item.recipient),
            "interactionId": .optionalString(item.interactionID?.text), "attempts": .int(item.attempts),
            (type == .messageSent ? "receipt" : "error"): .string(String(detail.prefix(500))),
        ]
        if let messageID = item.email?.mail.messageID ?? providerID { payload["messageId"] = .string(messageID) }
        return DomainEvent(
            id: store.environment.newID(), brandID: item.brandID, type: type, actor: .system, accountID: owner?.account,
            contactID: owner?.contact, caseID: item.caseID, payload: payload, occurredAt: now)
    }
}
