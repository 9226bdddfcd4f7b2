import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
import TouchpointCore
import TouchpointStore
@testable import TouchpointWeb

/// A browser's cookie jar and the console's form tokens, over the router test client.
struct ConsoleBrowser {
    let client: any TestClientProtocol
    var cookies: [String: String] = [:]

    init(_ client: any TestClientProtocol) { self.client = client }

    var cookieHeader: String { cookies.map { "\($0.key)=\($0.value)" }.sorted().joined(separator: "; ") }

    mutating func remember(_ response: TestResponse) {
        for header in response.headers[values: .setCookie] {
            let pair = header.split(separator: ";")[0].split(separator: "=", maxSplits: 1)
            let name = String(pair[0]), value = pair.count > 1 ? String(pair[1]) : ""
            if value.isEmpty || header.contains("Max-Age=0") { cookies[name] = nil } else { cookies[name] = value }
        }
    }

    mutating func get(_ uri: String) async throws -> TestResponse {
        let response = try await client.execute(uri: uri, method: .get, headers: cookies.isEmpty ? [:] : [.cookie: cookieHeader])
        remember(response)
        return response
    }

    mutating func post(_ uri: String, _ fields: [String: String], headers extra: HTTPFields = [:]) async throws -> TestResponse {
        try await post(uri, pairs: fields.map { ($0.key, $0.value) }, headers: extra)
    }

    /// Posts fields in order, a name as often as it comes (checkbox groups).
    mutating func post(_ uri: String, pairs fields: [(name: String, value: String)], headers extra: HTTPFields = [:]) async throws -> TestResponse {
        var headers: HTTPFields = [.contentType: "application/x-www-form-urlencoded"]
        if !cookies.isEmpty { headers[.cookie] = cookieHeader }
        for field in extra { headers[field.name] = field.value }
        let body = fields.map { "\(HTMLForm.encode($0.name))=\(HTMLForm.encode($0.value))" }.joined(separator: "&")
        let response = try await client.execute(uri: uri, method: .post, headers: headers, body: ByteBuffer(string: body))
        remember(response)
        return response
    }

    /// Posts a form as `multipart/form-data`, as a browser does for a form with a file input.
    mutating func postMultipart(_ uri: String, _ fields: [String: String], files: [(field: String, name: String, type: String, data: [UInt8])])
        async throws -> TestResponse {
        let boundary = "----touchpoint-test-\(UUID().uuidString)"
        var body: [UInt8] = []
        for (name, value) in fields.sorted(by: { $0.key < $1.key }) {
            body += Array("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"\r\n\r\n\(value)\r\n".utf8)
        }
        for file in files {
            body += Array("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(file.field)\"; filename=\"\(file.name)\"\r\nContent-Type: \(file.type)\r\n\r\n".utf8)
            body += file.data + Array("\r\n".utf8)
        }
        body += Array("--\(boundary)--\r\n".utf8)
        var headers: HTTPFields = [.contentType: "multipart/form-data; boundary=\(boundary)"]
        if !cookies.isEmpty { headers[.cookie] = cookieHeader }
        let response = try await client.execute(uri: uri, method: .post, headers: headers, body: ByteBuffer(bytes: body))
        remember(response)
        return response
    }

    /// The CSRF token in the forms of a page.
    static func csrf(_ response: TestResponse) -> String {
        let html = String(buffer: response.body)
        guard let range = html.range(of: "name=\"csrf\" value=\"") else { return "" }
        return String(html[range.upperBound...].prefix { $0 != "\"" })
    }

    mutating func signIn(_ email: String, password: String = "correct horse battery") async throws -> TestResponse {
        let form = try await get("/console/login")
        return try await post("/console/login", ["csrf": Self.csrf(form), "email": email, "password": password, "next": "/console"])
    }
}

func withConsole(_ body: @escaping @Sendable (APIFixture, any TestClientProtocol) async throws -> Void) async throws {
    try await withAPI { fixture, client in
        let hash = try await Passwords.hash("correct horse battery")
        for brand in try await fixture.store.brands() {
            for user in try await fixture.store.staffUsers(brand: brand.id) {
                try await fixture.store.setPasswordHash(hash, userID: user.id, brand: brand.id, actor: .system)
            }
        }
        try await body(fixture, client)
    }
}

@Suite("The staff console over HTTP")
struct ConsoleTests {
    @Test func pagesNeedASignInAndComeBackAfterIt() async throws {
        try await withConsole { _, client in
            var browser = ConsoleBrowser(client)
            let inbox = try await browser.get("/console?view=unassigned")
            #expect(inbox.status == .seeOther)
            #expect(inbox.headers[.location] == "/console/login?next=%2Fconsole%3Fview%3Dunassigned")
            let form = try await browser.get("/console/login?next=%2Fconsole%3Fview%3Dunassigned")
            #expect(String(buffer: form.body).contains("value=\"/console?view=unassigned\""))
            let signedIn = try await browser.post("/console/login", ["csrf": ConsoleBrowser.csrf(form), "email": "AGENT@acme.example",
                                                                     "password": "correct horse battery", "next": "/console?view=unassigned"])
            #expect(signedIn.status == .seeOther)
            #expect(signedIn.headers[.location] == "/console?view=unassigned")
            let cookie = signedIn.headers[values: .setCookie].first { $0.hasPrefix("tp_session=") } ?? ""
            #expect(cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax") && cookie.contains("Path=/"))
            let page = try await browser.get("/console?view=unassigned")
            #expect(page.status == .ok)
            #expect(String(buffer: page.body).contains("<h1 id=\"inbox-heading\">Unassigned</h1>"))
            // Sign-in never sends anyone to another site.
            #expect(Console.localTarget("https://evil.example/console") == "/console")
            #expect(Console.localTarget("//evil.example") == "/console")
            #expect(Console.localTarget("/console/cases/4") == "/console/cases/4")
        }
    }

    @Test func passwordsAreBcryptHashesAndWrongOnesAreRefused() async throws {
        try await withConsole { fixture, client in
            let stored = try await fixture.store.credentials(email: "agent@acme.example")?.passwordHash ?? ""
            #expect(stored.hasPrefix("$2b$12$") || stored.hasPrefix("$2a$12$") || stored.hasPrefix("$2y$12$"))
            #expect(!stored.contains("correct horse"))
            var browser = ConsoleBrowser(client)
            let wrong = try await browser.signIn("agent@acme.example", password: "not the password")
            #expect(wrong.status == .unauthorized)
            #expect(String(buffer: wrong.body).contains("The email or password is not right."))
            #expect(browser.cookies["tp_session"] == nil)
            let unknown = try await browser.signIn("nobody@acme.example")
            #expect(unknown.status == .unauthorized)
            let failures = try await fixture.store.auditLog(brand: fixture.brandID, caseID: nil, limit: 50, cursor: nil).items
                .filter { $0.type == .staffSignInFailed }
            #expect(failures.count == 1)
        }
    }

    @Test func repeatedFailuresAreThrottled() async throws {
        try await withConsole { _, client in
            var browser = ConsoleBrowser(client)
            for _ in 0..<5 { _ = try await browser.signIn("agent@acme.example", password: "guess guess guess") }
            let blocked = try await browser.signIn("agent@acme.example")
            #expect(blocked.status == .tooManyRequests)
            #expect(browser.cookies["tp_session"] == nil)
            // Another person is not locked out by someone guessing at this address.
            var other = ConsoleBrowser(client)
            #expect(try await other.signIn("manager@acme.example").status == .seeOther)
        }
    }

    @Test func theSignInFormNeedsItsOwnToken() async throws {
        try await withConsole { _, client in
            var browser = ConsoleBrowser(client)
            _ = try await browser.get("/console/login")
            let forged = try await browser.post("/console/login", ["csrf": "made-up", "email": "agent@acme.example", "password": "correct horse battery"])
            #expect(forged.status == .forbidden)
            #expect(browser.cookies["tp_session"] == nil)
        }
    }

