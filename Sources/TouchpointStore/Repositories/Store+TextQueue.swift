import Foundation
import SQLKit
import TouchpointCore

extension Store {
    /// A customer takes (or gives up) a number by text message. The message is kept on their
    /// timeline (on no case: it is not a request to answer), the answer is texted back, and
    /// the ticket is texted again when a desk calls it. Nil when the brand has no walk-in
    /// location: then the message is an ordinary one.
    func takeNumberByText(_ request: QueueRequest, message: InboundText, body: String, identity: Identity, metadata: [String: String],
                          integration: Integration, envelope: UUID, brand: Brand) async throws -> TextIntakeResult? {
        let locations = try await locations(brand: brand.id)
        guard !locations.isEmpty else { return nil }
        let point = integration.kind.contactPoint
        let environment = self.environment
        let dialect = self.dialect
        let now = environment.now()
        // Stored first: whatever the answer, the message is in the history.
        let (contact, interactionID) = try await database.write { db in
            let sender = try await Store.resolveOrCreate(identity, name: nil, contactPoint: point, brand: brand.id, environment: environment,
                                                         dialect: dialect, at: now, on: db)
            let interaction = Interaction(id: environment.newID(), brandID: brand.id, contactID: sender.contact, caseID: nil, contactPoint: point,
                                          direction: .inbound, authorKind: .contact, authorID: sender.contact, text: body,
                                          providerMessageID: message.messageID, metadata: metadata, occurredAt: message.receivedAt ?? now)
            try await Store.insert(interaction: interaction, now: now, on: db)
            try await Store.insert(events: sender.events + self.events([EventDraft(type: .interactionAdded, payload: [
                "interactionId": .string(interaction.id.text), "direction": .string("inbound")])],
                brand: brand.id, actor: .contact(sender.contact), account: sender.account, contact: sender.contact, caseID: nil, at: now), on: db)
            try await Store.markEnvelopeProcessed(envelope, interactionID: interaction.id, at: now, on: db)
            return (sender.contact, interaction.id)
        }
        let reply = TextBack(integrationID: integration.id, recipient: identity.value)
        var result = TextIntakeResult(caseID: nil, caseNumber: nil, interactionID: interactionID, opened: false, keyword: nil)
        let say = CustomerMessages(try await database.read { db in try await Store.language(of: contact, brand: brand, on: db) })
        func answer(_ answer: CustomerMessages.QueueAnswer) async throws -> TextIntakeResult {
            try await database.write { db in
                try await self.text("\(brand.name): \(say.queue(answer))", to: reply, contact: contact, caseID: nil, point: point, at: now, on: db)
            }
            return result
        }

        if request.leave {
            var left: [String] = []
            for location in locations {
                for ticket in try await queueState(location: location.id, brand: brand.id).waiting where ticket.contactID == contact {
                    left.append(try await moveTicket(ticket.id, brand: brand.id, actor: .contact(contact), step: .cancel).label)
                }
            }
            return try await answer(left.isEmpty ? .nothingToLeave : .left(tickets: left))
        }
        // Which word is a location and which a category.
        var location: Location?
        var codes: [String] = []
        for word in request.words {
            if let named = locations.first(where: { $0.slug == word.lowercased() }) { location = named } else { codes.append(word.uppercased()) }
        }
        guard let place = location ?? (locations.count == 1 ? locations[0] : nil) else {
            return try await answer(.whichPlace(slugs: locations.map(\.slug)))
        }
        let state = try await queueState(location: place.id, brand: brand.id)
        if let held = state.tickets.first(where: { $0.contactID == contact && ($0.state == .waiting || $0.state == .called) }) {
            result.ticket = held.label
            return try await answer(.alreadyWaiting(ticket: held.label, place: place.name))
        }
        let menu = place.setup.categories.map { "\($0.code) \($0.name)" }.joined(separator: ", ")
        let code = codes.count == 1 ? codes[0] : codes.isEmpty && place.setup.categories.count == 1 ? place.setup.categories[0].code : nil
        guard let code, let category = place.setup.category(code) else {
            return try await answer(.whichService(menu: menu))
        }
        let ticket = try await takeTicket(location: place.id, brand: brand.id, category: category.code, contact: contact, identity: nil, caseID: nil,
                                          source: point.rawValue, actor: .contact(contact), textBack: reply)
        result.ticket = ticket.label
        let minutes = state.waits.first { $0.category == category.code }?.minutes
        return try await answer(.taken(ticket: ticket.label, place: place.name, service: category.name, minutes: minutes))
    }

    /// Texts a customer about their queue ticket as an outbound message on their timeline,
    /// sent through the text outbox — unless they opted out of texts.
    func text(_ body: String, to route: TextBack, contact: ContactID, caseID: CaseID?, point: ContactPoint, at now: Date, on db: any SQLDatabase) async throws {
        guard let row = try await db.raw("SELECT * FROM integrations WHERE id = \(bind: route.integrationID)").first() else { return }
        let integration = try Store.integration(from: row)
        let optedOut = try await db.raw("""
            SELECT keyword FROM opt_outs WHERE brand_id = \(bind: integration.brandID.text) AND contact_point = \(bind: point.rawValue)
            AND address = \(bind: route.recipient)
            """).first() != nil
        guard !optedOut else { return }
        let interaction = Interaction(id: environment.newID(), brandID: integration.brandID, contactID: contact, caseID: caseID, contactPoint: point,
                                      direction: .outbound, authorKind: .system, authorID: nil, text: body, metadata: ["integration": integration.id],
                                      occurredAt: now)
        try await Store.insert(interaction: interaction, now: now, on: db)
        try await Store.queueText(interaction, route: TextRoute(integration: integration, recipient: route.recipient, template: nil), id: environment.newID(),
                                  at: now, on: db)
    }

    /// A desk called a ticket taken by text: the customer gets a text saying where to go.
    func textCall(_ ticket: Ticket, location: Location, at now: Date, on db: any SQLDatabase) async throws {
        guard let contact = ticket.contactID, let desk = ticket.desk,
              let row = try await db.raw("SELECT integration_id, phone FROM queue_tickets WHERE id = \(bind: ticket.id.text)").first(),
              let integrationID = try row.optionalString("integration_id"), let phone = try row.optionalString("phone"),
              let kind = try await db.raw("SELECT kind FROM integrations WHERE id = \(bind: integrationID)").first()?.string("kind"),
              let point = IntegrationKind(rawValue: kind)?.contactPoint else { return }
        guard let brand = try await db.raw("SELECT * FROM brands WHERE id = \(bind: ticket.brandID.text)").first().map(Store.brand(from:)) else { return }
        let say = CustomerMessages(try await Store.language(of: contact, brand: brand, on: db))
        let words = say.queueCalled(brand: brand.name, ticket: ticket.label, desk: location.setup.desk(desk)?.name ?? say.desk(desk), place: location.name)
        try await text(words, to: TextBack(integrationID: integrationID, recipient: phone),
                       contact: contact, caseID: ticket.caseID, point: point, at: now, on: db)
    }
}
