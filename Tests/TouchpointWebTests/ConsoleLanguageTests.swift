import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
import TouchpointApplication
import TouchpointCore
import TouchpointStore
@testable import TouchpointWeb

@Suite("The console speaks Polish and English")
struct ConsoleLanguageTests {
    @Test func aTemplatesWordsSplitAtTheFirstBarOutsideTags() {
        #expect(Bilingual.pick("Sign in|Zaloguj się", .pl) == "Zaloguj się")
        #expect(Bilingual.pick("Sign in|Zaloguj się", .en) == "Sign in")
        #expect(Bilingual.pick("Cases of {{a|b}}|Sprawy {{name}}", .pl) == "Sprawy {{name}}")
        #expect(Bilingual.pick("Cases of {{a|b}}|Sprawy {{name}}", .en) == "Cases of {{a|b}}")
        #expect(Bilingual.pick("SLA", .pl) == "SLA")
    }

    /// CLDR's Polish plural rules for whole numbers, worked by hand: one is exactly 1; few
    /// ends in 2–4 but not 12–14; every other count takes the "many" form.
    @Test(arguments: [(0, "0 spraw"), (1, "1 sprawa"), (2, "2 sprawy"), (4, "4 sprawy"), (5, "5 spraw"), (11, "11 spraw"), (12, "12 spraw"),
                      (14, "14 spraw"), (21, "21 spraw"), (22, "22 sprawy"), (25, "25 spraw"), (102, "102 sprawy"), (112, "112 spraw"),
                      (1001, "1001 spraw"), (1024, "1024 sprawy")])
    func polishCountsTakeTheirPluralForm(count: Int, expected: String) {
        #expect(Language.pl.count(count, ("case", "cases"), ("sprawa", "sprawy", "spraw")) == expected)
    }

    @Test func englishCountsTakeTheirPluralForm() {
        #expect(Language.en.count(1, ("case", "cases"), ("sprawa", "sprawy", "spraw")) == "1 case")
        #expect(Language.en.count(0, ("case", "cases"), ("sprawa", "sprawy", "spraw")) == "0 cases")
        #expect(Language.en.count(22, ("case", "cases"), ("sprawa", "sprawy", "spraw")) == "22 cases")
    }

    /// The templates translated so far: any word a person reads in them outside
    /// `{{#t}}English|Polski{{/t}}` would show in English to a Polish reader.
    static let translated = ["top", "login", "error", "inbox", "case", "entries", "customer", "notifications", "queues", "password", "visits", "kb", "macros", "walkin", "staff", "tokens", "held", "teams", "kb-article", "channels", "playbooks", "surveys", "models", "calendar-form", "playbook", "playbook-edit"]
    /// Words that are the same in both languages.
    static let shared: Set<String> = ["Touchpoint", "HTTP", "POST", "JSON", "SLA", "CSM", "SMS", "WhatsApp"]

