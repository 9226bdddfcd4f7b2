import Crypto
import Foundation
import SQLKit
import TouchpointCore

extension Store {
    /// Stores a received message durably, once per brand among its recipients, and
    /// returns the ids to process. Only after this returns may the sender hear 250.
    public func receiveMail(raw: [UInt8], envelopeFrom: String, recipients: [String]) async throws -> [UUID] {
        let addresses = recipients.map { (try? Identity.normalizeEmail($0)) ?? $0.lowercased() }
        let environment = self.environment
        return try await database.write { db in
            var byBrand: [(brand: String, recipients: [String])] = []
            for address in addresses {
                guard let row = try await db.raw("SELECT brand_id FROM mailboxes WHERE address = \(bind: address)").first() else {
                    throw StoreError.notFound("mailbox \(address)")
                }
                let brand = try row.string("brand_id")
                if let index = byBrand.firstIndex(where: { $0.brand == brand }) {
                    if !byBrand[index].recipients.contains(address) { byBrand[index].recipients.append(address) }
                } else {
                    byBrand.append((brand, [address]))
                }
            }
            let now = Convert.ms(environment.now())
            var ids: [UUID] = []
            for entry in byBrand {
                let id: UUID = environment.newID()
                try await db.raw("""
                    INSERT INTO inbound_mail (id, brand_id, mailbox, recipients, envelope_from, size, raw, received_at, state)
                    VALUES (\(bind: id.text), \(bind: entry.brand), \(bind: entry.recipients[0]), \(bind: Convert.json(entry.recipients)),
                    \(bind: envelopeFrom), \(bind: raw.count), \(bind: Data(raw)), \(bind: now), \(bind: InboundMailState.received.rawValue))
                    """).run()
                ids.append(id)
            }
            return ids
        }
    }

    /// Received messages not processed yet, oldest first (after a restart, or a failure),
    /// with their envelope sender; `receivedBefore` leaves out what just arrived.
    /// `after` continues a listing after the last item of the previous page.
    public func pendingMail(limit: Int, receivedBefore: Date? = nil, after: (receivedAt: Date, id: UUID)? = nil) async throws
        -> [(id: UUID, envelopeFrom: String, receivedAt: Date)] {
        let before = Convert.ms(receivedBefore ?? .distantFuture)
        let from = after.map { Convert.ms($0.receivedAt) } ?? -1
        let fromID = after?.id.text ?? ""
        return try await database.read { db in
            try await db.raw("""
                SELECT id, envelope_from, received_at FROM inbound_mail WHERE state = 'received' AND received_at < \(bind: before)
                AND (received_at > \(bind: from) OR (received_at = \(bind: from) AND id > \(bind: fromID)))
                ORDER BY received_at, id LIMIT \(bind: limit)
                """).all().map { (try $0.uuid("id"), try $0.string("envelope_from"), try $0.date("received_at")) }
        }
    }

