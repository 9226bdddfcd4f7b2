import Foundation
import SQLKit
import TouchpointCore

extension Store {
    /// Counts over the partial indexes of the work queues (cheap however large the tables are).
    public func operationalCounts() async throws -> OperationalCounts {
        try await database.read { db in
            var counts = OperationalCounts()
            for row in try await db.raw(
                "SELECT contact_point, state, COUNT(*) AS n FROM inbox WHERE state = 'received' GROUP BY contact_point, state"
            ).all()
                + db.raw("SELECT contact_point, state, COUNT(*) AS n FROM inbox WHERE state = 'quarantined' GROUP BY contact_point, state").all()
            {
                guard let point = ContactPoint(rawValue: try row.string("contact_point")) else { continue }
                if try row.string("state") == "received" {
                    counts.waiting[point] = try row.int("n")
                } else {
                    counts.quarantined[point] = try row.int("n")
                }
            }
            counts.waiting[.email] = try await db.raw("SELECT COUNT(*) AS n FROM inbound_mail WHERE state = 'received'").first()?.int("n") ?? 0
            counts.quarantined[.email] = try await db.raw("SELECT COUNT(*) AS n FROM inbound_mail WHERE state = 'quarantined'").first()?.int("n") ?? 0
            for row in try await db.raw("SELECT contact_point, COUNT(*) AS n FROM outbox WHERE state IN ('pending', 'sending') GROUP BY contact_point").all() {
                if let point = ContactPoint(rawValue: try row.string("contact_point")) { counts.outboxDepth[point] = try row.int("n") }
            }
            return counts
        }
    }
}
