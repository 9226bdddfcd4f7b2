import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import SQLKit
import Testing
import TouchpointApp
import TouchpointApplication
import TouchpointCore
import TouchpointStore

@testable import TouchpointWeb

/// Every statement the product issues while serving the API's reads and the console's pages
/// is explained, and none may walk a whole large table: a walk costs nothing at demo size and
/// seconds at a million interactions. The statements are recorded as SQLite prepares them, so
/// a new query is covered as soon as a route runs it; every GET route of the API runs (a new
/// route without sample parameters fails here). SQLite plans here without table statistics,
/// as a young or never-analyzed database does, so a plan that holds here holds at any size.
@Suite("Query plans: no full scan of the large tables on a hot path", .serialized)
struct QueryPlanTests {
    /// The tables that grow with the history.
    static let large = ["cases", "interactions", "events", "inbox", "inbound_mail", "outbox", "contacts", "identities", "case_points"]

    /// The tables a plan line walks whole (`SCAN t`, with or without an index to walk it in order).
    /// `partial`: indexes whose own `WHERE` keeps only a few live rows (the conversations the
    /// assistant holds, which end within a day or a week; the backlog of cases still being
    /// worked on, which the staff's capacity bounds, not the history); searching one reads
    /// those alone, however many rows the brand has.
    static func scannedTables(_ plan: [String], sql: String, partial: Set<String> = []) -> [String] {
        // A plan names a table by its alias when the statement gives one.
        var aliases: [String: String] = [:]
        let words = sql.replacingOccurrences(of: "\n", with: " ").split(separator: " ").map(String.init)
        for (index, word) in words.enumerated() where large.contains(word.lowercased()) {
            aliases[word.lowercased()] = word.lowercased()
            var next = index + 1
            if next < words.count, words[next].uppercased() == "AS" { next += 1 }
            if next < words.count, words[next].allSatisfy({ $0.isLetter || $0 == "_" }),
                !["WHERE", "JOIN", "LEFT", "ON", "SET", "ORDER", "GROUP", "LIMIT", "USING", "INNER", "CROSS", "VALUES", "UNION"].contains(
                    words[next].uppercased())
            {
                aliases[words[next].lowercased()] = word.lowercased()
            }
        }
        return plan.compactMap { line in
            // `SCAN t` walks the table; `SEARCH t USING INDEX i (brand_id=?)` walks every row of
            // the brand, which is the same at one brand with a million rows.
            let text = line.trimmingCharacters(in: CharacterSet(charactersIn: "|-` "))
            let onPartial = partial.contains { text.contains("USING INDEX \($0) ") }
            let walks = text.hasPrefix("SCAN ") || (text.hasPrefix("SEARCH ") && text.hasSuffix("(brand_id=?)") && !onPartial && !isListing(sql, plan: plan))
            guard walks else { return nil }
            let name = text.split(separator: " ").dropFirst().first.map { String($0).lowercased() } ?? ""
            return aliases[name]
        }
    }

