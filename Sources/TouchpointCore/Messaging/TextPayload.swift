import Foundation

/// A text message or a delivery report, as SMS and WhatsApp providers post them.
public struct TextPayload: Decodable, Sendable {
    /// A media reference: a URL, or an object with the URL and what the provider knows of it.
    public struct Media: Decodable, Sendable {
        public var url: String
        public var size: Int?

        public init(from decoder: any Decoder) throws {
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

    public var messageId: String
    public var from: String?
    public var to: String?
    public var text: String?
    public var media: [Media]?
    public var receivedAt: Date?
    public var status: TextDeliveryStatus?
    public var error: String?

    /// The largest media item a message may reference.
    public static let maxMediaBytes = 16 * 1_048_576

    static let decoder = ISODate.decoder()

    /// Reads a provider's body; throws `DecodingError` for JSON that is not a text payload.
    public static func decode(_ raw: [UInt8]) throws -> TextPayload {
        try decoder.decode(TextPayload.self, from: Data(raw))
    }

    /// The message as intake takes it (for a payload that is not a delivery report). Control
    /// characters are dropped as they are from mail: a NUL from a provider would otherwise
    /// fail the write on PostgreSQL, and nobody reads the others.
    public var message: InboundText {
        let body = text ?? ""
        return InboundText(
            messageID: messageId.trimmedWhitespace, from: from ?? "", to: to, text: body.removingControlCharacters ?? body,
            media: (media ?? []).map(\.url), receivedAt: receivedAt)
    }
}

/// The SMS and WhatsApp contact points' edge: what a provider's webhook must be before it is
/// acknowledged, and the envelope it becomes.
public enum TextWebhook {
    /// Checks a verified body and makes its envelope. Refuses what nobody could answer or
    /// store: no message id, an impossible sender number, no text and no media, media too large.
    public static func envelope(raw: [UInt8], integration: Integration, brand: Brand) throws -> NewEnvelope {
        let payload = try TextPayload.decode(raw)
        let messageID = try Check.text(payload.messageId, field: "messageId", max: 200)
        let point = integration.kind.contactPoint
        if let status = payload.status {
            return NewEnvelope(
                brandID: brand.id, contactPoint: point, source: integration.id, providerKey: "status:\(messageID):\(status.rawValue)",
                lane: "status:\(messageID)", raw: raw)
        }
        guard let from = payload.from else { throw ValidationError(field: "from", reason: "is required for a message") }
        let identity = try Identity(
            kind: point == .whatsApp ? .whatsApp : .phone, raw: from, defaultCallingCode: brand.defaultCallingCode, field: "from")
        let media = payload.media ?? []
        if let large = media.first(where: { ($0.size ?? 0) > TextPayload.maxMediaBytes }) {
            throw IntakeRefusal.tooLarge(
                field: "media", detail: "media \(large.url) is \(large.size ?? 0) bytes; the limit is \(TextPayload.maxMediaBytes)")
        }
        guard !(payload.text ?? "").isBlank || !media.isEmpty else {
            throw ValidationError(field: "text", reason: "a message needs text or media")
        }
        // One sender's messages in order.
        return NewEnvelope(
            brandID: brand.id, contactPoint: point, source: integration.id, providerKey: "message:\(messageID)",
            lane: identity.value, raw: raw)
    }
}

/// Why an edge refuses a delivery before storing it, besides a wrong field.
public enum IntakeRefusal: Error, Equatable, Sendable {
    /// Something in it is larger than Touchpoint keeps.
    case tooLarge(field: String, detail: String)
}
