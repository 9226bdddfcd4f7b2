import Foundation
import SQLKit
import TouchpointCore

/// An outbound SMS or WhatsApp message as the text outbox keeps it.
public struct TextOutboxItem: Sendable, Equatable {
    public var id: UUID
    public var brandID: BrandID
    public var integrationID: String
    public var caseID: CaseID?
    public var interactionID: InteractionID?
    public var recipient: String
    public var body: String
    public var state: OutboxState
    public var attempts: Int
    public var lastError: String?
    public var providerMessageID: String?
    /// WhatsApp: the approved template the message is sent with (its language resolved).
    public var template: TemplateUse?
}

/// Where a text reply goes, and with which template when it needs one.
struct TextRoute: Sendable {
    var integration: Integration
    var recipient: String
    var template: TemplateUse?
}

extension Store {
    /// WhatsApp lets a business write freely only within 24 hours of the customer's last
    /// message; after that only an approved template may start the conversation again.
    public static let whatsAppCareWindow: TimeInterval = 24 * 3600

    /// Where a text reply on a case goes: through the brand's integration for the contact
    /// point, to the number the customer last wrote from (else their identity). Refused when
    /// the customer opted out, or for WhatsApp outside the customer-care window. Without an
    /// integration the reply is only recorded (as it was sent some other way), so nil.
    /// With a `template` (WhatsApp only) the message may go outside the care window; the
    /// returned route carries the template with its language, and `text` its filled-in words.
    func textRoute(caseID: CaseID, contactPoint: ContactPoint, brand: BrandID, template use: TemplateUse?) async throws
        -> (route: TextRoute, text: String?)? {
        if use != nil, contactPoint != .whatsApp {
            throw ValidationError(field: "template", reason: "templates are for WhatsApp messages")
        }
        let kind: IntegrationKind = contactPoint == .whatsApp ? .whatsApp : .sms
        let now = environment.now()
        return try await database.read { db in
            guard let row = try await db.raw("SELECT * FROM integrations WHERE brand_id = \(bind: brand.text) AND kind = \(bind: kind.rawValue) ORDER BY created_at, id LIMIT 1").first() else {
                return nil
            }
            let integration = try Store.integration(from: row)
            let item = try await Store.case(caseID, brand: brand, on: db)
            let identityKind: IdentityKind = kind == .whatsApp ? .whatsApp : .phone
            let last = try await db.raw("""
                SELECT contact_id, occurred_at FROM interactions WHERE case_id = \(bind: caseID.text) AND contact_point = \(bind: contactPoint.rawValue)
                AND direction = 'inbound' ORDER BY occurred_at DESC, id DESC LIMIT 1
                """).first()
            let writer = try last?.uuid("contact_id") ?? item.contactID
            guard let number = try await db.raw("""
                SELECT value FROM identities WHERE contact_id = \(bind: writer.text) AND kind = \(bind: identityKind.rawValue) ORDER BY created_at LIMIT 1
                """).first()?.string("value") else {
                throw StoreError.invalid(field: "contactPoint", reason: "the contact has no \(identityKind == .whatsApp ? "WhatsApp" : "phone") number to write to")
            }
            if try await db.raw("""
                SELECT keyword FROM opt_outs WHERE brand_id = \(bind: brand.text) AND contact_point = \(bind: contactPoint.rawValue) AND address = \(bind: number)
                """).first() != nil {
                throw StoreError.conflict("\(number) opted out of \(kind == .whatsApp ? "WhatsApp" : "SMS") messages; answer on another contact point")
            }
            if let use {
                let template = try use.resolve(in: integration.templates)
                let text = try template.render(use.parameters)
                return (TextRoute(integration: integration, recipient: number,
                                  template: TemplateUse(name: template.name, language: template.language, parameters: use.parameters)), text)
            }
            if kind == .whatsApp {
                let lastInbound = try last.map { Convert.date(try $0.int("occurred_at")) }
                guard let lastInbound, now.timeIntervalSince(lastInbound) <= Store.whatsAppCareWindow else {
                    let offer = integration.templates.isEmpty ? "answer on another contact point" : "send one of its approved templates"
                    throw StoreError.conflict("the customer last wrote on WhatsApp more than 24 hours ago; WhatsApp allows only an approved template now — \(offer)")
                }
            }
            return (TextRoute(integration: integration, recipient: number), nil)
        }
    }

