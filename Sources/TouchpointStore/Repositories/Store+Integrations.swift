import Foundation
import SQLKit
import TouchpointCore

extension Store {
    /// Creates an integration; without a secret a random one is made. Ids are the
    /// integration's name in webhook URLs, lower-case letters, digits and dashes.
    public func createIntegration(id rawID: String, brand: BrandID, kind: IntegrationKind, name: String, secret: String? = nil,
                                  providerURL: String? = nil) async throws -> Integration {
        let id = rawID.lowercased()
        guard (3...64).contains(id.count), id.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }) else {
            throw ValidationError(field: "id", reason: "3 to 64 lower-case letters, digits and dashes")
        }
        if let url = providerURL, !(url.hasPrefix("https://") || url.hasPrefix("http://")) {
            throw ValidationError(field: "providerUrl", reason: "an http(s) URL")
        }
        let integration = Integration(id: id, brandID: brand, kind: kind, name: try Check.text(name, field: "name", max: 200),
                                      secret: secret ?? Store.randomToken(), providerURL: providerURL)
        let now = Convert.ms(environment.now())
        try await database.write { db in
            if try await db.raw("SELECT id FROM integrations WHERE id = \(bind: id)").first() != nil {
                throw StoreError.conflict("an integration '\(id)' exists")
            }
            try await db.raw("""
                INSERT INTO integrations (id, brand_id, kind, name, secret, provider_url, created_at)
                VALUES (\(bind: id), \(bind: brand.text), \(bind: kind.rawValue), \(bind: integration.name), \(bind: integration.secret),
                        \(bind: providerURL), \(bind: now))
                """).run()
        }
        return integration
    }

    /// Changes an integration's name, provider URL (`.some(nil)` removes it) or, for WhatsApp,
    /// its approved templates (the whole list).
    public func updateIntegration(_ id: String, brand: BrandID, name: String?, providerURL: String??,
                                  templates: [MessageTemplate]? = nil, optOutKeywords: [String]? = nil) async throws -> Integration {
        let keywords = try optOutKeywords.map { words in
            try words.enumerated().map { index, word in
                let clean = word.trimmingCharacters(in: .whitespaces).uppercased()
                guard (1...30).contains(clean.count), clean.allSatisfy({ $0.isLetter || $0.isNumber || $0 == " " }) else {
                    throw ValidationError(field: "optOutKeywords[\(index)]", reason: "1 to 30 letters, digits and spaces")
                }
                return clean
            }
        }
        let checked = try templates.map { list in
            try list.enumerated().map { index, template in try template.validated(field: "templates[\(index)]") }
        }
        if let checked {
            var seen = Set<String>()
            for (index, template) in checked.enumerated() where !seen.insert("\(template.name)/\(template.language)").inserted {
                throw ValidationError(field: "templates[\(index)]", reason: "\(template.name) in \(template.language) is listed twice")
            }
        }
        if let url = providerURL ?? nil, !(url.hasPrefix("https://") || url.hasPrefix("http://")) {
            throw ValidationError(field: "providerUrl", reason: "an http(s) URL")
        }
        let cleanName = try name.map { try Check.text($0, field: "name", max: 200) }
        return try await database.write { db in
            guard var integration = try await db.raw("SELECT * FROM integrations WHERE id = \(bind: id.lowercased()) AND brand_id = \(bind: brand.text)")
                .first().map(Store.integration(from:)) else { throw StoreError.notFound("integration \(id)") }
            if let cleanName { integration.name = cleanName }
            if let providerURL { integration.providerURL = providerURL }
            if let keywords {
                guard integration.kind != .cti else { throw ValidationError(field: "optOutKeywords", reason: "only SMS and WhatsApp integrations take opt-outs") }
                integration.optOutKeywords = keywords
            }
            if let checked {
                guard integration.kind == .whatsApp else { throw ValidationError(field: "templates", reason: "only WhatsApp integrations have message templates") }
                integration.templates = checked
            }
            try await db.raw("""
                UPDATE integrations SET name = \(bind: integration.name), provider_url = \(bind: integration.providerURL),
                templates = \(bind: integration.templates.isEmpty ? nil : Convert.json(integration.templates)),
                opt_out_keywords = \(bind: integration.optOutKeywords.isEmpty ? nil : Convert.json(integration.optOutKeywords)) WHERE id = \(bind: integration.id)
                """).run()
            return integration
        }
    }

    /// Gives an integration a new random secret (the old one stops working at once) and returns it.
    public func rotateIntegrationSecret(_ id: String, brand: BrandID) async throws -> Integration {
        let secret = Store.randomToken()
        return try await database.write { db in
            let rows = try await db.raw("""
                UPDATE integrations SET secret = \(bind: secret) WHERE id = \(bind: id.lowercased()) AND brand_id = \(bind: brand.text) RETURNING *
                """).all()
            guard let row = rows.first else { throw StoreError.notFound("integration \(id)") }
            return try Store.integration(from: row)
        }
    }

    /// The integration with this id, of any brand (the webhook URL names it), or nil.
    public func integration(id: String) async throws -> Integration? {
        try await database.read { db in
            try await db.raw("SELECT * FROM integrations WHERE id = \(bind: id.lowercased())").first().map(Store.integration(from:))
        }
    }

    public func integrations(brand: BrandID) async throws -> [Integration] {
        try await database.read { db in
            try await db.raw("SELECT * FROM integrations WHERE brand_id = \(bind: brand.text) ORDER BY id").all().map(Store.integration(from:))
        }
    }

    static func integration(from row: any SQLRow) throws -> Integration {
        Integration(id: try row.string("id"), brandID: try row.uuid("brand_id"), kind: try row.wire("kind", as: IntegrationKind.self),
                    name: try row.string("name"), secret: try row.string("secret"), providerURL: try row.optionalString("provider_url"),
                    templates: try row.optionalString("templates").map { try Convert.decoder.decode([MessageTemplate].self, from: Data($0.utf8)) } ?? [],
                    optOutKeywords: try row.optionalString("opt_out_keywords").map(Convert.strings) ?? [])
    }

    /// Takes a customer's SMS or WhatsApp message into their history: it joins the open case
    /// the contact has on that contact point, or opens one; STOP and its kin are recorded as
    /// opt-outs (START takes one back). The inbox envelope it came in is marked processed in
    /// the same transaction.
    public func processText(_ message: InboundText, integration: Integration, envelope: UUID) async throws -> TextIntakeResult {
        let brand = try await self.brand(integration.brandID)
        let point = integration.kind.contactPoint
        let identity = try Identity(kind: point.identityKind == .whatsApp ? .whatsApp : .phone, raw: message.from,
                                    defaultCallingCode: brand.defaultCallingCode, field: "from")
        let text = message.text.trimmedWhitespace
        let body = text.isEmpty ? "(\(message.media.count) attachment\(message.media.count == 1 ? "" : "s"))" : text
        var metadata: [String: String] = ["integration": integration.id]
        if !message.media.isEmpty { metadata["media"] = message.media.joined(separator: "\n") }
        if let to = message.to { metadata["to"] = to }
        let keyword = TextKeyword.of(text, extraOptOut: Set(integration.optOutKeywords))
        if keyword == nil, let request = QueueRequest.of(text),
           let taken = try await takeNumberByText(request, message: message, body: body, identity: identity, metadata: metadata, integration: integration,
                                                  envelope: envelope, brand: brand) {
            return taken
        }
        let environment = self.environment
        let finish: @Sendable (Case, Interaction, any SQLDatabase) async throws -> Void = { item, interaction, db in
            let now = Convert.ms(environment.now())
            switch keyword {
            case .optOut(let word):
                try await Store.recordOptOut(brand: brand.id, contactPoint: point, address: identity.value, keyword: word, contact: item.contactID,
                                             account: item.accountID, store: self, at: Convert.date(now), on: db)
            case .optIn:
                try await db.raw("""
                    DELETE FROM opt_outs WHERE brand_id = \(bind: brand.id.text) AND contact_point = \(bind: point.rawValue) AND address = \(bind: identity.value)
                    """).run()
            case nil:
                break
            }
            try await Store.markEnvelopeProcessed(envelope, caseID: item.id, interactionID: interaction.id, at: environment.now(), on: db)
        }
        // The thread: the contact's most recently active open case reached on this contact
        // point, whichever it was opened on — a case another was merged into carries the
        // merged case's contact points, and a reply sent on this contact point makes it one.
        let open = try await database.read { db -> (contact: ContactID, case: CaseID)? in
            guard let contact = try await Store.resolve(identity, brand: brand.id, on: db)?.contact else { return nil }
            return try await db.raw("""
                SELECT c.id FROM cases c WHERE c.brand_id = \(bind: brand.id.text) AND c.contact_id = \(bind: contact.text)
                AND c.status IN ('new', 'open', 'pending') AND c.merged_into IS NULL
                AND EXISTS (SELECT 1 FROM case_points p WHERE p.case_id = c.id AND p.contact_point = \(bind: point.rawValue))
                ORDER BY c.updated_at DESC, c.id DESC LIMIT 1
                """).first().map { (contact, try $0.uuid("id")) }
        }
        if let open {
            let (item, interaction) = try await addInteraction(
                caseID: open.case, brand: brand.id, actor: .contact(open.contact),
                request: NewInteraction(direction: .inbound, contactPoint: point, body: body, providerMessageID: message.messageID, metadata: metadata,
                                        occurredAt: message.receivedAt, from: identity),
                also: finish)
            return TextIntakeResult(caseID: item.id, caseNumber: item.number, interactionID: interaction.id, opened: false, keyword: keyword)
        }
        let firstLine = body.split(whereSeparator: \.isNewline).first.map(String.init) ?? body
        let subject = firstLine.count > 80 ? String(firstLine.prefix(79)) + "…" : firstLine
        let opened = try await openCase(
            brand: brand.id, actor: nil,
            request: OpenCase(contactPoint: point, from: identity, subject: subject, body: body, providerMessageID: message.messageID,
                              metadata: metadata, occurredAt: message.receivedAt),
            also: finish)
        // A first run wrote it and a crash kept the envelope from being marked: mark it now.
        if opened.duplicate { try await markEnvelopeProcessed(envelope, caseID: opened.case.id, interactionID: opened.interaction.id, note: "already in the history") }
        return TextIntakeResult(caseID: opened.case.id, caseNumber: opened.case.number, interactionID: opened.interaction.id,
                                opened: !opened.duplicate && !opened.continued, keyword: keyword)
    }

    /// Whether a customer opted out of messages on this contact point.
    public func optedOut(brand: BrandID, contactPoint: ContactPoint, address: String) async throws -> Bool {
        try await database.read { db in
            try await db.raw("""
                SELECT keyword FROM opt_outs WHERE brand_id = \(bind: brand.text) AND contact_point = \(bind: contactPoint.rawValue) AND address = \(bind: address)
                """).first() != nil
        }
    }

    /// Records a provider's delivery report on the outbound message it names; false when no
    /// message of this integration has that provider id (the report is kept all the same).
    public func recordDelivery(_ status: TextDeliveryStatus, error: String?, messageID: String, integration: Integration, envelope: UUID) async throws -> Bool {
        let point = integration.kind.contactPoint
        let environment = self.environment
        return try await database.write { db in
            guard let row = try await db.raw("""
                SELECT id, case_id, contact_id, metadata FROM interactions WHERE brand_id = \(bind: integration.brandID.text)
                AND contact_point = \(bind: point.rawValue) AND provider_message_id = \(bind: messageID) AND direction = 'outbound'
                """).first() else {
                try await Store.markEnvelopeProcessed(envelope, note: "unmatched", at: environment.now(), on: db)
                return false
            }
            var metadata = Convert.stringMap(try row.string("metadata"))
            metadata["delivery"] = status.rawValue
            if let error { metadata["deliveryError"] = String(error.prefix(500)) }
            try await db.raw("UPDATE interactions SET metadata = \(bind: Convert.json(metadata)) WHERE id = \(bind: try row.string("id"))").run()
            try await Store.markEnvelopeProcessed(envelope, caseID: try row.optionalUUID("case_id"), at: environment.now(), on: db)
            if status == .failed {
                try await Store.insert(events: [DomainEvent(id: environment.newID(), brandID: integration.brandID, type: .messageFailed, actor: .system,
                                                            accountID: nil, contactID: try row.optionalUUID("contact_id"), caseID: try row.optionalUUID("case_id"),
                                                            payload: ["contactPoint": .string(point.rawValue), "messageId": .string(messageID), "error": .optionalString(error)],
                                                            occurredAt: environment.now())], on: db)
            }
            return true
        }
    }
}
