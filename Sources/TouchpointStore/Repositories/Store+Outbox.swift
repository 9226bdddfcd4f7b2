import Foundation
import SQLKit
import TouchpointCore

extension Store {
    /// Where a reply on a case goes: out of the mailbox the customer last wrote to (else the
    /// brand's first), to the address they wrote from. Read before the reply's transaction,
    /// so the writer does not look it up.
    func replyRoute(caseID: CaseID, brand: BrandID) async throws -> (mailbox: Mailbox, lastSender: String?)? {
        try await database.read { db in
            let last = try await db.raw("""
                SELECT metadata FROM interactions WHERE case_id = \(bind: caseID.text) AND contact_point = 'email' AND direction = 'inbound'
                ORDER BY occurred_at DESC, id DESC LIMIT 1
                """).first().map { Convert.stringMap(try $0.string("metadata")) }
            if let address = last?["mailbox"],
               let row = try await db.raw("SELECT * FROM mailboxes WHERE address = \(bind: address) AND brand_id = \(bind: brand.text)").first() {
                return (try Store.mailbox(from: row), last?["from"])
            }
            let first = try await db.raw("SELECT * FROM mailboxes WHERE brand_id = \(bind: brand.text) ORDER BY created_at, address LIMIT 1").first()
            return try first.map { (try Store.mailbox(from: $0), last?["from"]) }
        }
    }

    /// Puts the email for an outbound interaction into the outbox, in the caller's
    /// transaction: to `lastSender`, the address the customer last wrote from (else their
    /// first email identity), threaded under the case's earlier mail, subject tagged with the case.
    static func queueEmail(for item: Case, interaction: Interaction, brand: Brand, mailbox: Mailbox, lastSender: String?, automatic: Bool,
                           environment: TouchpointCore.Environment, at now: Date, on db: any SQLDatabase) async throws {
        var recipient = lastSender
        if recipient == nil {
            recipient = try await db.raw("""
                SELECT value FROM identities WHERE contact_id = \(bind: item.contactID.text) AND kind = 'email' ORDER BY created_at LIMIT 1
                """).first().map { try $0.string("value") }
        }
        guard let recipient else {
            throw StoreError.invalid(field: "contactPoint", reason: "the contact has no email address to write to")
        }
        let name = try await db.raw("SELECT name FROM contacts WHERE id = \(bind: item.contactID.text)").first().map { try $0.optionalString("name") } ?? nil
        let earlier = try await db.raw("""
            SELECT provider_message_id, direction, metadata FROM interactions WHERE case_id = \(bind: item.id.text) AND contact_point = 'email'
            AND provider_message_id IS NOT NULL AND id <> \(bind: interaction.id.text) ORDER BY occurred_at DESC, id DESC LIMIT 20
            """).all()
        let ids = try earlier.map { try $0.string("provider_message_id") }
        let lastInboundRow = try earlier.first { try $0.string("direction") == Direction.inbound.rawValue }
        let lastInbound = try lastInboundRow.map { try $0.string("provider_message_id") }
        let tag = "[\(brand.casePrefix) #\(item.number)]"
        // A reply goes to all: the others the customer's last mail was addressed to, but
        // never our own mailboxes (an acknowledgement goes to the sender alone).
        var copies: [MailAddress] = []
        if !automatic, let metadata = try lastInboundRow.map({ Convert.stringMap(try $0.string("metadata")) }), metadata["to"] != nil || metadata["cc"] != nil {
            let ours = Set(try await db.raw("SELECT address FROM mailboxes WHERE brand_id = \(bind: item.brandID.text)").all().map { try $0.string("address").lowercased() })
            var seen: Set<String> = ours.union([recipient.lowercased()])
            for address in [metadata["to"], metadata["cc"]].compactMap({ $0 }).flatMap({ $0.split(separator: ",") }) {
                let clean = address.trimmedWhitespace.lowercased()
                guard clean.contains("@"), seen.insert(clean).inserted, copies.count < 10 else { continue }
                copies.append(MailAddress(name: nil, address: clean))
            }
        }
        let mail = OutboundMail(
            from: MailAddress(name: brand.name, address: mailbox.address), to: [MailAddress(name: name, address: recipient)],
            subject: item.subject.contains(tag) ? "Re: \(item.subject)" : "Re: \(item.subject) \(tag)",
            messageID: interaction.providerMessageID ?? "", inReplyTo: lastInbound ?? ids.first, references: ids.reversed(),
            date: now, text: interaction.text, html: interaction.html, automatic: automatic, cc: copies, loopMarker: mailbox.address)
        try await insertOutbox(OutboxMessage(mail: mail, attachments: interaction.attachments), recipient: recipient, brand: item.brandID,
                               caseID: item.id, interactionID: interaction.id, id: environment.newID(), at: now, on: db)
    }