    /// Processes a received message: parse, filter, dedupe, resolve the sender, thread
    /// onto a case or open one. Mail that cannot become an interaction is quarantined
    /// with its reason. Processing a processed message again changes nothing. Throws only
    /// when the database fails; the message stays `received` and is tried again.
    public func processMail(_ id: UUID, limits: MailIntakeLimits = MailIntakeLimits()) async throws -> MailIntakeResult {
        let (record, raw) = try await database.read { db -> (InboundMailRecord, [UInt8]) in
            guard let row = try await db.raw("SELECT * FROM inbound_mail WHERE id = \(bind: id.text)").first() else {
                throw StoreError.notFound("inbound mail \(id.text)")
            }
            return (try Store.inboundMail(from: row), Array(try row.decode(column: "raw", as: Data.self)))
        }
        guard record.state == .received else {
            return MailIntakeResult(outcome: record.state == .processed ? .duplicate : .quarantined, caseID: record.caseID,
                                    interactionID: record.interactionID, reason: record.reason)
        }
        let brand = try await self.brand(record.brandID)
        let mailbox = try await self.mailbox(address: record.mailbox)
        let mail: InboundMail
        do {
            mail = try InboundMail(parsing: raw, envelopeSender: record.envelopeFrom, casePrefix: brand.casePrefix,
                                   loopMarker: record.mailbox)
        } catch {
            return try await quarantine(record, reason: error.reason, mail: nil)
        }
        // Our own mail coming back: an X-Loop we set, or a Message-ID we signed.
        var loop = mail.classification.loop
        if let messageID = mail.messageID, try await caseNumber(fromMessageID: messageID, brand: brand.id) != nil { loop = true }
        if loop { return try await quarantine(record, reason: "mail loop: our own message came back (\(mail.classification.reasons.joined(separator: "; ")))", mail: mail) }

        // Without a Message-ID the bytes identify the message, so a redelivery still dedupes.
        let messageID = mail.messageID ?? "sha256." + SHA256.hash(data: raw).prefix(16).map { String(format: "%02x", $0) }.joined() + "@touchpoint.invalid"
        if let existing = try await database.read({ db in try await Store.interaction(providerID: messageID, contactPoint: .email, brand: brand.id, on: db) }) {
            let result = MailIntakeResult(outcome: .duplicate, caseID: existing.caseID, interactionID: existing.id, reason: "Message-ID seen before")
            try await finish(record, result: result, mail: mail, messageID: messageID)
            return result
        }

        var classification = mail.classification
        let since = Convert.ms(environment.now()) - 3_600_000
        let recent = try await database.read { db in
            try await db.raw("""
                SELECT COUNT(*) AS n FROM inbound_mail WHERE brand_id = \(bind: brand.id.text) AND sender = \(bind: mail.from.address)
                AND received_at >= \(bind: since) AND id <> \(bind: id.text)
                """).first()?.int("n") ?? 0
        }
        if recent >= limits.senderHourlyQuarantine {
            return try await quarantine(record, reason: "\(mail.from.address) sent \(recent) messages in the last hour: a mail loop or a flood", mail: mail)
        }
        if recent >= limits.senderHourlyAutomatic {
            classification.automatic = true
            classification.reasons.append("\(recent) messages from this sender in the last hour")
        }

        if let report = mail.deliveryStatus {
            let result = try await bounce(report, record: record, brand: brand.id)
            try await finish(record, result: result, mail: mail, messageID: messageID)
            return result
        }

        // A staff member forwarding a customer's mail opens the case for the customer.
        var sender = mail.from
        var forwardedBy: String?
        if mailbox?.forwardsOpenForSender == true, let original = mail.forwardedFrom,
           try await isStaff(email: mail.from.address, brand: brand.id) {
            forwardedBy = mail.from.address
            sender = original
        }
        let identity: Identity
        do {
            identity = try Identity(kind: .email, raw: sender.address, field: "from")
        } catch {
            return try await quarantine(record, reason: "the sender address \(sender.address) is not valid: \(error.reason)", mail: mail)
        }

        var metadata: [String: String] = ["mailbox": record.mailbox, "from": sender.address, "messageId": messageID, "inboundMailId": id.text]
        if !mail.to.isEmpty { metadata["to"] = mail.to.map(\.address).joined(separator: ", ") }
        if !mail.cc.isEmpty { metadata["cc"] = mail.cc.map(\.address).joined(separator: ", ") }
        if let forwardedBy { metadata["forwardedBy"] = forwardedBy }
        if classification.automatic { metadata["automatic"] = classification.reasons.joined(separator: "; ") }
        if !mail.defects.isEmpty { metadata["defects"] = mail.defects.prefix(10).joined(separator: "; ") }
        // What the sender wrote without the quoted history, for the timeline (the text keeps all).
        if let fresh = mail.freshText, fresh.utf8.count <= 4000 { metadata["fresh"] = fresh }
        metadata = metadata.mapValues { Store.clip($0, bytes: 4000) }
        let text = mail.text.isBlank
            ? (mail.attachments.isEmpty ? "(empty message)" : "(attachments only)") : mail.text
        let subject = Store.clip(mail.threading.subject.split(whereSeparator: \.isNewline).joined(separator: " "), bytes: 900)
        let environment = self.environment
        let attachments: [AttachmentRef] = mail.attachments.isEmpty ? [] : try await database.write { db -> [AttachmentRef] in
            var refs: [AttachmentRef] = []
            for attachment in mail.attachments {
                refs.append(try await Store.storeAttachment(name: attachment.name, contentType: attachment.contentType, data: attachment.data,
                                                            brand: brand.id, at: environment.now(), on: db))
            }
            return refs
        }

        // The message is marked processed in the transaction that writes its interaction.
        let reason = classification.automatic ? classification.reasons.joined(separator: "; ") : nil
        let markProcessed: @Sendable (Case, Interaction, any SQLDatabase) async throws -> Void = { item, interaction, db in
            try await Store.markProcessed(id, caseID: item.id, interactionID: interaction.id, reason: reason, mail: mail, messageID: messageID,
                                          at: environment.now(), on: db)
        }
        // A person gets the new case's reference; a machine never gets an answer. Written in
        // the transaction that opens the case, which is the one that knows its number.
        var acknowledgement: (mailbox: Mailbox, secret: SymmetricKey)?
        if let mailbox, mailbox.acknowledges, !classification.automatic, forwardedBy == nil {
            acknowledgement = (mailbox, try await mailSecret(brand: brand.id))
        }
        let acknowledge = acknowledgement
        let openedAndAcknowledged: @Sendable (Case, Interaction, any SQLDatabase) async throws -> Void = { item, interaction, db in
            try await markProcessed(item, interaction, db)
            if let acknowledge {
                try await self.writeAcknowledgement(of: item, brand: brand, mailbox: acknowledge.mailbox, to: identity.value, secret: acknowledge.secret, on: db)
            }
        }
        do {
            let target = forwardedBy == nil ? try await threadTarget(mail, sender: identity, brand: brand) : nil
            let result: MailIntakeResult
            var marked = true
            if let target, target.status != .closed {
                let (updated, interaction) = try await addInteraction(
                    caseID: target.id, brand: brand.id, actor: .system,
                    request: NewInteraction(direction: .inbound, contactPoint: .email, body: text, html: mail.html, providerMessageID: messageID,
                                            metadata: metadata, occurredAt: mail.date.map { min($0, environment.now()) },
                                            attachments: attachments, from: identity, name: sender.name),
                    also: markProcessed)
                // A message id another message already wrote returns that interaction, unmarked.
                marked = interaction.metadata["inboundMailId"] == id.text
                result = MailIntakeResult(outcome: marked ? .appended : .duplicate, caseID: updated.id, caseNumber: updated.number,
                                          interactionID: interaction.id, reason: reason)
            } else {
                var request = OpenCase(
                    contactPoint: .email, from: identity, name: sender.name,
                    subject: subject.trimmingCharacters(in: .whitespaces).isEmpty ? "(no subject)" : String(subject.prefix(300)),
                    body: text, html: mail.html, teamID: mailbox?.teamID, tags: classification.automatic ? ["auto-reply"] : [],
                    providerMessageID: messageID, metadata: metadata, occurredAt: mail.date.map { min($0, environment.now()) },
                    attachments: attachments)
                // A reply to a closed case is about that case: its follow-up, not another need's.
                // An automatic reply (out of office) continues nothing either.
                request.mayContinue = target == nil && !classification.automatic
                let opened = try await openCase(brand: brand.id, actor: nil, request: request, also: openedAndAcknowledged)
                marked = !opened.duplicate
                // Mail answering a closed case opens a follow-up linked to it.
                if let target, !opened.duplicate { try await linkCases(opened.case.id, to: target.id, brand: brand.id, actor: .system) }
                result = MailIntakeResult(outcome: opened.duplicate ? .duplicate : opened.continued ? .appended : .opened, caseID: opened.case.id,
                                          caseNumber: opened.case.number,
                                          interactionID: opened.interaction.id, reason: reason)
            }
            if !marked { try await finish(record, result: result, mail: mail, messageID: messageID) }
            return result
        } catch let error as ValidationError {
            return try await quarantine(record, reason: "\(error.field): \(error.reason)", mail: mail)
        } catch StoreError.invalid(let field, let reason) {
            return try await quarantine(record, reason: "\(field): \(reason)", mail: mail)
        }
    }

