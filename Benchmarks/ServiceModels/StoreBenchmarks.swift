import Foundation
import Logging
import SQLKit
import TouchpointApplication
import TouchpointCore
import TouchpointStore

/// The same decisions through the store on a fresh SQLite database: loading every row,
/// deciding, and writing what changed (with its events) in one transaction.
func storeBenchmarks() async throws {
    var logger = Logger(label: "bench")
    logger.logLevel = .warning
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tp-bench-\(UUID().uuidString)").path
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let database = try await SQLiteDatabase.open(path: directory + "/touchpoint.sqlite", logger: logger)
    try await Migrator.migrate(database)
    let store = Store(database: database)
    let brand = try await store.createBrand(slug: "bench", name: "Bench", casePrefix: "B", defaultCallingCode: "48")
    let contact = try await store.createContact(brand: brand.id, actor: .system, accountID: nil, name: "Bench", title: nil,
                                                preferredContactPoint: .email, identities: [Identity(storedKind: .email, value: "bench@example.com")])
    var rng = Generator(state: 7)
    // 100,000 accounts without a model yet, written in bulk.
    let now = Int(Date().timeIntervalSince1970 * 1000)
    try await insertRows(into: "accounts (id, brand_id, name, annual_value, average_order_value, complexity, stage, goals, health_score, created_at, updated_at)",
                         on: database) { number in
        [UUID().text, brand.id.text, "Account \(number)", Double(Int.random(in: 0...600_000, using: &rng)),
         Double(Int.random(in: 0...20_000, using: &rng)), ProductComplexity.allCases.randomElement(using: &rng)!.rawValue,
         JourneyStage.allCases.randomElement(using: &rng)!.rawValue, "[]", Int.random(in: 0...100, using: &rng), now, now]
    }
    try await measureAsync("store: segment 100,000 accounts (all change)", count: 100_000, unit: "accounts") {
        let (_, changed) = try await store.setSegmentationRules(RuleSet.defaults, brand: brand.id, actor: .system)
        return changed
    }
    // 100,000 open cases on a business-hours model, then a policy change moves them all.
    let office = try CalendarDefinition(timeZone: "Europe/Warsaw", weekly: ["mon": [["08:00", "17:00"]], "tue": [["08:00", "17:00"]],
                                                                            "wed": [["08:00", "17:00"]], "thu": [["08:00", "17:00"]],
                                                                            "fri": [["08:00", "17:00"]]]).calendar()
    let calendar = try await store.saveCalendar(id: nil, name: "Office", calendar: office, brand: brand.id, actor: .system)
    var policy = ServicePolicy.defaults(.lowTouch)
    policy.calendarId = calendar.id
    _ = try await store.setPolicy(policy, brand: brand.id, actor: .system)
    let hours = Availability.calendar(office)
    let opened = Date()
    try await insertRows(into: "cases (id, brand_id, number, contact_id, subject, status, priority, level, rung, tags, contact_point, service_model, sla, sla_next_at, created_at, updated_at)",
                         on: database) { number in
        let start = opened.addingTimeInterval(-Double(Int.random(in: 0...20 * 86_400, using: &rng)))
        let state = SLAState.start(at: start, targets: policy.sla.normal, atRiskShare: 0.8, on: hours)
        return [UUID().text, brand.id.text, number + 1, contact.id.text, "Case", "open", "normal", 1, "agent", "[]", "email", "lowTouch",
                state.storageText, Int((state.nextWake ?? start).timeIntervalSince1970 * 1000), now, now]
    }
    policy.sla.normal = SLATargets(firstResponseMinutes: 240, nextResponseMinutes: 480, resolutionMinutes: 1920)
    let changed = policy
    try await measureAsync("store: recompute SLAs of 100,000 open cases", count: 100_000, unit: "cases") {
        try await store.setPolicy(changed, brand: brand.id, actor: .system).1
    }
    let people = try await healthBenchmark(store: store, database: database, brand: brand.id, rng: &rng)
    try await playbookBenchmark(store: store, database: database, brand: brand.id, contacts: people.contacts, accounts: people.accounts)
    try await continuationBenchmark(store: store, brand: brand.id)
    await database.shutdown()
}