    /// Queues one email; case and interaction are nil for mail about no case (a sign-in link).
    static func insertOutbox(_ message: OutboxMessage, recipient: String, brand: BrandID, caseID: CaseID?, interactionID: InteractionID?,
                             id: UUID, at now: Date, on db: any SQLDatabase) async throws {
        try await insertOutbox(contactPoint: .email, message: Convert.json(message), recipient: recipient, brand: brand, caseID: caseID,
                               interactionID: interactionID, integrationID: nil, id: id, at: now, on: db)
    }

    /// Queues one SMS or WhatsApp message through `integration`.
    static func insertTextOutbox(_ text: TextContent, recipient: String, integration: Integration, caseID: CaseID?, interactionID: InteractionID?,
                                 id: UUID, at now: Date, on db: any SQLDatabase) async throws {
        try await insertOutbox(contactPoint: integration.kind.contactPoint, message: Convert.json(text), recipient: recipient, brand: integration.brandID,
                               caseID: caseID, interactionID: interactionID, integrationID: integration.id, id: id, at: now, on: db)
    }

    private static func insertOutbox(contactPoint: ContactPoint, message: String, recipient: String, brand: BrandID, caseID: CaseID?,
                                     interactionID: InteractionID?, integrationID: String?, id: UUID, at now: Date, on db: any SQLDatabase) async throws {
        try await db.raw("""
            INSERT INTO outbox (id, brand_id, case_id, interaction_id, contact_point, integration_id, recipient, message, state, attempts, next_attempt_at,
                                created_at, updated_at)
            VALUES (\(bind: id.text), \(bind: brand.text), \(bind: caseID?.text), \(bind: interactionID?.text), \(bind: contactPoint.rawValue),
            \(bind: integrationID), \(bind: recipient), \(bind: message), 'pending', 0, \(bind: Convert.ms(now)), \(bind: Convert.ms(now)), \(bind: Convert.ms(now)))
            """).run()
    }

    /// Takes up to `limit` messages on `contactPoints` that are due (and ones a crashed
    /// worker left `sending` for more than ten minutes), marking them sending with one
    /// attempt more.
    public func claimOutbox(limit: Int, contactPoints: Set<ContactPoint>) async throws -> [OutboxItem] {
        guard !contactPoints.isEmpty else { return [] }
        let environment = self.environment
        let lock = dialect == .postgres ? " FOR UPDATE SKIP LOCKED" : ""
        return try await database.write { db in
            let now = Convert.ms(environment.now())
            var query = SQLQueryString("SELECT * FROM outbox WHERE ")
            query.appendInterpolation(Store.inList("contact_point", contactPoints.map(\.rawValue).sorted()))
            query.appendLiteral(" AND state IN ('pending', 'sending') AND next_attempt_at <= ")
            query.appendInterpolation(bind: now)
            query.appendLiteral(" AND (state = 'pending' OR updated_at < ")
            query.appendInterpolation(bind: now - 600_000)
            query.appendLiteral(") ORDER BY next_attempt_at, id LIMIT ")
            query.appendInterpolation(bind: limit)
            query.appendLiteral(lock)
            var claimed: [OutboxItem] = []
            for row in try await db.raw(query).all() {
                var item = try Store.outboxItem(from: row)
                try await db.raw("UPDATE outbox SET state = 'sending', attempts = attempts + 1, updated_at = \(bind: now) WHERE id = \(bind: item.id.text)").run()
                item.state = .sending
                item.attempts += 1
                claimed.append(item)
            }
            return claimed
        }
    }