    /// The acknowledgement of a new case: an automatic reply with the case's reference, in
    /// the outbox (`Auto-Submitted: auto-replied`), that changes neither status nor SLA clocks.
    func writeAcknowledgement(of item: Case, brand: Brand, mailbox: Mailbox, to address: String, secret: SymmetricKey,
                              on db: any SQLDatabase) async throws {
        let now = environment.now()
        let reference = "[\(brand.casePrefix) #\(item.number)]"
        let interaction = Interaction(
            id: environment.newID(), brandID: brand.id, contactID: item.contactID, caseID: item.id, contactPoint: .email, direction: .outbound,
            authorKind: .system, authorID: nil,
            text: CustomerMessages(try await Store.language(of: item.contactID, brand: brand, on: db)).mailAcknowledgement(reference: reference, subject: item.subject),
            providerMessageID: Store.outboundMessageID(caseNumber: item.number, brand: brand.id, domain: mailbox.domain, secret: secret),
            metadata: ["automatic": "acknowledgement"], occurredAt: now)
        try await Store.insert(interaction: interaction, now: now, on: db)
        try await Store.queueEmail(for: item, interaction: interaction, brand: brand, mailbox: mailbox, lastSender: address, automatic: true,
                                   environment: environment, at: now, on: db)
        try await Store.insert(events: events([EventDraft(type: .interactionAdded, payload: [
            "interactionId": .string(interaction.id.text), "direction": .string("outbound"), "automatic": .bool(true)])],
            brand: brand.id, actor: .system, account: item.accountID, contact: item.contactID, caseID: item.id, at: now), on: db)
    }

