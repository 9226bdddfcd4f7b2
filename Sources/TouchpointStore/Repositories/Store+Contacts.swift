import Foundation
import SQLKit
import TouchpointCore

extension Store {
    public func createContact(brand: BrandID, actor: Actor, accountID: AccountID?, name: String?, title: String?,
                              preferredContactPoint: ContactPoint?, identities: [Identity]) async throws -> Contact {
        let now = environment.now()
        let contact = Contact(id: environment.newID(), brandID: brand, accountID: accountID,
                              name: try name.map { try Check.text($0, field: "name", max: 200) },
                              title: try title.map { try Check.text($0, field: "title", max: 200) },
                              preferredContactPoint: preferredContactPoint, identities: Store.unique(identities), createdAt: now)
        let environment = self.environment
        try await database.write { db in
            if let accountID { _ = try await Store.account(accountID, brand: brand, on: db) }
            try await Store.insertContact(contact, on: db)
            for (index, identity) in contact.identities.enumerated() {
                try await Store.attach(identity, to: contact.id, brand: brand, id: environment.newID(), at: now, field: "identities[\(index)]", on: db)
            }
            var payload: [String: JSONValue] = ["identities": .array(contact.identities.map { .string("\($0.kind.rawValue):\($0.value)") })]
            if let name = contact.name { payload["name"] = .string(name) }
            try await Store.insert(events: [DomainEvent(id: environment.newID(), brandID: brand, type: .contactCreated, actor: actor,
                                                        accountID: accountID, contactID: contact.id, caseID: nil, payload: payload, occurredAt: now)], on: db)
        }
        return contact
    }

    static func unique(_ identities: [Identity]) -> [Identity] {
        var seen = Set<Identity>()
        return identities.filter { seen.insert($0).inserted }
    }

    /// Stores a new contact and what it is found by (its identities are the caller's to attach).
    static func insertContact(_ contact: Contact, on db: any SQLDatabase) async throws {
        let at = Convert.ms(contact.createdAt)
        try await indexNewContact(contact, on: db)
        // On SQLite the contact points at the index row just written.
        let searchRow: SQLQueryString = db.dialect.name == "sqlite" ? "last_insert_rowid()" : "NULL"
        try await db.raw("""
            INSERT INTO contacts (id, brand_id, account_id, name, title, preferred_contact_point, created_at, updated_at, search_row)
            VALUES (\(bind: contact.id.text), \(bind: contact.brandID.text), \(bind: contact.accountID?.text), \(bind: contact.name),
            \(bind: contact.title), \(bind: contact.preferredContactPoint?.rawValue), \(bind: at), \(bind: at), \(searchRow))
            """).run()
    }

    /// Adds an identity to a contact, refusing one that another contact of the brand holds.
    static func attach(_ identity: Identity, to contact: ContactID, brand: BrandID, id: UUID, at: Date, field: String, on db: any SQLDatabase) async throws {
        if let row = try await db.raw("""
            SELECT contact_id FROM identities WHERE brand_id = \(bind: brand.text) AND kind = \(bind: identity.kind.rawValue) AND value = \(bind: identity.value)
            """).first() {
            let owner = try row.string("contact_id")
            if owner == contact.text { return }
            throw StoreError.conflict("\(field): \(identity.kind.rawValue) \(identity.value) already belongs to contact \(owner); merge the contacts instead")
        }
        try await insertIdentity(identity, of: contact, brand: brand, id: id, at: at, on: db)
    }

    /// Inserts an identity known to be free (the unique index still guards it).
    static func insertIdentity(_ identity: Identity, of contact: ContactID, brand: BrandID, id: UUID, at: Date, on db: any SQLDatabase) async throws {
        try await db.raw("""
            INSERT INTO identities (id, brand_id, contact_id, kind, value, created_at)
            VALUES (\(bind: id.text), \(bind: brand.text), \(bind: contact.text), \(bind: identity.kind.rawValue), \(bind: identity.value), \(bind: Convert.ms(at)))
            """).run()
    }

    public func contact(_ id: ContactID, brand: BrandID) async throws -> Contact {
        try await database.read { db in try await Store.contact(id, brand: brand, on: db) }
    }

