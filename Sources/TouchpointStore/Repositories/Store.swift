import Crypto
import Foundation
import Logging
import SQLKit
import TouchpointCore

/// The store: every read and command of the domain, on either SQL dialect. Each command
/// is one transaction that writes the change and its events together.
public final class Store: Sendable {
    public let database: any Database
    /// The one clock and id source; use cases take theirs from here.
    public let environment: TouchpointCore.Environment
    let brands = LockedCache<BrandID, Brand>()
    let configCache = ServiceConfigCache()
    let turns = LockedCache<TeamID, UserID>()
    let mailSecrets = LockedCache<BrandID, SymmetricKey>()

    /// Fires after every write this store commits (live pages and chats wait on it).
    public let commits = CommitSignal()

    public init(database: any Database, environment: TouchpointCore.Environment = .live) {
        self.database = SignallingDatabase(base: database, signal: commits)
        self.environment = environment
    }

    public var dialect: SQLDialectKind { database.dialect }

    /// A brand column as a check only, for statements that find their rows by something
    /// more selective (ids, a case): SQLite without table statistics otherwise walks every
    /// row of the brand through a brand index. A unary `+` keeps the term out of SQLite's
    /// index choice; PostgreSQL chooses by its statistics and has no `+` for text.
    func brandCheck(_ column: String = "brand_id") -> SQLQueryString {
        SQLQueryString(dialect == .sqlite ? "+\(column)" : column)
    }

    /// Whether the database answers, for `/health`.
    public func ping() async -> Bool {
        (try? await database.read { db in try await db.raw("SELECT 1 AS one").first() != nil }) ?? false
    }

    /// Why writes fail while reads still work (SQLite: a full disk, a locked file), or nil.
    public func writeFailure() async -> String? { await database.writeFailure() }

    /// Fires when the database takes work again after an outage or failed commits.
    public var databaseReturns: CommitSignal { database.returns }
}

// MARK: - Conversions shared by the repositories

enum Convert {
    static func ms(_ date: Date) -> Int { Int((date.timeIntervalSince1970 * 1000).rounded()) }
    static func date(_ ms: Int) -> Date { Date(timeIntervalSince1970: Double(ms) / 1000) }

    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return encoder
    }()

    static func json(_ strings: [String]) -> String { JSONValue.array(strings.map(JSONValue.string)).text }
    static func json(_ map: [String: String]) -> String { map.isEmpty ? "{}" : JSONValue.object(map.mapValues(JSONValue.string)).text }

    static func json<T: Encodable>(_ value: T) -> String {
        // Encoding our own plain value types cannot fail.
        String(decoding: (try? encoder.encode(value)) ?? Data("null".utf8), as: UTF8.self)
    }

    static let decoder = JSONDecoder()

    static func decode<T: Decodable>(_ type: T.Type, _ text: String) -> T? {
        try? decoder.decode(type, from: Data(text.utf8))
    }

    /// Most interactions have no metadata and no attachments: skip the JSON decoder for them.
    static func strings(_ text: String) -> [String] { text == "[]" ? [] : decode([String].self, text) ?? [] }
    static func stringMap(_ text: String) -> [String: String] { text == "{}" ? [:] : decode([String: String].self, text) ?? [:] }
    static func attachments(_ text: String) -> [AttachmentRef] { text == "[]" ? [] : decode([AttachmentRef].self, text) ?? [] }

    static func uuid(_ text: String?) -> UUID? { text.flatMap { UUID(text: $0) } }
}

extension SQLRow {
    // SQLite values are read straight from the row where their type is the expected one:
    // the generic `decode` path costs microseconds per value, which bulk commands and
    // timelines read by the hundred thousand. Anything unexpected takes the generic path,
    // which reports the error.
    func string(_ column: String) throws -> String {
        if let row = self as? SQLiteRow, case .text(let value)? = row.column(column) { return value }
        return try decode(column: column, as: String.self)
    }

    func optionalString(_ column: String) throws -> String? {
        if let row = self as? SQLiteRow, let data = row.column(column) {
            if case .text(let value) = data { return value }
            if case .null = data { return nil }
        }
        return try decode(column: column, as: String?.self)
    }

    func int(_ column: String) throws -> Int {
        if let row = self as? SQLiteRow, case .integer(let value)? = row.column(column) { return value }
        return try decode(column: column, as: Int.self)
    }

    func optionalInt(_ column: String) throws -> Int? {
        try decode(column: column, as: Int?.self)
    }

    func double(_ column: String) throws -> Double {
        if let row = self as? SQLiteRow, let data = row.column(column) {
            if case .float(let value) = data { return value }
            if case .integer(let value) = data { return Double(value) }
        }
        return try decode(column: column, as: Double.self)
    }
    func uuid(_ column: String) throws -> UUID {
        let text = try string(column)
        guard let id = UUID(text: text) else { throw StoreError.unavailable("corrupt id in column \(column)") }
        return id
    }
    func optionalUUID(_ column: String) throws -> UUID? { Convert.uuid(try optionalString(column)) }
    func date(_ column: String) throws -> Date { Convert.date(try int(column)) }
    func wire<E: WireEnum>(_ column: String, as type: E.Type) throws -> E {
        let raw = try string(column)
        guard let value = E(rawValue: raw) else { throw StoreError.unavailable("unknown \(E.self) '\(raw)' in column \(column)") }
        return value
    }
}

extension Page {
    /// The page of `limit + 1` fetched items: the extra one only says that more follow.
    init(fetched: [Item], limit: Int, position: (Item) -> Cursor) {
        let items = Array(fetched.prefix(limit))
        self.init(items: items, nextCursor: fetched.count > limit ? items.last.map { position($0).token } : nil)
    }
}

