import Foundation
import SQLKit
import TouchpointCore

/// Where an outbound message is on its way out.
public enum OutboxState: String, WireEnum {
    /// Waiting for its (next) attempt.
    case pending
    /// Taken by a delivery worker; one that crashed mid-send is retried after a while.
    case sending
    case sent
    /// Given up: a permanent refusal, or too many attempts.
    case failed
}

/// An outbound email as the outbox keeps it: the message without its attachment bytes,
/// which stay in `attachments` under their hash.
public struct OutboxMessage: Codable, Equatable, Sendable {
    public var mail: OutboundMail
    public var attachments: [AttachmentRef]
}

/// One entry of the outbox.
public struct OutboxItem: Equatable, Sendable {
    public var id: UUID
    public var brandID: BrandID
    public var caseID: CaseID?
    public var interactionID: InteractionID?
    public var recipient: String
    public var message: OutboxMessage
    public var state: OutboxState
    public var attempts: Int
    public var nextAttemptAt: Date
    public var lastError: String?
    public var createdAt: Date
    public var sentAt: Date?
}

extension Store {
    /// Attempts before the outbox gives up on a temporarily failing message (with the
    /// backoff below that is about a day).
    public static let maxDeliveryAttempts = 10

    /// Wait before attempt `attempts + 1`: 30 s, 1 min, 2 min, … capped at 4 hours.
    static func backoff(after attempts: Int) -> TimeInterval {
        min(30 * pow(2, Double(max(attempts - 1, 0))), 4 * 3600)
    }

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
        try await db.raw("""
            INSERT INTO outbox (id, brand_id, case_id, interaction_id, contact_point, recipient, message, state, attempts, next_attempt_at, created_at, updated_at)
            VALUES (\(bind: id.text), \(bind: brand.text), \(bind: caseID?.text), \(bind: interactionID?.text), 'email',
            \(bind: recipient), \(bind: Convert.json(message)), 'pending', 0, \(bind: Convert.ms(now)), \(bind: Convert.ms(now)), \(bind: Convert.ms(now)))
            """).run()
    }

    /// Takes up to `limit` messages that are due (and ones a crashed worker left in
    /// `sending` for more than ten minutes) for a delivery attempt.
    public func claimOutbox(limit: Int) async throws -> [OutboxItem] {
        let environment = self.environment
        let dialect = self.dialect
        return try await database.write { db in
            try await Store.claimDue("outbox", limit: limit, now: environment.now(), dialect: dialect, on: db).map { row in
                var item = try Store.outboxItem(from: row)
                item.state = .sending
                item.attempts += 1
                return item
            }
        }
    }

    /// Takes the due rows of an outbox table (the email or the text outbox), and ones a
    /// crashed worker left `sending` for ten minutes, marking them sending with one attempt
    /// more. Returns the rows as they were read.
    static func claimDue(_ table: String, limit: Int, now date: Date, dialect: SQLDialectKind, on db: any SQLDatabase) async throws -> [any SQLRow] {
        let now = Convert.ms(date)
        let lock = dialect == .postgres ? " FOR UPDATE SKIP LOCKED" : ""
        let rows = try await db.raw("""
            SELECT * FROM \(unsafeRaw: table) WHERE state IN ('pending', 'sending') AND next_attempt_at <= \(bind: now)
            AND (state = 'pending' OR updated_at < \(bind: now - 600_000)) ORDER BY next_attempt_at, id LIMIT \(bind: limit)\(unsafeRaw: lock)
            """).all()
        for row in rows {
            try await db.raw("""
                UPDATE \(unsafeRaw: table) SET state = 'sending', attempts = attempts + 1, updated_at = \(bind: now) WHERE id = \(bind: try row.string("id"))
                """).run()
        }
        return rows
    }

    /// After a failed attempt: `failed` when the refusal is permanent or the attempts are
    /// used up (returns true), else pending again after the backoff.
    static func failOrRetry(_ table: String, id: UUID, attempts: Int, error: String, permanent: Bool, now: Date, on db: any SQLDatabase) async throws -> Bool {
        if permanent || attempts >= Store.maxDeliveryAttempts {
            try await db.raw("""
                UPDATE \(unsafeRaw: table) SET state = 'failed', last_error = \(bind: Store.clip(error, bytes: 1000)), updated_at = \(bind: Convert.ms(now))
                WHERE id = \(bind: id.text)
                """).run()
            return true
        }
        let next = now.addingTimeInterval(Store.backoff(after: attempts))
        try await db.raw("""
            UPDATE \(unsafeRaw: table) SET state = 'pending', last_error = \(bind: Store.clip(error, bytes: 1000)), next_attempt_at = \(bind: Convert.ms(next)),
            updated_at = \(bind: Convert.ms(now)) WHERE id = \(bind: id.text)
            """).run()
        return false
    }

    /// When the worker should look again: the next due time, if anything waits.
    public func nextOutboxAttempt() async throws -> Date? {
        try await database.read { db in
            try await db.raw("SELECT MIN(next_attempt_at) AS next FROM outbox WHERE state IN ('pending', 'sending')").first()
                .flatMap { try $0.decode(column: "next", as: Int?.self) }.map(Convert.date)
        }
    }

    /// Records a delivery: the smarthost's reply lands on the case's timeline.
    public func outboxSent(_ item: OutboxItem, reply: String) async throws {
        let environment = self.environment
        try await database.write { db in
            let now = environment.now()
            try await db.raw("""
                UPDATE outbox SET state = 'sent', sent_at = \(bind: Convert.ms(now)), updated_at = \(bind: Convert.ms(now)), last_error = NULL
                WHERE id = \(bind: item.id.text)
                """).run()
            try await Store.insert(events: [try await Store.deliveryEvent(.mailSent, item, detail: reply, environment: environment, at: now, on: db)], on: db)
        }
    }

    /// Records a failed attempt: retried later with backoff when `permanent` is false and
    /// attempts remain; otherwise the message has failed, and a permanent refusal marks
    /// the address as failing.
    public func outboxFailed(_ item: OutboxItem, error: String, permanent: Bool) async throws {
        let environment = self.environment
        try await database.write { db in
            let now = environment.now()
            if try await Store.failOrRetry("outbox", id: item.id, attempts: item.attempts, error: error, permanent: permanent, now: now, on: db) {
                if permanent {
                    try await db.raw("""
                        UPDATE identities SET failing_since = COALESCE(failing_since, \(bind: Convert.ms(now))), failure = \(bind: Store.clip(error, bytes: 500))
                        WHERE brand_id = \(bind: item.brandID.text) AND kind = 'email' AND value = \(bind: item.recipient)
                        """).run()
                }
                try await Store.insert(events: [try await Store.deliveryEvent(.mailFailed, item, detail: error, environment: environment, at: now, on: db)], on: db)
            }
        }
    }

    static func deliveryEvent(_ type: EventType, _ item: OutboxItem, detail: String, environment: TouchpointCore.Environment, at now: Date,
                              on db: any SQLDatabase) async throws -> DomainEvent {
        var contact: ContactID?, account: AccountID?
        if let caseID = item.caseID, let row = try await db.raw("SELECT contact_id, account_id FROM cases WHERE id = \(bind: caseID.text)").first() {
            contact = try row.uuid("contact_id")
            account = try row.optionalUUID("account_id")
        }
        let payload: [String: JSONValue] = [
            "outboxId": .string(item.id.text), "to": .string(item.recipient), "messageId": .string(item.message.mail.messageID),
            "interactionId": .optionalString(item.interactionID?.text), "attempts": .int(item.attempts),
            (type == .mailSent ? "reply" : "error"): .string(clip(detail, bytes: 500)),
        ]
        return DomainEvent(id: environment.newID(), brandID: item.brandID, type: type, actor: .system, accountID: account, contactID: contact,
                           caseID: item.caseID, payload: payload, occurredAt: now)
    }

    // MARK: - Operators

    /// The outbox of a brand in one state, newest first.
    public func outbox(brand: BrandID, state: OutboxState?, limit: Int, cursor: Cursor?) async throws -> Page<OutboxItem> {
        try await statePage(table: "outbox", columns: "*", timeColumn: "created_at", brand: brand, state: state?.rawValue, limit: limit, cursor: cursor,
                            read: Store.outboxItem(from:)) { Cursor(time: Convert.ms($0.createdAt), id: $0.id.text) }
    }

    /// One page of a brand's rows of a table with a `state`, newest first by `timeColumn`.
    func statePage<Item: Sendable>(table: String, columns: String, timeColumn: String, brand: BrandID, state: String?, limit: Int, cursor: Cursor?,
                                   read: @escaping @Sendable (any SQLRow) throws -> Item,
                                   position: @escaping @Sendable (Item) -> Cursor) async throws -> Page<Item> {
        try await database.read { db in
            var query = SQLQueryString("SELECT \(unsafeRaw: columns) FROM \(unsafeRaw: table) WHERE brand_id = \(bind: brand.text)")
            if let state { query.appendLiteral(" AND state = "); query.appendInterpolation(bind: state) }
            Store.appendCursor(&query, cursor, timeColumn: timeColumn, descending: true)
            query.appendLiteral(" ORDER BY \(timeColumn) DESC, id DESC LIMIT ")
            query.appendInterpolation(bind: limit + 1)
            return Page(fetched: try await db.raw(query).all().map(read), limit: limit, position: position)
        }
    }

    /// Sends a failed message again, now.
    public func retryOutbox(_ id: UUID, brand: BrandID) async throws -> OutboxItem {
        let environment = self.environment
        return try await database.write { db in
            guard let row = try await db.raw("SELECT * FROM outbox WHERE id = \(bind: id.text) AND brand_id = \(bind: brand.text)").first() else {
                throw StoreError.notFound("outbox message \(id.text)")
            }
            var item = try Store.outboxItem(from: row)
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
        guard let message = Convert.decode(OutboxMessage.self, try row.string("message")) else {
            throw StoreError.unavailable("an outbox message is unreadable")
        }
        return OutboxItem(
            id: try row.uuid("id"), brandID: try row.uuid("brand_id"), caseID: try row.optionalUUID("case_id"),
            interactionID: try row.optionalUUID("interaction_id"), recipient: try row.string("recipient"), message: message,
            state: try row.wire("state", as: OutboxState.self), attempts: try row.int("attempts"), nextAttemptAt: try row.date("next_attempt_at"),
            lastError: try row.optionalString("last_error"), createdAt: try row.date("created_at"),
            sentAt: try row.decode(column: "sent_at", as: Int?.self).map(Convert.date))
    }
}