    @Test func formsWithoutTheSessionTokenChangeNothing() async throws {
        try await withConsole { fixture, client in
            _ = try await fixture.store.saveMailbox(address: "support@acme.example", brand: fixture.brandID, teamID: nil, forwardsOpenForSender: false, actor: .system)
            let opened = try await fixture.store.openCase(brand: fixture.brandID, actor: nil, request: OpenCase(
                contactPoint: .email, from: Identity(storedKind: .email, value: "jan@example.org"), subject: "Meter", body: "It is broken."))
            var browser = ConsoleBrowser(client)
            _ = try await browser.signIn("agent@acme.example")
            let page = try await browser.get("/console/cases/\(opened.case.number)")
            let csrf = ConsoleBrowser.csrf(page)
            #expect(csrf.count >= 40)
            let forged = try await browser.post("/console/cases/\(opened.case.number)/reply", ["body": "hello", "csrf": "wrong"])
            #expect(forged.status == .forbidden)
            let missing = try await browser.post("/console/cases/\(opened.case.number)/reply", ["body": "hello"])
            #expect(missing.status == .forbidden)
            let crossSite = try await browser.post("/console/cases/\(opened.case.number)/reply", ["body": "hello", "csrf": csrf],
                                                   headers: [.origin: "https://evil.example"])
            #expect(crossSite.status == .forbidden)
            #expect(try await fixture.store.interactions(caseID: opened.case.id, brand: fixture.brandID).count == 1)

            let sent = try await browser.post("/console/cases/\(opened.case.number)/reply", ["body": "We are on it.", "csrf": csrf, "contactPoint": "email"])
            #expect(sent.status == .seeOther)
            #expect(sent.headers[.location] == "/console/cases/\(opened.case.number)?done=reply")
            let items = try await fixture.store.interactions(caseID: opened.case.id, brand: fixture.brandID)
            #expect(items.last?.direction == .outbound && items.last?.text == "We are on it." && items.last?.contactPoint == .email)
            // The reply went to the outbox for the email contact point.
            let queued = try await fixture.store.outbox(brand: fixture.brandID, state: nil, limit: 10, cursor: nil).items
            #expect(queued.count == 1 && queued.first?.recipient == "jan@example.org")
            let after = String(buffer: try await browser.get("/console/cases/\(opened.case.number)?done=reply").body)
            #expect(after.contains("Reply added to the history."))
            #expect(after.contains("We are on it."))
            #expect(after.contains("waiting in the outbox"))
        }
    }

    @Test func theSamePersonOnWhatsAppIsSuggestedAndMergedInOneClick() async throws {
        try await withConsole { fixture, client in
            let ewa = try await fixture.store.createContact(brand: fixture.brandID, actor: .system, accountID: nil, name: "Ewa Nowak", title: nil,
                                                          preferredContactPoint: .email,
                                                          identities: [Identity(storedKind: .email, value: "ewa@example.org"),
                                                                       Identity(storedKind: .phone, value: "+48600100200")])
            // She writes on WhatsApp from her mobile: a new, nameless contact.
            let whatsApp = try await fixture.store.openCase(brand: fixture.brandID, actor: nil, request: OpenCase(
                contactPoint: .whatsApp, from: Identity(storedKind: .whatsApp, value: "+48600100200"), subject: "Hi", body: "Hi"))
            #expect(whatsApp.contactCreated)
            let stranger = try await fixture.store.createContact(brand: fixture.brandID, actor: .system, accountID: nil, name: "Ewa Nowak", title: nil,
                                                               preferredContactPoint: nil, identities: [Identity(storedKind: .email, value: "other@example.net")])
            var browser = ConsoleBrowser(client)
            _ = try await browser.signIn("agent@acme.example")
            let page = String(buffer: try await browser.get("/console/contacts/\(ewa.id.text)").body)
            #expect(page.contains("id=\"duplicates\"") && page.contains("/console/contacts/\(whatsApp.case.contactID.text)"))
            #expect(page.contains("Why: the same phone number (…0200)"))
            #expect(!page.contains("/console/contacts/\(stranger.id.text)"), "a name alone is no reason")
            let (status, json) = try await fixture.call(client, .get, "/api/v1/contacts/\(ewa.id.text)/duplicates", as: "agent")
            #expect(status == .ok)
            let items = json["items"] as? [[String: Any]] ?? []
            #expect(items.count == 1 && (items.first?["reasons"] as? [String]) == ["the same phone number (…0200)"])
            // A first-line agent sees the suggestion; merging is for those whose role may.
            #expect(!page.contains("class=\"merge-duplicate\""))
            browser = ConsoleBrowser(client)
            _ = try await browser.signIn("manager@acme.example")
            // One click: the WhatsApp contact's history is hers.
            let csrf = ConsoleBrowser.csrf(try await browser.get("/console/contacts/\(ewa.id.text)"))
            let merged = try await browser.post("/console/contacts/\(ewa.id.text)/merge",
                                                ["duplicate": whatsApp.case.contactID.text, "reason": "the same phone number", "csrf": csrf])
            #expect(merged.headers[.location] == "/console/contacts/\(ewa.id.text)?merged=1")
            #expect(try await fixture.store.contact(whatsApp.case.contactID, brand: fixture.brandID).mergedInto == ewa.id)
            let after = String(buffer: try await browser.get("/console/contacts/\(ewa.id.text)?merged=1").body)
            #expect(after.contains("Customers merged") && !after.contains("id=\"duplicates\""))
        }
    }

    @Test func aSecondThreadOfTheSameCustomerOffersToMergeAsTheSameNeed() async throws {
        try await withConsole { fixture, client in
            // A customer writes twice, in two email threads an hour apart: two cases, since a
            // second thread on one contact point may be a second matter.
            let first = try await fixture.store.openCase(brand: fixture.brandID, actor: nil, request: OpenCase(
                contactPoint: .email, from: Identity(storedKind: .email, value: "ewa@example.org"), subject: "No power", body: "Since 7 am."))
            let second = try await fixture.store.openCase(brand: fixture.brandID, actor: nil, request: OpenCase(
                contactPoint: .email, from: Identity(storedKind: .email, value: "ewa@example.org"), subject: "Power?", body: "Still nothing."))
            #expect(!second.continued && second.case.id != first.case.id)
            var browser = ConsoleBrowser(client)
            _ = try await browser.signIn("agent@acme.example")
            let page = String(buffer: try await browser.get("/console/cases/\(second.case.number)").body)
            #expect(page.contains("id=\"same-need\"") && page.contains("Merge this case into Acme-\(first.case.number)"))
            #expect(page.contains("same customer, opened on Email within a minute of this one, both still open"))
            let older = String(buffer: try await browser.get("/console/cases/\(first.case.number)").body)
            #expect(older.contains("Merge Acme-\(second.case.number) into this case"))
            // One click merges the newer into the older; the suggestion is gone.
            let csrf = ConsoleBrowser.csrf(try await browser.get("/console/cases/\(second.case.number)"))
            let merged = try await browser.post("/console/cases/\(second.case.number)/merge", ["number": "\(first.case.number)", "csrf": csrf])
            #expect(merged.headers[.location] == "/console/cases/\(first.case.number)?done=merge")
            #expect(try await fixture.store.case(second.case.id, brand: fixture.brandID).mergedInto == first.case.id)
            #expect(!String(buffer: try await browser.get("/console/cases/\(first.case.number)").body).contains("id=\"same-need\""))
        }
    }