/// 100,000 accounts with a contact each, 300,000 conversations in the window, 20,000 open
/// cases, 10,000 missed response times, 30,000 invoices and a month-old snapshot each:
/// the daily health pass reads it all, computes and writes score, churn risk, report and
/// snapshot for every account (target: 10 s on 2 cores).
@discardableResult
func healthBenchmark(store: Store, database: SQLiteDatabase, brand: BrandID, rng: inout Generator) async throws -> (contacts: [String], accounts: [String]) {
    let accounts = try await database.read { db in
        try await db.raw("SELECT id FROM accounts WHERE brand_id = \(bind: brand.text) ORDER BY id").all().map { try $0.decode(column: "id", as: String.self) }
    }
    let now = Date()
    let ms = Int(now.timeIntervalSince1970 * 1000)
    let contactIDs = accounts.map { _ in UUID().text }
    try await insertRows(into: "contacts (id, brand_id, account_id, name, created_at, updated_at)", on: database) { number in
        [contactIDs[number], brand.text, accounts[number], "Contact \(number)", ms, ms]
    }
    for round in 0..<3 {
        try await insertRows(into: "interactions (id, brand_id, contact_id, contact_point, direction, author_kind, body, attachments, metadata, occurred_at, created_at)",
                             on: database) { number in
            let at = ms - Int.random(in: 0...(80 * 86_400_000), using: &rng)
            return [UUID().text, brand.text, contactIDs[(number * 7 + round * 13) % contactIDs.count], "email", "inbound", "contact", "Hello", "[]", "{}", at, at]
        }
    }
    // 20,000 of the open cases belong to accounts; the rest are resolved.
    let open = try await database.read { db in
        try await db.raw("SELECT id FROM cases WHERE brand_id = \(bind: brand.text) AND number <= 20000").all().map { try $0.decode(column: "id", as: String.self) }
    }
    for start in stride(from: 0, to: open.count, by: 500) {
        var sql = SQLQueryString("UPDATE cases SET account_id = v.column2 FROM (VALUES ")
        for (index, id) in open[start..<min(start + 500, open.count)].enumerated() {
            sql.appendLiteral(index == 0 ? "(" : ", (")
            sql.appendInterpolation(bind: id)
            sql.appendLiteral(", ")
            sql.appendInterpolation(bind: accounts[(start + index) * 5 % accounts.count])
            sql.appendLiteral(")")
        }
        sql.appendLiteral(") AS v WHERE cases.id = v.column1")
        let statement = sql
        try await database.write { db in try await db.raw(statement).run() }
    }
    try await database.write { db in
        try await db.raw("UPDATE cases SET status = 'resolved' WHERE brand_id = \(bind: brand.text) AND number > 20000").run()
    }
    try await insertRows(into: "events (id, brand_id, type, actor_kind, account_id, on_timeline, payload, occurred_at)", on: database) { number in
        [UUID().text, brand.text, number % 10 == 0 ? "sla.breached" : "case.updated", "system", accounts[(number * 3) % accounts.count], 1, "{}",
         ms - Int.random(in: 0...(60 * 86_400_000), using: &rng)]
    }
    try await insertRows(into: "invoices (id, brand_id, account_id, number, issued_on, due_on, amount_minor, paid_minor, currency, created_at, updated_at)",
                         on: database) { number in
        let due = CivilDate(now, timeZone: .gmt).adding(days: 30 - Int.random(in: 0...90, using: &rng))
        return [UUID().text, brand.text, accounts[(number * 11) % accounts.count], "FV/\(number)", due.adding(days: -30).description, due.description,
                10_000, number % 4 == 0 ? 0 : 10_000, "PLN", ms, ms]
    }
    let monthAgo = CivilDate(now, timeZone: .gmt).adding(days: -30).description
    try await insertRows(into: "health_snapshots (account_id, day, brand_id, score, churn_risk)", on: database) { number in
        [accounts[number], monthAgo, brand.text, Int.random(in: 30...100, using: &rng), "low"]
    }
    let health = UseCases(store: store).health
    try await measureAsync("store: health of 100,000 accounts (daily pass)", count: 100_000, unit: "accounts", target: 10) {
        let pass = try await health.recompute(brand: brand)
        return pass.accounts
    }
    // The same accounts again (the second pass of a day: every snapshot is replaced).
    try await measureAsync("store: health of 100,000 accounts (again)", count: 100_000, unit: "accounts", target: 10) {
        try await health.recompute(brand: brand).riskChanged
    }
    return (contactIDs, accounts)
}

/// Writes 100,000 generated rows in statements of 500.
func insertRows(into target: String, on database: SQLiteDatabase, _ row: (Int) -> [any Encodable & Sendable]) async throws {
    for batch in 0..<200 {
        var sql = SQLQueryString("INSERT INTO \(unsafeRaw: target) VALUES ")
        for index in 0..<500 {
            sql.appendLiteral(index == 0 ? "(" : ", (")
            for (position, value) in row(batch * 500 + index).enumerated() {
                if position > 0 { sql.appendLiteral(", ") }
                sql.appendInterpolation(bind: value)
            }
            sql.appendLiteral(")")
        }
        let statement = sql
        try await database.write { db in try await db.raw(statement).run() }
    }
}

func measureAsync(_ label: String, count: Int, unit: String, target: Double = 2, _ body: () async throws -> Int) async throws {
    let start = DispatchTime.now().uptimeNanoseconds
    let checksum = try await body()
    report(label, seconds: Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9, count: count, unit: unit, checksum: checksum, target: target)
}

func report(_ label: String, seconds: Double, count: Int, unit: String, checksum: Int, target: Double = 2) {
    let verdict = seconds < target ? "ok" : "OVER TARGET"
    let padded = label.padding(toLength: 50, withPad: " ", startingAt: 0)
    print(padded + String(format: "%8.3f s %11.0f %@/s   target < %.0f s: %@   (check %d)", seconds, Double(count) / seconds, unit as NSString,
                          target, verdict as NSString, checksum))
}
