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
    /// The walk-in ticket a `QUEUE` message took (or already held).
    var ticket: String?
    var optOut: Bool?
    var optIn: Bool?
}

/// A call event as a phone system posts it.
struct CallWebhookDTO: Decodable {
    enum Way: String, Decodable { case `in`, out }
    var event: CallEventKind
    var callId: String
    var direction: Way
    var from: String?
    var to: String?
    var user: String?
    var cause: String?
    var recordingUrl: String?
    var occurredAt: Date
}

/// The answer to a call event; for `newCall` with who is calling and whom to ring.
struct CallWebhookResultDTO: Encodable {
    struct Person: Encodable {
        var id: String
        var name: String?
    }
    struct OpenCase: Encodable {
        var id: String
        var number: Int
        var subject: String
        var status: CaseStatus
    }
    struct Ring: Encodable {
        var email: String
        var name: String
        var reason: String
    }
    var result: String
    var callId: String
    var known: Bool?
    var contact: Person?
    var account: Person?
    var serviceModel: ServiceModel?
    var openCases: [OpenCase]?
    /// Ring this person first (the account's named CSM for models that promise one).
    var ringFirst: Ring?
    var teamId: String?
    var interactionId: String?
    var caseId: String?
    var callback: Bool?

    init(result: String, callId: String, pop: ScreenPop? = nil) {
        self.result = result
        self.callId = callId
        guard let pop else { return }
        known = pop.contact != nil
        contact = pop.contact.map { Person(id: $0.id.text, name: $0.name) }
        account = pop.account.map { Person(id: $0.id.text, name: $0.name) }
        serviceModel = pop.serviceModel
        openCases = pop.openCases.map { OpenCase(id: $0.id.text, number: $0.number, subject: $0.subject, status: $0.status) }
        ringFirst = pop.csm.map { Ring(email: $0.email, name: $0.name, reason: "the account's named CSM") }
        teamId = pop.teamID?.text
    }
}

extension API {
    /// The largest media item a message may reference.
    static let maxMediaBytes = 16 * 1_048_576

    func addWebhookRoutes(to group: RouterGroup<TouchpointContext>) {
        group.post("webhooks/sms/{integrationId}") { request, context in try await textWebhook(request, context, kind: .sms) }
        group.post("webhooks/whatsapp/{integrationId}") { request, context in try await textWebhook(request, context, kind: .whatsApp) }
        group.post("webhooks/cti/{integrationId}") { request, context in try await callWebhook(request, context) }
    }

    /// The integration the path names, of the right kind, and the verified raw body.
    func verifiedBody(_ request: Request, _ context: TouchpointContext, kind: IntegrationKind) async throws -> (Integration, [UInt8]) {
        guard let id = context.parameters.get("integrationId"), let integration = try await store.integration(id: id), integration.kind == kind else {
            throw Problem(.notFound, "no \(kind.rawValue) integration '\(context.parameters.get("integrationId") ?? "")'")
        }
        let raw = Array(try await io.collect(request).readableBytesView)
        try Self.verifySignature(request.headers[HTTPField.Name("X-Touchpoint-Signature")!], body: raw, secret: integration.secret)
        return (integration, raw)
    }

    /// A phone system's call event: stored first, then recorded on the call; `newCall` is
    /// answered with who is calling, and a finished call becomes an interaction (or a
    /// callback case for a missed one).
    func callWebhook(_ request: Request, _ context: TouchpointContext) async throws -> Response {
        let (integration, raw) = try await verifiedBody(request, context, kind: .cti)
        let body = try JSONIO.decoder.decode(CallWebhookDTO.self, from: Data(raw))
        let callID = try Check.text(body.callId, field: "callId", max: 200)
        let event = CallEvent(kind: body.event, callID: callID, inbound: body.direction == .in, from: body.from, to: body.to, user: body.user,
                              cause: body.cause, recordingURL: body.recordingUrl, occurredAt: body.occurredAt)
        let brand = try await store.brand(integration.brandID)
        // The customer's number must be one we could call back.
        let number = event.inbound ? body.from : body.to
        let identity = try number.map { try Identity(kind: .phone, raw: $0, defaultCallingCode: brand.defaultCallingCode, field: event.inbound ? "from" : "to") }
        guard try await store.receiveWebhook(integration, key: "\(callID):\(body.event.rawValue)", raw: raw) else {
            let pop = body.event == .newCall ? try await store.screenPop(identity, brand: brand.id) : nil
            return try JSONIO.response(CallWebhookResultDTO(result: "duplicate", callId: callID, pop: pop))
        }
        let result = try await store.processCall(event, integration: integration, key: "\(callID):\(body.event.rawValue)")
        var dto = CallWebhookResultDTO(result: "stored", callId: callID, pop: result.screenPop)
        dto.interactionId = result.interactionID?.text
        dto.caseId = result.caseID?.text
        if result.interactionID != nil { dto.callback = result.callback }
        return try JSONIO.response(dto)
    }

    /// Verifies the signature over the raw body, stores the body, then takes the message
    /// into the history (or records the delivery report). A repeated event is answered 200
    /// without writing anything new.
    func textWebhook(_ request: Request, _ context: TouchpointContext, kind: IntegrationKind) async throws -> Response {
        let (integration, raw) = try await verifiedBody(request, context, kind: kind)
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
        guard !(body.text ?? "").isBlank || !media.isEmpty else {
            throw Problem.invalid(ValidationError(field: "text", reason: "a message needs text or media"))
        }
        guard try await store.receiveWebhook(integration, key: "message:\(messageID)", raw: raw) else {
            return try JSONIO.response(TextWebhookResultDTO(result: "duplicate"))
        }
        let result = try await store.processText(
            InboundText(messageID: messageID, from: from, to: body.to, text: body.text ?? "", media: media.map(\.url), receivedAt: body.receivedAt),
            integration: integration, key: "message:\(messageID)")
        var dto = TextWebhookResultDTO(result: "stored", caseId: result.caseID?.text, caseNumber: result.caseNumber, interactionId: result.interactionID.text,
                                       ticket: result.ticket)
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