    static func contact(_ id: ContactID, brand: BrandID, on db: any SQLDatabase) async throws -> Contact {
        guard let row = try await db.raw("SELECT * FROM contacts WHERE id = \(bind: id.text) AND brand_id = \(bind: brand.text)").first() else {
            throw StoreError.notFound("contact \(id.text)")
        }
        var contact = try contact(from: row)
        contact.identities = try await db.raw("SELECT kind, value FROM identities WHERE contact_id = \(bind: id.text) ORDER BY kind, value").all().map {
            Identity(storedKind: try $0.wire("kind", as: IdentityKind.self), value: try $0.string("value"))
        }
        return contact
    }

    static func contact(from row: any SQLRow) throws -> Contact {
        Contact(id: try row.uuid("id"), brandID: try row.uuid("brand_id"), accountID: try row.optionalUUID("account_id"),
                name: try row.optionalString("name"), title: try row.optionalString("title"),
                preferredContactPoint: try row.optionalString("preferred_contact_point").flatMap(ContactPoint.init(rawValue:)),
                mergedInto: try row.optionalUUID("merged_into"), identities: [], createdAt: try row.date("created_at"))
    }

    public func updateContact(_ id: ContactID, brand: BrandID, actor: Actor, changes: ContactChanges) async throws -> Contact {
        let name = try changes.name.map { try $0.map { try Check.text($0, field: "name", max: 200) } }
        let title = try changes.title.map { try $0.map { try Check.text($0, field: "title", max: 200) } }
        let environment = self.environment
        return try await database.write { db in
            var contact = try await Store.contact(id, brand: brand, on: db)
            let now = environment.now()
            var fields: [String] = []
            if let name, name != contact.name { contact.name = name; fields.append("name") }
            if let title, title != contact.title { contact.title = title; fields.append("title") }
            if let account = changes.accountID, account != contact.accountID {
                if let account { _ = try await Store.account(account, brand: brand, on: db) }
                contact.accountID = account
                fields.append("accountId")
            }
            if let preferred = changes.preferredContactPoint, preferred != contact.preferredContactPoint {
                contact.preferredContactPoint = preferred
                fields.append("preferredContactPoint")
            }
            var drafts: [EventDraft] = []
            var identitiesChanged = false
            for identity in changes.removeIdentities where contact.identities.contains(identity) {
                try await db.raw("DELETE FROM identities WHERE contact_id = \(bind: id.text) AND kind = \(bind: identity.kind.rawValue) AND value = \(bind: identity.value)").run()
                contact.identities.removeAll { $0 == identity }
                fields.append("identities")
                identitiesChanged = true
            }
            for (index, identity) in Store.unique(changes.addIdentities).enumerated() where !contact.identities.contains(identity) {
                try await Store.attach(identity, to: id, brand: brand, id: environment.newID(), at: now, field: "addIdentities[\(index)]", on: db)
                contact.identities.append(identity)
                identitiesChanged = true
                drafts.append(EventDraft(type: .contactIdentityAdded, payload: ["kind": .string(identity.kind.rawValue), "value": .string(identity.value)]))
            }
            let scalarFields = fields.filter { $0 != "identities" }
            if !scalarFields.isEmpty || fields.contains("identities") {
                drafts.insert(EventDraft(type: .contactUpdated, payload: ["fields": .array(Array(Set(fields)).sorted().map(JSONValue.string))]), at: 0)
            }
            guard !drafts.isEmpty else { return contact }
            try await db.raw("""
                UPDATE contacts SET name = \(bind: contact.name), title = \(bind: contact.title), account_id = \(bind: contact.accountID?.text),
                preferred_contact_point = \(bind: contact.preferredContactPoint?.rawValue), updated_at = \(bind: Convert.ms(now)) WHERE id = \(bind: id.text)
                """).run()
            // The search row holds the name and the identities; nothing else in it changes.
            if fields.contains("name") || identitiesChanged {
                try await Store.reindexContact(contact, on: db)
            }
            try await Store.insert(events: self.events(drafts, brand: brand, actor: actor, account: contact.accountID,
                                                       contact: id, caseID: nil, at: now), on: db)
            return contact
        }
    }

