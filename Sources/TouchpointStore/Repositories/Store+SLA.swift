import Foundation
import SQLKit
import TouchpointCore

extension Store {
    static func saveSLA(_ state: SLAState?, caseID: CaseID, on db: any SQLDatabase) async throws {
        try await db.raw("""
            UPDATE cases SET sla = \(bind: state?.storageText), sla_next_at = \(bind: state?.nextWake.map(Convert.ms)),
            sla_risk_at = \(bind: state?.riskAt.map(Convert.ms)) WHERE id = \(bind: caseID.text)
            """).run()
    }

    /// Fills the at-risk moment of active cases stored before schema 4 had the column
    /// (run once, when that migration is applied); returns how many it filled.
    public func backfillSLARisk() async throws -> Int {
        try await database.write { db in
            let rows = try await db.raw("""
                SELECT id, sla FROM cases WHERE sla IS NOT NULL AND sla_risk_at IS NULL AND status IN ('new', 'open', 'pending')
                """).all()
            let updates: [(id: String, values: [String?])] = try rows.compactMap { row in
                guard let risk = SLAState(storageText: try row.string("sla"))?.riskAt else { return nil }
                return (try row.string("id"), [String(Convert.ms(risk))])
            }
            try await Store.updateByID("cases", set: [("sla_risk_at", "BIGINT")], rows: updates, on: db)
            return updates.count
        }
    }

    /// Moves the deadlines of every active case of `model` to the policy's current targets
    /// and calendar (time already spent is kept). Returns how many cases moved.
    static func rescheduleSLAs(brand: BrandID, model: ServiceModel, config: ServiceConfig, on db: any SQLDatabase) async throws -> Int {
        let policy = config.policy(model)
        let availability = config.availability(model)
        let rows = try await db.raw("""
            SELECT id, status, priority, sla, created_at FROM cases WHERE brand_id = \(bind: brand.text) AND service_model = \(bind: model.rawValue)
            AND status IN ('new', 'open', 'pending') AND sla IS NOT NULL
            """).all()
        var updates: [(id: String, values: [String?])] = []
        updates.reserveCapacity(rows.count)
        for row in rows {
            guard var state = SLAState(storageText: try row.string("sla")) else { continue }
            state.retarget(policy.sla[try row.wire("priority", as: Priority.self)], atRiskShare: policy.atRiskShare, on: availability)
            updates.append((try row.string("id"), [state.storageText, state.nextWake.map { String(Convert.ms($0)) },
                                                   state.riskAt.map { String(Convert.ms($0)) },
                                                   Store.deadlineKey(status: try row.wire("status", as: CaseStatus.self), sla: state,
                                                                     createdAt: Convert.date(try row.int("created_at"))).map(String.init)]))
        }
        try await updateByID("cases", set: [("sla", nil), ("sla_next_at", "BIGINT"), ("sla_risk_at", "BIGINT"), ("deadline_key", "BIGINT")], rows: updates, on: db)
        return rows.count
    }

    /// One scheduler pass: fires the SLA warnings and breaches due by `now`, escalating
    /// where the model says so. The state that records a firing is written in the same
    /// transaction that emits it, and on PostgreSQL rows another node holds are skipped, so
    /// nothing fires twice however many nodes run.
    public func fireDueSLAs(now: Date, limit: Int = 200) async throws -> SLAPass {
        let dialect = self.dialect
        // Most passes find nothing due: ask a reader, and leave the writer to the commands.
        let due = try await database.read { db in
            try await db.raw("SELECT id FROM cases WHERE sla_next_at IS NOT NULL AND sla_next_at <= \(bind: Convert.ms(now)) LIMIT 1").first() != nil
        }
        guard due else { return SLAPass() }
        return try await database.write { db in
            var sql = SQLQueryString("SELECT * FROM cases WHERE sla_next_at IS NOT NULL AND sla_next_at <= \(bind: Convert.ms(now)) ORDER BY sla_next_at LIMIT \(bind: limit)")
            if dialect == .postgres { sql.appendLiteral(" FOR UPDATE SKIP LOCKED") }
            let rows = try await db.raw(sql).all()
            var pass = SLAPass()
            var configs: [BrandID: ServiceConfig] = [:]
            for row in rows {
                var item = try Store.case(from: row)
                guard var state = item.sla, item.status.isActive, item.mergedInto == nil else {
                    // Nothing to watch on a finished case (written by an older version, say).
                    try await db.raw("UPDATE cases SET sla_next_at = NULL WHERE id = \(bind: item.id.text)").run()
                    continue
                }
                let config: ServiceConfig
                if let cached = configs[item.brandID] { config = cached } else {
                    config = try await Store.loadServiceConfig(brand: item.brandID, on: db)
                    configs[item.brandID] = config
                }
                let firings = state.fire(now: now)
                try await Store.saveSLA(state, caseID: item.id, on: db)
                item.sla = state
                pass.cases += 1
                let model = item.serviceModel ?? config.rules.defaultModel
                let policy = config.policy(model)
                var drafts: [EventDraft] = []
                for firing in firings {
                    drafts.append(EventDraft(type: firing.kind == .warning ? .slaWarning : .slaBreached, payload: [
                        "clock": .string(firing.clock.rawValue), "dueAt": .string(Convert.iso(firing.dueAt)),
                        "model": .string(model.rawValue)]))
                    if firing.kind == .warning { pass.warnings += 1 } else { pass.breaches += 1 }
                    if let assignee = item.assigneeID {
                        drafts.append(EventDraft(type: .staffNotified, payload: [
                            "userId": .string(assignee.text), "reason": .string(NoticeReason.sla(firing.clock, breached: firing.kind != .warning).text)]))
                    }
                }
                try await Store.insert(events: self.events(drafts, brand: item.brandID, actor: .system, account: item.accountID,
                                                           contact: item.contactID, caseID: item.id, at: now), on: db)
                // Time-based escalation: one step per firing the policy escalates on. A
                // conversation the assistant holds is not escalated by time: it reaches people
                // only through its hand-off rules (its breach is still recorded above).
                for firing in firings where item.botState != .bot
                    && ((firing.kind == .warning && policy.escalateOnRisk) || (firing.kind == .breach && policy.escalateOnBreach)) {
                    let trigger: EscalationTrigger = firing.kind == .warning ? .slaAtRisk(firing.clock) : .slaBreached(firing.clock)
                    guard case .success(let decision) = EscalationLadder.escalate(level: item.level, rung: item.rung, trigger: trigger,
                                                                                  ceiling: policy.escalationCeiling, model: model) else { continue }
                    item = try await self.apply(decision, to: item, brand: item.brandID, actor: .system, config: config, now: now, on: db)
                    pass.escalations += 1
                }
            }
            return pass
        }
    }

    /// The earliest moment any case needs the scheduler, for sleeping until then.
    public func nextSLAWake() async throws -> Date? {
        try await database.read { db in
            let row = try await db.raw("SELECT MIN(sla_next_at) AS next FROM cases WHERE sla_next_at IS NOT NULL").first()
            return try row?.decode(column: "next", as: Int?.self).map(Convert.date)
        }
    }

}

extension Convert {
    static func iso(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.string(from: date)
    }
}