    static func queueText(_ interaction: Interaction, route: TextRoute, id: UUID, at now: Date, on db: any SQLDatabase) async throws {
        try await db.raw("""
            INSERT INTO text_outbox (id, brand_id, integration_id, case_id, interaction_id, recipient, body, template, state, attempts, next_attempt_at, created_at, updated_at)
            VALUES (\(bind: id.text), \(bind: interaction.brandID.text), \(bind: route.integration.id), \(bind: interaction.caseID?.text), \(bind: interaction.id.text),
            \(bind: route.recipient), \(bind: interaction.text), \(bind: route.template.map(Convert.json)), 'pending', 0, \(bind: Convert.ms(now)), \(bind: Convert.ms(now)),
            \(bind: Convert.ms(now)))
            """).run()
    }

    /// Takes up to `limit` due text messages (see `claimDue`).
    public func claimTextOutbox(limit: Int) async throws -> [TextOutboxItem] {
        let environment = self.environment
        let dialect = self.dialect
        return try await database.write { db in
            try await Store.claimDue("text_outbox", limit: limit, now: environment.now(), dialect: dialect, on: db).map { row in
                var item = try Store.textOutboxItem(from: row)
                item.state = .sending
                item.attempts += 1
                return item
            }
        }
    }

    /// The provider took the message: its id goes on the interaction, where delivery reports find it.
    public func textSent(_ item: TextOutboxItem, providerMessageID: String) async throws {
        let now = Convert.ms(environment.now())
        try await database.write { db in
            try await db.raw("""
                UPDATE text_outbox SET state = 'sent', sent_at = \(bind: now), updated_at = \(bind: now), provider_message_id = \(bind: providerMessageID), last_error = NULL
                WHERE id = \(bind: item.id.text)
                """).run()
            if let interaction = item.interactionID,
               let row = try await db.raw("SELECT metadata FROM interactions WHERE id = \(bind: interaction.text)").first() {
                var metadata = Convert.stringMap(try row.string("metadata"))
                metadata["delivery"] = TextDeliveryStatus.sent.rawValue
                try await db.raw("""
                    UPDATE interactions SET provider_message_id = \(bind: providerMessageID), metadata = \(bind: Convert.json(metadata)) WHERE id = \(bind: interaction.text)
                    """).run()
            }
        }
    }

    /// A failed attempt: retried with the outbox's backoff unless permanent or out of attempts.
    public func textFailed(_ item: TextOutboxItem, error: String, permanent: Bool) async throws {
        let environment = self.environment
        try await database.write { db in
            let now = environment.now()
            if try await Store.failOrRetry("text_outbox", id: item.id, attempts: item.attempts, error: error, permanent: permanent, now: now, on: db) {
                let owner = try await item.caseID.asyncMap { try await Store.case($0, brand: item.brandID, on: db) }
                try await Store.insert(events: [DomainEvent(id: environment.newID(), brandID: item.brandID, type: .messageFailed, actor: .system,
                                                            accountID: owner?.accountID, contactID: owner?.contactID, caseID: item.caseID,
                                                            payload: ["to": .string(item.recipient), "error": .string(Store.clip(error, bytes: 500))],
                                                            occurredAt: now)], on: db)
            }
        }
    }

    public func textOutbox(brand: BrandID) async throws -> [TextOutboxItem] {
        try await database.read { db in
            try await db.raw("SELECT * FROM text_outbox WHERE brand_id = \(bind: brand.text) ORDER BY created_at DESC, id DESC LIMIT 200").all().map(Store.textOutboxItem(from:))
        }
    }

    static func textOutboxItem(from row: any SQLRow) throws -> TextOutboxItem {
        TextOutboxItem(id: try row.uuid("id"), brandID: try row.uuid("brand_id"), integrationID: try row.string("integration_id"),
                       caseID: try row.optionalUUID("case_id"), interactionID: try row.optionalUUID("interaction_id"), recipient: try row.string("recipient"),
                       body: try row.string("body"), state: try row.wire("state", as: OutboxState.self), attempts: try row.int("attempts"),
                       lastError: try row.optionalString("last_error"), providerMessageID: try row.optionalString("provider_message_id"),
                       template: try row.optionalString("template").map { try Convert.decoder.decode(TemplateUse.self, from: Data($0.utf8)) })
    }
}
