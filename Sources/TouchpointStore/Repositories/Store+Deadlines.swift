import Foundation
import SQLKit
import TouchpointCore

extension Store {
    /// Where an active case without a running deadline sorts: after every real deadline
    /// (milliseconds past 2096), longest waiting first among themselves.
    static let noDeadline = 4_000_000_000_000

    /// The case's place in the deadline order: its next SLA deadline in milliseconds, or for
    /// an active case with no running clock `noDeadline` plus when it was opened; nil for a
    /// finished case, which the deadline index leaves out.
    static func deadlineKey(status: CaseStatus, sla: SLAState?, createdAt: Date) -> Int? {
        guard status.isActive else { return nil }
        return sla?.deadline.map(Convert.ms) ?? noDeadline + Convert.ms(createdAt)
    }

    static func deadlineKey(_ item: Case) -> Int? {
        deadlineKey(status: item.status, sla: item.sla, createdAt: item.createdAt)
    }

    /// Gives the active cases stored before schema 37 their deadline key (run once, when
    /// that migration is applied, in batches); returns how many it filled.
    public func backfillDeadlines() async throws -> Int {
        var filled = 0
        while true {
            let count = try await database.write { db in
                let rows = try await db.raw("""
                    SELECT id, status, sla, created_at FROM cases WHERE deadline_key IS NULL AND status IN ('new', 'open', 'pending') LIMIT 500
                    """).all()
                let updates: [(id: String, values: [String?])] = try rows.map { row in
                    let key = Store.deadlineKey(status: try row.wire("status", as: CaseStatus.self),
                                                sla: try row.decode(column: "sla", as: String?.self).flatMap(SLAState.init(storageText:)),
                                                createdAt: Convert.date(try row.int("created_at")))
                    return (try row.string("id"), [key.map(String.init)])
                }
                try await Store.updateByID("cases", set: [("deadline_key", "BIGINT")], rows: updates, on: db)
                return updates.count
            }
            filled += count
            if count < 500 { return filled }
        }
    }
}