    /// A page of the brand's newest rows with no other condition: the index is read in its
    /// order and the walk stops at the limit, whatever the table's size.
    static func isListing(_ sql: String, plan: [String]) -> Bool {
        let flat = sql.replacingOccurrences(of: "\n", with: " ")
        let listing =
            flat.range(
                of: #"WHERE (\w+\.)?brand_id = \?\d+ (AND \(\S+, \S+\) [<>] \(\?\d+, \?\d+\) )?ORDER BY [\w., ]+ LIMIT \?\d+$"#,
                options: .regularExpression) != nil
        // A count bounded by a limit (`COUNT(*) FROM (… LIMIT ?) AS bounded`) stops there too.
        let bounded = flat.range(of: #"LIMIT \?\d+\) AS bounded$"#, options: .regularExpression) != nil
        return (listing || bounded) && !plan.contains { $0.contains("USE TEMP B-TREE") }
    }

    /// Statements known to walk a brand's rows, each with why it is left for now (issue
    /// "Fast at a million"). The list must match exactly: a new walk fails the test, and a
    /// fixed one must be taken off.
    static let knownWalks: [String: String] = [:]

    @Test func theAPIAndTheConsoleNeverScanALargeTable() async throws {
        // setup: the demo data; recording starts with the workload.
        var logger = Logger(label: "query-plans")
        logger.logLevel = .warning
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tp-plans-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let store = try await Touchpoint.openStore(.sqlite(directory: directory), logger: logger)
        let demo = try await DemoData.load(into: store)
        let brand = try #require(try await store.brands().first { $0.slug == "acme" })
        let samples = try await Samples.make(store, brand: brand)
        StatementLog.shared.start(path: directory + "/touchpoint.sqlite")
        // The daily health pass reads every account's signals in bulk.
        try await UseCases(store: store).health.recompute(brand: brand.id)
        let inbox = Inbox(store: store, logger: logger)
        let router = buildRouter(app: UseCases(store: store), inbox: inbox, config: WebConfig())
        let gets = router.routes.filter { $0.method == .get && $0.path.description.hasPrefix("/api/") }.map(\.path.description)
        let application = Application(router: router)

        // act: every GET route of the API, the lists with their filters and a second page, and the console's pages.
        let (answered, unknown) = try await application.test(.router) { client in
            var answered: [String: Int] = [:]
            var unknown: [String] = []
            let headers: HTTPFields = [.authorization: "Bearer \(demo.adminToken)"]
            for path in gets {
                guard let uri = samples.uri(for: path) else {
                    unknown.append(path)
                    continue
                }
                answered[uri] = Int(try await client.execute(uri: uri, method: .get, headers: headers).status.code)
            }
            for uri in samples.listVariants {
                let response = try await client.execute(uri: uri, method: .get, headers: headers)
                answered[uri] = Int(response.status.code)
                if let next = try json(response)["nextCursor"] as? String {
                    let separator = uri.contains("?") ? "&" : "?"
                    answered[uri + " (page 2)"] = Int(
                        try await client.execute(uri: uri + "\(separator)cursor=\(next)", method: .get, headers: headers).status.code)
                }
            }
            var console = ConsoleBrowser(client)
            _ = try await console.signIn(DemoData.adminEmail, password: DemoData.demoPassword)
            for uri in samples.consolePages {
                answered[uri] = Int(try await console.get(uri).status.code)
            }
            return (answered, unknown)
        }
        StatementLog.shared.stop()
        let statements = StatementLog.shared.statements
        await store.database.shutdown()

        // check: every route ran, and no statement walks a large table.
        #expect(unknown.isEmpty, "give these routes sample parameters in QueryPlanTests.Samples: \(unknown)")
        #expect(answered.filter { $0.value >= 500 }.isEmpty, "\(answered.filter { $0.value >= 500 })")
        #expect(answered.filter { $0.value == 200 }.count >= gets.count, "\(answered.filter { $0.value != 200 }.sorted { $0.key < $1.key })")
        #expect(statements.count > 100, "the log recorded \(statements.count) statements")
        let explainer = try await SQLiteDatabase.open(path: directory + "/touchpoint.sqlite", readers: 1, logger: logger)
        var scans: [String] = []
        var known = Set<String>()
        let partial = Set(try await explainer.read { db in
            try await db.raw("""
                SELECT name FROM sqlite_master WHERE type = 'index' AND (sql LIKE '% WHERE bot_state = %'
                OR sql LIKE '% WHERE status IN (''new'', ''open'', ''pending'')' OR sql LIKE '% WHERE deadline_key IS NOT NULL')
                """).all().map { try $0.decode(column: "name", as: String.self) }
        })
        #expect(partial.isSuperset(of: ["cases_with_assistant", "cases_active", "cases_deadline"]), "\(partial)")
        for sql in statements.sorted() where ["SELECT", "UPDATE", "DELETE", "WITH"].contains(where: { sql.uppercased().hasPrefix($0) }) {
            let plan = try await explainer.read { db in
                try await db.raw(SQLQueryString("EXPLAIN QUERY PLAN \(unsafeRaw: sql)")).all().map {
                    try $0.decode(column: "detail", as: String.self)
                }
            }
            let walked = Self.scannedTables(plan, sql: sql, partial: partial)
            guard !walked.isEmpty else { continue }
            if let prefix = Self.knownWalks.keys.first(where: { sql.hasPrefix($0) }) {
                known.insert(prefix)
            } else {
                scans.append("\(walked.joined(separator: ", ")) ← \(sql.prefix(300))\n    \(plan.joined(separator: " | "))")
            }
        }
        await explainer.shutdown()
        #expect(scans.isEmpty, "\(scans.count) statements walk a large table:\n\(scans.joined(separator: "\n"))")
        #expect(known == Set(Self.knownWalks.keys), "no longer walking, take off knownWalks: \(Set(Self.knownWalks.keys).subtracting(known))")
    }

    /// Real ids and filters from the demo data, for the routes' parameters.
    struct Samples {
        var values: [String: String]
        var listVariants: [String]
        var consolePages: [String]

        static func make(_ store: Store, brand: Brand) async throws -> Samples {
            let id = brand.id
            let cases = try await store.cases(brand: id, filter: CaseFilter(), limit: 50, cursor: nil).items
            let item = try #require(cases.first { $0.accountID != nil } ?? cases.first)
            let account = try #require(item.accountID)
            let team = try #require(try await store.teamProfiles(brand: id).first).team.id
            let staff = try #require(try await store.staffUsers(brand: id).first).id
            let calendar = try #require(try await store.calendars(brand: id).first).id
            let location = try #require(try await store.locations(brand: id).first)
            let desk = try #require(try await store.deskAppointments(location: location.id, brand: id, from: .distantPast, to: .distantFuture).first)
            let outbox = try #require(try await store.outbox(brand: id, state: nil, limit: 1, cursor: nil).items.first)
            let technician = try #require(try await store.staffUsers(brand: id).first { $0.role == .technician })
            try await store.setTechnician(technician.id, brand: id, regions: ["warsaw"], travelMinutes: 15)
            let visitCase = cases.first { $0.status.isActive } ?? item
            let visit = try await store.scheduleVisit(
                caseID: visitCase.id, brand: id, actor: .system,
                request: VisitRequest(
                    technicianID: technician.id, start: Date().addingTimeInterval(86_400), minutes: 45,
                    skill: nil, region: "warsaw", address: "ul. Polna 1"))
            let ticket = try await store.takeTicket(
                location: location.id, brand: id, category: location.setup.categories[0].code, contact: item.contactID,
                identity: nil, caseID: nil, source: "kiosk", actor: .system)
            let mail = try await store.receiveMail(
                raw: Array(
                    "From: jan@example.org\r\nTo: support@acme.example\r\nSubject: Hi\r\nMessage-ID: <plan@example.org>\r\n\r\nHello\r\n".utf8),
                envelopeFrom: "jan@example.org", recipients: ["support@acme.example"])
            let envelope = try await store.accept(
                NewEnvelope(
                    brandID: id, contactPoint: .sms, source: "demo-sms", providerKey: "message:plan", lane: "x",
                    raw: Array(#"{"messageId": "plan", "from": "+48600100200", "text": "Hi"}"#.utf8)))
            let article = try #require(try await store.articles(brand: id, filter: ArticleFilter(reader: .staff), limit: 1, cursor: nil).items.first)
            // The demo's quarterly check-in has enrolled every mid-touch account.
            var enrolled: (playbook: UUID, enrollment: UUID)?
            for playbook in try await store.playbooks(brand: id) {
                if let first = try await store.enrollments(playbook: playbook.id, brand: id, state: nil, limit: 1, cursor: nil).items.first {
                    enrolled = (playbook.id, first.id)
                    break
                }
            }
            let running = try #require(enrolled, "the demo data has playbook enrollments")
            let values = [
                "playbooks": running.playbook.text, "enrollments": running.enrollment.text,
                "kb/articles": article.id.text, "versions": "1",
                "accounts": account.text, "contacts": item.contactID.text, "cases": item.id.text, "teams": team.text, "staff": staff.text,
                "calendars": calendar.text, "locations": location.slug, "desk-appointments": desk.id.text, "outbox": outbox.id.text,
                "visits": visit.id.text, "tickets": ticket.id.text, "mail/inbound": try #require(mail.first).text, "inbox": envelope.id.text,
                "service-models": "highTouch", "attachments": String(repeating: "0", count: 64),
            ]
            let contact = item.contactID.text
            return Samples(
                values: values,
                listVariants: [
                    "/api/v1/cases?limit=20", "/api/v1/cases?status=open&limit=20", "/api/v1/cases?assignee=none&limit=20",
                    "/api/v1/cases?assignee=me",
                    "/api/v1/cases?teamId=\(team.text)&limit=5", "/api/v1/cases?level=2", "/api/v1/cases?contactPoint=email&limit=5",
                    "/api/v1/cases?contactId=\(contact)", "/api/v1/cases?accountId=\(account.text)", "/api/v1/cases?q=meter&limit=5",
                    "/api/v1/cases?q=zzzabsent", "/api/v1/cases?status=open&q=invoice", "/api/v1/contacts?q=nowak&limit=5",
                    "/api/v1/cases?sort=deadline&limit=5", "/api/v1/cases?priority=high&limit=5", "/api/v1/cases?serviceModel=highTouch&sort=oldest&limit=5",
                    "/api/v1/cases?status=open&sort=deadline&teamId=\(team.text)",
                    "/api/v1/contacts?limit=5",
                    "/api/v1/accounts?limit=5", "/api/v1/events?limit=5", "/api/v1/events?caseId=\(item.id.text)",
                    "/api/v1/contacts/\(contact)/timeline?limit=5", "/api/v1/accounts/\(account.text)/timeline?limit=5",
                    "/api/v1/outbox?state=failed", "/api/v1/outbox?contactPoint=sms", "/api/v1/inbox?state=quarantined",
                    "/api/v1/mail/inbound?state=quarantined",
                    "/api/v1/kb/articles?status=published&language=pl&limit=5", "/api/v1/kb/search?q=faktura&language=pl",
                    "/api/v1/kb/search?q=zzabsent&as=public", "/api/v1/kb/search?q=licznk%20bled&as=highTouch",
                    "/api/v1/playbooks/\(running.playbook.text)/enrollments?state=active&limit=5",
                ],
                consolePages: [
                    "/console", "/console?view=unassigned", "/console?view=mine", "/console?view=all&point=email", "/console/search?q=meter",
                    "/console/cases/\(item.number)", "/console/contacts/\(contact)", "/console/accounts/\(account.text)", "/console/walk-in",
                    "/console/visits", "/console/notifications", "/console/queues", "/console/notifications/unseen", "/console/admin/channels", "/console/admin/held", "/console/admin/models", "/console/admin/teams",
                    "/console?view=assistant", "/console?view=unassigned", "/console/kb", "/console/kb?q=faktura", "/console/kb/\(article.id.text)", "/portal/acme/help?lang=pl&q=jak%20zaplacic%20fakture",
                    "/portal/acme/help?lang=en&category=Meters", "/portal/acme/help/\(article.id.text)",
                    "/console/playbooks", "/console/playbooks/\(running.playbook.text)?try=1", "/console/surveys?by=agent&days=90",
                    // The inbox's orders and filters.
                    "/console?view=sla", "/console?view=open&team=\(team.text)", "/console?view=all&priority=urgent", "/console?view=all&model=highTouch",
                    "/console?view=open&sort=oldest", "/console?view=open&assignee=unassigned&priority=high", "/console?view=all&sort=deadline&status=pending",
                    "/console?view=open&assignee=\(staff.text)&level=2",
                ])
        }

        /// A route's path with sample values for its parameters, and the query some routes need.
        func uri(for path: String) -> String? {
            var uri = ""
            // The parameter's resource is the run of names before it (`/api/v1/mail/inbound/{id}` → `mail/inbound`).
            var run: [Substring] = []
            for part in path.split(separator: "/") {
                if part.hasPrefix("{") {
                    guard let value = values[run.joined(separator: "/")] else { return nil }
                    uri += "/" + value
                    run = []
                } else {
                    uri += "/" + part
                    if part != "api" && part != "v1" { run.append(part) }
                }
            }
            let queries = [
                "/due": "?from=2026-12-01T08:00:00Z&minutes=60", "/minutes": "?from=2026-12-01T08:00:00Z&to=2026-12-02T08:00:00Z",
                "/appointment-slots": "?category=C", "/diff": "?from=1&to=1", "/kb/search": "?q=meter", "/visit-slots": "?minutes=45", "/wait-estimate": "?contactPoint=phone",
            ]
            return uri + (queries.first { uri.hasSuffix($0.key) }?.value ?? "")
        }
    }
}
