import Foundation
import SQLKit
import TouchpointCore

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
    /// integration the reply is only recorded (as it was sent some other way), so nil. An
    /// integration without a provider URL cannot send: a person's reply is refused before it
    /// is written rather than failing in the outbox after "Reply added" (automatic answers
    /// go on to the outbox, whose failure flags the case).
    /// With a `template` (WhatsApp only) the message may go outside the care window; the
    /// returned route carries the template with its language, and `text` its filled-in words.
    func textRoute(caseID: CaseID, contactPoint: ContactPoint, brand: BrandID, template use: TemplateUse?, by actor: Actor) async throws
        -> (route: TextRoute, text: String?)? {
        if use != nil, contactPoint != .whatsApp {
            throw ValidationError(field: "template", reason: "templates are for WhatsApp messages")
        }
        let kind: IntegrationKind = contactPoint == .whatsApp ? .whatsApp : .sms
        let now = environment.now()
        return try await database.read { db in
            // One that can send comes first; among equals, the oldest.
            guard let row = try await db.raw("""
                SELECT * FROM integrations WHERE brand_id = \(bind: brand.text) AND kind = \(bind: kind.rawValue)
                ORDER BY CASE WHEN provider_url IS NULL THEN 1 ELSE 0 END, created_at, id LIMIT 1
                """).first() else {
                return nil
            }
            let integration = try Store.integration(from: row)
            guard integration.providerURL != nil || actor.kind != .staff else {
                throw StoreError.conflict("\(kind == .whatsApp ? "WhatsApp" : "SMS") cannot be sent: the integration \(integration.name) has no provider URL; "
                    + "answer on another contact point, or give it one under Integrations")
            }
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
        try await insertTextOutbox(TextContent(text: interaction.text, template: route.template), recipient: route.recipient, integration: route.integration,
                                   caseID: interaction.caseID, interactionID: interaction.id, id: id, at: now, on: db)
    }
}