    @Test(arguments: translated)
    func everyWordOfATranslatedTemplateIsInBothLanguages(template: String) throws {
        let text = try String(contentsOf: Self.templateURL(template), encoding: .utf8)
        var untranslated: [String] = []
        // Every section has both languages.
        for section in Self.matches(#"\{\{#t\}\}([\s\S]*?)\{\{/t\}\}"#, in: text) where Bilingual.separator(in: section) == nil {
            untranslated.append("no Polish: \(section)")
        }
        var rest = text.replacingOccurrences(of: #"\{\{#t\}\}[\s\S]*?\{\{/t\}\}"#, with: " ", options: .regularExpression)
        rest = rest.replacingOccurrences(of: #"<script[\s\S]*?</script>|<style[\s\S]*?</style>"#, with: " ", options: .regularExpression)
        rest = rest.replacingOccurrences(of: #"\{\{\{?[^}]*\}?\}\}"#, with: " ", options: .regularExpression)
        for words in Self.matches(#">([^<]*)<"#, in: rest) + Self.matches(#"(?:placeholder|title|aria-label|alt)="([^"]*)""#, in: rest) {
            // Codes with digits in them (P3D, 12-25) read the same in both languages.
            let letters = words.split(whereSeparator: \.isWhitespace).filter { !$0.contains(where: \.isNumber) }
                .flatMap { $0.split(whereSeparator: { !$0.isLetter }) }.map(String.init).filter { !Self.shared.contains($0) }
            if !letters.isEmpty { untranslated.append(words.trimmingCharacters(in: .whitespacesAndNewlines)) }
        }
        #expect(untranslated.isEmpty, "\(template).mustache: \(untranslated)")
    }

    static func templateURL(_ name: String) -> URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Sources/TouchpointWeb/Resources/console/templates/\(name).mustache")
    }

    static func matches(_ pattern: String, in text: String) -> [String] {
        let regex = try! NSRegularExpression(pattern: pattern)
        return regex.matches(in: text, range: NSRange(text.startIndex..., in: text)).compactMap { match in
            Range(match.range(at: 1), in: text).map { String(text[$0]) }
        }
    }

    @Test func aPolishAgentWorksTheInboxAndACaseInPolishAndSwitchesBack() async throws {
        try await withConsole { fixture, client in
            _ = try await fixture.store.saveMailbox(address: "support@acme.example", brand: fixture.brandID, teamID: nil, forwardsOpenForSender: false, actor: .system)
            let first = try await fixture.store.openCase(brand: fixture.brandID, actor: nil, request: OpenCase(
                contactPoint: .email, from: Identity(storedKind: .email, value: "jan@example.org"), subject: "Licznik", body: "Licznik nie działa."))
            let second = try await fixture.store.openCase(brand: fixture.brandID, actor: nil, request: OpenCase(
                contactPoint: .email, from: Identity(storedKind: .email, value: "ewa@example.org"), subject: "Faktura", body: "Proszę o fakturę."))

            // A browser that prefers Polish gets the sign-in page in Polish, with a way to English.
            let polishBrowser = String(buffer: try await client.execute(uri: "/console/login", method: .get, headers: [.acceptLanguage: "pl-PL,pl;q=0.9,en;q=0.5"]).body)
            #expect(polishBrowser.contains("<html lang=\"pl\">") && polishBrowser.contains("Zaloguj się do Touchpoint") && polishBrowser.contains("<label for=\"password\">Hasło</label>"))
            #expect(polishBrowser.contains("href=\"/console/language/en\"") && !polishBrowser.contains("Sign in to Touchpoint"))

            var agent = ConsoleBrowser(client)
            _ = try await agent.signIn("agent@acme.example")
            // The brand writes English and the test client says nothing: English, with the switch to Polish.
            let english = String(buffer: try await agent.get("/console").body)
            #expect(english.contains("<html lang=\"en\">") && english.contains(">My cases <") && english.contains("href=\"/console/language/pl\""))

            let switched = try await agent.get("/console/language/pl?back=%2Fconsole%3Fview%3Dopen")
            #expect(switched.status == .seeOther && switched.headers[.location] == "/console?view=open")
            let inbox = String(buffer: try await agent.get("/console?view=open").body)
            #expect(inbox.contains("<html lang=\"pl\">") && inbox.contains("Moje sprawy") && inbox.contains("Wszystkie otwarte"))
            #expect(inbox.contains("<th scope=\"col\">Temat</th>") && inbox.contains("<a href=\"/console\">Skrzynka</a>") && inbox.contains(">nowa</span>"))
            #expect(inbox.contains("Dowolny punkt kontaktu") && inbox.contains(">Punkt obsługi</a>") && inbox.contains("Zmień zaznaczone sprawy"))
            #expect(inbox.contains("1–2 z 2") && inbox.contains("termin za"))
            #expect(!inbox.contains("My cases") && !inbox.contains(">Subject<") && !inbox.contains("Apply to selected") && !inbox.contains("due in"))

            // A bulk change says what it did with the count's Polish form.
            let csrf = ConsoleBrowser.csrf(try await agent.get("/console?view=open"))
            let bulk = try await agent.post("/console/bulk", pairs: [("csrf", csrf), ("return", "view=open"), ("case", "\(first.case.number)"),
                                                                      ("case", "\(second.case.number)"), ("priority", "high")])
            let notice = String(buffer: try await agent.get(try #require(bulk.headers[.location])).body)
            #expect(notice.contains("Zmieniono: 2 sprawy."))

            // The case page: its facts, composer, history and SLA in Polish.
            let page = String(buffer: try await agent.get("/console/cases/\(first.case.number)").body)
            #expect(page.contains("Odpowiedź dla klienta") && page.contains("Historia klienta ze wszystkich punktów kontaktu") && page.contains("Dodaj notatkę"))
            #expect(page.contains("id=\"case-status\">nowa</span>") && page.contains("Pierwsza odpowiedź") && page.contains("<span class=\"badge point\">E-mail</span>"))
            #expect(page.contains("<option value=\"urgent\">pilny</option>") && page.contains("Powiąż ze sprawą"))
            #expect(!page.contains("Reply to the customer") && !page.contains("First response") && !page.contains(">Add note<"))
            let replied = try await agent.post("/console/cases/\(first.case.number)/reply", ["body": "Sprawdzimy.", "csrf": ConsoleBrowser.csrf(try await agent.get("/console/cases/\(first.case.number)")), "contactPoint": "email"])
            let after = String(buffer: try await agent.get(try #require(replied.headers[.location])).body)
            #expect(after.contains("Odpowiedź dodana do historii.") && after.contains("czeka w kolejce wysyłki"))

            // An unknown page and a refused action answer in Polish too.
            let missing = try await agent.get("/console/no-such-page")
            let missingText = String(buffer: missing.body)
            #expect(missing.status == .notFound && missingText.contains("<h1>Nie ma takiej strony</h1>") && missingText.contains(">Wróć</a>"))
            let refused = try await agent.get("/console/cases/99999")
            #expect(refused.status == .notFound && String(buffer: refused.body).contains("<h1>Nie ma takiej strony</h1>"))

            // Back to English from the case page: the browser said where it came from.
            let back = try await client.execute(uri: "/console/language/en", method: .get,
                                                headers: [.cookie: agent.cookieHeader, .referer: "http://localhost/console/cases/\(first.case.number)"])
            #expect(back.status == .seeOther && back.headers[.location] == "/console/cases/\(first.case.number)")
            agent.remember(back)
            let englishAgain = String(buffer: try await agent.get("/console/cases/\(first.case.number)").body)
            #expect(englishAgain.contains("Reply to the customer") && englishAgain.contains("Reply added to the history.") == false)
            // The switch leads only to console pages.
            for away in ["https%3A%2F%2Fevil.example%2F", "%2F%2Fevil.example", "%2Fportal%2Facme"] {
                #expect(try await agent.get("/console/language/pl?back=\(away)").headers[.location] == "/console")
            }
            #expect(try await agent.get("/console/language/de").status == .notFound)
        }
    }

    @Test func withNothingChosenTheBrandsLanguageDecidesAndTheBrowserBeatsIt() async throws {
        try await withConsole { fixture, client in
            _ = try await fixture.store.updateBrand(fixture.brandID, language: .pl, timeZone: nil, actor: .system)
            var agent = ConsoleBrowser(client)
            _ = try await agent.signIn("agent@acme.example")
            let inbox = String(buffer: try await agent.get("/console").body)
            #expect(inbox.contains("<html lang=\"pl\">") && inbox.contains("Moje sprawy"))
            let english = String(buffer: try await client.execute(uri: "/console", method: .get,
                                                                  headers: [.cookie: agent.cookieHeader, .acceptLanguage: "en-GB,en;q=0.8"]).body)
            #expect(english.contains("<html lang=\"en\">") && english.contains("My cases"))
        }
    }

    /// Why an account has its model and how healthy it is are the console's own sentences:
    /// they read in Polish too, with Polish numbers and plural forms, on the account, contact
    /// and case pages.
    @Test func theModelsReasonAndTheAccountsHealthReadInPolish() async throws {
        try await withConsole { fixture, client in
            let account = try await fixture.store.createAccount(brand: fixture.brandID, actor: .system, name: "Młyn Gdański",
                                                                profile: AccountProfile(annualValue: 240_000, complexity: .high, stage: .adoption))
            let opened = try await fixture.store.openCase(brand: fixture.brandID, actor: nil, request: OpenCase(
                contactPoint: .phone, from: Identity(storedKind: .phone, value: "+48600700905"), name: "Ola Nowak", subject: "Brak prądu",
                body: "Młyn nie ma prądu."))
            _ = try await fixture.store.updateContact(opened.case.contactID, brand: fixture.brandID, actor: .system,
                                                      changes: ContactChanges(accountID: .some(account.id)))
            var agent = ConsoleBrowser(client)
            _ = try await agent.signIn("agent@acme.example")
            let why = "wartość roczna 240\u{00A0}000 ≥ 100\u{00A0}000 i złożoność wysoka (reguła „Strategic”)"
            let englishPage = String(buffer: try await agent.get("/console/accounts/\(account.id.text)").body)
            #expect(englishPage.contains("annual value 240,000 ≥ 100,000 and complexity high") && englishPage.contains("No open cases"))

            _ = try await agent.get("/console/language/pl")
            let page = String(buffer: try await agent.get("/console/accounts/\(account.id.text)").body)
            #expect(page.contains("High-touch: " + why), "\(page)")
            // The timeline says the recorded decision in Polish too.
            #expect(page.contains("Model obsługi High-touch (High-touch: " + why + ")") && page.contains("Dodano firmę"))
            // The case came before its contact joined the account, so the account has none open.
            #expect(page.contains("Otwarte sprawy") && page.contains("Brak otwartych spraw") && page.contains("Żadna sprawa nie czeka"))
            #expect(page.contains("Każdy termin odpowiedzi dotrzymany w ostatnich 90 dniach") && page.contains("Brak eskalacji w ostatnich 90 dniach"))
            for english in ["annual value", "(rule", "open cases", "Open cases", "No case", "response time", "escalations in", "No data yet"] {
                #expect(!page.contains(english), "the Polish account page says \(english)")
            }
            let contact = String(buffer: try await agent.get("/console/contacts/\(opened.case.contactID.text)").body)
            #expect(contact.contains(why) && !contact.contains("annual value"))
            let item = try await fixture.store.case(opened.case.id, brand: fixture.brandID)
            let casePage = String(buffer: try await agent.get("/console/cases/\(item.number)").body)
            #expect(casePage.contains(why) && !casePage.contains("annual value"))
            #expect(casePage.contains("Sprawa otwarta") && casePage.contains("Dodano klienta") && !casePage.contains("Case opened"))
            // Why the router sent it where it went, in Polish.
            #expect(casePage.contains("Skierowana: marka nie ma jeszcze zespołów") && !casePage.contains("Routed:"))
        }
    }

    /// A person keeps their language on Your account: every browser they sign in on reads
    /// it (before the browser's own preference), their notifications read in it, and leaving
    /// it to the browser forgets it again.
    @Test func aPersonsOwnLanguageFollowsThemToAnyBrowser() async throws {
        try await withConsole { fixture, client in
            var agent = ConsoleBrowser(client)
            _ = try await agent.signIn("agent@acme.example")
            let account = String(buffer: try await agent.get("/console/password").body)
            #expect(account.contains("<option value=\"\" selected>As my browser prefers</option>") && account.contains("<option value=\"pl\">Polski</option>"))
            let kept = try await agent.post("/console/language", ["csrf": ConsoleBrowser.csrf(try await agent.get("/console/password")), "language": "pl"])
            #expect(kept.status == .seeOther && kept.headers[.location] == "/console/password?language=1")
            let saved = String(buffer: try await agent.get("/console/password?language=1").body)
            #expect(saved.contains("<option value=\"pl\" selected>Polski</option>") && saved.contains("Zapisano."))
            // Nonsense is refused, and nothing changes.
            let refused = try await agent.post("/console/language", ["csrf": ConsoleBrowser.csrf(try await agent.get("/console/password")), "language": "de"])
            #expect(refused.status == .unprocessableContent)

            // Another browser, English by its own preference: the person's Polish wins.
            var elsewhere = ConsoleBrowser(client)
            _ = try await elsewhere.signIn("agent@acme.example")
            let inbox = String(buffer: try await client.execute(uri: "/console", method: .get,
                                                                headers: [.cookie: elsewhere.cookieHeader, .acceptLanguage: "en-GB,en;q=0.9"]).body)
            #expect(inbox.contains("<html lang=\"pl\">") && inbox.contains("Moje sprawy"))

            // Their notifications read in Polish too.
            let me = try await fixture.store.staffUser(email: "agent@acme.example")
            let shop = try await fixture.store.createAccount(brand: fixture.brandID, actor: .system, name: "Sklep", profile: AccountProfile())
            _ = try await fixture.store.createCommitment(brand: fixture.brandID, actor: .staff(me.id), accountID: shop.id, caseID: nil,
                                                         what: "Oddzwonić do Jana", dueAt: Date().addingTimeInterval(-60), ownerID: me.id)
            _ = try await fixture.store.fireCommitmentReminders(now: Date())
            let notices = String(buffer: try await elsewhere.get("/console/notifications").body)
            #expect(notices.contains("Mija termin obietnicy: Oddzwonić do Jana") && !notices.contains("A promise is due"))

            // Left to the browser: this browser's switch is forgotten and the browser decides.
            let cleared = try await agent.post("/console/language", ["csrf": ConsoleBrowser.csrf(try await agent.get("/console/password")), "language": ""])
            agent.remember(cleared)
            #expect(agent.cookies[Console.languageCookie] == nil)
            #expect(try await fixture.store.staffUser(email: "agent@acme.example").language == nil)
            #expect(String(buffer: try await agent.get("/console").body).contains("<html lang=\"en\">"))
        }
    }

    @Test func anAdministratorReadsTheAdminPagesInPolish() async throws {
        try await withConsole { _, client in
            var admin = ConsoleBrowser(client)
            _ = try await admin.signIn("admin@acme.example")
            _ = try await admin.get("/console/language/pl")
            let models = String(buffer: try await admin.get("/console/admin/models").body)
            #expect(models.contains("<h2 id=\"rules-heading\">Reguły segmentacji</h2>") && models.contains("Poniedziałek") && models.contains("Całą dobę"))
            #expect(models.contains(">Pierwsza odpowiedź<") && models.contains("Priorytet pilny, pierwsza odpowiedź") && models.contains("Wartość roczna"))
            #expect(!models.contains("Monday") && !models.contains("Around the clock") && !models.contains("Segmentation rules"))
            // A change to the rules' order says so in Polish.
            let csrf = ConsoleBrowser.csrf(try await admin.get("/console/admin/models"))
            let moved = String(buffer: try await admin.post("/console/admin/models", ["csrf": csrf, "action": "builder-rows"]).body)
            #expect(moved.contains("Więcej wierszy"))
            let editor = String(buffer: try await admin.get("/console/playbooks/new").body)
            #expect(editor.contains("<h1>Nowy scenariusz</h1>") && editor.contains("Wyślij wiadomość") && editor.contains("Zapisano nowy kontakt"))
            #expect(!editor.contains("Send a message"))
            let staff = String(buffer: try await admin.get("/console/admin/staff").body)
            #expect(staff.contains("Dodaj pracownika") && staff.contains("Agent, poziom 1") && !staff.contains("Agent, level 1"))
            let teams = String(buffer: try await admin.get("/console/admin/teams").body)
            #expect(teams.contains("Zespoły i agenci") && teams.contains("Dodaj zespół") && !teams.contains("Add team"))
        }
    }
}

/// A person's console language over the API: an administrator sets anyone's, each person
/// their own, and the console follows it.
@Suite("A person's console language over the API")
struct ConsoleLanguageAPITests {
    @Test func anAdministratorSetsItAPersonChangesTheirOwnAndTheConsoleFollows() async throws {
        try await withConsole { fixture, client in
            let agent = try await fixture.store.staffUser(email: "agent@acme.example")
            func call(_ uri: String, _ method: HTTPRequest.Method, as who: String, _ body: String) async throws -> TestResponse {
                try await client.execute(uri: uri, method: method, headers: [.authorization: "Bearer \(fixture.tokens[who]!)", .contentType: "application/json"],
                                         body: ByteBuffer(string: body))
            }
            // An administrator sets it; the answer and the person's record say it.
            let set = try await call("/api/v1/staff/\(agent.id.text)", .patch, as: "admin", #"{"consoleLanguage": "pl"}"#)
            #expect(set.status == .ok && String(buffer: set.body).contains(#""consoleLanguage":"pl""#), "\(String(buffer: set.body))")
            #expect(try await fixture.store.staffUser(email: "agent@acme.example").language == .pl)
            // A browser with nothing chosen signs in and reads Polish (the brand speaks English).
            var browser = ConsoleBrowser(client)
            _ = try await browser.signIn("agent@acme.example")
            #expect(String(buffer: try await browser.get("/console").body).contains("<html lang=\"pl\">"))
            // Agents do not set other people's; a language the console does not speak is named.
            #expect(try await call("/api/v1/staff/\(agent.id.text)", .patch, as: "agent", #"{"consoleLanguage": "en"}"#).status == .forbidden)
            let german = try await call("/api/v1/me/language", .put, as: "agent", #"{"language": "de"}"#)
            #expect(german.status == .unprocessableContent && String(buffer: german.body).contains("language"))
            #expect(try await call("/api/v1/me/language", .put, as: "reader", #"{"language": "en"}"#).status == .forbidden)
            // An empty body does not forget the choice.
            #expect(try await call("/api/v1/me/language", .put, as: "agent", "{}").status == .unprocessableContent)
            #expect(try await fixture.store.staffUser(email: "agent@acme.example").language == .pl)
            // The person changes their own, then forgets it.
            let english = try await call("/api/v1/me/language", .put, as: "agent", #"{"language": "en"}"#)
            #expect(english.status == .ok && String(buffer: english.body).contains(#""consoleLanguage":"en""#))
            let forgot = try await call("/api/v1/me/language", .put, as: "agent", #"{"language": null}"#)
            #expect(forgot.status == .ok && !String(buffer: forgot.body).contains("consoleLanguage"))
            #expect(try await fixture.store.staffUser(email: "agent@acme.example").language == nil)
        }
    }
}
