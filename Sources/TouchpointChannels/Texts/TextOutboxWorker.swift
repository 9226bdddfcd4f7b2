import Crypto
import Foundation
import Logging
import TouchpointApplication
import TouchpointCore
import TouchpointStore

/// Delivers the text outbox: each message is posted, signed, to its integration's provider
/// URL (the provider driver's contract is in the README); a provider's refusal (4xx) fails
/// the message, anything else is tried again with the outbox's backoff.
public struct TextOutboxWorker: Sendable {
    let store: Store
    let logger: Logger
    let client = ProviderClient()
    /// How often the outbox is looked at.
    let interval: Duration

    public init(store: Store, logger: Logger, interval: Duration = .seconds(2)) {
        self.store = store
        self.logger = logger
        self.interval = interval
    }

    public func run() async {
        while !Task.isCancelled {
            do {
                if try await deliverDue() == 0 { try await Task.sleep(for: interval) }
            } catch is CancellationError {
                return
            } catch {
                logger.error("the text outbox could not be read", metadata: ["error": "\(error)"])
                try? await Task.sleep(for: interval)
            }
        }
    }

    /// Sends what is due now; returns how many messages were tried.
    @discardableResult
    public func deliverDue() async throws -> Int {
        let items = try await store.claimTextOutbox(limit: 20)
        for item in items { try await deliver(item) }
        return items.count
    }

    func deliver(_ item: TextOutboxItem) async throws {
        guard let integration = try await store.integration(id: item.integrationID), let url = integration.providerURL else {
            try await store.textFailed(item, error: "the integration \(item.integrationID) has no provider URL", permanent: true)
            return
        }
        // `text` is always the words the customer gets; `template` (WhatsApp outside the
        // care window) names the approved template and its parameters for the provider.
        struct Outgoing: Encodable { var messageId: String; var channel: String; var to: String; var text: String; var template: TemplateUse? }
        let body = Array(try JSONEncoder().encode(Outgoing(messageId: item.id.uuidString.lowercased(), channel: integration.kind.rawValue,
                                                           to: item.recipient, text: item.body, template: item.template)))
        let mac = HMAC<SHA256>.authenticationCode(for: body, using: SymmetricKey(data: Data(integration.secret.utf8)))
        let signature = "sha256=" + mac.map { String(format: "%02x", $0) }.joined()
        do {
            let (status, answer) = try await client.post(url, body: body, headers: [("X-Touchpoint-Signature", signature)])
            switch status {
            case 200..<300:
                struct Accepted: Decodable { var messageId: String? }
                let providerID = (try? JSONDecoder().decode(Accepted.self, from: Data(answer)))?.messageId ?? item.id.uuidString.lowercased()
                try await store.textSent(item, providerMessageID: providerID)
                AppMetrics.delivery(integration.kind.contactPoint, "sent")
            case 400..<500 where status != 408 && status != 429:
                try await store.textFailed(item, error: "the provider refused it (\(status)): \(String(decoding: answer.prefix(300), as: UTF8.self))", permanent: true)
                AppMetrics.delivery(integration.kind.contactPoint, "failed")
            default:
                try await store.textFailed(item, error: "the provider answered \(status)", permanent: false)
                AppMetrics.delivery(integration.kind.contactPoint, "retry")
            }
        } catch {
            logger.warning("text message not delivered yet", metadata: ["to": "\(item.recipient)", "error": "\(error)"])
            try await store.textFailed(item, error: "\(error)", permanent: false)
            AppMetrics.delivery(integration.kind.contactPoint, "retry")
        }
    }
}
