import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import TouchpointApplication
import TouchpointCore

/// The answer to a provider's webhook: `stored` (202: kept, processed after this answer)
/// or `duplicate` (200: this event was stored before; nothing new was written).
struct WebhookResultDTO: Encodable {
    var result: String
    /// The inbox envelope, for following it (`GET /api/v1/inbox/{id}`).
    var envelopeId: String
}

/// The answer to a call event; for `newCall` with who is calling and whom to ring.
struct CallWebhookResultDTO: Encodable, Sendable {
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
    var envelopeId: String
    var known: Bool?
    var contact: Person?
    var account: Person?
    var serviceModel: ServiceModel?
    var openCases: [OpenCase]?
    /// Ring this person first (the account's named CSM for models that promise one).
    var ringFirst: Ring?
    var teamId: String?
    /// `agent`, or `selfService` when the customer's model does not offer the phone and its
    /// policy points such callers to self-service: play the portal's address or take a
    /// callback request instead of ringing an agent.
    var routingHint: String?
    /// Why the call is outside the customer's model, when it is.
    var offModel: String?
    /// The customer portal, for `selfService`.
    var selfServicePath: String?
    /// The wait for a person on the phone now (the team the call would go to), for the phone
    /// system to announce: whether anyone can answer, the expected minutes, and why.
    var humanAvailable: Bool?
    var estimatedWaitMinutes: Double?
    var demandExceedsCapacity: Bool?
    var waitExplanation: String?
    /// From the customer summary every contact point reads: what the account owes, the
    /// promises still open, and the visits and appointments to come.
    var billing: String?
    var openCommitments: [Promise]?
    var comingUp: [Upcoming]?

    struct Promise: Encodable, Sendable {
        var what: String
        var dueAt: Date
    }
    struct Upcoming: Encodable, Sendable {
        var what: String
        var at: String
        var place: String
    }

    init(result: String, callId: String, envelopeId: UUID) {
        self.result = result
        self.callId = callId
        self.envelopeId = envelopeId.text
    }

    /// Adds who is calling and whom to ring.
    mutating func show(_ pop: ScreenPop) {
        known = pop.contact != nil
        contact = pop.contact.map { Person(id: $0.id.text, name: $0.name) }
        account = pop.account.map { Person(id: $0.id.text, name: $0.name) }
        serviceModel = pop.serviceModel
        openCases = pop.openCases.map { OpenCase(id: $0.id.text, number: $0.number, subject: $0.subject, status: $0.status) }
        ringFirst = pop.csm.map { Ring(email: $0.email, name: $0.name, reason: "the account's named CSM") }
        teamId = pop.teamID?.text
        routingHint = pop.routingHint
        offModel = pop.offModelReason
    }
}

extension API {
    func addWebhookRoutes(to group: RouterGroup<TouchpointContext>) {
        group.post("webhooks/sms/{integrationId}") { request, context in try await textWebhook(request, context, kind: .sms) }
        group.post("webhooks/whatsapp/{integrationId}") { request, context in try await textWebhook(request, context, kind: .whatsApp) }
        group.post("webhooks/cti/{integrationId}") { request, context in try await callWebhook(request, context) }
    }

    /// The integration the path names, of the right kind, and the verified raw body.
    func verifiedBody(_ request: Request, _ context: TouchpointContext, kind: IntegrationKind) async throws -> (Integration, [UInt8]) {
        guard let id = context.parameters.get("integrationId"), let integration = try await app.integrations.integration(id: id), integration.kind == kind else {
            throw Problem(.notFound, "no \(kind.rawValue) integration '\(context.parameters.get("integrationId") ?? "")'")
        }
        let raw = Array(try await io.collect(request).readableBytesView)
        try Self.verifySignature(request.headers[HTTPField.Name("X-Touchpoint-Signature")!], body: raw, secret: integration.secret)
        return (integration, raw)
    }

