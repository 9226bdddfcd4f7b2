import Foundation
import SQLKit
import TouchpointCore

/// One account with what its health is computed from.
public struct HealthFacts: Sendable {
    public var account: Account
    public var inputs: HealthInputs
    /// The snapshot the trend compares with: about 30 days back, else the first one.
    public var base: HealthPoint?
    /// The first day health was computed (kept as the baseline).
    public var since: HealthPoint?
    /// The trend stored with the score, so a pass rewrites only accounts that changed.
    public var storedTrend: HealthTrend.Direction?
    public var storedChange: Int?
}

/// What one pass writes for one account.
public struct HealthWrite: Sendable {
    public var facts: HealthFacts
    public var report: HealthReport
    public var churn: ChurnAssessment
    public var trend: HealthTrend

    public init(facts: HealthFacts, report: HealthReport, churn: ChurnAssessment, trend: HealthTrend) {
        self.facts = facts
        self.report = report
        self.churn = churn
        self.trend = trend
    }
}

extension SettingKey {
    static let health = "health"
    static let healthPass = "health.passedOn"
}

extension Store {
    /// The brand's health weights and expectations (the defaults until an admin sets them).
    public func healthSettings(brand: BrandID) async throws -> HealthSettings {
        try await database.read { db in
            let row = try await db.raw("SELECT value FROM brand_settings WHERE brand_id = \(bind: brand.text) AND key = \(bind: SettingKey.health)")
                .first()
            return try row.flatMap { Convert.decode(HealthSettings.self, try $0.string("value")) } ?? .defaults
        }
    }

    public func setHealthSettings(_ settings: HealthSettings, brand: BrandID, actor: Actor) async throws -> HealthSettings {
        let valid = try settings.validated()
        let environment = self.environment
        try await database.write { db in
            let now = environment.now()
            try await Store.putSetting(SettingKey.health, value: Convert.json(valid), brand: brand, now: now, on: db)
            try await Store.insert(
                events: self.events(
                    [
                        EventDraft(
                            type: .healthSettingsUpdated,
                            payload: [
                                "weights": .object(Dictionary(uniqueKeysWithValues: valid.weights.map { ($0.key.rawValue, JSONValue.int($0.value)) }))
                            ])
                    ],
                    brand: brand, actor: actor, account: nil, contact: nil, caseID: nil, at: now), on: db)
        }
        return valid
    }