    @Test func caseActionsChangeTheCaseAndShowOnIt() async throws {
        try await withConsole { fixture, client in
            let first = try await fixture.store.openCase(brand: fixture.brandID, actor: nil, request: OpenCase(
                contactPoint: .phone, from: Identity(storedKind: .email, value: "ewa@example.org"), subject: "No power", body: "Since 7 am."))
            // A second need of the same customer, its own case from the start.
            var invoice = OpenCase(contactPoint: .email, from: Identity(storedKind: .email, value: "ewa@example.org"), subject: "Invoice", body: "Too high.")
            invoice.mayContinue = false
            let second = try await fixture.store.openCase(brand: fixture.brandID, actor: nil, request: invoice)
            let manager = try await fixture.store.staffUser(email: "manager@acme.example")
            var browser = ConsoleBrowser(client)
            _ = try await browser.signIn("agent@acme.example")
            let number = first.case.number
            var csrf = ConsoleBrowser.csrf(try await browser.get("/console/cases/\(number)"))
            #expect(try await browser.post("/console/cases/\(number)/note", ["body": "Checked the grid map.", "csrf": csrf]).status == .seeOther)
            #expect(try await browser.post("/console/cases/\(number)/update", ["status": "open", "priority": "high", "assignee": manager.id.text,
                                                                                "team": "", "csrf": csrf]).status == .seeOther)
            #expect(try await fixture.store.case(first.case.id, brand: fixture.brandID).assigneeID == manager.id)
            let escalated = try await browser.post("/console/cases/\(number)/escalate", ["reason": "outage affects a hospital", "csrf": csrf])
            #expect(escalated.status == .seeOther)
            #expect(try await browser.post("/console/cases/\(number)/link", ["number": "#\(second.case.number)", "csrf": csrf]).status == .seeOther)
            let noReason = try await browser.post("/console/cases/\(number)/deescalate", ["reason": " ", "csrf": csrf])
            #expect(noReason.status == .unprocessableContent)
            #expect(String(buffer: noReason.body).contains("say why the case goes down"))

            let item = try await fixture.store.case(first.case.id, brand: fixture.brandID)
            #expect(item.status == .open && item.priority == .high)
            #expect(item.level == .intermediate)
            let notes = try await fixture.store.interactions(caseID: item.id, brand: fixture.brandID).filter { $0.direction == .internal }
            #expect(notes.map(\.text) == ["Checked the grid map."])
            let page = String(buffer: try await browser.get("/console/cases/\(number)").body)
            #expect(page.contains("Checked the grid map."))
            #expect(page.contains("outage affects a hospital"))
            #expect(page.contains("/console/cases/\(second.case.number)"))
            // The whole history: the other case's message is on this page too, marked as such.
            #expect(page.contains("Too high."))