    /// Contacts of a brand, filtered by account, by an identity (exact, normalized) or by words
    /// that start their name, email address, phone number or customer number (`searchContacts`).
    public func contacts(brand: BrandID, accountID: AccountID?, identity: Identity?, query: String?, limit: Int, cursor: Cursor?) async throws -> Page<Contact> {
        try await database.read { db in
            var sql: SQLQueryString
            if let accountID {
                // The account decides the brand; filtering on the brand too would lead SQLite
                // to walk the whole brand's contacts instead of the account's index.
                _ = try await Store.account(accountID, brand: brand, on: db)
                sql = "SELECT c.* FROM contacts c WHERE c.account_id = \(bind: accountID.text)"
            } else {
                sql = "SELECT c.* FROM contacts c WHERE c.brand_id = \(bind: brand.text)"
            }
            if let identity { sql += Store.holding(identity, brand: brand) }
            let rows: [SQLRow]
            var nextCursor: (SQLRow) throws -> Cursor = { Cursor(time: try $0.int("created_at"), id: try $0.string("id")) }
            if let query, !FullText.searchable(query).isEmpty {
                (rows, nextCursor) = try await Store.searchContacts(query, brand: brand, accountID: accountID, identity: identity,
                                                                    limit: limit, cursor: cursor, on: db)
            } else {
                Store.appendCursor(&sql, cursor, timeColumn: "created_at", descending: false, prefix: "c.")
                sql.appendLiteral(" ORDER BY c.created_at, c.id LIMIT ")
                sql.appendInterpolation(bind: limit + 1)
                rows = try await db.raw(sql).all()
            }
            var items = try rows.prefix(limit).map(Store.contact(from:))
            if !items.isEmpty {
                // One query for the identities of the whole page.
                var idsQuery = SQLQueryString("SELECT contact_id, kind, value FROM identities WHERE contact_id IN (")
                for (index, item) in items.enumerated() {
                    if index > 0 { idsQuery.appendLiteral(", ") }
                    idsQuery.appendInterpolation(bind: item.id.text)
                }
                idsQuery.appendLiteral(") ORDER BY kind, value")
                var byContact: [String: [Identity]] = [:]
                for row in try await db.raw(idsQuery).all() {
                    byContact[try row.string("contact_id"), default: []].append(
                        Identity(storedKind: try row.wire("kind", as: IdentityKind.self), value: try row.string("value")))
                }
                for index in items.indices { items[index].identities = byContact[items[index].id.text] ?? [] }
            }
            let next = rows.count > limit ? try nextCursor(rows[limit - 1]).token : nil
            return Page(items: items, nextCursor: next)
        }
    }

    /// Merges `duplicate` into `survivor`: the duplicate's history shows on the survivor's
    /// timeline and new contacts through its identities reach the survivor. Both timelines
    /// get an event. Nothing moves, so `unmergeContact` restores the two exactly.
    public func mergeContacts(survivor survivorID: ContactID, duplicate duplicateID: ContactID, brand: BrandID, actor: Actor, reason: String?) async throws -> Contact {
        let environment = self.environment
        return try await database.write { db in
            let survivor = try await Store.contact(survivorID, brand: brand, on: db)
            let duplicate = try await Store.contact(duplicateID, brand: brand, on: db)
            do { try ContactMerge.check(survivor: survivor, duplicate: duplicate) } catch let error as ContactMergeError {
                switch error {
                case .sameContact: throw StoreError.invalid(field: "duplicateId", reason: "a contact cannot be merged with itself")
                case .alreadyMerged(let into): throw StoreError.conflict("contact is already merged into \(into.text)")
                case .differentBrands, .notMerged: throw StoreError.notFound("contact")
                }
            }
            let now = environment.now()
            try await db.raw("UPDATE contacts SET merged_into = \(bind: survivorID.text), updated_at = \(bind: Convert.ms(now)) WHERE id = \(bind: duplicateID.text)").run()
            var payload: [String: JSONValue] = ["survivorId": .string(survivorID.text), "duplicateId": .string(duplicateID.text)]
            if let reason, !reason.isEmpty { payload["reason"] = .string(reason) }
            try await Store.insert(events: [
                DomainEvent(id: environment.newID(), brandID: brand, type: .contactMerged, actor: actor, accountID: survivor.accountID,
                            contactID: survivorID, caseID: nil, payload: payload, occurredAt: now),
                DomainEvent(id: environment.newID(), brandID: brand, type: .contactMerged, actor: actor, accountID: duplicate.accountID,
                            contactID: duplicateID, caseID: nil, payload: payload, occurredAt: now),
            ], on: db)
            var merged = survivor
            merged.identities = Store.unique(survivor.identities + duplicate.identities)
            return merged
        }
    }