    /// The facts of every account of the brand, or only of `ids`, read with one grouped query
    /// per signal (each on an index: open cases by status, events by type and time, the
    /// window's conversations by time, or a few accounts' by their contacts).
    public func healthFacts(brand: BrandID, accounts ids: [AccountID]?, settings: HealthSettings, today: CivilDate) async throws -> [HealthFacts] {
        let now = environment.now()
        // A long list is cheaper as the whole brand, filtered here.
        let only = ids.flatMap { $0.count <= 500 ? $0 : nil }
        let wanted = ids.map(Set.init)
        let windowStart = Convert.ms(now.addingTimeInterval(-Double(settings.windowDays) * 86_400))
        let windowDay = today.adding(days: -settings.windowDays).description
        return try await database.read { db in
            func restricted(_ sql: String, column: String) -> SQLQueryString {
                var query = SQLQueryString(sql)
                query.appendLiteral(" AND \(column) IN (")
                for (index, id) in (only ?? []).enumerated() {
                    if index > 0 { query.appendLiteral(", ") }
                    query.appendInterpolation(bind: id.text)
                }
                query.appendLiteral(")")
                return query
            }
            func filtered(_ base: String, column: String, groupBy: String) -> SQLQueryString {
                var query = only == nil ? SQLQueryString(base) : restricted(base, column: column)
                query.appendLiteral(groupBy)
                return query
            }
            let brandText = brand.text
            var accountSQL = SQLQueryString("SELECT * FROM accounts WHERE brand_id = \(bind: brandText)")
            if only != nil { accountSQL = restricted("SELECT * FROM accounts WHERE brand_id = '\(brandText)'", column: "id") }
            var facts: [AccountID: HealthFacts] = [:]
            for row in try await db.raw(accountSQL).all() {
                let account = try Store.account(from: row)
                if let wanted, !wanted.contains(account.id) { continue }
                var since: HealthPoint?
                if let day = try row.optionalString("health_since").flatMap(CivilDate.init), let score = try row.optionalInt("health_since_score") {
                    since = HealthPoint(day: day, score: score)
                }
                facts[account.id] = HealthFacts(
                    account: account, inputs: HealthInputs(model: account.serviceModel), base: since, since: since,
                    storedTrend: try row.optionalString("health_trend").flatMap(HealthTrend.Direction.init(rawValue:)),
                    storedChange: try row.optionalInt("health_change"))
            }
            // For a few accounts, conditions that would lead the planner to a brand-wide index
            // are written as expressions no index serves (`|| ''`, valid on both databases), so
            // the account's own index is read: one account's page took over a second at 230,000
            // cases when these walked the brand's open cases and its events of the window.
            let unindexed = only == nil ? "" : " || ''"
            // Open cases: the status index holds only those, newest last.
            let open = filtered(
                """
                SELECT account_id, COUNT(*) AS n, MIN(created_at) AS oldest FROM cases
                WHERE brand_id = '\(brandText)' AND status\(unindexed) IN ('new', 'open', 'pending') AND account_id IS NOT NULL AND merged_into IS NULL
                """, column: "account_id", groupBy: " GROUP BY account_id")
            for row in try await db.raw(open).all() {
                guard let id = try row.optionalUUID("account_id"), facts[id] != nil else { continue }
                facts[id]!.inputs.openCases = try row.int("n")
                facts[id]!.inputs.oldestOpenDays = max(0, now.timeIntervalSince(Convert.date(try row.int("oldest"))) / 86_400)
            }
            let incidents = filtered(
                """
                SELECT account_id, type, COUNT(*) AS n FROM events
                WHERE type\(unindexed) IN ('\(EventType.slaBreached.rawValue)', '\(EventType.caseEscalated.rawValue)') AND occurred_at >= \(windowStart)
                AND brand_id\(unindexed) = '\(brandText)' AND account_id IS NOT NULL
                """, column: "account_id", groupBy: " GROUP BY account_id, type")
            for row in try await db.raw(incidents).all() {
                guard let id = try row.optionalUUID("account_id"), facts[id] != nil else { continue }
                if try row.string("type") == EventType.slaBreached.rawValue {
                    facts[id]!.inputs.slaBreaches = try row.int("n")
                } else {
                    facts[id]!.inputs.escalations = try row.int("n")
                }
            }
            let todayText = today.description
            let invoices = filtered(
                """
                SELECT account_id, COUNT(*) AS n,
                CAST(SUM(CASE WHEN paid_minor < amount_minor AND due_on < '\(todayText)' THEN 1 ELSE 0 END) AS BIGINT) AS overdue,
                MIN(CASE WHEN paid_minor < amount_minor AND due_on < '\(todayText)' THEN due_on END) AS oldest
                FROM invoices WHERE brand_id = '\(brandText)'
                """, column: "account_id", groupBy: " GROUP BY account_id")
            for row in try await db.raw(invoices).all() {
                guard let id = try row.optionalUUID("account_id"), facts[id] != nil else { continue }
                let oldest = try row.optionalString("oldest").flatMap(CivilDate.init)
                facts[id]!.inputs.invoices = HealthInputs.InvoiceFacts(
                    overdue: try row.int("overdue"),
                    oldestOverdueDays: oldest.map { today.days(since: $0) } ?? 0)
            }
            // The whole brand reads the window's conversations by time (a range that grows with
            // the traffic, not the history); a few accounts read their contacts' own, contacts
            // first (CROSS JOIN keeps that order in SQLite) by the account index: the ids are
            // the brand's own accounts, so no brand condition tempts the planner to walk it.
            let conversations =
                only == nil
                ? SQLQueryString(
                    """
                    SELECT c.account_id AS account_id, COUNT(*) AS n FROM interactions i CROSS JOIN contacts c
                    WHERE i.brand_id = \(bind: brandText) AND i.occurred_at >= \(bind: windowStart) AND c.id = i.contact_id AND c.account_id IS NOT NULL
                    GROUP BY c.account_id
                    """)
                : filtered(
                    """
                    SELECT c.account_id AS account_id, COUNT(*) AS n FROM contacts c CROSS JOIN interactions i
                    WHERE i.contact_id = c.id AND i.occurred_at >= \(windowStart)
                    """, column: "c.account_id", groupBy: " GROUP BY c.account_id")
            for row in try await db.raw(conversations).all() {
                guard let id = try row.optionalUUID("account_id"), facts[id] != nil else { continue }
                facts[id]!.inputs.contacts = try row.int("n")
            }
            // Survey answers of the window, by account (satisfaction 1–5, recommendation 0–10).
            let answers = filtered(
                """
                SELECT account_id, kind, CAST(AVG(score) AS DOUBLE PRECISION) AS average, COUNT(*) AS n FROM surveys
                WHERE brand_id = '\(brandText)' AND kind IN ('csat', 'nps') AND answered_at >= \(windowStart) AND account_id IS NOT NULL
                """, column: "account_id", groupBy: " GROUP BY account_id, kind")
            for row in try await db.raw(answers).all() {
                guard let id = try row.optionalUUID("account_id"), facts[id] != nil else { continue }
                let answer = (try row.double("average"), try row.int("n"))
                if try row.string("kind") == SurveyKind.csat.rawValue { facts[id]!.inputs.csat = answer } else { facts[id]!.inputs.nps = answer }
            }
            let usage = filtered(
                """
                SELECT account_id, CAST(AVG(active_users) AS DOUBLE PRECISION) AS active, CAST(AVG(licensed_users) AS DOUBLE PRECISION) AS licensed
                FROM account_usage WHERE brand_id = '\(brandText)' AND day > '\(windowDay)'
                """, column: "account_id", groupBy: " GROUP BY account_id")
            for row in try await db.raw(usage).all() {
                guard let id = try row.optionalUUID("account_id"), facts[id] != nil else { continue }
                facts[id]!.inputs.usage = (try row.double("active"), try row.double("licensed"))
            }
            // Outreach: the window's playbook runs that sent something, and those answered (a link
            // opened, or a reply that ended the run).
            let outreach = filtered(
                """
                SELECT e.account_id AS account_id, COUNT(*) AS reached,
                CAST(SUM(CASE WHEN e.exit_reason = 'replied' OR EXISTS (SELECT 1 FROM playbook_links l WHERE l.enrollment_id = e.id AND l.kind = 'link'
                    AND l.opened_at IS NOT NULL) THEN 1 ELSE 0 END) AS BIGINT) AS engaged
                FROM playbook_enrollments e WHERE e.brand_id = '\(brandText)' AND e.started_at >= \(windowStart) AND e.account_id IS NOT NULL
                AND EXISTS (SELECT 1 FROM playbook_steps s WHERE s.enrollment_id = e.id AND s.outcome = 'sent')
                """, column: "e.account_id", groupBy: " GROUP BY e.account_id")
            for row in try await db.raw(outreach).all() {
                guard let id = try row.optionalUUID("account_id"), facts[id] != nil else { continue }
                facts[id]!.inputs.engagement = (try row.int("engaged"), try row.int("reached"))
            }
            // The trend's base: the latest snapshot 30 to 33 days back (a missed daily pass
            // or two still finds one); accounts without one compare with their first score.
            let baseSQL = filtered(
                """
                SELECT account_id, day, score FROM health_snapshots
                WHERE brand_id = '\(brandText)' AND day >= '\(today.adding(days: -33))' AND day <= '\(today.adding(days: -30))'
                """, column: "account_id", groupBy: "")
            for row in try await db.raw(baseSQL).all() {
                let id = try row.uuid("account_id")
                guard let day = CivilDate(try row.string("day")), facts[id] != nil else { continue }
                if let current = facts[id]!.base, current.day >= day, current != facts[id]!.since { continue }
                facts[id]!.base = HealthPoint(day: day, score: try row.int("score"))
            }
            return Array(facts.values)
        }
    }

