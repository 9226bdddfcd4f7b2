import Foundation
import Logging
import SQLKit
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
    await database.shutdown()
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

func measureAsync(_ label: String, count: Int, unit: String, _ body: () async throws -> Int) async throws {
    let start = DispatchTime.now().uptimeNanoseconds
    let checksum = try await body()
    report(label, seconds: Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9, count: count, unit: unit, checksum: checksum)
}

func report(_ label: String, seconds: Double, count: Int, unit: String, checksum: Int) {
    let verdict = seconds < 2 ? "ok" : "OVER TARGET"
    let padded = label.padding(toLength: 50, withPad: " ", startingAt: 0)
    print(padded + String(format: "%8.3f s %11.0f %@/s   target < 2 s: %@   (check %d)", seconds, Double(count) / seconds, unit as NSString,
                          verdict as NSString, checksum))
}
