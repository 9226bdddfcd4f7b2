import Foundation
import SQLKit
import TouchpointCore

extension Store {
    /// A person's notifications, newest first, each with when they were first listed to them
    /// (nil: not seen yet); `before` pages on from a notification's time.
    public func notices(user: UserID, brand: BrandID, before: Date? = nil, limit: Int = 50)
        async throws -> [(event: DomainEvent, seenAt: Date?)]
    {
        try await database.read { db in
            var sql = SQLQueryString("""
                SELECT e.*, n.seen_at AS notice_seen_at FROM staff_notices n JOIN events e ON e.id = n.event_id
                WHERE n.user_id = 
                """)
            sql.appendInterpolation(bind: user.text)
            sql.appendLiteral(" AND n.brand_id = ")
            sql.appendInterpolation(bind: brand.text)
            if let before {
                sql.appendLiteral(" AND n.at < ")
                sql.appendInterpolation(bind: Convert.ms(before))
            }
            sql.appendLiteral(" ORDER BY n.at DESC, n.event_id DESC LIMIT ")
            sql.appendInterpolation(bind: max(1, min(limit, 200)))
            return try await db.raw(sql).all().map { row in
                (try Store.event(from: row), try row.optionalInt("notice_seen_at").map(Convert.date))
            }
        }
    }

    /// How many of a person's notifications they have not seen.
    public func unseenNoticeCount(user: UserID) async throws -> Int {
        try await database.read { db in
            try await db.raw("SELECT COUNT(*) AS n FROM staff_notices WHERE user_id = \(bind: user.text) AND seen_at IS NULL").first()?.int("n") ?? 0
        }
    }

    /// Every notification of the person so far counts as seen.
    public func markNoticesSeen(user: UserID) async throws {
        let now = Convert.ms(environment.now())
        try await database.write { db in
            try await db.raw("UPDATE staff_notices SET seen_at = \(bind: now) WHERE user_id = \(bind: user.text) AND seen_at IS NULL").run()
        }
    }
}