    /// The open case a message continues: a Message-ID it answers (ours, with a valid
    /// signature, or one of the customer's earlier messages), else a `[Prefix #N]` tag in
    /// the subject when the sender belongs to that case's contact or account. A forged
    /// tag or header from a stranger opens a new case instead.
    func threadTarget(_ mail: InboundMail, sender: Identity, brand: Brand) async throws -> Case? {
        var found: Case?
        for id in mail.threading.referencedIDs.prefix(30) {
            if let number = try await caseNumber(fromMessageID: id, brand: brand.id) {
                found = try? await self.case(number: number, brand: brand.id)
            } else if let caseID = try await database.read({ db in
                try await Store.interaction(providerID: id, contactPoint: .email, brand: brand.id, on: db)?.caseID
            }) {
                found = try? await self.case(caseID, brand: brand.id)
            }
            if found != nil { break }
        }
        if found == nil, let number = mail.threading.caseNumber, let tagged = try? await self.case(number: number, brand: brand.id) {
            let owner = try await database.read { db in try await Store.resolve(sender, brand: brand.id, on: db) }
            if let owner, owner.contact == tagged.contactID || (owner.account != nil && owner.account == tagged.accountID) {
                found = tagged
            }
        }
        // A merged case continues in the case it was merged into.
        var hops = 0
        while let current = found, let into = current.mergedInto, hops < 16 {
            found = try await self.case(into, brand: brand.id)
            hops += 1
        }
        return found
    }

