import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import TouchpointApplication
import TouchpointCore

struct MailboxDTO: Codable {
    var address: String
    var teamId: String?
    var forwardsOpenForSender: Bool
    var acknowledges: Bool
    var createdAt: Date

    init(_ mailbox: Mailbox) {
        address = mailbox.address
        teamId = mailbox.teamID?.text
        forwardsOpenForSender = mailbox.forwardsOpenForSender
        acknowledges = mailbox.acknowledges
        createdAt = mailbox.createdAt
    }
}

struct MailboxRequest: Decodable {
    var teamId: UUID?
    var forwardsOpenForSender: Bool?
    var acknowledges: Bool?
}

/// A page of a list whose items encode themselves with `Encodable`.
struct EncodablePageDTO<Item: Encodable>: Encodable {
    var items: [Item]
    var nextCursor: String?
}

struct InboundMailDTO: Encodable {
    var id: String
    var mailbox: String
    var recipients: [String]
    var envelopeFrom: String
    var size: Int
    var receivedAt: Date
    var state: InboundMailState
    var reason: String?
    var messageId: String?
    var sender: String?
    var subject: String?
    var caseId: String?
    var interactionId: String?
    var attempts: Int
    var processedAt: Date?

    init(_ record: InboundMailRecord) {
        id = record.id.text
        mailbox = record.mailbox
        recipients = record.recipients
        envelopeFrom = record.envelopeFrom
        size = record.size
        receivedAt = record.receivedAt
        state = record.state
        reason = record.reason
        messageId = record.messageID
        sender = record.sender
        subject = record.subject
        caseId = record.caseID?.text
        interactionId = record.interactionID?.text
        attempts = record.attempts
        processedAt = record.processedAt
    }
}

struct IntakeResultDTO: Encodable {
    var outcome: String
    var caseId: String?
    var caseNumber: Int?
    var interactionId: String?
    var reason: String?

    init(_ result: MailIntakeResult) {
        outcome = result.outcome.rawValue
        caseId = result.caseID?.text
        caseNumber = result.caseNumber
        interactionId = result.interactionID?.text
        reason = result.reason
    }
}

extension API {
    func addMailRoutes(to group: RouterGroup<TouchpointContext>) {
        group.get("mailboxes") { _, context in
            let caller = try context.caller(may: .readCustomers)
            return try JSONIO.response(["items": try await app.mailboxes.mailboxes(brand: caller.brandID).map(MailboxDTO.init)])
        }
        group.put("mailboxes/{address}") { request, context in
            let caller = try context.caller(may: .administer)
            let address = context.parameters.address
            let body = try await io.decode(MailboxRequest.self, from: request)
            let existing = try await app.mailboxes.mailbox(address: address).flatMap { $0.brandID == caller.brandID ? $0 : nil }
            let saved = try await app.mailboxes.saveMailbox(address: address, brand: caller.brandID, teamID: body.teamId ?? existing?.teamID,
                                                    forwardsOpenForSender: body.forwardsOpenForSender ?? existing?.forwardsOpenForSender ?? false,
                                                    acknowledges: body.acknowledges ?? existing?.acknowledges ?? false, actor: .staff(caller.userID))
            return try JSONIO.response(MailboxDTO(saved), status: existing == nil ? .created : .ok)
        }
        group.delete("mailboxes/{address}") { _, context in
            let caller = try context.caller(may: .administer)
            try await app.mailboxes.deleteMailbox(address: context.parameters.address, brand: caller.brandID, actor: .staff(caller.userID))
            return Response(status: .noContent)
        }
        group.get("mail/inbound") { request, context in
            let caller = try context.caller(may: .administer)
            let query = Query(request: request)
            let page = try await app.mailInbox.inboundMail(brand: caller.brandID, state: try query.wire("state", as: InboundMailState.self),
                                                   limit: try query.limit(), cursor: try query.cursor())
            return try JSONIO.response(EncodablePageDTO(items: page.items.map(InboundMailDTO.init), nextCursor: page.nextCursor))
        }
        group.get("mail/inbound/{id}") { _, context in
            let caller = try context.caller(may: .administer)
            return try JSONIO.response(InboundMailDTO(try await app.mailInbox.inboundMail(try context.parameters.id(), brand: caller.brandID)))
        }
        group.get("mail/inbound/{id}/raw") { _, context in
            let caller = try context.caller(may: .administer)
            let id = try context.parameters.id()
            let raw = try await app.mailInbox.rawMail(id, brand: caller.brandID)
            return Response(status: .ok, headers: [.contentType: "message/rfc822", .contentDisposition: "attachment; filename=\"\(id.text).eml\""],
                            body: .init(byteBuffer: ByteBuffer(bytes: raw)))
        }
        group.post("mail/inbound/{id}/rerun") { request, context in
            let caller = try context.caller(may: .administer)
            let force = try Query(request: request).choice("force", of: ["true", "false"]) == "true"
            let result = try await app.mailInbox.rerunMail(try context.parameters.id(), brand: caller.brandID, actor: .staff(caller.userID), force: force)
            return try JSONIO.response(IntakeResultDTO(result))
        }
        group.post("mail/inbound/{id}/discard") { _, context in
            let caller = try context.caller(may: .administer)
            let id = try context.parameters.id()
            try await app.mailInbox.discardMail(id, brand: caller.brandID, actor: .staff(caller.userID))
            return try JSONIO.response(InboundMailDTO(try await app.mailInbox.inboundMail(id, brand: caller.brandID)))
        }
        // The email part of the outbox, as before there was one outbox (`/outbox` has all).
        group.get("mail/outbound") { request, context in
            try await outboxPage(request, context, contactPoints: [.email])
        }
        group.post("mail/outbound/{id}/retry") { _, context in
            try await retryOutbox(context)
        }
        group.get("attachments/{sha256}") { _, context in
            let caller = try context.caller(may: .readCustomers)
            return try await attachmentDownload(app: app, sha256: context.parameters.get("sha256"), brand: caller.brandID)
        }
    }
}

/// A stored attachment as a download. Customer files are never pages of this origin that
/// could run script: attachment disposition, no sniffing, and a sandbox if opened anyway.
func attachmentDownload(app: UseCases, sha256: String?, brand: BrandID) async throws -> Response {
    let hash = (sha256 ?? "").lowercased()
    guard hash.count == 64, hash.allSatisfy(\.isHexDigit) else { throw Problem(.notFound, "not found") }
    let (type, data) = try await app.mailboxes.attachment(sha256: hash, brand: brand)
    return Response(status: .ok, headers: [.contentType: type, .contentDisposition: "attachment", .xContentTypeOptions: "nosniff",
                                           .contentSecurityPolicy: "sandbox; default-src 'none'"],
                    body: .init(byteBuffer: ByteBuffer(bytes: data)))
}

extension Parameters {
    /// The `{address}` of a mailbox route, percent-decoded: clients may send `@` as `%40`.
    var address: String {
        let raw = get("address") ?? ""
        return raw.removingPercentEncoding ?? raw
    }
}