    /// A phone system's call event: verified, checked and stored in the inbox, then answered;
    /// `newCall` is answered with who is calling and whom to ring (a read, after the store).
    func callWebhook(_ request: Request, _ context: TouchpointContext) async throws -> Response {
        let (integration, raw) = try await verifiedBody(request, context, kind: .cti)
        let brand = try await app.staff.brand(integration.brandID)
        let checked = try CallWebhook.envelope(raw: raw, integration: integration, brand: brand)
        let accepted = try await inbox.accept(checked.envelope)
        let stored = CallWebhookResultDTO(result: accepted.duplicate ? "duplicate" : "stored", callId: checked.callID, envelopeId: accepted.id)
        let status: HTTPResponse.Status = accepted.duplicate ? .ok : .accepted
        guard checked.envelope.providerKey.hasSuffix(":\(CallEventKind.newCall.rawValue)") else { return try JSONIO.response(stored, status: status) }
        // The event is stored: that is the answer the phone system waits for. The screen pop is
        // a courtesy on top, so it gets a budget of its own: a database that went away just
        // after the store (its reads may then wait on a connection that never answers) never
        // holds the answer past the phone system's timeout.
        let popped = await Self.within(Self.screenPopBudget) { [self] in
            try await screenPop(stored, caller: checked.caller, brand: brand)
        }
        return try JSONIO.response(popped ?? stored, status: status)
    }

    /// How long the screen pop's reads may take before the call event is answered without it:
    /// under the ten seconds phone systems wait, and well over what the reads take on a busy
    /// machine (4 s was not, with the whole test suite running on two cores).
    static let screenPopBudget: Duration = .seconds(8)

    /// The stored call event's answer with who is calling: the contact, their account and
    /// model, open cases, whom to ring, the wait for a person, and what the agent should know.
    func screenPop(_ stored: CallWebhookResultDTO, caller: Identity?, brand: Brand) async throws -> CallWebhookResultDTO {
        let pop = try await app.calls.screenPop(caller, brand: brand.id)
        var dto = stored
        dto.show(pop)
        if pop.routingHint == "selfService" { dto.selfServicePath = "/portal/\(brand.slug)" }
        let wait = try await app.routing.waitEstimate(brand: brand.id, contactPoint: .phone, teamID: pop.teamID, topic: nil, account: pop.account?.id).estimate
        dto.humanAvailable = wait.humanAvailable
        dto.estimatedWaitMinutes = wait.minutes.map { ($0 * 10).rounded() / 10 }
        dto.demandExceedsCapacity = wait.demandExceedsCapacity
        dto.waitExplanation = wait.explanation
        if let contact = pop.contact {
            // What the agent who answers should know at once, the same facts the case page shows.
            let summary = try await app.customers.summary(of: contact.id, brand: brand.id)
            dto.billing = summary.billing?.sentence
            dto.openCommitments = summary.promises.map { CallWebhookResultDTO.Promise(what: $0.what, dueAt: $0.dueAt) }
            dto.comingUp = try await ComingUpLine.lines(summary, app: app, brand: brand).map {
                CallWebhookResultDTO.Upcoming(what: $0.what, at: $0.at.iso, place: $0.place)
            }
        }
        return dto
    }

    /// `work`'s result, or nil when it fails or takes longer than `budget` (it is then
    /// cancelled, which ends a database call at once).
    static func within<T: Sendable>(_ budget: Duration, _ work: @escaping @Sendable () async throws -> T) async -> T? {
        await withTaskGroup(of: T?.self) { group in
            group.addTask { try? await work() }
            group.addTask {
                try? await Task.sleep(for: budget)
                return nil
            }
            let first = await group.next() ?? nil
            group.cancelAll()
            return first
        }
    }

    /// An SMS or WhatsApp message or delivery report: verified, checked and stored in the
    /// inbox, then answered 202; it is taken into the history after the answer. A repeated
    /// event is answered 200 `duplicate` without writing anything.
    func textWebhook(_ request: Request, _ context: TouchpointContext, kind: IntegrationKind) async throws -> Response {
        let (integration, raw) = try await verifiedBody(request, context, kind: kind)
        let envelope = try TextWebhook.envelope(raw: raw, integration: integration, brand: try await app.staff.brand(integration.brandID))
        let accepted = try await inbox.accept(envelope)
        return try JSONIO.response(WebhookResultDTO(result: accepted.duplicate ? "duplicate" : "stored", envelopeId: accepted.id.text),
                                   status: accepted.duplicate ? .ok : .accepted)
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