            csrf = ConsoleBrowser.csrf(try await browser.get("/console/cases/\(second.case.number)"))
            let merged = try await browser.post("/console/cases/\(second.case.number)/merge", ["number": "\(number)", "csrf": csrf])
            #expect(merged.headers[.location] == "/console/cases/\(number)?done=merge")
            #expect(try await fixture.store.case(second.case.id, brand: fixture.brandID).mergedInto == first.case.id)
        }
    }

    @Test func customerTextIsEscapedAndHTMLIsSandboxed() async throws {
        try await withConsole { fixture, client in
            let opened = try await fixture.store.openCase(brand: fixture.brandID, actor: nil, request: OpenCase(
                contactPoint: .email, from: Identity(storedKind: .email, value: "x@example.org"), subject: "<script>alert(1)</script>",
                body: "<img src=x onerror=alert(2)>", html: "<p>Hi <b>there</b></p>"))
            var browser = ConsoleBrowser(client)
            _ = try await browser.signIn("agent@acme.example")
            let page = try await browser.get("/console/cases/\(opened.case.number)")
            let html = String(buffer: page.body)
            #expect(!html.contains("<script>alert(1)"))
            #expect(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
            #expect(!html.contains("<img src=x"))
            let csp = page.headers[.contentSecurityPolicy] ?? ""
            #expect(csp.contains("script-src 'self'") && csp.contains("frame-ancestors 'none'") && !csp.contains("unsafe-inline"))
            #expect(page.headers[.xContentTypeOptions] == "nosniff")
            #expect(html.contains("<iframe sandbox src=\"/console/interactions/\(opened.interaction.id.text)/html\""))
            let framed = try await browser.get("/console/interactions/\(opened.interaction.id.text)/html")
            #expect(framed.headers[.contentSecurityPolicy]?.hasPrefix("sandbox;") == true)
            #expect(String(buffer: framed.body).contains("<b>there</b>"))
        }
    }

    @Test func anotherBrandsCaseIsNotFound() async throws {
        try await withConsole { fixture, client in
            let opened = try await fixture.store.openCase(brand: fixture.brandID, actor: nil, request: OpenCase(
                contactPoint: .email, from: Identity(storedKind: .email, value: "x@example.org"), subject: "Secret", body: "Acme only."))
            var browser = ConsoleBrowser(client)
            _ = try await browser.signIn("admin@globex.example")
            let page = try await browser.get("/console/cases/\(opened.case.number)")
            #expect(page.status == .notFound)
            #expect(!String(buffer: page.body).contains("Acme only."))
            let framed = try await browser.get("/console/interactions/\(opened.interaction.id.text)/html")
            #expect(framed.status == .notFound)
        }
    }

    @Test func anAdminResetsAPasswordAndEndsThatPersonsSessions() async throws {
        try await withConsole { fixture, client in
            var agent = ConsoleBrowser(client)
            _ = try await agent.signIn("agent@acme.example")
            #expect(try await agent.get("/console").status == .ok)
            #expect(try await agent.get("/console/admin/staff").status == .forbidden)

            var admin = ConsoleBrowser(client)
            _ = try await admin.signIn("admin@acme.example")
            let staffPage = try await admin.get("/console/admin/staff")
            #expect(staffPage.status == .ok)
            let user = try await fixture.store.staffUser(email: "agent@acme.example")
            #expect(try await fixture.store.sessionCount(userID: user.id) == 1)
            let short = try await admin.post("/console/admin/staff/\(user.id.text)/password", ["password": "short", "csrf": ConsoleBrowser.csrf(staffPage)])
            #expect(short.status == .unprocessableContent)
            let reset = try await admin.post("/console/admin/staff/\(user.id.text)/password", ["password": "a brand new secret", "csrf": ConsoleBrowser.csrf(staffPage)])
            #expect(reset.status == .seeOther)
            #expect(try await fixture.store.sessionCount(userID: user.id) == 0)
            #expect(try await agent.get("/console").status == .seeOther)
            var again = ConsoleBrowser(client)
            #expect(try await again.signIn("agent@acme.example").status == .unauthorized)
            #expect(try await again.signIn("agent@acme.example", password: "a brand new secret").status == .seeOther)
        }
    }

    @Test func signingOutEndsTheSession() async throws {
        try await withConsole { _, client in
            var browser = ConsoleBrowser(client)
            _ = try await browser.signIn("agent@acme.example")
            let session = browser.cookies["tp_session"] ?? ""
            let inbox = try await browser.get("/console")
            let out = try await browser.post("/console/logout", ["csrf": ConsoleBrowser.csrf(inbox)])
            #expect(out.headers[.location] == "/console/login?signedOut=1")
            // The old cookie value is worthless now, even if someone kept it.
            browser.cookies["tp_session"] = session
            #expect(try await browser.get("/console").status == .seeOther)
        }
    }

    @Test func queuesCountAndSavedViewsReopen() async throws {
        try await withConsole { fixture, client in
            for index in 0..<3 {
                _ = try await fixture.store.openCase(brand: fixture.brandID, actor: nil, request: OpenCase(
                    contactPoint: .sms, from: Identity(storedKind: .phone, value: "+4860010020\(index)"), subject: "Text \(index)", body: "Hello"))
            }
            var browser = ConsoleBrowser(client)
            _ = try await browser.signIn("agent@acme.example")
            let inbox = try await browser.get("/console?view=unassigned")
            let html = String(buffer: inbox.body)
            #expect(html.contains("Unassigned <span class=\"count\">3</span>"))
            #expect(html.components(separatedBy: "class=\"case-link\"").count - 1 == 3)
            let saved = try await browser.post("/console/views", ["name": "SMS waiting", "query": "view=unassigned&point=sms", "csrf": ConsoleBrowser.csrf(inbox)])
            #expect(saved.headers[.location] == "/console?view=unassigned&point=sms")
            let again = String(buffer: try await browser.get("/console").body)
            #expect(again.contains("<a href=\"/console?view=unassigned&amp;point=sms\">SMS waiting</a>"))
            let search = try await browser.get("/console/search?q=Acme-2")
            #expect(search.headers[.location] == "/console/cases/2")
            #expect(try await browser.get("/console/search?q=E5").headers[.location] == "/console?view=all&q=E5", "an error code is a search")
            #expect(Console.caseNumber("#12", prefix: "Acme") == 12 && Console.caseNumber("acme #7", prefix: "Acme") == 7)
            #expect(Console.caseNumber("meter2", prefix: "Acme") == nil && Console.caseNumber("12 34", prefix: "Acme") == nil)
        }
    }

    @Test func macrosAreWrittenByManagersAndFilledInForTheCase() async throws {
        try await withConsole { fixture, client in
            let opened = try await fixture.store.openCase(brand: fixture.brandID, actor: nil, request: OpenCase(
                contactPoint: .email, from: Identity(storedKind: .email, value: "ewa@example.org"), name: "Ewa Nowak", subject: "Meter", body: "Broken."))
            var agent = ConsoleBrowser(client)
            _ = try await agent.signIn("agent@acme.example")
            #expect(try await agent.get("/console/admin/macros").status == .forbidden)

            var manager = ConsoleBrowser(client)
            _ = try await manager.signIn("manager@acme.example")
            let page = try await manager.get("/console/admin/macros")
            let typo = try await manager.post("/console/admin/macros", ["name": "Visit", "body": "Hi {{customer.frstName}}", "csrf": ConsoleBrowser.csrf(page)])
            #expect(typo.status == .unprocessableContent)
            #expect(String(buffer: typo.body).contains("unknown placeholder {{customer.frstName}}"))
            // The macros page again, not a bare error page: the form keeps what was typed.
            #expect(String(buffer: typo.body).contains("id=\"macro-error\""))
            #expect(String(buffer: typo.body).contains(">Hi {{customer.frstName}}</textarea>"))
            #expect(String(buffer: typo.body).contains("id=\"macro-name\" name=\"name\" required maxlength=\"80\" value=\"Visit\""))
            let saved = try await manager.post("/console/admin/macros", ["name": "Visit",
                                                                          "body": "Hello {{customer.firstName}}, a technician comes for {{case.ref}}. {{agent.name}}",
                                                                          "csrf": ConsoleBrowser.csrf(page)])
            #expect(saved.status == .seeOther)
            let macro = try #require(try await fixture.store.macros(brand: fixture.brandID).first)

            let casePage = try await agent.get("/console/cases/\(opened.case.number)")
            #expect(String(buffer: casePage.body).contains("data-text=\"Hello Ewa, a technician comes for Acme-\(opened.case.number). agent\""))
            // Without script: an empty reply with a macro chosen sends the macro, filled in.
            let sent = try await agent.post("/console/cases/\(opened.case.number)/reply", ["body": "", "macro": macro.id.text, "csrf": ConsoleBrowser.csrf(casePage)])
            #expect(sent.status == .seeOther)
            let last = try await fixture.store.interactions(caseID: opened.case.id, brand: fixture.brandID).last
            #expect(last?.text == "Hello Ewa, a technician comes for Acme-\(opened.case.number). agent")
        }
    }

    /// What staff read is in their words: no stored names (`highTouch`, `level3`,
    /// `contact.created`, `partsNeeded`, `customerNumber`, `firstResponse`) and grouped
    /// money, on the case page, the account page and the contact page.
    @Test func pagesSpeakStaffsWordsNotStoredNames() async throws {
        try await withConsole { fixture, client in
            let account = try await fixture.store.createAccount(brand: fixture.brandID, actor: .system, name: "Gdansk Mills",
                                                                profile: AccountProfile(annualValue: 413_195, averageOrderValue: 1_250, complexity: .high,
                                                                                        stage: .atRisk, healthScore: 55))
            let opened = try await fixture.store.openCase(brand: fixture.brandID, actor: nil, request: OpenCase(
                contactPoint: .phone, from: Identity(storedKind: .phone, value: "+48600700901"), name: "Marek Wiśniewski", subject: "Mill power cut",
                body: "The mill has no power."))
            let contactID = opened.case.contactID
            _ = try await fixture.store.updateContact(contactID, brand: fixture.brandID, actor: .system,
                                                      changes: ContactChanges(accountID: .some(account.id),
                                                                              addIdentities: [Identity(storedKind: .customerNumber, value: "C-10007")]))
            let technician = try await fixture.store.staffUser(email: "technician@acme.example")
            try await fixture.store.setTechnician(technician.id, brand: fixture.brandID, regions: ["gdansk"], travelMinutes: 15)
            let visit = try await fixture.store.scheduleVisit(caseID: opened.case.id, brand: fixture.brandID, actor: .system,
                                                              request: VisitRequest(technicianID: technician.id, start: Date().addingTimeInterval(-7200), minutes: 60,
                                                                                    skill: nil, region: "gdansk", address: "ul. Młyńska 3"))
            _ = try await fixture.store.completeVisit(visit.id, brand: fixture.brandID, staff: technician.id, outcome: .partsNeeded, note: "A new fuse.")
            _ = try await fixture.store.updateCase(opened.case.id, brand: fixture.brandID, actor: .system, update: CaseUpdate(level: .intermediate, reason: "test"))
            var browser = ConsoleBrowser(client)
            _ = try await browser.signIn("agent@acme.example")
            let item = try await fixture.store.case(opened.case.id, brand: fixture.brandID)
            let pages = [
                "case": "/console/cases/\(item.number)", "account": "/console/accounts/\(account.id.text)", "contact": "/console/contacts/\(contactID.text)",
            ]
            for (name, path) in pages {
                let page = try await browser.get(path)
                let text = Self.visibleText(String(buffer: page.body))
                #expect(page.status == .ok)
                for stored in ["highTouch", "midTouch", "lowTouch", "techTouch", "level1", "level2", "contact.created", "case.created", "partsNeeded",
                               "customerNumber", "firstResponse", "atRisk", "413195"] {
                    #expect(!text.contains(stored), "\(name) page shows \(stored): \(text)")
                }
                if name != "contact" { #expect(text.contains("413,195"), "\(name): \(text)") }
            }
            let caseText = Self.visibleText(String(buffer: try await browser.get(pages["case"]!).body))
            #expect(caseText.contains("Customer number: C-10007") && caseText.contains("parts needed") && caseText.contains("step level 2"), "\(caseText)")
        }
    }

    /// A page's text as a person reads it: no markup, scripts or attribute values.
    static func visibleText(_ html: String) -> String {
        var text = html.replacingOccurrences(of: "<script[^>]*>[\\s\\S]*?</script>", with: " ", options: .regularExpression)
        text = text.replacingOccurrences(of: "<[^>]+>", with: " ", options: .regularExpression)
        return text.replacingOccurrences(of: "\\s+", with: " ", options: .regularExpression)
    }

    @Test func contactAndAccountPagesShowTheModelAndTheWholeHistory() async throws {
        try await withConsole { fixture, client in
            let account = try await fixture.store.createAccount(brand: fixture.brandID, actor: .system, name: "Krakow Bakeries",
                                                                profile: AccountProfile(annualValue: 250_000, averageOrderValue: 900, complexity: .high,
                                                                                        stage: .adoption, goals: ["fewer outages"], healthScore: 61))
            let opened = try await fixture.store.openCase(brand: fixture.brandID, actor: nil, request: OpenCase(
                contactPoint: .phone, from: Identity(storedKind: .email, value: "kasia@bakeries.example"), name: "Kasia", subject: "Oven power", body: "No power."))
            _ = try await fixture.store.updateContact(opened.case.contactID, brand: fixture.brandID, actor: .system,
                                                      changes: ContactChanges(accountID: .some(account.id)))
            var browser = ConsoleBrowser(client)
            _ = try await browser.signIn("agent@acme.example")
            let contact = String(buffer: try await browser.get("/console/contacts/\(opened.case.contactID.text)").body)
            #expect(contact.contains("Kasia") && contact.contains("Krakow Bakeries") && contact.contains("No power.") && contact.contains("Oven power"))
            let accountPage = try await browser.get("/console/accounts/\(account.id.text)")
            let html = String(buffer: accountPage.body)
            #expect(accountPage.status == .ok)
            #expect(html.contains("fewer outages") && html.contains("No power.") && html.contains("/console/contacts/\(opened.case.contactID.text)"))
            #expect(html.contains("id=\"customer-model\">") && html.contains("Why:"))
            // Health is computed, not typed in: the call counts against what high touch expects.
            #expect(html.contains("id=\"health-score\">") && html.contains("How the score is made"))
            #expect(html.contains("1 conversation in 90 days; at least 4 expected for this service model"), "\(html)")
            var other = ConsoleBrowser(client)
            _ = try await other.signIn("admin@globex.example")
            #expect(try await other.get("/console/accounts/\(account.id.text)").status == .notFound)
        }
    }

    @Test func anAdminCreatesATokenSeesItOnceAndRevokesIt() async throws {
        try await withConsole { fixture, client in
            var admin = ConsoleBrowser(client)
            _ = try await admin.signIn("admin@acme.example")
            let page = try await admin.get("/console/admin/tokens")
            let foreign = try await admin.post("/console/admin/tokens", ["name": "x", "email": "admin@globex.example", "scope": "read", "csrf": ConsoleBrowser.csrf(page)])
            #expect(foreign.status == .unprocessableContent, "no tokens for another brand's staff")
            let created = try await admin.post("/console/admin/tokens", ["name": "reporting", "email": "manager@acme.example", "scope": "read",
                                                                         "csrf": ConsoleBrowser.csrf(page)])
            let html = String(buffer: created.body)
            let start = try #require(html.range(of: "<code id=\"new-token\">"))
            let token = String(html[start.upperBound...].prefix { $0 != "<" })
            #expect(token.hasPrefix("tp_"))
            let me = try await client.execute(uri: "/api/v1/me", method: .get, headers: [.authorization: "Bearer \(token)"])
            #expect(me.status == .ok)
            #expect(try json(me)["scope"] as? String == "read")
            // Listed afterwards without its value.
            let listed = String(buffer: try await admin.get("/console/admin/tokens").body)
            #expect(listed.contains("reporting") && !listed.contains(token))
            let id = try #require(try await fixture.store.apiTokens(brand: fixture.brandID).first { $0.name == "reporting" }?.id)
            let revoked = try await admin.post("/console/admin/tokens", ["revoke": id.text, "csrf": ConsoleBrowser.csrf(page)])
            #expect(revoked.status == .seeOther)
            #expect(try await fixture.store.principal(forToken: token) == nil)
            var agent = ConsoleBrowser(client)
            _ = try await agent.signIn("agent@acme.example")
            #expect(try await agent.get("/console/admin/tokens").status == .forbidden)
        }
    }

    @Test func anAdminTriesSegmentationRulesBeforeSavingAndEditsAPolicy() async throws {
        try await withConsole { fixture, client in
            _ = try await fixture.store.createAccount(brand: fixture.brandID, actor: .system, name: "Big One",
                                                      profile: AccountProfile(annualValue: 500_000, complexity: .high))
            _ = try await fixture.store.createAccount(brand: fixture.brandID, actor: .system, name: "Small One", profile: AccountProfile(annualValue: 900))
            var admin = ConsoleBrowser(client)
            _ = try await admin.signIn("admin@acme.example")
            let page = try await admin.get("/console/admin/models")
            #expect(page.status == .ok)
            let csrf = ConsoleBrowser.csrf(page)
            let rules = #"{"defaultModel": "techTouch", "rules": [{"name": "Strategic", "model": "midTouch", "conditions": [{"attribute": "annualValue", "op": "gte", "value": 100000}]}]}"#
            let dry = try await admin.post("/console/admin/models", ["action": "dryrun", "rules": rules, "csrf": csrf])
            let dryHTML = String(buffer: dry.body)
            #expect(dry.status == .ok && dryHTML.contains("Dry run: nothing was saved.") && dryHTML.contains("Big One: High-touch → Mid-touch"))
            #expect(try await fixture.store.segmentationRules(brand: fixture.brandID).rules.map(\.name) != ["Strategic"])

            let broken = try await admin.post("/console/admin/models", ["action": "rules", "rules": "{\"defaultModel\": \"noSuchModel\", \"rules\": []}", "csrf": csrf])
            #expect(broken.status == .unprocessableContent)
            #expect(String(buffer: broken.body).contains("noSuchModel"), "what was typed stays in the box")

            let saved = try await admin.post("/console/admin/models", ["action": "rules", "rules": rules, "csrf": csrf])
            #expect(String(buffer: saved.body).contains("Rules saved;"))
            #expect(try await fixture.store.segmentationRules(brand: fixture.brandID).rules.map(\.name) == ["Strategic"])

            var policy = PolicyDTO(try await fixture.store.serviceConfig(brand: fixture.brandID).policy(.lowTouch))
            policy.sla.normal.firstResponseMinutes = 45
            let text = String(decoding: try JSONEncoder().encode(policy), as: UTF8.self)
            let edited = try await admin.post("/console/admin/models", ["action": "policy:lowTouch", "policy": text, "csrf": csrf])
            #expect(String(buffer: edited.body).contains("Low-touch policy saved"))
            #expect(try await fixture.store.serviceConfig(brand: fixture.brandID).policy(.lowTouch).sla.normal.firstResponseMinutes == 45)

            let calendar = #"{"name": "Desk hours", "timeZone": "Europe/Warsaw", "weekly": {"mon": [["09:00", "17:00"]]}}"#
            let added = try await admin.post("/console/admin/models", ["action": "calendar:new", "calendar": calendar, "csrf": csrf])
            #expect(String(buffer: added.body).contains("Calendar Desk hours saved."))
            let badHours = calendar.replacingOccurrences(of: "17:00", with: "25:00")
            let refused = try await admin.post("/console/admin/models", ["action": "calendar:new", "calendar": badHours, "csrf": csrf])
            #expect(refused.status == .unprocessableContent && String(buffer: refused.body).contains("25:00"))
            #expect(try await fixture.store.calendars(brand: fixture.brandID).map(\.name) == ["Desk hours"])

            var agent = ConsoleBrowser(client)
            _ = try await agent.signIn("agent@acme.example")
            #expect(try await agent.get("/console/admin/models").status == .forbidden)
        }
    }

    @Test func anAdminSetsTeamRoutingAndAgentPresence() async throws {
        try await withConsole { fixture, client in
            let team = try await fixture.store.createTeam(brand: fixture.brandID, name: "Technical")
            let agent = try await fixture.store.staffUser(email: "agent@acme.example")
            var admin = ConsoleBrowser(client)
            _ = try await admin.signIn("admin@acme.example")
            let page = try await admin.get("/console/admin/teams")
            let csrf = ConsoleBrowser.csrf(page)
            let body = "csrf=\(csrf)&strategy=roundRobin&skills=meter%2C+network&calendar=&handleMinutes=12&level=2&level=3"
            let savedTeam = try await client.execute(uri: "/console/admin/teams/\(team.id.text)", method: .post,
                                                     headers: [.contentType: "application/x-www-form-urlencoded", .cookie: admin.cookieHeader],
                                                     body: ByteBuffer(string: body))
            #expect(savedTeam.status == .seeOther)
            let profile = try #require(try await fixture.store.teamProfiles(brand: fixture.brandID).first { $0.team.id == team.id })
            #expect(profile.routing.strategy == .roundRobin && profile.routing.skills == ["meter", "network"])
            #expect(profile.routing.levels == [.intermediate, .advanced] && profile.averageHandleMinutes == 12)

            let savedAgent = try await admin.post("/console/admin/agents/\(agent.id.text)", ["presence": "available", "team": team.id.text,
                                                                                             "capacity": "7", "skills": "meter", "csrf": csrf])
            #expect(savedAgent.status == .seeOther)
            let updated = try await fixture.store.agentProfile(agent.id, brand: fixture.brandID)
            #expect(updated.presence == .available && updated.capacity == 7 && updated.skills == ["meter"] && updated.user.teamID == team.id)
            let wrong = try await admin.post("/console/admin/agents/\(agent.id.text)", ["capacity": "lots", "csrf": csrf])
            #expect(wrong.status == .unprocessableContent)
        }
    }

    @Test func anAdminAddsAndChangesAMailbox() async throws {
        try await withConsole { fixture, client in
            var admin = ConsoleBrowser(client)
            _ = try await admin.signIn("admin@acme.example")
            let page = try await admin.get("/console/admin/channels")
            let csrf = ConsoleBrowser.csrf(page)
            #expect(try await admin.post("/console/admin/channels", ["address": "Help@Acme.example", "acknowledges": "1", "csrf": csrf]).status == .seeOther)
            var boxes = try await fixture.store.mailboxes(brand: fixture.brandID)
            #expect(boxes.map(\.address) == ["help@acme.example"] && boxes[0].acknowledges && !boxes[0].forwardsOpenForSender)
            _ = try await admin.post("/console/admin/channels", ["address": "help@acme.example", "forwards": "1", "csrf": csrf])
            boxes = try await fixture.store.mailboxes(brand: fixture.brandID)
            #expect(boxes[0].forwardsOpenForSender && !boxes[0].acknowledges)
            var globex = ConsoleBrowser(client)
            _ = try await globex.signIn("admin@globex.example")
            let taken = try await globex.post("/console/admin/channels", ["address": "help@acme.example", "csrf": ConsoleBrowser.csrf(try await globex.get("/console/admin/channels"))])
            #expect(taken.status == .conflict, "an address belongs to one brand")
            _ = try await admin.post("/console/admin/channels", ["address": "help@acme.example", "delete": "1", "csrf": csrf])
            #expect(try await fixture.store.mailboxes(brand: fixture.brandID).isEmpty)
        }
    }

    /// A contact point that cannot deliver is not offered, and a reply on it is refused with
    /// the reason (it said "Reply added" and failed later in the outbox); a reply the outbox
    /// gave up on is flagged on the case and in the inbox until a later one gets through.
    @Test func repliesGoOnlyWhereTheyCanBeDeliveredAndFailuresAreFlagged() async throws {
        try await withConsole { fixture, client in
            let sms = try await fixture.store.createIntegration(id: "console-sms", brand: fixture.brandID, kind: .sms, name: "Gateway", secret: "s3cret")
            let inbound = try await fixture.store.processText(InboundText(messageID: "sms-1", from: "+48600100411", to: nil, text: "My meter is blinking.",
                                                                          media: [], receivedAt: Date()), integration: sms, envelope: UUID())
            let caseID = try #require(inbound.caseID)
            let number = try await fixture.store.case(caseID, brand: fixture.brandID).number
            var browser = ConsoleBrowser(client)
            _ = try await browser.signIn("agent@acme.example")
            let page = try await browser.get("/console/cases/\(number)")
            let html = String(buffer: page.body)
            #expect(!html.contains("<option value=\"sms\""), "SMS is offered without a provider to send it")
            let refused = try await browser.post("/console/cases/\(number)/reply", ["csrf": ConsoleBrowser.csrf(page), "body": "We are on it.", "contactPoint": "sms"])
            #expect(refused.status == .conflict && String(buffer: refused.body).contains("no provider URL"))
            #expect(try await fixture.store.interactions(caseID: caseID, brand: fixture.brandID).allSatisfy { $0.direction == .inbound })

            // With a provider the reply goes into the outbox; the outbox gives up on it.
            _ = try await fixture.store.updateIntegration("console-sms", brand: fixture.brandID, name: nil, providerURL: .some("http://127.0.0.1:9/send"))
            let withProvider = try await browser.get("/console/cases/\(number)")
            #expect(String(buffer: withProvider.body).contains("<option value=\"sms\""))
            let sent = try await browser.post("/console/cases/\(number)/reply", ["csrf": ConsoleBrowser.csrf(withProvider), "body": "We are on it.", "contactPoint": "sms"])
            #expect(sent.status == .seeOther)
            let item = try #require(try await fixture.store.outbox(brand: fixture.brandID, state: nil, limit: 10, cursor: nil).items.first { $0.caseID == caseID })
            let owner = try #require(try await fixture.store.caseOwner(caseID))
            try await fixture.store.outboxDead(item, error: "the provider answered 400 Bad Request", addressFailing: nil, event: DomainEvent(
                id: UUID(), brandID: fixture.brandID, type: .messageFailed, actor: .system, accountID: owner.account, contactID: owner.contact, caseID: caseID,
                payload: ["contactPoint": .string("sms"), "error": .string("the provider answered 400 Bad Request")], occurredAt: Date()))
            let flagged = String(buffer: try await browser.get("/console/cases/\(number)").body)
            #expect(flagged.contains("id=\"undelivered\"") && flagged.contains("the provider answered 400 Bad Request"))
            let inbox = String(buffer: try await browser.get("/console?view=all").body)
            let row = try #require(inbox.components(separatedBy: "<tr").first { $0.contains("/console/cases/\(number)\"") })
            #expect(row.contains("reply not delivered"), "\(row)")
            let others = inbox.components(separatedBy: "<tr").filter { !$0.contains("/console/cases/\(number)\"") }
            #expect(others.allSatisfy { !$0.contains("reply not delivered") })
        }
    }

    /// The header search finds customers and accounts by name, email or phone, not only the
    /// cases whose words match.
    @Test func theSearchFindsCustomersAndAccounts() async throws {
        try await withConsole { fixture, client in
            let account = try await fixture.store.createAccount(brand: fixture.brandID, actor: .system, name: "Sopot Studios", profile: AccountProfile())
            let halina = try await fixture.store.createContact(brand: fixture.brandID, actor: .system, accountID: account.id, name: "Halina Wiśniewska",
                                                               title: nil, preferredContactPoint: .email,
                                                               identities: [Identity(storedKind: .email, value: "halina@sopotstudios.example"),
                                                                            Identity(storedKind: .phone, value: "+48600700902")])
            var browser = ConsoleBrowser(client)
            _ = try await browser.signIn("agent@acme.example")
            for words in ["Wiśniewska", "halina@sopotstudios.example", "600700902"] {
                let jump = try await browser.get("/console/search?q=\(HTMLForm.encode(words))")
                let location = try #require(jump.headers[.location])
                let html = String(buffer: try await browser.get(location).body)
                #expect(html.contains("id=\"found-customers\"") && html.contains("href=\"/console/contacts/\(halina.id.text)\""), "\(words)")
            }
            let byCompany = String(buffer: try await browser.get("/console?view=all&q=Sopot").body)
            #expect(byCompany.contains("href=\"/console/accounts/\(account.id.text)\""))
            // Words that name nobody show no such section.
            #expect(!String(buffer: try await browser.get("/console?view=all&q=zzzqqq").body).contains("id=\"found-customers\""))
        }
    }

    /// A closed case is not a dead end: a note can still be added, and a follow-up opens a
    /// new case for the same customer that starts with the agent's note and is linked back.
    @Test func aClosedCaseTakesANoteAndOpensALinkedFollowUp() async throws {
        try await withConsole { fixture, client in
            let opened = try await fixture.store.openCase(brand: fixture.brandID, actor: nil, request: OpenCase(
                contactPoint: .email, from: Identity(storedKind: .email, value: "halina@example.org"), name: "Halina Krawczyk",
                subject: "Meter replacement", body: "Please replace my meter."))
            for status in [CaseStatus.open, .resolved, .closed] {
                _ = try await fixture.store.updateCase(opened.case.id, brand: fixture.brandID, actor: .system, update: CaseUpdate(status: status))
            }
            var browser = ConsoleBrowser(client)
            _ = try await browser.signIn("agent@acme.example")
            let number = opened.case.number
            let page = try await browser.get("/console/cases/\(number)")
            let html = String(buffer: page.body)
            #expect(html.contains("id=\"follow-up-form\"") && html.contains("id=\"add-closed-note\"") && !html.contains("id=\"reply-form\""))
            let noted = try await browser.post("/console/cases/\(number)/note", ["csrf": ConsoleBrowser.csrf(page), "body": "Customer phoned: the new meter works."])
            #expect(noted.status == .seeOther)
            #expect(try await fixture.store.interactions(caseID: opened.case.id, brand: fixture.brandID).contains {
                $0.direction == .internal && $0.text == "Customer phoned: the new meter works."
            })
            let followed = try await browser.post("/console/cases/\(number)/followup", [
                "csrf": ConsoleBrowser.csrf(page), "subject": "Check the new meter's first reading", "body": "Call Halina after the first reading on the 15th.",
            ])
            #expect(followed.status == .seeOther)
            let location = try #require(followed.headers[.location])
            let newNumber = try #require(Int(location.dropFirst("/console/cases/".count).prefix { $0.isNumber }))
            #expect(newNumber != number && location.hasSuffix("?done=followup"))
            let followUp = try await fixture.store.case(number: newNumber, brand: fixture.brandID)
            #expect(followUp.contactID == opened.case.contactID && followUp.status.isActive && followUp.subject == "Check the new meter's first reading")
            let first = try #require(try await fixture.store.interactions(caseID: followUp.id, brand: fixture.brandID).first)
            let agent = try await fixture.store.staffUser(email: "agent@acme.example")
            #expect(first.direction == .internal && first.authorKind == .staff && first.authorID == agent.id && first.text.contains("first reading"))
            #expect(try await fixture.store.links(caseID: followUp.id, brand: fixture.brandID).contains { $0.number == number })
            // A follow-up needs to say what it is for.
            let empty = try await browser.post("/console/cases/\(number)/followup", ["csrf": ConsoleBrowser.csrf(page), "body": " "])
            #expect(empty.status == .unprocessableContent || empty.status == .badRequest, "\(empty.status)")
        }
    }

    @Test func anAgentSendsAWhatsAppTemplateAfterTheWindow() async throws {
        try await withConsole { fixture, client in
            let wa = try await fixture.store.createIntegration(id: "console-wa", brand: fixture.brandID, kind: .whatsApp, name: "WA", secret: "s3cret",
                                                               providerURL: "http://127.0.0.1:9/send")
            _ = try await fixture.store.updateIntegration("console-wa", brand: fixture.brandID, name: nil, providerURL: nil, templates: [
                MessageTemplate(name: "case_update", language: "en", text: "Hello {{1}}, your case {{2}} has news."),
            ])
            let old = try await fixture.store.processText(InboundText(messageID: "wa-old", from: "+48600100309", to: nil, text: "Any news?", media: [],
                                                                      receivedAt: Date().addingTimeInterval(-48 * 3600)),
                                                          integration: wa, envelope: UUID())
            let oldCase = try #require(old.caseID)
            let number = try await fixture.store.case(oldCase, brand: fixture.brandID).number
            var browser = ConsoleBrowser(client)
            _ = try await browser.signIn("agent@acme.example")
            let page = try await browser.get("/console/cases/\(number)")
            let html = String(buffer: page.body)
            #expect(html.contains("id=\"template-form\"") && html.contains("<option value=\"case_update/en\">"))
            let sent = try await browser.post("/console/cases/\(number)/template",
                                              ["csrf": ConsoleBrowser.csrf(page), "template": "case_update/en", "parameters": "Anna\n#7\n"])
            #expect(sent.status == .seeOther && sent.headers[.location] == "/console/cases/\(number)?done=template")
            let last = try #require(try await fixture.store.interactions(caseID: oldCase, brand: fixture.brandID).last)
            #expect(last.direction == .outbound && last.text == "Hello Anna, your case #7 has news." && last.metadata["template"] == "case_update")
            let queued = try #require(try await fixture.store.outbox(brand: fixture.brandID, state: nil, contactPoints: [.sms, .whatsApp], limit: 200, cursor: nil).items.first)
            #expect(queued.text?.template == TemplateUse(name: "case_update", language: "en", parameters: ["Anna", "#7"]))
        }
    }

    @Test func anAdminAddsAWhatsAppIntegrationSeesItsSecretOnceAndSetsTemplates() async throws {
        try await withConsole { fixture, client in
            var browser = ConsoleBrowser(client)
            _ = try await browser.signIn("admin@acme.example")
            let page = try await browser.get("/console/admin/channels")
            let csrf = ConsoleBrowser.csrf(page)
            let created = try await browser.post("/console/admin/integrations",
                                                 ["csrf": csrf, "id": "shop-wa", "kind": "whatsApp", "name": "Shop WhatsApp", "providerUrl": "https://wa.example/send"])
            let html = String(buffer: created.body)
            let secret = try #require(try await fixture.store.integration(id: "shop-wa")).secret
            #expect(created.status == .ok && html.contains("<code id=\"secret-shop-wa\">\(secret)</code>"))
            #expect(html.contains("/api/v1/webhooks/whatsapp/shop-wa"))
            #expect(!String(buffer: try await browser.get("/console/admin/channels").body).contains(secret), "the secret is shown once")

            let templates = #"[{"name": "case_update", "language": "en", "text": "Hello {{1}}"}]"#
            let saved = try await browser.post("/console/admin/integrations/shop-wa",
                                               ["csrf": csrf, "name": "Shop WhatsApp", "providerUrl": "https://wa.example/send", "templates": templates])
            #expect(saved.status == .seeOther)
            #expect(try await fixture.store.integration(id: "shop-wa")?.templates == [MessageTemplate(name: "case_update", language: "en", text: "Hello {{1}}")])
            // The same in rows: the saved template is a row, with an empty one to add with.
            var rows = try #require(PageForm(String(buffer: try await browser.get("/console/admin/channels").body), button: "", formID: "integration-shop-wa"))
            #expect(rows["t0-name"] == "case_update" && rows["t0-text"] == "Hello {{1}}" && rows["t1-name"] == "")
            rows.set("t1-name", "visit_reminder")
            rows.set("t1-language", "pl")
            rows.set("t1-text", "Dzień dobry {{1}}, technik przyjdzie {{2}}.")
            rows.set("t0-name", "")
            #expect(try await browser.post("/console/admin/integrations/shop-wa", pairs: rows.fields).status == .seeOther)
            let afterRows = try #require(try await fixture.store.integration(id: "shop-wa"))
            #expect(afterRows.templates == [MessageTemplate(name: "visit_reminder", language: "pl", text: "Dzień dobry {{1}}, technik przyjdzie {{2}}.")])
            #expect(afterRows.providerURL == "https://wa.example/send", "the provider URL stays")
            let broken = try await browser.post("/console/admin/integrations/shop-wa", ["csrf": csrf, "name": "Shop WhatsApp", "templates": "[{"])
            #expect(broken.status == .unprocessableContent && String(buffer: broken.body).contains("templates"))
            let rotated = try await browser.post("/console/admin/integrations/shop-wa", ["csrf": csrf, "rotate": "1"])
            let fresh = try #require(try await fixture.store.integration(id: "shop-wa")).secret
            #expect(fresh != secret && String(buffer: rotated.body).contains(fresh))
            // Agents do not manage integrations.
            var agent = ConsoleBrowser(client)
            _ = try await agent.signIn("agent@acme.example")
            let agentPage = try await agent.get("/console")
            let refused = try await agent.post("/console/admin/integrations", ["csrf": ConsoleBrowser.csrf(agentPage), "id": "x-sms", "kind": "sms", "name": "X"])
            #expect(refused.status == .forbidden)
        }
    }

    @Test func aDeskGivesANumberCallsItAndFinishesTheVisit() async throws {
        try await withConsole { fixture, client in
            let location = try await fixture.store.createLocation(
                brand: fixture.brandID, slug: "centre", name: "Centre", timeZone: "Europe/Warsaw",
                setup: LocationSetup(categories: [ServiceCategory(code: "B", name: "Billing", averageServiceMinutes: 6)], desks: [Desk(code: "1", name: "Desk 1")]),
                actor: .system)
            var browser = ConsoleBrowser(client)
            _ = try await browser.signIn("agent@acme.example")
            var page = try await browser.get("/console/walk-in")
            #expect(String(buffer: page.body).contains("id=\"sit-1\""))
            let csrf = ConsoleBrowser.csrf(page)
            let id = location.id.text
            #expect(try await browser.post("/console/walk-in/sit", ["csrf": csrf, "location": id, "desk": "1"]).status == .seeOther)
            _ = try await browser.post("/console/walk-in/ticket", ["csrf": csrf, "location": id, "category": "B", "customer": "C-7001"])
            let called = try await browser.post("/console/walk-in/next", ["csrf": csrf, "location": id, "desk": "1"])
            #expect(called.headers[.location] == "/console/walk-in?location=centre&done=next")
            page = try await browser.get("/console/walk-in?location=centre")
            let html = String(buffer: page.body)
            #expect(html.contains("<span class=\"ticket-label\" id=\"current-ticket\">B001</span>"))
            let ticket = try #require(try await fixture.store.queueState(location: location.id, brand: fixture.brandID).tickets.first)
            _ = try await browser.post("/console/walk-in/arrived", ["csrf": csrf, "location": id, "ticket": ticket.id.text])
            let finished = try await browser.post("/console/walk-in/finish", ["csrf": csrf, "location": id, "ticket": ticket.id.text,
                                                                              "outcome": "resolved", "note": "Explained the estimated reading."])
            #expect(finished.headers[.location] == "/console/walk-in?location=centre&done=done")
            let contact = try #require(ticket.contactID)
            let timeline = try await fixture.store.contactTimeline(contact, brand: fixture.brandID, limit: 20, cursor: nil).items
            #expect(timeline.contains { if case .interaction(let item) = $0 { item.contactPoint == .inPerson && item.text.contains("estimated reading") } else { false } })
        }
    }

    @Test func aTechnicianSeesTheDayAndRecordsTheVisit() async throws {
        try await withConsole { fixture, client in
            let technician = try await fixture.store.staffUser(email: "technician@acme.example")
            try await fixture.store.setTechnician(technician.id, brand: fixture.brandID, regions: ["warsaw"], travelMinutes: 15)
            let opened = try await fixture.store.openCase(brand: fixture.brandID, actor: nil,
                                                          request: OpenCase(contactPoint: .phone, from: Identity(storedKind: .phone, value: "+48600700800"),
                                                                            name: "Ewa Nowak", subject: "Meter shows E5", body: "Please come and look."))
            // Later today, but never across midnight (the list shows one UTC day).
            let now = Date()
            let midnight = Calendar.utc.startOfDay(for: now).addingTimeInterval(86_400)
            let start = min(now.addingTimeInterval(600), midnight.addingTimeInterval(-3600))
            let visit = try await fixture.store.scheduleVisit(caseID: opened.case.id, brand: fixture.brandID, actor: .system,
                                                              request: VisitRequest(technicianID: technician.id, start: start, minutes: 45, skill: nil,
                                                                                    region: "Warsaw", address: "ul. Polna 1"))
            var browser = ConsoleBrowser(client)
            _ = try await browser.signIn("technician@acme.example")
            let page = try await browser.get("/console/visits")
            let html = String(buffer: page.body)
            #expect(html.contains("id=\"visit-\(visit.id.text)\"") && html.contains("Ewa Nowak") && html.contains("href=\"tel:+48600700800\"") && html.contains("ul. Polna 1"))
            let calendar = try await browser.get("/console/visits/\(visit.id.text)/calendar")
            #expect(calendar.headers[.contentType]?.hasPrefix("text/calendar") == true && String(buffer: calendar.body).contains("BEGIN:VEVENT"))
            let recorded = try await browser.post("/console/visits/\(visit.id.text)/complete",
                                                  ["csrf": ConsoleBrowser.csrf(page), "outcome": "partsNeeded", "note": "Ordered a new display."])
            #expect(recorded.status == .seeOther)
            #expect(try await fixture.store.appointment(visit.id, brand: fixture.brandID).outcome == .partsNeeded)
            #expect(try await fixture.store.case(opened.case.id, brand: fixture.brandID).status == .pending)
            // Another technician's visit is not theirs to record.
            var agent = ConsoleBrowser(client)
            _ = try await agent.signIn("agent@acme.example")
            let agentPage = try await agent.get("/console/visits")
            #expect(String(buffer: agentPage.body).contains("No visits this day."))
        }
    }

    /// The day list is the brand's local day on its wall clock: a visit at 23:30 UTC on
    /// 3 December is on Friday 4 December in Warsaw, at 00:30 (it said "23:30–00:15 UTC"
    /// on the 3rd).
    @Test func theTechniciansDayIsTheBrandsLocalDay() async throws {
        try await withConsole { fixture, client in
            _ = try await fixture.store.updateBrand(fixture.brandID, language: nil, timeZone: "Europe/Warsaw", actor: .system)
            let technician = try await fixture.store.staffUser(email: "technician@acme.example")
            try await fixture.store.setTechnician(technician.id, brand: fixture.brandID, regions: ["warsaw"], travelMinutes: 15)
            let opened = try await fixture.store.openCase(brand: fixture.brandID, actor: nil,
                                                          request: OpenCase(contactPoint: .phone, from: Identity(storedKind: .phone, value: "+48600700801"),
                                                                            name: "Jan Zieliński", subject: "No power", body: "Please come."))
            let lateEvening = try #require(ISO8601DateFormatter().date(from: "2026-12-03T23:30:00Z"))
            _ = try await fixture.store.scheduleVisit(caseID: opened.case.id, brand: fixture.brandID, actor: .system,
                                                      request: VisitRequest(technicianID: technician.id, start: lateEvening, minutes: 45, skill: nil,
                                                                            region: "warsaw", address: "ul. Leśna 2"))
            var browser = ConsoleBrowser(client)
            _ = try await browser.signIn("technician@acme.example")
            let friday = String(buffer: try await browser.get("/console/visits?day=2026-12-04").body)
            #expect(friday.contains("Friday 4 December") && friday.contains("00:30–01:15") && friday.contains("ul. Leśna 2") && !friday.contains("UTC"))
            #expect(friday.contains("← Thursday 3 December") && friday.contains("Saturday 5 December →"))
            #expect(String(buffer: try await browser.get("/console/visits?day=2026-12-03").body).contains("No visits this day."))
        }
    }
}
