import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
import TouchpointApplication
import TouchpointCore
import TouchpointStore
@testable import TouchpointWeb

@Suite("The customer portal over HTTP")
struct PortalTests {
    /// A mailbox to send links from and two customers with a case each.
    static func setUp(_ fixture: APIFixture) async throws -> (jan: OpenedCase, eva: OpenedCase) {
        _ = try await fixture.store.saveMailbox(address: "support@acme.example", brand: fixture.brandID, teamID: nil, forwardsOpenForSender: false, actor: .system)
        let jan = try await fixture.store.openCase(brand: fixture.brandID, actor: nil, request: OpenCase(
            contactPoint: .email, from: Identity(storedKind: .email, value: "jan@example.org"), name: "Jan", subject: "Meter", body: "It is broken."))
        let eva = try await fixture.store.openCase(brand: fixture.brandID, actor: nil, request: OpenCase(
            contactPoint: .phone, from: Identity(storedKind: .email, value: "eva@example.org"), subject: "Eva's invoice", body: "Private to Eva."))
        return (jan, eva)
    }

    /// The link the outbox holds for an address.
    static func link(in fixture: APIFixture, to address: String) async throws -> String? {
        let items = try await fixture.store.outbox(brand: fixture.brandID, state: nil, limit: 50, cursor: nil).items
        // Any language: the link's path says what the mail is.
        guard let text = items.first(where: { $0.recipient == address && $0.email?.mail.text.contains("/portal/acme/link/") == true })?.email?.mail.text,
              let start = text.range(of: "http://") else { return nil }
        return String(text[start.lowerBound...].prefix { !$0.isWhitespace })
    }

    static func signIn(_ browser: inout ConsoleBrowser, _ fixture: APIFixture, as email: String) async throws {
        let form = try await browser.get("/portal/acme/login")
        _ = try await browser.post("/portal/acme/login", ["csrf": ConsoleBrowser.csrf(form), "email": email])
        let link = try #require(try await link(in: fixture, to: email))
        let path = String(link.dropFirst("http://localhost".count))
        let confirm = try await browser.get(path)
        let token = String(path.split(separator: "/").last ?? "")
        let started = try await browser.post("/portal/acme/link", ["csrf": ConsoleBrowser.csrf(confirm), "token": token])
        #expect(started.status == .seeOther && started.headers[.location] == "/portal/acme")
    }

    @Test func aCustomerSignsInWithAnEmailedLinkThatWorksOnce() async throws {
        try await withConsole { fixture, client in
            _ = try await Self.setUp(fixture)
            var browser = ConsoleBrowser(client)
            #expect(try await browser.get("/portal/acme").headers[.location] == "/portal/acme/login")
            let form = try await browser.get("/portal/acme/login")
            let asked = try await browser.post("/portal/acme/login", ["csrf": ConsoleBrowser.csrf(form), "email": "JAN@example.org"])
            #expect(asked.status == .ok)
            #expect(String(buffer: asked.body).contains("a sign-in link is on its way"))
            let link = try #require(try await Self.link(in: fixture, to: "jan@example.org"))
            #expect(link.hasPrefix("http://localhost/portal/acme/link/"))
            // An unknown address gets the same answer and no mail.
            let unknown = try await browser.post("/portal/acme/login", ["csrf": ConsoleBrowser.csrf(form), "email": "nobody@example.org"])
            #expect(String(buffer: unknown.body).contains("a sign-in link is on its way"))
            #expect(try await Self.link(in: fixture, to: "nobody@example.org") == nil)

            // Opening the link does not use it up (mail scanners open links); the button does.
            let path = String(link.dropFirst("http://localhost".count))
            let confirm = try await browser.get(path)
            #expect(confirm.status == .ok && browser.cookies["tp_portal"] == nil)
            let token = String(path.split(separator: "/").last ?? "")
            let started = try await browser.post("/portal/acme/link", ["csrf": ConsoleBrowser.csrf(confirm), "token": token])
            #expect(started.headers[.location] == "/portal/acme")
            let home = String(buffer: try await browser.get("/portal/acme").body)
            #expect(home.contains("Meter") && !home.contains("Eva's invoice"))

            var other = ConsoleBrowser(client)
            let again = try await other.get(path)
            let reused = try await other.post("/portal/acme/link", ["csrf": ConsoleBrowser.csrf(again), "token": token])
            #expect(reused.status == .gone)
            #expect(other.cookies["tp_portal"] == nil)
        }
    }