    /// A delivery status report: permanently failing addresses are marked, and the report
    /// becomes an internal note on the case of the mail it bounces.
    func bounce(_ report: DeliveryStatus, record: InboundMailRecord, brand: BrandID) async throws -> MailIntakeResult {
        let environment = self.environment
        let failed = report.recipients.filter(\.permanent)
        let original = try await database.read { db -> Interaction? in
            guard let id = report.originalMessageID else { return nil }
            return try await Store.interaction(providerID: id, contactPoint: .email, brand: brand, on: db)
        }
        try await database.write { db in
            let now = environment.now()
            for recipient in failed {
                try await db.raw("""
                    UPDATE identities SET failing_since = COALESCE(failing_since, \(bind: Convert.ms(now))),
                    failure = \(bind: Store.clip("\(recipient.status) \(recipient.diagnostic ?? "")", bytes: 500))
                    WHERE brand_id = \(bind: brand.text) AND kind = 'email' AND value = \(bind: recipient.address)
                    """).run()
            }
            let payload: [String: JSONValue] = [
                "inboundMailId": .string(record.id.text), "failed": .array(failed.map { .string($0.address) }),
                "originalMessageId": .optionalString(report.originalMessageID),
            ]
            try await Store.insert(events: self.events([EventDraft(type: .mailBounced, payload: payload)], brand: brand, actor: .system,
                                                       account: nil, contact: original?.contactID, caseID: original?.caseID, at: now), on: db)
        }
        let summary = report.recipients.map { "\($0.address): \($0.action) \($0.status)\($0.diagnostic.map { " (\($0))" } ?? "")" }.joined(separator: "\n")
        guard let original, let caseID = original.caseID else {
            return MailIntakeResult(outcome: .bounce, reason: "delivery report for mail we did not send or no longer know")
        }
        let (bounced, note) = try await addInteraction(
            caseID: caseID, brand: brand, actor: .system,
            request: NewInteraction(direction: .internal, contactPoint: .email, body: "Delivery failed:\n" + (summary.isEmpty ? "(no details)" : summary),
                                    metadata: ["bounceOf": original.id.text, "inboundMailId": record.id.text]))
        return MailIntakeResult(outcome: .bounce, caseID: bounced.id, caseNumber: bounced.number, interactionID: note.id,
                                reason: failed.isEmpty ? "delivery report without a permanent failure" : nil)
    }

    func isStaff(email: String, brand: BrandID) async throws -> Bool {
        let address = email.lowercased()
        return try await database.read { db in
            try await db.raw("SELECT id FROM staff_users WHERE brand_id = \(bind: brand.text) AND LOWER(email) = \(bind: address)").first() != nil
        }
    }

    private func finish(_ record: InboundMailRecord, result: MailIntakeResult, mail: InboundMail, messageID: String) async throws {
        let now = environment.now()
        try await database.write { db in
            try await Store.markProcessed(record.id, caseID: result.caseID, interactionID: result.interactionID, reason: result.reason,
                                          mail: mail, messageID: messageID, at: now, on: db)
        }
    }

    static func markProcessed(_ id: UUID, caseID: CaseID?, interactionID: InteractionID?, reason: String?, mail: InboundMail, messageID: String,
                              at now: Date, on db: any SQLDatabase) async throws {
        try await db.raw("""
            UPDATE inbound_mail SET state = 'processed', reason = \(bind: reason), message_id = \(bind: messageID),
            sender = \(bind: mail.from.address), subject = \(bind: Store.clip(mail.subject, bytes: 900)), case_id = \(bind: caseID?.text),
            interaction_id = \(bind: interactionID?.text), attempts = attempts + 1, processed_at = \(bind: Convert.ms(now))
            WHERE id = \(bind: id.text)
            """).run()
    }

