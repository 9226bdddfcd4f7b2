import Foundation
import SQLKit
import TouchpointCore

extension Store {
    /// The ids and times of the events of `types` recorded at or after `since`, oldest first:
    /// read from the index alone, so a listener can look back cheaply for late commits.
    public func eventPositions(types: Set<EventType>, since: Date, limit: Int) async throws -> [(id: UUID, at: Date)] {
        guard !types.isEmpty else { return [] }
        return try await database.read { db in
            var query = SQLQueryString("SELECT id, occurred_at FROM events WHERE ")
            query.appendInterpolation(Store.inList("type", types.map(\.rawValue).sorted()))
            query.appendLiteral(" AND occurred_at >= ")
            query.appendInterpolation(bind: Convert.ms(since))
            query.appendLiteral(" ORDER BY occurred_at, id LIMIT ")
            query.appendInterpolation(bind: limit)
            return try await db.raw(query).all().map { (try $0.uuid("id"), try $0.date("occurred_at")) }
        }
    }

    /// The events with these ids, oldest first.
    public func events(ids: [UUID]) async throws -> [DomainEvent] {
        guard !ids.isEmpty else { return [] }
        return try await database.read { db in
            var query = SQLQueryString("SELECT * FROM events WHERE ")
            query.appendInterpolation(Store.inList("id", ids.map(\.text)))
            query.appendLiteral(" ORDER BY occurred_at, id")
            return try await db.raw(query).all().map(Store.event(from:))
        }
    }

    /// How far a listener has read (nil before its first start).
    public func listenerCheckpoint(_ listener: String) async throws -> Date? {
        try await database.read { db in
            try await db.raw("SELECT position FROM listener_checkpoints WHERE listener = \(bind: listener)").first().map { try $0.date("position") }
        }
    }

    public func saveListenerCheckpoint(_ listener: String, at position: Date) async throws {
        let now = Convert.ms(environment.now())
        try await database.write { db in
            try await db.raw(
                """
                INSERT INTO listener_checkpoints (listener, position, updated_at) VALUES (\(bind: listener), \(bind: Convert.ms(position)), \(bind: now))
                ON CONFLICT (listener) DO UPDATE SET position = excluded.position, updated_at = excluded.updated_at
                """
            ).run()
        }
    }

    /// Who gets each staff notification by email, in the order asked; nil where nobody does:
    /// the staff member has email notifications off, or the brand has no mailbox to send
    /// from. Four reads for the whole batch, however many notifications it holds.
    /// With `optedIn` false, everyone asked is a target (pages go out whatever the setting).
    public func staffEmailTargets(_ asked: [(user: UserID, brand: BrandID, caseID: CaseID?)], optedIn: Bool = true) async throws -> [StaffEmailTarget?] {
        guard !asked.isEmpty else { return [] }
        return try await database.read { db in
            let brands = Array(Set(asked.map(\.brand.text))).sorted()
            var staffQuery = SQLQueryString("SELECT id, brand_id, email, name, language FROM staff_users WHERE \(unsafeRaw: optedIn ? "email_notifications = 1" : "1 = 1") AND ")
            staffQuery.appendInterpolation(Store.inList("id", Array(Set(asked.map(\.user.text))).sorted()))
            var staff: [String: any SQLRow] = [:]
            for row in try await db.raw(staffQuery).all() { staff["\(try row.string("brand_id"))/\(try row.string("id"))"] = row }
            // The first mailbox of each brand sends: rows come oldest first, the first one kept.
            var boxQuery = SQLQueryString("SELECT * FROM mailboxes WHERE ")
            boxQuery.appendInterpolation(Store.inList("brand_id", brands))
            boxQuery.appendLiteral(" ORDER BY created_at, address")
            var mailboxes: [String: Mailbox] = [:]
            for row in try await db.raw(boxQuery).all() where mailboxes[try row.string("brand_id")] == nil {
                mailboxes[try row.string("brand_id")] = try Store.mailbox(from: row)
            }
            var brandQuery = SQLQueryString("SELECT id, name, case_prefix, language FROM brands WHERE ")
            brandQuery.appendInterpolation(Store.inList("id", brands))
            var brandRows: [String: any SQLRow] = [:]
            for row in try await db.raw(brandQuery).all() { brandRows[try row.string("id")] = row }
            var cases: [String: any SQLRow] = [:]
            let caseIDs = Array(Set(asked.compactMap { $0.caseID?.text })).sorted()
            if !caseIDs.isEmpty {
                var caseQuery = SQLQueryString("SELECT id, number, subject FROM cases WHERE ")
                caseQuery.appendInterpolation(Store.inList("id", caseIDs))
                for row in try await db.raw(caseQuery).all() { cases[try row.string("id")] = row }
            }
            return try asked.map { item in
                guard let person = staff["\(item.brand.text)/\(item.user.text)"], let mailbox = mailboxes[item.brand.text],
                    let brand = brandRows[item.brand.text]
                else { return nil }
                let about = item.caseID.flatMap { cases[$0.text] }
                return StaffEmailTarget(
                    name: try person.string("name"), email: try person.string("email"), mailbox: mailbox, brandName: try brand.string("name"),
                    casePrefix: try brand.string("case_prefix"), caseNumber: try about?.int("number"), caseSubject: try about?.string("subject"),
                    language: try person.optionalString("language").flatMap(Language.init(rawValue:))
                        ?? Language(rawValue: try brand.optionalString("language") ?? "") ?? .en)
            }
        }
    }