    @Test func aCustomerSeesOnlyTheirOwnRequestsAndNoInternalNotes() async throws {
        try await withConsole { fixture, client in
            let (jan, eva) = try await Self.setUp(fixture)
            let agent = try await fixture.store.staffUser(email: "agent@acme.example")
            _ = try await fixture.store.addInteraction(caseID: jan.case.id, brand: fixture.brandID, actor: .staff(agent.id),
                                                       request: NewInteraction(direction: .internal, body: "Customer sounds annoyed."))
            _ = try await fixture.store.addInteraction(caseID: jan.case.id, brand: fixture.brandID, actor: .staff(agent.id),
                                                       request: NewInteraction(direction: .outbound, body: "A technician comes on Monday."))
            var browser = ConsoleBrowser(client)
            try await Self.signIn(&browser, fixture, as: "jan@example.org")
            let page = String(buffer: try await browser.get("/portal/acme/cases/\(jan.case.number)").body)
            #expect(page.contains("It is broken.") && page.contains("A technician comes on Monday."))
            #expect(!page.contains("Customer sounds annoyed."))
            #expect(try await browser.get("/portal/acme/cases/\(eva.case.number)").status == .notFound)
            // A staff session is no portal session, and a portal session opens no console page.
            #expect(try await browser.get("/console").status == .seeOther)
            #expect(try await browser.get("/portal/globex").status == .seeOther)
        }
    }

    @Test func aCustomerRepliesAndAsksSomethingNew() async throws {
        try await withConsole { fixture, client in
            let (jan, _) = try await Self.setUp(fixture)
            var browser = ConsoleBrowser(client)
            try await Self.signIn(&browser, fixture, as: "jan@example.org")
            let page = try await browser.get("/portal/acme/cases/\(jan.case.number)")
            #expect(try await browser.post("/portal/acme/cases/\(jan.case.number)/reply", ["body": "Still broken.", "csrf": "forged"]).status == .forbidden)
            let replied = try await browser.post("/portal/acme/cases/\(jan.case.number)/reply", ["body": "Still broken.", "csrf": ConsoleBrowser.csrf(page)])
            #expect(replied.headers[.location] == "/portal/acme/cases/\(jan.case.number)?done=reply")
            let last = try #require(try await fixture.store.interactions(caseID: jan.case.id, brand: fixture.brandID).last)
            #expect(last.direction == .inbound && last.contactPoint == .portal && last.text == "Still broken." && last.contactID == jan.case.contactID)

            let asked = try await browser.post("/portal/acme/requests", ["subject": "Move my contract", "body": "We move in May.", "csrf": ConsoleBrowser.csrf(page)])
            #expect(asked.status == .seeOther)
            let cases = try await fixture.store.portalCases(contactID: jan.case.contactID, brand: fixture.brandID)
            #expect(cases.count == 2 && cases.contains { $0.subject == "Move my contract" && $0.contactPoint == .portal })
        }
    }

    @Test func aCustomerMayChooseAPasswordAndAPreferredContactPoint() async throws {
        try await withConsole { fixture, client in
            let (jan, _) = try await Self.setUp(fixture)
            var browser = ConsoleBrowser(client)
            try await Self.signIn(&browser, fixture, as: "jan@example.org")
            let profile = try await browser.get("/portal/acme/profile")
            // The customer reads "Email: jan@example.org", not the stored kind "email:".
            let profileText = ConsoleTests.visibleText(String(buffer: profile.body))
            #expect(profileText.contains("Email: jan@example.org") && !profileText.contains("email: "), "\(profileText)")
            let saved = try await browser.post("/portal/acme/profile", ["name": "Jan Nowak", "preferred": "email", "password": "a customer secret",
                                                                        "csrf": ConsoleBrowser.csrf(profile)])
            #expect(saved.headers[.location] == "/portal/acme/login")
            let contact = try await fixture.store.contact(jan.case.contactID, brand: fixture.brandID)
            #expect(contact.name == "Jan Nowak" && contact.preferredContactPoint == .email)
            #expect(try await browser.get("/portal/acme").status == .seeOther, "setting a password signs out")

            let form = try await browser.get("/portal/acme/login")
            let wrong = try await browser.post("/portal/acme/login", ["csrf": ConsoleBrowser.csrf(form), "email": "jan@example.org", "password": "not it at all"])
            #expect(wrong.status == .unauthorized)
            let right = try await browser.post("/portal/acme/login", ["csrf": ConsoleBrowser.csrf(form), "email": "jan@example.org", "password": "a customer secret"])
            #expect(right.headers[.location] == "/portal/acme")
            #expect(try await browser.get("/portal/acme").status == .ok)
        }
    }

    @Test func linksAreNeverBuiltFromAForeignHostHeader() async throws {
        try await withConsole { fixture, _ in
            let store = fixture.store
            let brand = try #require(try await store.brand(slug: "acme"))
            func request(_ authority: String) -> Request {
                Request(head: HTTPRequest(method: .post, scheme: "http", authority: authority, path: "/portal/acme/login"), body: .init(buffer: ByteBuffer()))
            }
            let local = Portal(app: UseCases(store: store), pages: Pages(), cookies: CookiePolicy(secure: false), config: WebConfig())
            #expect(local.linkBase(request("evil.example"), brand: brand) == nil)
            #expect(local.linkBase(request("127.0.0.1:8080"), brand: brand) == "http://127.0.0.1:8080/portal/acme/link/")
            let configured = Portal(app: UseCases(store: store), pages: Pages(), cookies: CookiePolicy(secure: true), config: WebConfig(publicURL: "https://help.acme.example/"))
            #expect(configured.linkBase(request("evil.example"), brand: brand) == "https://help.acme.example/portal/acme/link/")
        }
    }
}
