import Foundation
import SQLKit
import TouchpointCore

/// Reads the browser console needs beyond the API's: names for lists and saved views.
extension Store {
    /// The brand's staff, by name.
    public func staffUsers(brand: BrandID) async throws -> [StaffUser] {
        try await database.read { db in
            try await db.raw("SELECT * FROM staff_users WHERE brand_id = \(bind: brand.text) ORDER BY name, id").all().map(Store.staffUser(from:))
        }
    }

    /// Display names of contacts (for case lists), one query for a page of cases.
    public func contactNames(_ ids: [ContactID], brand: BrandID) async throws -> [ContactID: String] {
        let unique = Array(Set(ids))
        guard !unique.isEmpty else { return [:] }
        return try await database.read { db in
            var sql = SQLQueryString("SELECT c.id, c.name, (SELECT value FROM identities i WHERE i.contact_id = c.id ORDER BY i.kind LIMIT 1) AS identity FROM contacts c WHERE ")
            sql.appendInterpolation(self.brandCheck("c.brand_id"))
            sql.appendLiteral(" = ")
            sql.appendInterpolation(bind: brand.text)
            sql.appendLiteral(" AND ")
            sql.appendInterpolation(Store.inList("c.id", unique.map(\.text)))
            var names: [ContactID: String] = [:]
            for row in try await db.raw(sql).all() {
                names[try row.uuid("id")] = try row.optionalString("name") ?? row.optionalString("identity") ?? "unnamed contact"
            }
            return names
        }
    }

    /// Case numbers by id, one query for a page of timeline entries.
    public func caseNumbers(_ ids: [CaseID], brand: BrandID) async throws -> [CaseID: Int] {
        let unique = Array(Set(ids))
        guard !unique.isEmpty else { return [:] }
        return try await database.read { db in
            var numbers: [CaseID: Int] = [:]
            for row in try await db.raw("SELECT id, number FROM cases WHERE \(self.brandCheck()) = \(bind: brand.text) AND \(Store.inList("id", unique.map(\.text)))").all() {
                numbers[try row.uuid("id")] = try row.int("number")
            }
            return numbers
        }
    }

    /// What needs an operator: quarantined inbound mail, and outbound messages (any contact
    /// point) waiting and failed.
    public func mailCounts(brand: BrandID) async throws -> (quarantined: Int, waiting: Int, failed: Int) {
        try await database.read { db in
            let quarantined = try await db.raw("""
                SELECT COUNT(*) AS n FROM inbound_mail WHERE brand_id = \(bind: brand.text) AND state = 'quarantined'
                """).first()?.int("n") ?? 0
            var outbox: [String: Int] = [:]
            for row in try await db.raw("""
                SELECT state, COUNT(*) AS n FROM outbox WHERE brand_id = \(bind: brand.text) AND state IN ('pending', 'failed') GROUP BY state
                """).all() {
                outbox[try row.string("state")] = try row.int("n")
            }
            return (quarantined, outbox["pending"] ?? 0, outbox["failed"] ?? 0)
        }
    }

    /// One interaction of the brand.
    public func interaction(_ id: InteractionID, brand: BrandID) async throws -> Interaction {
        try await database.read { db in
            guard let row = try await db.raw("SELECT * FROM interactions WHERE id = \(bind: id.text) AND brand_id = \(bind: brand.text)").first() else {
                throw StoreError.notFound("interaction")
            }
            return try Store.interaction(from: row)
        }
    }

    /// Those of `ids` whose newest message out that the outbox finished with failed: gave
    /// up, with no later one sent.
    public func casesWithUndeliveredReplies(_ ids: [CaseID], brand: BrandID) async throws -> Set<CaseID> {
        guard !ids.isEmpty else { return [] }
        return try await database.read { db in
            var sql = SQLQueryString("SELECT DISTINCT o.case_id FROM outbox o WHERE o.brand_id = ")
            sql.appendInterpolation(bind: brand.text)
            sql.appendLiteral(" AND o.state = 'failed' AND ")
            sql.appendInterpolation(Store.inList("o.case_id", ids.map(\.text)))
            sql.appendLiteral(" AND NOT EXISTS (SELECT 1 FROM outbox s WHERE s.case_id = o.case_id AND s.state = 'sent' AND s.created_at > o.created_at)")
            return Set(try await db.raw(sql).all().map { try $0.uuid("case_id") })
        }
    }

    /// Where outbound messages stand in the outbox (pending, sending, sent, failed), by interaction.
    public func deliveryStates(_ ids: [InteractionID], brand: BrandID) async throws -> [InteractionID: (state: OutboxState, error: String?)] {
        guard !ids.isEmpty else { return [:] }
        return try await database.read { db in
            var sql = SQLQueryString("SELECT interaction_id, state, last_error FROM outbox WHERE ")
            sql.appendInterpolation(self.brandCheck())
            sql.appendLiteral(" = ")
            sql.appendInterpolation(bind: brand.text)
            sql.appendLiteral(" AND ")
            sql.appendInterpolation(Store.inList("interaction_id", ids.map(\.text)))
            var states: [InteractionID: (OutboxState, String?)] = [:]
            for row in try await db.raw(sql).all() {
                states[try row.uuid("interaction_id")] = (try row.wire("state", as: OutboxState.self), try row.optionalString("last_error"))
            }
            return states
        }
    }

    /// The brand's events recorded at or after `since`, oldest first (what live pages follow).
    public func events(brand: BrandID, since: Date, limit: Int = 500) async throws -> [DomainEvent] {
        try await database.read { db in
            try await db.raw("""
                SELECT * FROM events WHERE brand_id = \(bind: brand.text) AND occurred_at >= \(bind: Convert.ms(since))
                ORDER BY occurred_at, id LIMIT \(bind: limit)
                """).all().map(Store.event(from:))
        }
    }

    // MARK: Saved views

    public func savedViews(userID: UserID) async throws -> [SavedView] {
        try await database.read { db in
            try await db.raw("SELECT id, name, query FROM saved_views WHERE user_id = \(bind: userID.text) ORDER BY name").all().map { row in
                SavedView(id: try row.uuid("id"), name: try row.string("name"), query: try row.string("query"))
            }
        }
    }

    /// Saves a view under a name; the same name again replaces its query.
    public func saveView(userID: UserID, name rawName: String, query: String) async throws -> SavedView {
        let name = try Check.text(rawName, field: "name", max: 80)
        guard query.utf8.count <= 1000 else { throw ValidationError(field: "query", reason: "is too long") }
        let view = SavedView(id: environment.newID(), name: name, query: query)
        let now = Convert.ms(environment.now())
        try await database.write { db in
            try await db.raw("""
                INSERT INTO saved_views (id, user_id, name, query, created_at) VALUES (\(bind: view.id.text), \(bind: userID.text), \(bind: name), \(bind: query), \(bind: now))
                ON CONFLICT (user_id, name) DO UPDATE SET query = excluded.query
                """).run()
        }
        return view
    }

    public func deleteView(_ id: UUID, userID: UserID) async throws {
        try await database.write { db in
            try await db.raw("DELETE FROM saved_views WHERE id = \(bind: id.text) AND user_id = \(bind: userID.text)").run()
        }
    }
}