    /// When the worker should look again: the next due time of a message on `contactPoints`.
    public func nextOutboxAttempt(contactPoints: Set<ContactPoint>) async throws -> Date? {
        guard !contactPoints.isEmpty else { return nil }
        return try await database.read { db in
            var query = SQLQueryString("SELECT MIN(next_attempt_at) AS next FROM outbox WHERE state IN ('pending', 'sending') AND ")
            query.appendInterpolation(Store.inList("contact_point", contactPoints.map(\.rawValue).sorted()))
            return try await db.raw(query).first().flatMap { try $0.decode(column: "next", as: Int?.self) }.map(Convert.date)
        }
    }

    /// Records a delivery and its event, in one transaction: the message is sent; a text's
    /// provider id goes on its interaction, where the provider's delivery reports find it.
    public func outboxSent(_ item: OutboxItem, providerMessageID: String?, event: DomainEvent) async throws {
        let now = Convert.ms(event.occurredAt)
        try await database.write { db in
            try await db.raw("""
                UPDATE outbox SET state = 'sent', sent_at = \(bind: now), updated_at = \(bind: now), last_error = NULL,
                provider_message_id = \(bind: providerMessageID) WHERE id = \(bind: item.id.text)
                """).run()
            if item.text != nil, let providerMessageID, let interaction = item.interactionID,
                let row = try await db.raw("SELECT metadata FROM interactions WHERE id = \(bind: interaction.text)").first() {
                var metadata = Convert.stringMap(try row.string("metadata"))
                metadata["delivery"] = TextDeliveryStatus.sent.rawValue
                try await db.raw("""
                    UPDATE interactions SET provider_message_id = \(bind: providerMessageID), metadata = \(bind: Convert.json(metadata))
                    WHERE id = \(bind: interaction.text)
                    """).run()
            }
            try await Store.insert(events: [event], on: db)
        }
    }

    /// A failed attempt that will be tried again at `next`.
    public func outboxDeferred(_ item: OutboxItem, error: String, next: Date, at now: Date) async throws {
        try await database.write { db in
            try await db.raw("""
                UPDATE outbox SET state = 'pending', last_error = \(bind: Store.clip(error, bytes: 1000)), next_attempt_at = \(bind: Convert.ms(next)),
                updated_at = \(bind: Convert.ms(now)) WHERE id = \(bind: item.id.text)
                """).run()
        }
    }

    /// The message becomes a dead letter, with its event; with `addressFailing` the
    /// recipient's identity is marked as failing (a permanent refusal of the address).
    public func outboxDead(_ item: OutboxItem, error: String, addressFailing: IdentityKind?, event: DomainEvent) async throws {
        let now = Convert.ms(event.occurredAt)
        try await database.write { db in
            try await db.raw("""
                UPDATE outbox SET state = 'failed', last_error = \(bind: Store.clip(error, bytes: 1000)), updated_at = \(bind: now) WHERE id = \(bind: item.id.text)
                """).run()
            if let kind = addressFailing {
                try await db.raw("""
                    UPDATE identities SET failing_since = COALESCE(failing_since, \(bind: now)), failure = \(bind: Store.clip(error, bytes: 500))
                    WHERE brand_id = \(bind: item.brandID.text) AND kind = \(bind: kind.rawValue) AND value = \(bind: item.recipient)
                    """).run()
            }
            try await Store.insert(events: [event], on: db)
        }
    }

    /// Who a case belongs to, for the events about its messages.
    public func caseOwner(_ caseID: CaseID) async throws -> (contact: ContactID, account: AccountID?)? {
        try await database.read { db in
            try await db.raw("SELECT contact_id, account_id FROM cases WHERE id = \(bind: caseID.text)").first().map {
                (try $0.uuid("contact_id"), try $0.optionalUUID("account_id"))
            }
        }
    }

    // MARK: - Operators