    /// Queues emails about no case (notifications) in one transaction; each `id` names its
    /// email, so queueing the same one again changes nothing.
    public func queueEmails(_ mails: [(mail: OutboundMail, recipient: String, brand: BrandID, id: UUID)]) async throws {
        guard !mails.isEmpty else { return }
        let now = environment.now()
        try await database.write { db in
            var query = SQLQueryString("SELECT id FROM outbox WHERE ")
            query.appendInterpolation(Store.inList("id", mails.map(\.id.text)))
            let queued = Set(try await db.raw(query).all().map { try $0.string("id") })
            for item in mails where !queued.contains(item.id.text) {
                try await Store.insertOutbox(OutboxMessage(mail: item.mail, attachments: []), recipient: item.recipient, brand: item.brand, caseID: nil,
                                             interactionID: nil, id: item.id, at: now, on: db)
            }
        }
    }

    /// How each person asked is paged: their preferred contact point and phone number, and
    /// the language they read (their own, else their brand's).
    public func pagingContacts(_ users: [UserID]) async throws -> [UserID: (pageBy: PageBy, phone: String?, language: Language)] {
        guard !users.isEmpty else { return [:] }
        return try await database.read { db in
            var query = SQLQueryString("SELECT s.id, s.phone, s.page_by, COALESCE(s.language, b.language) AS language FROM staff_users s JOIN brands b ON b.id = s.brand_id WHERE ")
            query.appendInterpolation(Store.inList("s.id", Array(Set(users.map(\.text))).sorted()))
            var found: [UserID: (pageBy: PageBy, phone: String?, language: Language)] = [:]
            for row in try await db.raw(query).all() {
                found[try row.uuid("id")] = (PageBy(rawValue: try row.string("page_by")) ?? .email, try row.optionalString("phone"),
                                             Language(rawValue: try row.string("language")) ?? .en)
            }
            return found
        }
    }

    /// Queues texts to staff (pages by SMS) through each brand's SMS integration, once per
    /// `id`. Returns the ids that cannot go by SMS because the brand has no integration
    /// that sends, so the caller can send them another way.
    public func queueStaffTexts(_ texts: [(text: String, recipient: String, brand: BrandID, id: UUID)]) async throws -> [UUID] {
        guard !texts.isEmpty else { return [] }
        let now = environment.now()
        return try await database.write { db in
            var query = SQLQueryString("SELECT id FROM outbox WHERE ")
            query.appendInterpolation(Store.inList("id", texts.map(\.id.text)))
            let queued = Set(try await db.raw(query).all().map { try $0.string("id") })
            var routes: [BrandID: Integration?] = [:]
            var unsent: [UUID] = []
            for item in texts where !queued.contains(item.id.text) {
                if routes[item.brand] == nil {
                    routes[item.brand] = try await db.raw("""
                        SELECT * FROM integrations WHERE brand_id = \(bind: item.brand.text) AND kind = 'sms' AND provider_url IS NOT NULL
                        ORDER BY created_at, id LIMIT 1
                        """).first().map(Store.integration(from:))
                }
                guard let route = routes[item.brand] ?? nil else {
                    unsent.append(item.id)
                    continue
                }
                try await Store.insertTextOutbox(TextContent(text: item.text), recipient: item.recipient, integration: route, caseID: nil,
                                                 interactionID: nil, id: item.id, at: now, on: db)
            }
            return unsent
        }
    }
}
