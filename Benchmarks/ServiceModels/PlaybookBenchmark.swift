import Foundation
import SQLKit
import TouchpointApplication
import TouchpointCore
import TouchpointStore

/// 100,000 active enrollments in a three-step playbook (an email, a 30-day wait, an email),
/// run by the same runner `serve` runs (claims of 500 under a lease, one transaction each):
///   1. every first step due at once: steps per second until none is due (target ≥ 1,000/s);
///   2. the last step of all 100,000 falling due evenly over 60 seconds (1,667 a second):
///      the lag from each step's due time to its run, p50/p99/max (target p99 ≤ 1 s).
func playbookBenchmark(store: Store, database: SQLiteDatabase, brand: BrandID, contacts: [String], accounts: [String]) async throws {
    let now = Int(Date().timeIntervalSince1970 * 1000)
    try await insertRows(into: "identities (id, brand_id, contact_id, kind, value, created_at)", on: database) { number in
        [UUID().text, brand.text, contacts[number], "email", "person\(number)@bench.example", now]
    }
    _ = try await store.saveMailbox(address: "care@bench.example", brand: brand, teamID: nil, forwardsOpenForSender: false, actor: .system)
    let app = UseCases(store: store)
    // No quiet hours and room for both emails: the benchmark times the runner, not the rules' waits.
    _ = try await app.playbooks.setSettings(
        AutomationSettings(quietHours: ["00:00", "00:00"], maxMessages: 10, per: ISODuration(seconds: 3600)),
        brand: brand, actor: .system)
    let email = { (id: String, subject: String) in
        PlaybookStep(
            id: id, type: .send, contactPoint: .email,
            templates: ["en": PlaybookMessage(subject: subject, body: "Hello {{contact.firstName}}, from {{brand.name}}.")])
    }
    let playbook = try await app.playbooks.create(
        PlaybookDefinition(
            name: "Bench", trigger: .on(.contactCreated),
            steps: [
                email("first", "Welcome"), PlaybookStep(id: "wait", type: .wait, duration: ISODuration(seconds: 30 * 86_400)),
                email("last", "Still there?"),
            ]),
        brand: brand, actor: .system)
    try await insertRows(
        into:
            "playbook_enrollments (id, brand_id, playbook_id, version, account_id, contact_id, entry_key, reason, state, step_index, seq, due_at, started_at, updated_at)",
        on: database
    ) { number in
        [
            UUID().text, brand.text, playbook.id.text, 1, accounts[number], contacts[number], "bench:\(number)", "benchmark", "active", 0, 0, now,
            now, now,
        ]
    }
    let runner = PlaybookRunner(store: store, address: PublicAddress(configured: "https://bench.example"), owner: "bench")

    // 1. Throughput: everything due at once.
    try await measureAsync("playbooks: 100,000 first steps + waits due at once", count: 200_000, unit: "steps", target: 200) {
        var ran = 0
        while true {
            let batch = try await runner.runDue(limit: 500)
            if batch == 0 { break }
            ran += batch
        }
        return ran
    }

    // 2. Lag: the last steps fall due evenly over 60 s while the runner polls as `serve` does.
    let ids = try await database.read { db in
        try await db.raw("SELECT id FROM playbook_enrollments WHERE playbook_id = \(bind: playbook.id.text) AND state = 'active' ORDER BY id")
            .all().map { try $0.decode(column: "id", as: String.self) }
    }
    // Far enough ahead that writing the due times (100,000 rows) is over before the first falls due.
    let base = Int(Date().timeIntervalSince1970 * 1000) + 5000
    let spread = 60_000
    var due: [String: Int] = [:]
    for (index, id) in ids.enumerated() { due[id] = base + index * spread / max(ids.count, 1) }
    for start in stride(from: 0, to: ids.count, by: 500) {
        var sql = SQLQueryString("UPDATE playbook_enrollments SET due_at = v.column2 FROM (VALUES ")
        for (offset, id) in ids[start..<min(start + 500, ids.count)].enumerated() {
            sql.appendLiteral(offset == 0 ? "(" : ", (")
            sql.appendInterpolation(bind: id)
            sql.appendLiteral(", ")
            sql.appendInterpolation(bind: due[id] ?? base)
            sql.appendLiteral(")")
        }
        sql.appendLiteral(") AS v WHERE playbook_enrollments.id = v.column1")
        let statement = sql
        try await database.write { db in try await db.raw(statement).run() }
    }
    let started = DispatchTime.now().uptimeNanoseconds
    var ran = 0
    while ran < ids.count {
        let batch = try await runner.runDue(limit: 500)
        ran += batch
        if batch == 0 {
            if Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9 > Double(spread) / 1000 + 30 { break }
            try await Task.sleep(for: .milliseconds(250))
        }
    }
    let seconds = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
    let lags = try await database.read { db in
        try await db.raw("SELECT s.enrollment_id, s.at FROM playbook_steps s WHERE s.step_id = 'last'").all().map {
            (try $0.decode(column: "enrollment_id", as: String.self), try $0.decode(column: "at", as: Int.self))
        }
    }.compactMap { row in due[row.0].map { Double(max(0, row.1 - $0)) / 1000 } }.sorted()
    func percentile(_ p: Double) -> Double { lags.isEmpty ? .nan : lags[min(lags.count - 1, Int(Double(lags.count) * p))] }
    print(
        String(
            format:
                "playbooks: %d last steps due over 60 s              %8.3f s %11.0f steps/s   lag p50 %.3f s, p99 %.3f s, max %.3f s   target p99 ≤ 1 s: %@",
            lags.count, seconds, Double(ran) / seconds, percentile(0.5), percentile(0.99), lags.last ?? .nan,
            (percentile(0.99) <= 1 ? "ok" : "OVER TARGET") as NSString))
}
