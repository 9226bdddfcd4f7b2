import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import Testing
import TouchpointApp
import TouchpointApplication
import TouchpointCore
import TouchpointStore
@testable import TouchpointWeb

/// A migrated SQLite store in a temp directory with two brands and tokens for a few roles.
struct APIFixture: Sendable {
    let store: Store
    /// The webhooks' inbox; no worker runs in these tests: `inbox.processPending()` runs
    /// what the worker would.
    let inbox: Inbox
    let directory: String
    var tokens: [String: String] = [:]
    var brandID: BrandID

    static func make() async throws -> APIFixture {
        var logger = Logger(label: "test")
        logger.logLevel = .warning
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tp-web-\(UUID().uuidString)").path
        let store = try await Touchpoint.openStore(.sqlite(directory: directory), logger: logger)
        let acme = try await store.createBrand(slug: "acme", name: "Acme", casePrefix: "Acme", defaultCallingCode: "48")
        let globex = try await store.createBrand(slug: "globex", name: "Globex", casePrefix: "Globex", defaultCallingCode: "44")
        var fixture = APIFixture(store: store, inbox: Inbox(store: store, logger: logger), directory: directory, brandID: acme.id)
        for (name, role) in [("admin", Role.admin), ("agent", .agentL1), ("technician", .technician), ("manager", .manager)] {
            _ = try await store.createStaffUser(brand: acme.id, email: "\(name)@acme.example", name: name, role: role, team: nil)
            fixture.tokens[name] = try await store.createToken(email: "\(name)@acme.example", name: "t", scope: .write).token
        }
        _ = try await store.createStaffUser(brand: globex.id, email: "admin@globex.example", name: "g", role: .admin, team: nil)
        fixture.tokens["globex"] = try await store.createToken(email: "admin@globex.example", name: "t", scope: .write).token
        fixture.tokens["reader"] = try await store.createToken(email: "admin@acme.example", name: "r", scope: .read).token
        return fixture
    }

    func close() async {
        await store.database.shutdown()
        try? FileManager.default.removeItem(atPath: directory)
    }

    func headers(_ who: String?) -> HTTPFields {
        var fields: HTTPFields = [.contentType: "application/json"]
        if let who, let token = tokens[who] { fields[.authorization] = "Bearer \(token)" }
        return fields
    }
}

extension APIFixture {
    /// One API call as `who` (a role's token), answering the status and the JSON body.
    func call(_ client: any TestClientProtocol, _ method: HTTPRequest.Method, _ path: String, _ text: String? = nil, as who: String = "admin")
        async throws -> (HTTPResponse.Status, [String: Any])
    {
        let response = try await client.execute(uri: path, method: method, headers: headers(who), body: text.map { ByteBuffer(string: $0) })
        return (response.status, try json(response))
    }
}

func withAPI(maxBody: Int = 1_048_576, _ body: @escaping @Sendable (APIFixture, any TestClientProtocol) async throws -> Void) async throws {
    let fixture = try await APIFixture.make()
    let router = buildRouter(app: UseCases(store: fixture.store), inbox: fixture.inbox, config: WebConfig(maxBodyBytes: maxBody))
    let app = Application(router: router)
    do {
        try await app.test(.router) { client in try await body(fixture, client) }
    } catch {
        await fixture.close()
        throw error
    }
    await fixture.close()
}

func json(_ response: TestResponse) throws -> [String: Any] {
    try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any] ?? [:]
}

func body(_ object: [String: Any]) -> ByteBuffer {
    ByteBuffer(bytes: try! JSONSerialization.data(withJSONObject: object))
}

@Suite("The JSON API")
struct APITests {
    @Test func healthAnswersWithTheDatabaseState() async throws {
        try await withAPI { _, client in
            let response = try await client.execute(uri: "/health", method: .get)
            #expect(response.status == .ok)
            let object = try json(response)
            #expect(object["status"] as? String == "ok")
            #expect((object["database"] as? [String: Any])?["driver"] as? String == "sqlite")
        }
    }

