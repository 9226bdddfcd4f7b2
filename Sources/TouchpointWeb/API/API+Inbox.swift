import Foundation
import Hummingbird
import NIOCore
import TouchpointApplication
import TouchpointCore

/// An inbox envelope as operators see it (the body is fetched separately).
struct EnvelopeDTO: Encodable {
    var id: String
    var contactPoint: ContactPoint
    var source: String
    var providerKey: String
    var receivedAt: Date
    var state: EnvelopeState
    var stage: IntakeStage?
    var reason: String?
    var attempts: Int
    var nextAttemptAt: Date?
    var caseId: String?
    var interactionId: String?
    var processedAt: Date?

    init(_ envelope: Envelope) {
        id = envelope.id.text
        contactPoint = envelope.contactPoint
        source = envelope.source
        providerKey = envelope.providerKey
        receivedAt = envelope.receivedAt
        state = envelope.state
        stage = envelope.stage
        reason = envelope.reason
        attempts = envelope.attempts
        nextAttemptAt = envelope.nextAttemptAt
        caseId = envelope.caseID?.text
        interactionId = envelope.interactionID?.text
        processedAt = envelope.processedAt
    }
}

extension API {
    /// The inbox of the webhook contact points: what arrived, where it went, and the
    /// quarantine (run again, discard).
    func addInboxRoutes(to group: RouterGroup<TouchpointContext>) {
        group.get("inbox") { request, context in
            let caller = try context.caller(may: .administer)
            let query = Query(request: request)
            let page = try await app.envelopes.envelopes(
                brand: caller.brandID, state: try query.wire("state", as: EnvelopeState.self),
                limit: try query.limit(), cursor: try query.cursor())
            return try JSONIO.response(EncodablePageDTO(items: page.items.map(EnvelopeDTO.init), nextCursor: page.nextCursor))
        }
        group.get("inbox/{id}") { _, context in
            let caller = try context.caller(may: .administer)
            return try JSONIO.response(EnvelopeDTO(try await app.envelopes.envelope(try context.parameters.id(), brand: caller.brandID)))
        }
        group.get("inbox/{id}/raw") { _, context in
            let caller = try context.caller(may: .administer)
            let raw = try await app.envelopes.rawEnvelope(try context.parameters.id(), brand: caller.brandID)
            return Response(
                status: .ok, headers: [.contentType: "application/octet-stream", .contentDisposition: "attachment"],
                body: .init(byteBuffer: ByteBuffer(bytes: raw)))
        }
        group.post("inbox/{id}/rerun") { _, context in
            let caller = try context.caller(may: .administer)
            return try JSONIO.response(
                EnvelopeDTO(try await inbox.rerun(try context.parameters.id(), brand: caller.brandID, actor: .staff(caller.userID))))
        }
        group.post("inbox/{id}/discard") { _, context in
            let caller = try context.caller(may: .administer)
            return try JSONIO.response(
                EnvelopeDTO(
                    try await app.envelopes.discardEnvelope(
                        try context.parameters.id(), brand: caller.brandID,
                        actor: .staff(caller.userID))))
        }
    }
}