/// A dictionary shared between requests. Brands and mail secrets change rarely and are
/// read on every command, so they are kept in one of these after the first read.
final class LockedCache<Key: Hashable, Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var values: [Key: Value] = [:]

    func get(_ key: Key) -> Value? {
        lock.lock()
        defer { lock.unlock() }
        return values[key]
    }

    func put(_ key: Key, _ value: Value) {
        lock.lock()
        defer { lock.unlock() }
        values[key] = value
    }
}

// MARK: - Events

extension Store {
    /// Writes events in as few statements as the drivers' parameter limits allow; called
    /// inside the command's transaction.
    static func insert(events: [DomainEvent], on db: any SQLDatabase) async throws {
        try await insertRows(
            "INSERT INTO events (id, brand_id, type, actor_kind, actor_id, account_id, contact_id, case_id, on_timeline, payload, occurred_at)",
            events.map { event -> [Value] in
                [event.id.text, event.brandID.text, event.type.rawValue, event.actor.kind.rawValue, event.actor.id?.text, event.accountID?.text,
                 event.contactID?.text, event.caseID?.text, event.type.onTimeline ? 1 : 0, JSONValue.serialize(event.payload),
                 Convert.ms(event.occurredAt)]
            }, perStatement: 500, on: db)
        // A notification also goes on its person's list.
        let notices = events.compactMap { event -> [Value]? in
            guard let user = event.recipient else { return nil }
            return [event.id.text, user.text, event.brandID.text, Convert.ms(event.occurredAt)]
        }
        if !notices.isEmpty {
            try await insertRows("INSERT INTO staff_notices (event_id, user_id, brand_id, at)", notices, perStatement: 500, on: db)
        }
    }

    /// Updates many rows by id in a few statements
    /// (`UPDATE t SET a = v.column2 … FROM (VALUES …) AS v WHERE t.id = v.column1`, which
    /// SQLite and PostgreSQL both read). Values travel as text; a column with a type in
    /// `set` is cast to it.
    static func updateByID(_ table: String, set columns: [(name: String, type: String?)], rows: [(id: String, values: [String?])],
                           on db: any SQLDatabase) async throws {
        let perStatement = 400
        for start in stride(from: 0, to: rows.count, by: perStatement) {
            var sql = SQLQueryString("UPDATE \(unsafeRaw: table) SET ")
            for (index, column) in columns.enumerated() {
                if index > 0 { sql.appendLiteral(", ") }
                let value = "v.column\(index + 2)"
                sql.appendLiteral("\(column.name) = " + (column.type.map { "CAST(\(value) AS \($0))" } ?? value))
            }
            sql.appendLiteral(" FROM (VALUES ")
            for (position, row) in rows[start..<min(start + perStatement, rows.count)].enumerated() {
                sql.appendLiteral(position == 0 ? "(" : ", (")
                sql.appendInterpolation(bind: row.id)
                for value in row.values {
                    sql.appendLiteral(", ")
                    sql.appendInterpolation(bind: value)
                }
                sql.appendLiteral(")")
            }
            sql.appendLiteral(") AS v WHERE \(table).id = v.column1")
            try await db.raw(sql).run()
        }
    }

    /// Turns drafts from the core into events with ids, time, actor and subjects.
    func events(_ drafts: [EventDraft], brand: BrandID, actor: Actor, account: AccountID?, contact: ContactID?,
                caseID: CaseID?, at now: Date) -> [DomainEvent] {
        drafts.map {
            DomainEvent(id: environment.newID(), brandID: brand, type: $0.type, actor: actor, accountID: account,
                        contactID: contact, caseID: caseID, payload: $0.payload, occurredAt: now)
        }
    }

    /// The raw event log of a brand, newest first (the audit log).
    public func auditLog(brand: BrandID, caseID: CaseID?, limit: Int, cursor: Cursor?) async throws -> Page<DomainEvent> {
        try await database.read { db in
            var query: SQLQueryString
            if let caseID {
                // The case's events by the case index, not every event of the brand in time order.
                query = "SELECT * FROM events WHERE case_id = \(bind: caseID.text) AND \(self.brandCheck()) = \(bind: brand.text)"
            } else {
                query = "SELECT * FROM events WHERE brand_id = \(bind: brand.text)"
            }
            if let cursor {
                query.appendLiteral(" AND (occurred_at, id) < (")
                query.appendInterpolation(bind: cursor.time)
                query.appendLiteral(", ")
                query.appendInterpolation(bind: cursor.id)
                query.appendLiteral(")")
            }
            query.appendLiteral(" ORDER BY occurred_at DESC, id DESC LIMIT ")
            query.appendInterpolation(bind: limit + 1)
            let rows = try await db.raw(query).all()
            let events = try rows.prefix(limit).map(Store.event(from:))
            let next = rows.count > limit ? events.last.map { Cursor(time: Convert.ms($0.occurredAt), id: $0.id.text).token } : nil
            return Page(items: events, nextCursor: next)
        }
    }

    static func event(from row: any SQLRow) throws -> DomainEvent {
        DomainEvent(
            id: try row.uuid("id"), brandID: try row.uuid("brand_id"), type: try row.wire("type", as: EventType.self),
            actor: Actor(kind: try row.wire("actor_kind", as: AuthorKind.self), id: try row.optionalUUID("actor_id")),
            accountID: try row.optionalUUID("account_id"), contactID: try row.optionalUUID("contact_id"),
            caseID: try row.optionalUUID("case_id"),
            payload: Convert.decode([String: JSONValue].self, try row.string("payload")) ?? [:],
            occurredAt: try row.date("occurred_at"))
    }
}