    private func quarantine(_ record: InboundMailRecord, reason: String, mail: InboundMail?) async throws -> MailIntakeResult {
        let environment = self.environment
        try await database.write { db in
            let now = environment.now()
            try await db.raw("""
                UPDATE inbound_mail SET state = 'quarantined', reason = \(bind: reason), message_id = \(bind: mail?.messageID),
                sender = \(bind: mail?.from.address), subject = \(bind: mail.map { Store.clip($0.subject, bytes: 900) }),
                attempts = attempts + 1, processed_at = \(bind: Convert.ms(now))
                WHERE id = \(bind: record.id.text)
                """).run()
            let payload: [String: JSONValue] = ["inboundMailId": .string(record.id.text), "reason": .string(reason), "mailbox": .string(record.mailbox)]
            try await Store.insert(events: self.events([EventDraft(type: .mailQuarantined, payload: payload)], brand: record.brandID, actor: .system,
                                                       account: nil, contact: nil, caseID: nil, at: now), on: db)
        }
        return MailIntakeResult(outcome: .quarantined, reason: reason)
    }

    /// Records a processing attempt that threw (the message stays `received` for the sweep);
    /// once `maxAttempts` are used up the message is quarantined with the last error instead
    /// of being tried forever. Returns whether it was quarantined.
    @discardableResult
    public func recordMailFailure(_ id: UUID, error: String, maxAttempts: Int) async throws -> Bool {
        let environment = self.environment
        return try await database.write { db in
            guard let row = try await db.raw("SELECT brand_id, state, attempts, mailbox FROM inbound_mail WHERE id = \(bind: id.text)").first(),
                  try row.string("state") == InboundMailState.received.rawValue else { return false }
            let attempts = try row.int("attempts") + 1
            guard attempts >= maxAttempts else {
                try await db.raw("UPDATE inbound_mail SET attempts = \(bind: attempts) WHERE id = \(bind: id.text)").run()
                return false
            }
            let reason = Store.clip("processing failed \(attempts) times; last: \(error)", bytes: 1000)
            let now = environment.now()
            try await db.raw("""
                UPDATE inbound_mail SET state = 'quarantined', reason = \(bind: reason), attempts = \(bind: attempts), processed_at = \(bind: Convert.ms(now))
                WHERE id = \(bind: id.text)
                """).run()
            let payload: [String: JSONValue] = ["inboundMailId": .string(id.text), "reason": .string(reason), "mailbox": .string(try row.string("mailbox"))]
            try await Store.insert(events: self.events([EventDraft(type: .mailQuarantined, payload: payload)], brand: try row.uuid("brand_id"), actor: .system,
                                                       account: nil, contact: nil, caseID: nil, at: now), on: db)
            return true
        }
    }

    // MARK: - Operators

    /// Received mail of a brand in one state, newest first.
    public func inboundMail(brand: BrandID, state: InboundMailState?, limit: Int, cursor: Cursor?) async throws -> Page<InboundMailRecord> {
        try await statePage(table: "inbound_mail", columns: Store.inboundColumns, timeColumn: "received_at", brand: brand, state: state?.rawValue,
                            limit: limit, cursor: cursor, read: Store.inboundMail(from:)) { Cursor(time: Convert.ms($0.receivedAt), id: $0.id.text) }
    }

    public func inboundMail(_ id: UUID, brand: BrandID) async throws -> InboundMailRecord {
        try await database.read { db in
            guard let row = try await db.raw("SELECT \(unsafeRaw: Store.inboundColumns) FROM inbound_mail WHERE id = \(bind: id.text) AND brand_id = \(bind: brand.text)").first() else {
                throw StoreError.notFound("inbound mail \(id.text)")
            }
            return try Store.inboundMail(from: row)
        }
    }

    /// The message exactly as it was received.
    public func rawMail(_ id: UUID, brand: BrandID) async throws -> Data {
        try await database.read { db in
            guard let row = try await db.raw("SELECT raw, state FROM inbound_mail WHERE id = \(bind: id.text) AND brand_id = \(bind: brand.text)").first() else {
                throw StoreError.notFound("inbound mail \(id.text)")
            }
            if try row.string("state") == InboundMailState.discarded.rawValue { throw StoreError.conflict("the message was discarded; its bytes are gone") }
            return try row.decode(column: "raw", as: Data.self)
        }
    }

