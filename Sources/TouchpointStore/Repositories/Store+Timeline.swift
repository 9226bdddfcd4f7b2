import Foundation
import SQLKit
import TouchpointCore

extension Store {
    /// The whole history of a contact — every contact point, and the contacts merged into
    /// it — newest first, `limit` entries from `cursor`.
    public func contactTimeline(_ contactID: ContactID, brand: BrandID, limit: Int, cursor: Cursor?) async throws -> Page<TimelineEntry> {
        try await database.read { db in
            let byContact = Store.inList("contact_id", try await Store.family(of: contactID, brand: brand, on: db))
            return try await Store.timeline(interactionFilter: byContact, eventFilter: byContact, limit: limit, cursor: cursor, on: db)
        }
    }

    /// The history of an account: every interaction of its contacts and every event about it.
    public func accountTimeline(_ accountID: AccountID, brand: BrandID, limit: Int, cursor: Cursor?) async throws -> Page<TimelineEntry> {
        try await database.read { db in
            _ = try await Store.account(accountID, brand: brand, on: db)
            let interactions = SQLQueryString("contact_id IN (SELECT id FROM contacts WHERE account_id = \(bind: accountID.text))")
            let events = SQLQueryString("account_id = \(bind: accountID.text)")
            return try await Store.timeline(interactionFilter: interactions, eventFilter: events, limit: limit, cursor: cursor, on: db)
        }
    }

    static func inList(_ column: String, _ values: [String]) -> SQLQueryString {
        // A single id uses `=` so the (contact_id, occurred_at, id) index also gives the order.
        if values.count == 1 { return SQLQueryString("\(unsafeRaw: column) = \(bind: values[0])") }
        var sql = SQLQueryString("\(unsafeRaw: column) IN (")
        for (index, value) in values.enumerated() {
            if index > 0 { sql.appendLiteral(", ") }
            sql.appendInterpolation(bind: value)
        }
        sql.appendLiteral(")")
        return sql
    }

    static func timeline(interactionFilter: SQLQueryString, eventFilter: SQLQueryString, limit: Int, cursor: Cursor?,
                         on db: any SQLDatabase) async throws -> Page<TimelineEntry> {
        // Each side is cut to `limit + 1` newest rows before the union, so a contact with a
        // long history costs two short index range scans, not a sort of everything.
        var sql = SQLQueryString("SELECT * FROM (SELECT 'i' AS entry, id, brand_id, contact_id, case_id, contact_point, direction, author_kind, author_id, body, html, attachments, provider_message_id, metadata, NULL AS type, NULL AS payload, occurred_at FROM interactions WHERE ")
        sql = sql + interactionFilter
        Store.appendCursor(&sql, cursor, timeColumn: "occurred_at", descending: true)
        sql.appendLiteral(" ORDER BY occurred_at DESC, id DESC LIMIT ")
        sql.appendInterpolation(bind: limit + 1)
        sql.appendLiteral(") AS i UNION ALL SELECT * FROM (SELECT 'e' AS entry, id, brand_id, contact_id, case_id, NULL AS contact_point, NULL AS direction, actor_kind AS author_kind, actor_id AS author_id, NULL AS body, NULL AS html, NULL AS attachments, NULL AS provider_message_id, account_id AS metadata, type, payload, occurred_at FROM events WHERE on_timeline = 1 AND ")
        sql = sql + eventFilter
        Store.appendCursor(&sql, cursor, timeColumn: "occurred_at", descending: true)
        sql.appendLiteral(" ORDER BY occurred_at DESC, id DESC LIMIT ")
        sql.appendInterpolation(bind: limit + 1)
        sql.appendLiteral(") AS e ORDER BY occurred_at DESC, id DESC LIMIT ")
        sql.appendInterpolation(bind: limit + 1)
        let rows = try await db.raw(sql).all()
        let entries: [TimelineEntry] = try rows.prefix(limit).map { row in
            if try row.string("entry") == "i" { return .interaction(try Store.interaction(from: row)) }
            return .event(DomainEvent(
                id: try row.uuid("id"), brandID: try row.uuid("brand_id"), type: try row.wire("type", as: EventType.self),
                actor: Actor(kind: try row.wire("author_kind", as: AuthorKind.self), id: try row.optionalUUID("author_id")),
                accountID: try row.optionalUUID("metadata"), contactID: try row.optionalUUID("contact_id"), caseID: try row.optionalUUID("case_id"),
                payload: Convert.decode([String: JSONValue].self, try row.string("payload")) ?? [:], occurredAt: try row.date("occurred_at")))
        }
        let next = rows.count > limit ? entries.last.map { Cursor(time: Convert.ms($0.occurredAt), id: $0.id.text).token } : nil
        return Page(items: entries, nextCursor: next)
    }
}
