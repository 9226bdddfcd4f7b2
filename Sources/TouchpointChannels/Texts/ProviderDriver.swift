import Crypto
import Foundation
import TouchpointApplication
import TouchpointCore

/// Delivers SMS and WhatsApp messages: each is posted, signed with the integration's secret,
/// to its provider URL (the contract is in the README). A provider's refusal (4xx other
/// than 408 and 429) refuses the message for good; anything else is tried again later.
public struct ProviderDriver: OutboundDriver {
    let client = ProviderClient()

    public init() {}

    public var contactPoints: Set<ContactPoint> { [.sms, .whatsApp] }

    public func deliver(_ message: PreparedMessage) async -> DeliveryOutcome {
        guard case .text(let text) = message else { return .refused("not a text message", recipientRejected: false) }
        // `text` is always the words the customer gets; `template` (WhatsApp outside the
        // care window) names the approved template and its parameters for the provider.
        struct Outgoing: Encodable { var messageId: String; var channel: String; var to: String; var text: String; var template: TemplateUse? }
        let channel = text.contactPoint == .whatsApp ? IntegrationKind.whatsApp : .sms
        let body: [UInt8]
        do {
            body = Array(
                try JSONEncoder().encode(
                    Outgoing(
                        messageId: text.messageID, channel: channel.rawValue, to: text.recipient, text: text.text,
                        template: text.template)))
        } catch {
            return .refused("the message could not be written as JSON: \(error)", recipientRejected: false)
        }
        let mac = HMAC<SHA256>.authenticationCode(for: body, using: SymmetricKey(data: Data(text.secret.utf8)))
        let signature = "sha256=" + mac.map { String(format: "%02x", $0) }.joined()
        do {
            let (status, answer) = try await client.post(text.providerURL, body: body, headers: [("X-Touchpoint-Signature", signature)])
            switch status {
            case 200..<300:
                struct Accepted: Decodable { var messageId: String? }
                let providerID = (try? JSONDecoder().decode(Accepted.self, from: Data(answer)))?.messageId ?? text.messageID
                return .sent(receipt: "the provider took it (\(status))", providerMessageID: providerID)
            case 400..<500 where status != 408 && status != 429:
                return .refused(
                    "the provider refused it (\(status)): \(String(decoding: answer.prefix(300), as: UTF8.self))", recipientRejected: false)
            default:
                return .deferred("the provider answered \(status)")
            }
        } catch ProviderClient.Failure.badURL(let url) {
            return .refused("the provider URL is not an http(s) URL: \(url)", recipientRejected: false)
        } catch {
            return .deferred("\(error)")
        }
    }
}