    /// Undoes a merge (administrators only): the duplicate stands on its own again.
    public func unmergeContact(_ duplicateID: ContactID, brand: BrandID, actor: Actor, reason: String?) async throws -> Contact {
        let environment = self.environment
        return try await database.write { db in
            var duplicate = try await Store.contact(duplicateID, brand: brand, on: db)
            guard let survivorID = duplicate.mergedInto else { throw StoreError.conflict("contact \(duplicateID.text) is not merged") }
            let now = environment.now()
            try await db.raw("UPDATE contacts SET merged_into = NULL, updated_at = \(bind: Convert.ms(now)) WHERE id = \(bind: duplicateID.text)").run()
            let (messages, cases) = try await Store.giveBack(to: duplicate, from: survivorID, now: now, on: db)
            var payload: [String: JSONValue] = ["survivorId": .string(survivorID.text), "duplicateId": .string(duplicateID.text),
                                                "messagesReturned": .int(messages), "casesReturned": .array(cases.map { .int($0) })]
            if let reason, !reason.isEmpty { payload["reason"] = .string(reason) }
            try await Store.insert(events: [survivorID, duplicateID].map {
                DomainEvent(id: environment.newID(), brandID: brand, type: .contactUnmerged, actor: actor, accountID: nil,
                            contactID: $0, caseID: nil, payload: payload, occurredAt: now)
            }, on: db)
            duplicate.mergedInto = nil
            return duplicate
        }
    }

    /// Undoing a merge gives back what the duplicate's identities sent while merged: their
    /// messages filed under the survivor go back to the duplicate, and so does a case whose
    /// every message from the customer's side was theirs (a case the survivor also wrote on
    /// stays, with the duplicate's messages in it on the duplicate's timeline). Returns the
    /// number of messages and the numbers of the cases given back.
    static func giveBack(to duplicate: Contact, from survivor: ContactID, now: Date, on db: any SQLDatabase) async throws -> (Int, [Int]) {
        // The survivor's own history, through its timeline index; the mark names the duplicate.
        let mark = "%\"\(mergedContactKey)\":\"\(duplicate.id.text)\"%"
        let rows = try await db.raw("""
            SELECT id, case_id FROM interactions WHERE contact_id = \(bind: survivor.text) AND metadata LIKE \(bind: mark)
            """).all()
        guard !rows.isEmpty else { return (0, []) }
        try await updateByID("interactions", set: [("contact_id", nil)], rows: try rows.map { (try $0.string("id"), [duplicate.id.text]) }, on: db)
        var returned: [Int] = []
        for caseID in Set(try rows.compactMap { try $0.optionalString("case_id") }).sorted() {
            let stillTheirs = try await db.raw("""
                SELECT 1 AS hit FROM interactions WHERE case_id = \(bind: caseID) AND direction = 'inbound' AND contact_id = \(bind: survivor.text) LIMIT 1
                """).first() != nil
            guard !stillTheirs, let row = try await db.raw("""
                UPDATE cases SET contact_id = \(bind: duplicate.id.text), account_id = \(bind: duplicate.accountID?.text), updated_at = \(bind: Convert.ms(now))
                WHERE id = \(bind: caseID) AND contact_id = \(bind: survivor.text) RETURNING number
                """).first() else { continue }
            returned.append(try row.int("number"))
        }
        return (rows.count, returned.sorted())
    }

    /// The contact and every contact merged into it (directly or through a chain).
    /// Also checks, in the same query, that the contact exists in `brand` (else not found),
    /// so a timeline read costs one query here in the common case of no merges.
    static func family(of contact: ContactID, brand: BrandID, on db: any SQLDatabase) async throws -> [String] {
        // Two index lookups (a contact merged into one of the brand is of the brand); written
        // with OR, SQLite would scan the whole brand instead.
        let first = try await db.raw("""
            SELECT id FROM contacts WHERE id = \(bind: contact.text) AND brand_id = \(bind: brand.text)
            UNION ALL SELECT id FROM contacts WHERE merged_into = \(bind: contact.text)
            """).all().map { try $0.string("id") }
        guard first.contains(contact.text) else { throw StoreError.notFound("contact \(contact.text)") }
        var family = [contact.text]
        var frontier = first.filter { $0 != contact.text }
        while !frontier.isEmpty, family.count < 1000 {
            family += frontier
            let children = try await db.raw("SELECT id FROM contacts WHERE \(Store.inList("merged_into", frontier))").all()
            frontier = try children.map { try $0.string("id") }.filter { !family.contains($0) }
        }
        return family
    }
}