    /// A path that exists asked with a method it does not take is 405 with Allow, not 404;
    /// HEAD works wherever GET does; an unknown path stays 404.
    @Test func aKnownPathWithAnotherMethodIsNotAllowed() async throws {
        try await withAPI { fx, client in
            let trace = try await client.execute(uri: "/api/v1/cases", method: .init("TRACE")!, headers: fx.headers("agent"))
            #expect(trace.status == .methodNotAllowed && trace.headers[.allow] == "GET, HEAD, POST")
            #expect(trace.headers[.contentType] == "application/problem+json")
            let put = try await client.execute(uri: "/api/v1/cases/\(UUID())", method: .put, headers: fx.headers("agent"))
            let allowed = Set((put.headers[.allow] ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) })
            #expect(put.status == .methodNotAllowed && allowed.contains("GET") && allowed.contains("PATCH") && !allowed.contains("PUT"))
            // The literal segment decides, as in the router: `import` takes only POST, `{id}` takes PUT.
            let importPut = try await client.execute(uri: "/api/v1/calendars/import", method: .put, headers: fx.headers("admin"))
            #expect(importPut.status == .methodNotAllowed && importPut.headers[.allow] == "POST")
            let health = try await client.execute(uri: "/health", method: .post)
            #expect(health.status == .methodNotAllowed && health.headers[.allow] == "GET, HEAD")
            let head = try await client.execute(uri: "/health", method: .head)
            #expect(head.status == .ok && head.body.readableBytes == 0)
            let unknown = try await client.execute(uri: "/api/v1/nothing-here", method: .delete, headers: fx.headers("agent"))
            #expect(unknown.status == .notFound)
        }
    }

    @Test func callersNeedAValidTokenAndTheRightRole() async throws {
        try await withAPI { fx, client in
            let none = try await client.execute(uri: "/api/v1/cases", method: .get)
            #expect(none.status == .unauthorized)
            #expect(none.headers[.contentType] == "application/problem+json")
            #expect(none.headers[.wwwAuthenticate] != nil)
            let wrong = try await client.execute(uri: "/api/v1/cases", method: .get, headers: [.authorization: "Bearer tp_nope"])
            #expect(wrong.status == .unauthorized)
            let technician = try await client.execute(uri: "/api/v1/accounts", method: .post, headers: fx.headers("technician"), body: body(["name": "X"]))
            #expect(technician.status == .forbidden)
            let reader = try await client.execute(uri: "/api/v1/accounts", method: .post, headers: fx.headers("reader"), body: body(["name": "X"]))
            #expect(reader.status == .forbidden)
            #expect(try json(reader)["detail"] as? String == "this token is read-only")
            let readerGet = try await client.execute(uri: "/api/v1/accounts", method: .get, headers: fx.headers("reader"))
            #expect(readerGet.status == .ok)
            let manager = try await client.execute(uri: "/api/v1/accounts", method: .post, headers: fx.headers("manager"), body: body(["name": "X"]))
            #expect(manager.status == .created)
        }
    }

    @Test func anotherBrandsObjectsAreNotFound() async throws {
        try await withAPI { fx, client in
            let created = try await client.execute(uri: "/api/v1/cases", method: .post, headers: fx.headers("agent"),
                                                   body: body(["contactPoint": "email", "from": "a@example.com", "subject": "Hi", "body": "Help"]))
            #expect(created.status == .created)
            let object = try json(created)
            let id = try #require(object["id"] as? String)
            let contactId = try #require(object["contactId"] as? String)
            for uri in ["/api/v1/cases/\(id)", "/api/v1/contacts/\(contactId)", "/api/v1/contacts/\(contactId)/timeline", "/api/v1/cases/1"] {
                let response = try await client.execute(uri: uri, method: .get, headers: fx.headers("globex"))
                #expect(response.status == .notFound, "\(uri)")
            }
            let patch = try await client.execute(uri: "/api/v1/cases/\(id)", method: .patch, headers: fx.headers("globex"), body: body(["priority": "high"]))
            #expect(patch.status == .notFound)
            let own = try await client.execute(uri: "/api/v1/cases/\(id)", method: .get, headers: fx.headers("agent"))
            #expect(own.status == .ok)
        }
    }

    @Test func openingACaseNamesTheCaseAndItsContactAndTheTimelineShowsIt() async throws {
        try await withAPI { fx, client in
            let created = try await client.execute(uri: "/api/v1/cases", method: .post, headers: fx.headers("agent"), body: body([
                "contactPoint": "sms", "from": "600 100 200", "subject": "Payment", "body": "Did you get my payment?",
                "providerMessageId": "sms-1", "html": "<p onclick=\"x()\">Hi<script>alert(1)</script></p>",
            ]))
            #expect(created.status == .created)
            let object = try json(created)
            #expect(object["reference"] as? String == "Acme #1")
            #expect(object["contactCreated"] as? Bool == true)
            let interaction = try #require(object["interaction"] as? [String: Any])
            #expect(interaction["html"] as? String == "<p>Hi</p>")
            #expect(interaction["nature"] as? String == "low")
            let contactId = try #require(object["contactId"] as? String)
            let contact = try json(try await client.execute(uri: "/api/v1/contacts/\(contactId)", method: .get, headers: fx.headers("agent")))
            #expect((contact["identities"] as? [[String: Any]])?.first?["value"] as? String == "+48600100200")
            // The same provider message again is not a second case.
            let again = try await client.execute(uri: "/api/v1/cases", method: .post, headers: fx.headers("agent"), body: body([
                "contactPoint": "sms", "from": "+48600100200", "subject": "Payment", "body": "Did you get my payment?", "providerMessageId": "sms-1",
            ]))
            #expect(again.status == .ok)
            #expect(try json(again)["duplicate"] as? Bool == true)
            let reply = try await client.execute(uri: "/api/v1/cases/1/interactions", method: .post, headers: fx.headers("agent"),
                                                 body: body(["type": "reply", "body": "Yes, received."]))
            #expect(reply.status == .created)
            let timeline = try json(try await client.execute(uri: "/api/v1/contacts/\(contactId)/timeline?limit=2", method: .get, headers: fx.headers("agent")))
            let items = try #require(timeline["items"] as? [[String: Any]])
            #expect(items.count == 2)
            // The reply and the status change it caused are the two newest entries.
            #expect(items.contains { ($0["interaction"] as? [String: Any])?["text"] as? String == "Yes, received." })
            #expect(items.contains { ($0["event"] as? [String: Any])?["type"] as? String == "case.statusChanged" })
            #expect(timeline["nextCursor"] is String)
        }
    }

    @Test func badInputGetsAProblemNamingTheField() async throws {
        try await withAPI(maxBody: 2048) { fx, client in
            let cases: [(ByteBuffer, HTTPResponse.Status, String?)] = [
                (ByteBuffer(string: "{\"contactPoint\": "), .badRequest, "body"),
                (body(["contactPoint": "fax", "from": "a@example.com", "subject": "s", "body": "b"]), .unprocessableContent, "contactPoint"),
                (body(["contactPoint": "email", "from": "not-an-address", "subject": "s", "body": "b"]), .unprocessableContent, "from"),
                (body(["contactPoint": "phone", "from": "12", "subject": "s", "body": "b"]), .unprocessableContent, "from"),
                (body(["contactPoint": "email", "from": "a@example.com", "subject": 5, "body": "b"]), .unprocessableContent, "subject"),
                (body(["contactPoint": "email", "from": "a@example.com", "subject": "s"]), .unprocessableContent, "body"),
                (body(["contactPoint": "email", "from": "a@example.com", "subject": "s", "body": "b", "level": 4]), .unprocessableContent, "level"),
                (body(["contactPoint": "email", "from": "a@example.com", "subject": "s", "body": String(repeating: "x", count: 5000)]), .contentTooLarge, "body"),
            ]
            for (payload, status, field) in cases {
                let response = try await client.execute(uri: "/api/v1/cases", method: .post, headers: fx.headers("agent"), body: payload)
                #expect(response.status == status, "\(String(buffer: payload).prefix(80))")
                #expect(response.headers[.contentType] == "application/problem+json")
                #expect(try json(response)["field"] as? String == field)
            }
            let badQuery = try await client.execute(uri: "/api/v1/cases?status=done", method: .get, headers: fx.headers("agent"))
            #expect(badQuery.status == .unprocessableContent)
            #expect(try json(badQuery)["field"] as? String == "status")
            // An id that is not one says what an id looks like, not Foundation's words for its type.
            let badID = try await client.execute(uri: "/api/v1/cases", method: .post, headers: fx.headers("agent"),
                                                 body: body(["contactPoint": "email", "from": "a@example.com", "subject": "s", "body": "b", "teamId": "team-1"]))
            let idProblem = try json(badID)
            #expect(badID.status == .unprocessableContent && idProblem["field"] as? String == "teamId")
            let idReason = idProblem["reason"] as? String ?? ""
            #expect(idReason.hasPrefix("must be an id such as ") && !idReason.contains("UUID"), "\(idReason)")
            let badCursor = try await client.execute(uri: "/api/v1/cases?cursor=%%%", method: .get, headers: fx.headers("agent"))
            #expect(badCursor.status == .unprocessableContent)
            let unknown = try await client.execute(uri: "/api/v1/accounts/\(UUID().uuidString)", method: .get, headers: fx.headers("agent"))
            #expect(unknown.status == .notFound)
            let noRoute = try await client.execute(uri: "/api/v1/nothing", method: .get, headers: fx.headers("agent"))
            #expect(noRoute.status == .notFound)
            #expect(noRoute.headers[.contentType] == "application/problem+json")
            // Nothing of the rejected requests was written.
            let list = try json(try await client.execute(uri: "/api/v1/cases", method: .get, headers: fx.headers("agent")))
            #expect((list["items"] as? [Any])?.isEmpty == true)
        }
    }

    @Test func caseUpdatesValidateTransitionsAndRecordReasons() async throws {
        try await withAPI { fx, client in
            _ = try await client.execute(uri: "/api/v1/cases", method: .post, headers: fx.headers("agent"),
                                         body: body(["contactPoint": "webChat", "from": "visitor-1", "subject": "Chat", "body": "Hello"]))
            let bad = try await client.execute(uri: "/api/v1/cases/1", method: .patch, headers: fx.headers("agent"), body: body(["status": "closed"]))
            #expect(bad.status == .unprocessableContent)
            #expect(try json(bad)["field"] as? String == "status")
            // An unknown visitor is served tech-touch, whose ladder ends at level 2.
            let tooHigh = try await client.execute(uri: "/api/v1/cases/1", method: .patch, headers: fx.headers("agent"),
                                                   body: body(["rung": "manager", "reason": "customer asked for a manager"]))
            #expect(tooHigh.status == .unprocessableContent)
            #expect(try json(tooHigh)["reason"] as? String == "Tech-touch cases escalate no higher than level 2")
            // Under rules that make everyone high-touch, a new case may go to a manager.
            let rules = try await client.execute(uri: "/api/v1/segmentation/rules", method: .put, headers: fx.headers("admin"),
                                                 body: body(["rules": [] as [Any], "defaultModel": "highTouch"]))
            #expect(rules.status == .ok)
            _ = try await client.execute(uri: "/api/v1/cases", method: .post, headers: fx.headers("agent"),
                                         body: body(["contactPoint": "webChat", "from": "visitor-2", "subject": "Chat", "body": "Hello"]))
            let escalate = try await client.execute(uri: "/api/v1/cases/2", method: .patch, headers: fx.headers("agent"),
                                                    body: body(["rung": "manager", "level": 2, "tags": ["VIP"], "reason": "customer asked for a manager"]))
            #expect(escalate.status == .ok)
            let object = try json(escalate)
            #expect(object["rung"] as? String == "manager")
            #expect(object["level"] as? Int == 2)
            #expect(object["tags"] as? [String] == ["vip"])
            let events = try json(try await client.execute(uri: "/api/v1/events", method: .get, headers: fx.headers("admin")))
            let escalated = (events["items"] as? [[String: Any]])?.first { $0["type"] as? String == "case.escalated" }
            #expect((escalated?["payload"] as? [String: Any])?["reason"] as? String == "customer asked for a manager")
            let agentAudit = try await client.execute(uri: "/api/v1/events", method: .get, headers: fx.headers("agent"))
            #expect(agentAudit.status == .forbidden)
        }
    }

    @Test func contactsMergeAndOnlyAdminsUnmerge() async throws {
        try await withAPI { fx, client in
            let a = try json(try await client.execute(uri: "/api/v1/contacts", method: .post, headers: fx.headers("agent"), body: body([
                "name": "Anna", "identities": [["kind": "email", "value": "Anna@Example.com"]]])))
            let b = try json(try await client.execute(uri: "/api/v1/contacts", method: .post, headers: fx.headers("agent"), body: body([
                "name": "Anna N.", "identities": [["kind": "phone", "value": "+48 600 700 800"]]])))
            let duplicate = try await client.execute(uri: "/api/v1/contacts", method: .post, headers: fx.headers("agent"), body: body([
                "identities": [["kind": "email", "value": "anna@example.com"]]]))
            #expect(duplicate.status == .conflict)
            let badIdentity = try await client.execute(uri: "/api/v1/contacts", method: .post, headers: fx.headers("agent"), body: body([
                "identities": [["kind": "email", "value": "ok@example.com"], ["kind": "phone", "value": "abc"]]]))
            #expect(try json(badIdentity)["field"] as? String == "identities[1].value")
            let aID = try #require(a["id"] as? String)
            let bID = try #require(b["id"] as? String)
            let agentMerge = try await client.execute(uri: "/api/v1/contacts/\(aID)/merge", method: .post, headers: fx.headers("agent"), body: body(["duplicateId": bID]))
            #expect(agentMerge.status == .forbidden)
            let merge = try await client.execute(uri: "/api/v1/contacts/\(aID)/merge", method: .post, headers: fx.headers("manager"), body: body(["duplicateId": bID]))
            #expect(merge.status == .ok)
            #expect((try json(merge)["identities"] as? [Any])?.count == 2)
            let managerUnmerge = try await client.execute(uri: "/api/v1/contacts/\(bID)/unmerge", method: .post, headers: fx.headers("manager"))
            #expect(managerUnmerge.status == .forbidden)
            let unmerge = try await client.execute(uri: "/api/v1/contacts/\(bID)/unmerge", method: .post, headers: fx.headers("admin"))
            #expect(unmerge.status == .ok)
            #expect(try json(unmerge)["mergedInto"] == nil)
        }
    }

    @Test func commitmentsShowWhereverTheAccountShows() async throws {
        try await withAPI { fx, client in
            let account = try json(try await client.execute(uri: "/api/v1/accounts", method: .post, headers: fx.headers("manager"), body: body([
                "name": "Baltic Foods", "annualValue": 120000, "complexity": "high", "stage": "renewal", "healthScore": 70])))
            let accountID = try #require(account["id"] as? String)
            let contact = try json(try await client.execute(uri: "/api/v1/contacts", method: .post, headers: fx.headers("agent"), body: body([
                "accountId": accountID, "identities": [["kind": "email", "value": "buyer@baltic.example"]]])))
            let created = try await client.execute(uri: "/api/v1/accounts/\(accountID)/commitments", method: .post, headers: fx.headers("agent"), body: body([
                "what": "Send the corrected invoice", "dueAt": "2030-01-15T10:00:00Z"]))
            #expect(created.status == .created)
            let badDate = try await client.execute(uri: "/api/v1/accounts/\(accountID)/commitments", method: .post, headers: fx.headers("agent"), body: body([
                "what": "x", "dueAt": "tomorrow"]))
            #expect(try json(badDate)["field"] as? String == "dueAt")
            let opened = try json(try await client.execute(uri: "/api/v1/cases", method: .post, headers: fx.headers("agent"), body: body([
                "contactPoint": "email", "from": "buyer@baltic.example", "subject": "Invoice", "body": "Where is it?"])))
            #expect(opened["accountId"] as? String == accountID)
            let caseView = try json(try await client.execute(uri: "/api/v1/cases/1", method: .get, headers: fx.headers("agent")))
            let contactView = try json(try await client.execute(uri: "/api/v1/contacts/\(contact["id"] as! String)", method: .get, headers: fx.headers("agent")))
            let accountView = try json(try await client.execute(uri: "/api/v1/accounts/\(accountID)", method: .get, headers: fx.headers("agent")))
            for view in [caseView, contactView, accountView] {
                #expect((view["openCommitments"] as? [[String: Any]])?.first?["what"] as? String == "Send the corrected invoice")
            }
            let profile = try await client.execute(uri: "/api/v1/accounts/\(accountID)", method: .patch, headers: fx.headers("manager"),
                                                   body: body(["healthScore": 150]))
            #expect(try json(profile)["field"] as? String == "healthScore")
        }
    }

    @Test func theOpenAPIDocumentDescribesExactlyTheRoutes() async throws {
        let fixture = try await APIFixture.make()
        defer { Task { await fixture.close() } }
        let router = buildRouter(app: UseCases(store: fixture.store), inbox: fixture.inbox, config: WebConfig())
        // The document is the JSON API's; the console's and the portal's HTML pages are not part of it.
        let served = Set(router.routes.map { "\($0.method.rawValue) \($0.path.description)" }
            .filter { $0.contains(" /api/") || $0.hasSuffix(" /health") || $0.hasSuffix(" /ready") })
        // Read the paths and their methods from the document's `paths:` section.
        var documented = Set<String>()
        var currentPath: String?
        var inPaths = false
        for line in API.openAPI.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("paths:") { inPaths = true; continue }
            if inPaths, let first = line.first, !first.isWhitespace { inPaths = false }
            guard inPaths else { continue }
            if line.hasPrefix("  /"), line.hasSuffix(":") { currentPath = String(line.dropFirst(2).dropLast()); continue }
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if line.hasPrefix("    "), !line.hasPrefix("     "), let path = currentPath,
               let method = ["get", "post", "put", "patch", "delete"].first(where: { trimmed == "\($0):" }) {
                documented.insert("\(method.uppercased()) \(path)")
            }
        }
        #expect(!documented.isEmpty)
        #expect(served.subtracting(documented).isEmpty, "routes missing from openapi.yaml: \(served.subtracting(documented).sorted())")
        #expect(documented.subtracting(served).isEmpty, "documented but not served: \(documented.subtracting(served).sorted())")
    }
}

@Suite("Wire formats")
struct WireFormatTests {
    @Test(arguments: [0.0, 1_795_317_650.48, 951_782_400.999, 4_102_444_799.5, -86_400.25, 1_709_164_800.0])
    func datesAreWrittenAsISO8601UTCWithMilliseconds(seconds: Double) throws {
        let date = Date(timeIntervalSince1970: seconds)
        let text = JSONIO.format(date)
        #expect(text.count == 24 && text.hasSuffix("Z"))
        let parsed = try #require(JSONIO.parseDate(text))
        #expect(abs(parsed.timeIntervalSince1970 - (seconds * 1000).rounded(.down) / 1000) < 0.0005)
    }
}
