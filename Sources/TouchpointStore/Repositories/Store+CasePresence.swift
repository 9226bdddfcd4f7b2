import Foundation
import SQLKit
import TouchpointCore

extension Store {
    /// Records that `user` has the case open (and, with `typing`, is writing on it or has
    /// stopped; nil leaves that as it was). Their marks on other cases that are no longer
    /// current go in the same write, so the table holds about one row per open page.
    /// Throws `notFound` for a case of another brand.
    public func markPresence(caseID: CaseID, brand: BrandID, user: UserID, typing: Bool?) async throws {
        let now = Convert.ms(environment.now())
        let stale = now - Int(CasePresence.viewingFor * 1000)
        try await database.write { db in
            guard try await db.raw("SELECT id FROM cases WHERE id = \(bind: caseID.text) AND brand_id = \(bind: brand.text)").first() != nil else {
                throw StoreError.notFound("case")
            }
            let typingAt: Int? = typing == true ? now : nil
            let typingSet = typing == nil ? "case_presence.typing_at" : "excluded.typing_at"
            try await db.raw("""
                INSERT INTO case_presence (case_id, user_id, brand_id, seen_at, typing_at)
                VALUES (\(bind: caseID.text), \(bind: user.text), \(bind: brand.text), \(bind: now), \(bind: typingAt))
                ON CONFLICT (case_id, user_id) DO UPDATE SET seen_at = excluded.seen_at, typing_at = \(unsafeRaw: typingSet)
                """).run()
            try await db.raw("DELETE FROM case_presence WHERE user_id = \(bind: user.text) AND seen_at < \(bind: stale)").run()
        }
    }

    /// `user` closed the case's page.
    public func leavePresence(caseID: CaseID, user: UserID) async throws {
        try await database.write { db in
            try await db.raw("DELETE FROM case_presence WHERE case_id = \(bind: caseID.text) AND user_id = \(bind: user.text)").run()
        }
    }

    /// Everyone's marks on the case, with their names.
    public func presence(caseID: CaseID, brand: BrandID) async throws -> [CasePresence.Mark] {
        try await database.read { db in
            try await db.raw("""
                SELECT p.user_id, p.seen_at, p.typing_at, s.name FROM case_presence p JOIN staff_users s ON s.id = p.user_id
                WHERE p.case_id = \(bind: caseID.text) AND p.brand_id = \(bind: brand.text)
                """).all().map { row in
                CasePresence.Mark(userID: try row.uuid("user_id"), name: try row.string("name"), seenAt: try row.date("seen_at"),
                                  typingAt: try row.optionalInt("typing_at").map(Convert.date))
            }
        }
    }
}
