import SQLKit

extension Store {
    /// One value of a row for `insertRows`.
    typealias Value = any Encodable & Sendable

    /// Inserts `rows` with one multi-row `INSERT … VALUES (…), (…)` per `perStatement` rows:
    /// `head` is the statement up to the word `VALUES`, `tail` what follows the values (an
    /// `ON CONFLICT` clause). A statement per batch instead of per row is what keeps bulk
    /// writes cheap; the chunks keep each under the databases' limit on bound values.
    static func insertRows(
        _ head: String, _ rows: [[Value]], perStatement: Int = 400, tail: String = "",
        on db: any SQLDatabase
    ) async throws {
        for start in stride(from: 0, to: rows.count, by: perStatement) {
            var sql = SQLQueryString("")
            sql.appendLiteral(head)
            sql.appendLiteral(" VALUES ")
            for (index, row) in rows[start..<min(start + perStatement, rows.count)].enumerated() {
                sql.appendLiteral(index == 0 ? "(" : ", (")
                sql.appendInterpolation(binds: row)
                sql.appendLiteral(")")
            }
            sql.appendLiteral(tail)
            try await db.raw(sql).run()
        }
    }
}