    /// Runs a quarantined message through intake again (after a fix, or to let it through
    /// a limit); `force` skips the per-sender rate limit.
    public func rerunMail(_ id: UUID, brand: BrandID, actor: Actor, force: Bool = false) async throws -> MailIntakeResult {
        let environment = self.environment
        try await database.write { db in
            try await Store.requireQuarantined(id, brand: brand, doing: "run again", on: db)
            try await db.raw("UPDATE inbound_mail SET state = 'received', reason = NULL WHERE id = \(bind: id.text)").run()
            try await Store.insert(events: self.events([EventDraft(type: .mailRerun, payload: ["inboundMailId": .string(id.text)])], brand: brand, actor: actor,
                                                       account: nil, contact: nil, caseID: nil, at: environment.now()), on: db)
        }
        return try await processMail(id, limits: force ? MailIntakeLimits(senderHourlyAutomatic: .max, senderHourlyQuarantine: .max) : MailIntakeLimits())
    }

    /// Throws a quarantined message away: its bytes are deleted, its record stays.
    public func discardMail(_ id: UUID, brand: BrandID, actor: Actor) async throws {
        let environment = self.environment
        try await database.write { db in
            try await Store.requireQuarantined(id, brand: brand, doing: "discarded", on: db)
            try await db.raw("UPDATE inbound_mail SET state = 'discarded', raw = \(bind: Data()) WHERE id = \(bind: id.text)").run()
            try await Store.insert(events: self.events([EventDraft(type: .mailDiscarded, payload: ["inboundMailId": .string(id.text)])], brand: brand, actor: actor,
                                                       account: nil, contact: nil, caseID: nil, at: environment.now()), on: db)
        }
    }

    static func requireQuarantined(_ id: UUID, brand: BrandID, doing what: String, on db: any SQLDatabase) async throws {
        guard let row = try await db.raw("SELECT state FROM inbound_mail WHERE id = \(bind: id.text) AND brand_id = \(bind: brand.text)").first() else {
            throw StoreError.notFound("inbound mail \(id.text)")
        }
        guard try row.string("state") == InboundMailState.quarantined.rawValue else { throw StoreError.conflict("only quarantined mail can be \(what)") }
    }

    static let inboundColumns = """
        id, brand_id, mailbox, recipients, envelope_from, size, received_at, state, reason, message_id, sender, subject, case_id, interaction_id, attempts, processed_at
        """

    static func inboundMail(from row: any SQLRow) throws -> InboundMailRecord {
        InboundMailRecord(
            id: try row.uuid("id"), brandID: try row.uuid("brand_id"), mailbox: try row.string("mailbox"),
            recipients: Convert.strings(try row.string("recipients")), envelopeFrom: try row.string("envelope_from"),
            size: try row.int("size"), receivedAt: try row.date("received_at"), state: try row.wire("state", as: InboundMailState.self),
            reason: try row.optionalString("reason"), messageID: try row.optionalString("message_id"), sender: try row.optionalString("sender"),
            subject: try row.optionalString("subject"), caseID: try row.optionalUUID("case_id"), interactionID: try row.optionalUUID("interaction_id"),
            attempts: try row.int("attempts"), processedAt: try row.decode(column: "processed_at", as: Int?.self).map(Convert.date))
    }

    /// At most `bytes` UTF-8 bytes of `text`, cut at a character boundary.
    static func clip(_ text: String, bytes: Int) -> String {
        guard text.utf8.count > bytes else { return text }
        var result = ""
        for character in text {
            if result.utf8.count + String(character).utf8.count > bytes { break }
            result.append(character)
        }
        return result
    }
}

