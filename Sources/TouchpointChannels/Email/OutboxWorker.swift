import Foundation
import Logging
import TouchpointApplication
import TouchpointCore
import TouchpointStore

/// Delivers the email outbox through the smarthost: takes what is due, renders it, sends
/// it, and records the result (which lands on the case's timeline). Runs until cancelled.
public struct OutboxWorker: Sendable {
    let store: Store
    let client: SMTPClient
    let logger: Logger
    /// How often the outbox is looked at when nothing is due sooner.
    let pollInterval: Duration

    public init(store: Store, smarthost: Smarthost, logger: Logger, pollInterval: Duration = .seconds(1)) {
        self.store = store
        self.client = SMTPClient(smarthost: smarthost)
        self.logger = logger
        self.pollInterval = pollInterval
    }

    public func run() async {
        while !Task.isCancelled {
            do {
                let batch = try await store.claimOutbox(limit: 20)
                for item in batch where !Task.isCancelled { await deliver(item) }
                if batch.isEmpty { try await Task.sleep(for: pollInterval) }
            } catch is CancellationError {
                return
            } catch {
                logger.error("the outbox could not be read", metadata: ["error": "\(error)"])
                try? await Task.sleep(for: .seconds(5))
            }
        }
    }

    private func deliver(_ item: OutboxItem) async {
        let metadata: Logger.Metadata = ["outbox": "\(item.id.uuidString.lowercased())", "to": "\(item.recipient)", "attempt": "\(item.attempts)"]
        do {
            let mail = try await render(item)
            do {
                let reply = try await client.send(from: item.message.mail.from.address, to: [item.recipient], copies: item.message.mail.cc?.map(\.address) ?? [],
                                                 message: mail.rendered())
                try await store.outboxSent(item, reply: reply)
                AppMetrics.delivery(.email, "sent")
                logger.info("mail sent", metadata: metadata)
            } catch SMTPClientError.permanent(let why) {
                try await store.outboxFailed(item, error: why, permanent: true)
                AppMetrics.delivery(.email, "failed")
                logger.warning("mail refused", metadata: metadata.merging(["error": "\(why)"]) { $1 })
            } catch SMTPClientError.temporary(let why) {
                try await store.outboxFailed(item, error: why, permanent: false)
                AppMetrics.delivery(.email, "retry")
                logger.warning("mail not sent; will retry", metadata: metadata.merging(["error": "\(why)"]) { $1 })
            }
        } catch {
            // The store failed: the entry stays `sending` and is taken again after a while.
            logger.error("could not record a delivery", metadata: metadata.merging(["error": "\(error)"]) { $1 })
        }
    }

    private func render(_ item: OutboxItem) async throws -> OutboundMail {
        var mail = item.message.mail
        for ref in item.message.attachments {
            let stored = try await store.attachment(sha256: ref.sha256, brand: item.brandID)
            mail.attachments.append(OutboundMail.Attachment(name: ref.name, contentType: ref.contentType, data: Array(stored.data)))
        }
        return mail
    }
}