    /// The daily scores of one account from `since` on, oldest first.
    public func healthHistory(account: AccountID, brand: BrandID, since: CivilDate) async throws -> [HealthPoint] {
        try await database.read { db in
            try await db.raw(
                """
                SELECT day, score FROM health_snapshots WHERE account_id = \(bind: account.text) AND brand_id = \(bind: brand.text)
                AND day >= \(bind: since.description) ORDER BY day
                """
            ).all().compactMap { row -> HealthPoint? in
                guard let day = CivilDate(try row.string("day")) else { return nil }
                return HealthPoint(day: day, score: try row.int("score"))
            }
        }
    }

    /// Stores a pass's results: score, churn risk and trend on each account, today's
    /// snapshot, the first score as the baseline; accounts whose segmentation reads health or
    /// churn risk get their model again. An event marks each account whose churn risk or
    /// health band (below 40, 40–59, 60–79, 80 and up) changed. Returns how many accounts
    /// changed model.
    public func saveHealth(_ writes: [HealthWrite], brand: BrandID, today: CivilDate, actor: Actor) async throws -> Int {
        let config = try await serviceConfig(brand: brand)
        let rules = config.rules
        let environment = self.environment
        return try await database.write { db in
            let now = environment.now()
            var accountRows: [(id: String, values: [String?])] = []
            var events: [DomainEvent] = []
            var changedProfiles: [Account] = []
            for write in writes {
                let account = write.facts.account
                let since = write.facts.since ?? HealthPoint(day: today, score: write.report.score)
                let before = account.profile
                // Most accounts read the same as yesterday: only those that changed are rewritten.
                if write.facts.since == nil || before.healthScore != write.report.score || before.churnRisk != write.churn.risk
                    || write.facts.storedTrend != write.trend.direction || write.facts.storedChange != write.trend.change
                {
                    accountRows.append(
                        (
                            account.id.text,
                            [
                                String(write.report.score), write.churn.risk.rawValue, since.day.description, String(since.score),
                                write.trend.direction.rawValue, String(write.trend.change),
                            ]
                        ))
                }
                // The first computation replaces a typed-in guess; a move is what comes after.
                if write.facts.since != nil,
                    before.churnRisk != write.churn.risk || Store.band(before.healthScore) != Store.band(write.report.score)
                {
                    events.append(
                        DomainEvent(
                            id: environment.newID(), brandID: brand, type: .accountHealthChanged, actor: actor, accountID: account.id,
                            contactID: nil, caseID: nil,
                            payload: [
                                "from": .object(["score": .int(before.healthScore), "churnRisk": .string(before.churnRisk.rawValue)]),
                                "to": .object(["score": .int(write.report.score), "churnRisk": .string(write.churn.risk.rawValue)]),
                                "reasons": .array(write.churn.reasons.map(JSONValue.string)),
                            ], occurredAt: now))
                }
                if before.healthScore != write.report.score || before.churnRisk != write.churn.risk {
                    var changed = account
                    changed.profile.healthScore = write.report.score
                    changed.profile.churnRisk = write.churn.risk
                    changedProfiles.append(changed)
                }
            }
            try await Store.updateByID(
                "accounts",
                set: [
                    ("health_score", "INTEGER"), ("churn_risk", nil),
                    ("health_since", nil), ("health_since_score", "INTEGER"), ("health_trend", nil),
                    ("health_change", "INTEGER"),
                ], rows: accountRows, on: db)
            try await Store.upsertSnapshots(writes, brand: brand, today: today, on: db)
            try await Store.insert(events: events, on: db)
            let readsHealth = rules.rules.contains { $0.conditions.contains { [.healthScore, .churnRisk].contains($0.attribute) } }
            guard readsHealth else { return 0 }
            return try await self.applyModels(changedProfiles, brand: brand, config: config, actor: actor, now: now, on: db)
        }
    }

