import Foundation
import SQLKit
import TouchpointCore

extension Store {
    /// `user` opened the case's page now.
    public func markRead(caseID: CaseID, user: UserID) async throws {
        let now = Convert.ms(environment.now())
        try await database.write { db in
            try await db.raw("""
                INSERT INTO case_reads (user_id, case_id, read_at) VALUES (\(bind: user.text), \(bind: caseID.text), \(bind: now))
                ON CONFLICT (user_id, case_id) DO UPDATE SET read_at = excluded.read_at
                """).run()
        }
    }

    /// Of `ids`, the cases where the customer wrote after `user` last opened them (or that
    /// they never opened since the customer wrote).
    public func unreadCases(_ ids: [CaseID], user: UserID, brand: BrandID) async throws -> Set<CaseID> {
        guard !ids.isEmpty else { return [] }
        return try await database.read { db in
            // Stored time, not the message's own: mail dated yesterday that arrives now is new.
            var sql = SQLQueryString("""
                SELECT c.id FROM cases c LEFT JOIN case_reads r ON r.case_id = c.id AND r.user_id = 
                """)
            sql.appendInterpolation(bind: user.text)
            // The ids lead (by the key); the brand only filters them.
            sql.appendLiteral(" WHERE ")
            sql.appendInterpolation(self.brandCheck("c.brand_id"))
            sql.appendLiteral(" = ")
            sql.appendInterpolation(bind: brand.text)
            sql.appendLiteral(" AND ")
            sql.appendInterpolation(Store.inList("c.id", ids.map(\.text)))
            sql.appendLiteral("""
                 AND EXISTS (SELECT 1 FROM interactions i WHERE i.case_id = c.id AND i.direction = 'inbound'
                 AND (r.read_at IS NULL OR i.created_at > r.read_at))
                """)
            return Set(try await db.raw(sql).all().map { try $0.uuid("id") })
        }
    }
}
