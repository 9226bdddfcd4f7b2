import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import TouchpointCore
import TouchpointStore

/// A text message or a delivery report, as SMS and WhatsApp providers post them.
struct TextWebhookDTO: Decodable {
    /// A media reference: a URL, or an object with the URL and what the provider knows of it.
    struct Media: Decodable {
        var url: String
        var size: Int?

        init(from decoder: any Decoder) throws {
            if let url = try? decoder.singleValueContainer().decode(String.self) {
                self.url = url
                return
            }
            let container = try decoder.container(keyedBy: CodingKeys.self)
            url = try container.decode(String.self, forKey: .url)
            size = try container.decodeIfPresent(Int.self, forKey: .size)
        }

        enum CodingKeys: String, CodingKey { case url, size }
    }

    var messageId: String
    var from: String?
    var to: String?
    var text: String?
    var media: [Media]?
    var receivedAt: Date?
    var status: TextDeliveryStatus?
    var error: String?
}

struct TextWebhookResultDTO: Encodable {
    /// `stored` (taken into the history), `duplicate` (seen before: nothing new written),
    /// `recorded` or `unmatched` (a delivery report for an unknown message, kept).
    var result: String
    var caseId: String?
    var caseNumber: Int?
    var interactionId: String?
    var optOut: Bool?
    var optIn: Bool?
}

extension API {
    /// The largest media item a message may reference.
    static let maxMediaBytes = 16 * 1_048_576

    func addWebhookRoutes(to group: RouterGroup<TouchpointContext>) {
        group.post("webhooks/sms/{integrationId}") { request, context in try await textWebhook(request, context, kind: .sms) }
        group.post("webhooks/whatsapp/{integrationId}") { request, context in try await textWebhook(request, context, kind: .whatsApp) }
    }

    /// Verifies the signature over the raw body, stores the body, then takes the message
    /// into the history (or records the delivery report). A repeated event is answered 200
    /// without writing anything new.
    func textWebhook(_ request: Request, _ context: TouchpointContext, kind: IntegrationKind) async throws -> Response {
        guard let id = context.parameters.get("integrationId"), let integration = try await store.integration(id: id), integration.kind == kind else {
            throw Problem(.notFound, "no \(kind.rawValue) integration '\(context.parameters.get("integrationId") ?? "")'")
        }
        let raw = Array(try await io.collect(request).readableBytesView)
        try Self.verifySignature(request.headers[HTTPField.Name("X-Touchpoint-Signature")!], body: raw, secret: integration.secret)
        let body = try JSONIO.decoder.decode(TextWebhookDTO.self, from: Data(raw))
        let messageID = try Check.text(body.messageId, field: "messageId", max: 200)

        if let status = body.status {
            let key = "status:\(messageID):\(status.rawValue)"
            guard try await store.receiveWebhook(integration, key: key, raw: raw) else { return try JSONIO.response(TextWebhookResultDTO(result: "duplicate")) }
            let matched = try await store.recordDelivery(status, error: body.error, messageID: messageID, integration: integration, key: key)
            return try JSONIO.response(TextWebhookResultDTO(result: matched ? "recorded" : "unmatched"))
        }
        guard let from = body.from else { throw Problem.invalid(ValidationError(field: "from", reason: "is required for a message")) }
        let brand = try await store.brand(integration.brandID)
        // Checked before anything is stored: a message nobody could answer is refused.
        _ = try Identity(kind: kind == .whatsApp ? .whatsApp : .phone, raw: from, defaultCallingCode: brand.defaultCallingCode, field: "from")
        let media = body.media ?? []
        if let large = media.first(where: { ($0.size ?? 0) > Self.maxMediaBytes }) {
            throw Problem(.contentTooLarge, "media \(large.url) is \(large.size ?? 0) bytes; the limit is \(Self.maxMediaBytes)", field: "media", reason: "too large")
        }
        guard !(body.text ?? "").trimmingCharacters(in: .whitespacesAndNewlines).isEmpty || !media.isEmpty else {
            throw Problem.invalid(ValidationError(field: "text", reason: "a message needs text or media"))
        }
        guard try await store.receiveWebhook(integration, key: "message:\(messageID)", raw: raw) else {
            return try JSONIO.response(TextWebhookResultDTO(result: "duplicate"))
        }
        let result = try await store.processText(
            InboundText(messageID: messageID, from: from, to: body.to, text: body.text ?? "", media: media.map(\.url), receivedAt: body.receivedAt),
            integration: integration, key: "message:\(messageID)")
        var dto = TextWebhookResultDTO(result: "stored", caseId: result.caseID.text, caseNumber: result.caseNumber, interactionId: result.interactionID.text)
        if case .optOut = result.keyword { dto.optOut = true }
        if case .optIn = result.keyword { dto.optIn = true }
        return try JSONIO.response(dto)
    }

    /// `X-Touchpoint-Signature: sha256=<hex HMAC-SHA256 of the raw body with the secret>`.
    static func verifySignature(_ header: String?, body: [UInt8], secret: String) throws {
        guard let header, header.lowercased().hasPrefix("sha256=") else {
            throw Problem(.unauthorized, "sign the body: X-Touchpoint-Signature: sha256=<hex HMAC-SHA256 of the raw body>")
        }
        let given = header.dropFirst("sha256=".count).lowercased()
        let mac = HMAC<SHA256>.authenticationCode(for: body, using: SymmetricKey(data: Data(secret.utf8)))
        let expected = mac.map { String(format: "%02x", $0) }.joined()
        guard constantTimeEquals(String(given), expected) else { throw Problem(.unauthorized, "the signature does not match the body") }
    }
}