    static func band(_ score: Int) -> Int { score < 40 ? 0 : score < 60 ? 1 : score < 80 ? 2 : 3 }

    static func upsertSnapshots(_ writes: [HealthWrite], brand: BrandID, today: CivilDate, on db: any SQLDatabase) async throws {
        try await insertRows(
            "INSERT INTO health_snapshots (account_id, day, brand_id, score, churn_risk)",
            writes.map { [$0.facts.account.id.text, today.description, brand.text, $0.report.score, $0.churn.risk.rawValue] },
            tail: " ON CONFLICT (account_id, day) DO UPDATE SET score = excluded.score, churn_risk = excluded.churn_risk", on: db)
    }

    /// Stores imported product use (a day imported again replaces the earlier figures).
    public func recordUsage(_ days: [UsageDay], account: AccountID, brand: BrandID) async throws {
        try await database.write { db in
            _ = try await Store.account(account, brand: brand, on: db)
            try await Store.insertRows(
                "INSERT INTO account_usage (account_id, day, brand_id, active_users, licensed_users)",
                days.map { [account.text, $0.day.description, brand.text, $0.activeUsers, $0.licensedUsers] },
                tail: " ON CONFLICT (account_id, day) DO UPDATE SET active_users = excluded.active_users, licensed_users = excluded.licensed_users",
                on: db)
        }
    }

    /// Whether the brand's daily pass has not run on `today` yet (on several nodes, the first
    /// to finish makes the others skip; accounts created since are computed by the listener).
    public func healthDue(brand: BrandID, today: CivilDate) async throws -> Bool {
        try await database.read { db in
            let row = try await db.raw(
                "SELECT value FROM brand_settings WHERE brand_id = \(bind: brand.text) AND key = \(bind: SettingKey.healthPass)"
            ).first()
            return try row?.string("value") != today.description
        }
    }

    /// Records that the brand's daily pass ran on `today`.
    public func markHealthPass(brand: BrandID, today: CivilDate) async throws {
        let now = environment.now()
        try await database.write { db in try await Store.putSetting(SettingKey.healthPass, value: today.description, brand: brand, now: now, on: db) }
    }
}
