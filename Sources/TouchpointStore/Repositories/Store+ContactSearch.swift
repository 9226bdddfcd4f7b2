import Foundation
import SQLKit
import TouchpointCore

/// Customer search by words (migration 34): what a customer is found by, keeping the index
/// current, and reading it.
extension Store {
    /// What a customer is found by: the name, each identity but a chat visitor's random id (an
    /// email address by its parts), and a phone number's digits and its last nine, as people
    /// say it without the country code.
    static func contactSearchText(name: String?, identities: [Identity]) -> String {
        var parts = [name ?? ""]
        for identity in identities where identity.kind != .chatVisitor {
            if identity.kind == .phone || identity.kind == .whatsApp {
                let digits = identity.value.filter(\.isNumber)
                parts += [digits, String(digits.suffix(9))]
            } else {
                // In pieces: PostgreSQL would keep an email address as one word.
                parts += FullText.pieces(identity.value)
            }
        }
        return parts.joined(separator: " ")
    }

    /// The indexed text: PostgreSQL's `simple` configuration keeps diacritics, so there the
    /// words also go without them ("Żaneta" is found by "zaneta"); FTS5 folds them itself.
    static func contactSearchBody(_ contact: Contact, on db: any SQLDatabase) -> String {
        let text = contactSearchText(name: contact.name, identities: contact.identities)
        guard db.dialect.name != "sqlite" else { return text }
        let folded = text.folding(options: .diacriticInsensitive, locale: nil)
        return folded == text ? text : text + " " + folded
    }

    /// Adds a new customer to the search index. On SQLite it goes first, so the contact's row
    /// can point at it with `last_insert_rowid()` (`insertContact`).
    static func indexNewContact(_ contact: Contact, on db: any SQLDatabase) async throws {
        let body = contactSearchBody(contact, on: db)
        if db.dialect.name == "sqlite" {
            try await db.raw(
                """
                INSERT INTO contact_search (body, brand_id, contact_id) VALUES (\(bind: body), \(bind: contact.brandID.text), \(bind: contact.id.text))
                """
            ).run()
        } else {
            try await db.raw(
                """
                INSERT INTO contact_search (contact_id, brand_id, body) VALUES (\(bind: contact.id.text), \(bind: contact.brandID.text), \(bind: body))
                """
            ).run()
        }
    }

    /// Replaces a customer's words after a change of name or identities; on SQLite under the
    /// same rowid, so the customer keeps its place in search results.
    static func reindexContact(_ contact: Contact, on db: any SQLDatabase) async throws {
        let body = contactSearchBody(contact, on: db)
        guard db.dialect.name == "sqlite" else {
            try await db.raw(
                """
                INSERT INTO contact_search (contact_id, brand_id, body) VALUES (\(bind: contact.id.text), \(bind: contact.brandID.text), \(bind: body))
                ON CONFLICT (contact_id) DO UPDATE SET body = excluded.body
                """
            ).run()
            return
        }
        let row = try await db.raw("SELECT search_row FROM contacts WHERE id = \(bind: contact.id.text)").first()
        guard let searchRow = try row?.optionalInt("search_row") else { return }
        try await db.raw("DELETE FROM contact_search WHERE rowid = \(bind: searchRow)").run()
        try await db.raw(
            """
            INSERT INTO contact_search (rowid, body, brand_id, contact_id)
            VALUES (\(bind: searchRow), \(bind: body), \(bind: contact.brandID.text), \(bind: contact.id.text))
            """
        ).run()
    }

    /// The words of a customer search, each matching as the start of a word. A query with no
    /// letters is a phone or customer number: its digits are one word, however it is spaced.
    static func contactSearchWords(_ text: String) -> [String] {
        let cleaned = FullText.searchable(text)
        if !cleaned.contains(where: \.isLetter) {
            let digits = String(cleaned.filter(\.isNumber))
            return digits.isEmpty ? [] : [digits]
        }
        return Array(FullText.pieces(cleaned).prefix(8))
    }

    /// Customers of a brand whose words start with every word of `text`, in the order they
    /// were added (SQLite: read in the index's rowid order, so a page costs the same at any
    /// size; the cursor carries the rowid), with the other filters applied to the matches.
    static func searchContacts(
        _ text: String, brand: BrandID, accountID: AccountID?, identity: Identity?, limit: Int, cursor: Cursor?,
        on db: any SQLDatabase
    ) async throws -> (rows: [SQLRow], next: (SQLRow) throws -> Cursor) {
        let sqlite = db.dialect.name == "sqlite"
        let words = contactSearchWords(text)
        guard !words.isEmpty else { return ([], { _ in Cursor(time: 0, id: "") }) }
        var sql: SQLQueryString
        if sqlite {
            sql = "SELECT c.*, s.rowid AS search_row FROM contact_search s JOIN contacts c ON c.id = s.contact_id WHERE contact_search MATCH "
            sql.appendInterpolation(bind: words.map { FullText.quote($0) + "*" }.joined(separator: " "))
            sql.appendLiteral(" AND s.brand_id = ")
            sql.appendInterpolation(bind: brand.text)
            if let cursor {
                sql.appendLiteral(" AND s.rowid > ")
                sql.appendInterpolation(bind: cursor.time)
            }
        } else {
            sql = "SELECT c.* FROM contact_search s JOIN contacts c ON c.id = s.contact_id WHERE s.tsv @@ to_tsquery('simple', "
            // A word typed with diacritics matches both spellings (rows indexed before the
            // folded words were added have only the first), one typed without the folded one.
            sql.appendInterpolation(
                bind: words.map { word in
                    let folded = word.folding(options: .diacriticInsensitive, locale: nil)
                    return folded == word ? "'\(word)':*" : "('\(word)':* | '\(folded)':*)"
                }.joined(separator: " & "))
            sql.appendLiteral(") AND s.brand_id = ")
            sql.appendInterpolation(bind: brand.text)
            Store.appendCursor(&sql, cursor, timeColumn: "created_at", descending: false, prefix: "c.")
        }
        if let accountID {
            sql.appendLiteral(" AND c.account_id = ")
            sql.appendInterpolation(bind: accountID.text)
        }
        if let identity { sql += Store.holding(identity, brand: brand) }
        sql.appendLiteral(sqlite ? " ORDER BY s.rowid LIMIT " : " ORDER BY c.created_at, c.id LIMIT ")
        sql.appendInterpolation(bind: limit + 1)
        let rows = try await db.raw(sql).all()
        return (
            rows,
            { row in
                sqlite
                    ? Cursor(time: try row.int("search_row"), id: try row.string("id"))
                    : Cursor(time: try row.int("created_at"), id: try row.string("id"))
            }
        )
    }

    /// The condition that the contact `c` holds an identity.
    static func holding(_ identity: Identity, brand: BrandID) -> SQLQueryString {
        """
         AND c.id IN (SELECT contact_id FROM identities WHERE brand_id = \(bind: brand.text) AND kind = \(bind: identity.kind.rawValue) \
        AND value = \(bind: identity.value))
        """
    }
}