    /// The outbox of a brand (in one state, on some contact points), newest first.
    public func outbox(brand: BrandID, state: OutboxState?, contactPoints: Set<ContactPoint>? = nil, limit: Int, cursor: Cursor?) async throws
        -> Page<OutboxItem> {
        try await statePage(table: "outbox", columns: "*", timeColumn: "created_at", brand: brand, state: state?.rawValue,
                            filter: contactPoints.map { Store.inList("contact_point", $0.map(\.rawValue).sorted()) }, limit: limit, cursor: cursor,
                            read: Store.outboxItem(from:)) { Cursor(time: Convert.ms($0.createdAt), id: $0.id.text) }
    }

    /// One page of a brand's rows of a table with a `state`, newest first by `timeColumn`.
    func statePage<Item: Sendable>(table: String, columns: String, timeColumn: String, brand: BrandID, state: String?, filter: SQLQueryString? = nil,
                                   limit: Int, cursor: Cursor?,
                                   read: @escaping @Sendable (any SQLRow) throws -> Item,
                                   position: @escaping @Sendable (Item) -> Cursor) async throws -> Page<Item> {
        try await database.read { db in
            var query = SQLQueryString("SELECT \(unsafeRaw: columns) FROM \(unsafeRaw: table) WHERE brand_id = \(bind: brand.text)")
            if let state { query.appendLiteral(" AND state = "); query.appendInterpolation(bind: state) }
            if let filter { query.appendLiteral(" AND "); query.appendInterpolation(filter) }
            Store.appendCursor(&query, cursor, timeColumn: timeColumn, descending: true)
            query.appendLiteral(" ORDER BY \(timeColumn) DESC, id DESC LIMIT ")
            query.appendInterpolation(bind: limit + 1)
            return Page(fetched: try await db.raw(query).all().map(read), limit: limit, position: position)
        }
    }

    /// One message of the brand's outbox.
    public func outboxItem(_ id: UUID, brand: BrandID) async throws -> OutboxItem {
        try await database.read { db in try await Store.outboxItem(id, brand: brand, on: db) }
    }

    static func outboxItem(_ id: UUID, brand: BrandID, on db: any SQLDatabase) async throws -> OutboxItem {
        guard let row = try await db.raw("SELECT * FROM outbox WHERE id = \(bind: id.text) AND brand_id = \(bind: brand.text)").first() else {
            throw StoreError.notFound("outbox message \(id.text)")
        }
        return try Store.outboxItem(from: row)
    }

    /// Sends a failed message again, now.
    public func retryOutbox(_ id: UUID, brand: BrandID) async throws -> OutboxItem {
        let environment = self.environment
        return try await database.write { db in
            var item = try await Store.outboxItem(id, brand: brand, on: db)
            guard item.state == .failed else { throw StoreError.conflict("only failed messages can be sent again") }
            let now = environment.now()
            try await db.raw("""
                UPDATE outbox SET state = 'pending', attempts = 0, next_attempt_at = \(bind: Convert.ms(now)), updated_at = \(bind: Convert.ms(now))
                WHERE id = \(bind: id.text)
                """).run()
            item.state = .pending
            item.attempts = 0
            item.nextAttemptAt = now
            return item
        }
    }

    static func outboxItem(from row: any SQLRow) throws -> OutboxItem {
        let point = try row.wire("contact_point", as: ContactPoint.self)
        let message = try row.string("message")
        let content: OutboundContent? =
            point == .email ? Convert.decode(OutboxMessage.self, message).map(OutboundContent.email) : Convert.decode(TextContent.self, message).map(OutboundContent.text)
        guard let content else { throw StoreError.unavailable("an outbox message is unreadable") }
        return OutboxItem(
            id: try row.uuid("id"), brandID: try row.uuid("brand_id"), contactPoint: point, caseID: try row.optionalUUID("case_id"),
            interactionID: try row.optionalUUID("interaction_id"), recipient: try row.string("recipient"), content: content,
            integrationID: try row.optionalString("integration_id"), state: try row.wire("state", as: OutboxState.self), attempts: try row.int("attempts"),
            nextAttemptAt: try row.date("next_attempt_at"), lastError: try row.optionalString("last_error"),
            providerMessageID: try row.optionalString("provider_message_id"), createdAt: try row.date("created_at"),
            sentAt: try row.decode(column: "sent_at", as: Int?.self).map(Convert.date))
    }
}
