import Foundation
import Hummingbird
import Logging
import Testing
import TouchpointApp
import TouchpointApplication
import TouchpointCore
import TouchpointStore

/// The console as people use it: a real headless Chromium against a running server with
/// the demo data. Screenshots land in test-artifacts/screenshots.
@Suite("The console in a real browser", .serialized)
struct ConsoleBrowserTests {
    typealias Server = TestServer

    static func withServer(_ body: (Server, Browser) async throws -> Void) async throws {
        try await TestServer.run { server in
            let browser = try await Browser()
            var failure: (any Error)?
            do {
                try await body(server, browser)
            } catch {
                failure = error
            }
            await browser.quit()
            if let failure { throw failure }
        }
    }

    static func waitFor(_ what: String, within seconds: Int = 5, _ condition: () async throws -> Bool) async throws {
        for _ in 0..<(seconds * 10) {
            if (try? await condition()) == true { return }
            try await Task.sleep(for: .milliseconds(100))
        }
        Issue.record("timed out waiting for \(what)")
    }

    static func signIn(_ browser: Browser, _ base: String, as email: String) async throws {
        try await browser.open(base + "/console")
        try await waitFor("the sign-in page") { try await browser.url.contains("/console/login") }
        try await browser.type("#email", email)
        try await browser.type("#password", DemoData.demoPassword)
        try await browser.screenshot("sign-in")
        try await browser.click("#sign-in")
        try await waitFor("the inbox") { try await browser.text("#inbox-heading") == "My cases" }
    }

    @Test func signInFindACaseReplyAndEscalate() async throws {
        try await Self.withServer { server, browser in
            try await Self.signIn(browser, server.base, as: "agent1@acme.example")
            #expect(try await browser.screenshot("inbox") > 10_000)
            let rows = try await browser.script("return document.querySelectorAll('#cases tbody tr').length") as? Int ?? 0
            #expect(rows > 0)
            // The SLA view says "breached" exactly where the deadline has passed (it said "at risk").
            try await browser.open(server.base + "/console?view=sla")
            let mislabelled = try await browser.script("""
                const rows = [...document.querySelectorAll('tbody tr')];
                const wrong = rows.filter(row => {
                  const due = row.querySelector('td:last-child time'), badge = row.querySelector('td:last-child .badge');
                  return due && badge && (new Date(due.getAttribute('datetime')) < new Date()) !== (badge.textContent.trim() === 'breached');
                });
                const breached = rows.filter(row => row.querySelector('td:last-child .badge')?.textContent.trim() === 'breached');
                return wrong.length + ' of ' + rows.length + ', ' + breached.length + ' breached';
                """) as? String ?? ""
            #expect(mislabelled.hasPrefix("0 of ") && !mislabelled.hasSuffix(" 0 breached"), "\(mislabelled)")
            // Each deadline reads as a countdown that agrees with its instant ("due in 35 min",
            // "21 h ago"), with the brand's wall-clock date (Warsaw, 24-hour) on hover.
            let countdowns = try await browser.script("""
                const times = [...document.querySelectorAll('tbody td:last-child time')];
                return times.filter(t => {
                  const passed = new Date(t.getAttribute('datetime')) < new Date(), text = t.textContent.trim();
                  return !(passed ? /^(\\d+ (min|h|days)( \\d+ min)?) ago$|^now$|^due now$/.test(text) : /^due (in \\d+ (min|h|days)( \\d+ min)?|now)$/.test(text))
                    || !/^\\d{1,2} [A-Z][a-z]{2} \\d{4}, \\d{2}:\\d{2}$/.test(t.title);
                }).map(t => t.textContent + ' / ' + t.title).join('; ') + ' | ' + times.length;
                """) as? String ?? ""
            #expect(countdowns.hasPrefix(" | ") && !countdowns.hasSuffix(" | 0"), "\(countdowns)")
            let firstDue = try await browser.script("return document.querySelector('tbody td:last-child time').getAttribute('datetime')") as? String ?? ""
            let firstTitle = try await browser.script("return document.querySelector('tbody td:last-child time').title") as? String ?? ""
            let warsaw = DateFormatter()
            warsaw.locale = Locale(identifier: "en_GB")
            warsaw.timeZone = TimeZone(identifier: "Europe/Warsaw")
            warsaw.dateFormat = "d MMM y, HH:mm"
            let parsed = ISO8601DateFormatter()
            parsed.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
            #expect(parsed.date(from: firstDue).map(warsaw.string(from:)) == firstTitle, "\(firstDue) shown as \(firstTitle)")
            try await browser.open(server.base + "/console")

            // Find a case of level 1 that is still being worked on, by its number, from the search box
            // (an email one: a WhatsApp reply to a demo case would be outside WhatsApp's 24-hour window).
            let active = CaseStatus.allCases.filter(\.isActive)
            let target = try #require(try await server.store.cases(brand: server.brand.id, filter: CaseFilter(statuses: active, level: .basic), limit: 100, cursor: nil)
                .items.first { $0.contactPoint == .email })
            try await browser.type("#search", "\(target.number)\u{E007}")
            try await Self.waitFor("the case page") { try await browser.text("#case-title").hasPrefix("Acme-\(target.number)") }
            try await browser.screenshot("case")

            try await browser.type("#reply-body", "We have booked a technician for Thursday.")
            try await browser.click("#send-reply")
            try await Self.waitFor("the reply notice") { try await browser.text("#notice") == "Reply added to the history." }
            // A mistyped console address is a console page, not raw JSON.
            let casePage = try await browser.url
            try await browser.open(server.base + "/console/casez")
            try await Self.waitFor("the no-such-page page") { try await browser.text("#problem").contains("There is no such page") }
            try await browser.open(casePage)
            let timeline = try await browser.text("#timeline-list")
            #expect(timeline.contains("We have booked a technician for Thursday."))

            try await browser.type("#escalate-reason", "needs a network specialist")
            try await browser.click("#escalate")
            try await Self.waitFor("the escalation notice") { try await browser.text("#notice") == "Case escalated." }
            #expect(try await browser.text("#case-step") == "level 2")
            try await browser.screenshot("case-escalated")

            let stored = try await server.store.case(target.id, brand: server.brand.id)
            #expect(stored.level == .intermediate)
            let replies = try await server.store.interactions(caseID: target.id, brand: server.brand.id).filter { $0.direction == .outbound }
            #expect(replies.last?.text == "We have booked a technician for Thursday.")
        }
    }

    @Test func aHostileHTMLEmailDoesNotRunInTheConsole() async throws {
        try await Self.withServer { server, browser in
            let hostile = """
                From: Mallory <mallory@example.net>\r
                To: support@acme.example\r
                Subject: Invoice question\r
                Message-ID: <hostile-1@example.net>\r
                MIME-Version: 1.0\r
                Content-Type: text/html; charset=utf-8\r
                \r
                <p>Please check my invoice.</p>\r
                <script>window.top.__pwned = 1; alert('script ran');</script>\r
                <img src="x" onerror="window.top.__pwned = 2; alert('onerror ran')">\r
                <a href="javascript:alert('link ran')">details</a>\r
                <svg onload="alert('svg ran')"></svg>\r
                <iframe srcdoc="<script>alert('frame ran')</script>"></iframe>\r

                """
            let ids = try await server.store.receiveMail(raw: Array(hostile.utf8), envelopeFrom: "mallory@example.net", recipients: ["support@acme.example"])
            let result = try await server.store.processMail(ids[0])
            let caseID = try #require(result.caseID)
            let number = try await server.store.case(caseID, brand: server.brand.id).number

            try await Self.signIn(browser, server.base, as: "admin@acme.example")
            try await browser.open(server.base + "/console/cases/\(number)")
            try await Self.waitFor("the case page") { try await browser.text("#case-title").contains("Invoice question") }
            #expect(try await browser.text("#timeline-list").contains("Please check my invoice."))
            // Open the sender's formatting, which frames the stored HTML in a sandbox.
            try await browser.click("details.formatted summary")
            try await Task.sleep(for: .milliseconds(800))
            #expect(await browser.alertText() == nil)
            #expect(try await browser.script("return window.__pwned === undefined") as? Bool == true)
            #expect(try await browser.script("return document.querySelector('details.formatted iframe').getAttribute('sandbox')") as? String == "")
            try await browser.screenshot("hostile-mail")
            // What the frame shows is the sanitized message: the text stays, the script does not.
            try await browser.open(server.base + "/console/interactions/\(result.interactionID?.text ?? "")/html")
            #expect(await browser.alertText() == nil)
            let framed = try await browser.script("return document.documentElement.outerHTML") as? String ?? ""
            #expect(framed.contains("Please check my invoice."))
            #expect(!framed.contains("<script") && !framed.contains("onerror") && !framed.contains("javascript:") && !framed.contains("onload"))
        }
    }

    @Test func aNewMessageAndAnAssignmentAppearWithoutAReload() async throws {
        try await Self.withServer { server, browser in
            try await Self.signIn(browser, server.base, as: "agent1@acme.example")
            let active = CaseStatus.allCases.filter(\.isActive)
            let target = try await server.store.cases(brand: server.brand.id, filter: CaseFilter(statuses: active), limit: 1, cursor: nil).items[0]
            try await browser.open(server.base + "/console/cases/\(target.number)")
            try await Self.waitFor("the live connection") {
                try await browser.script("return document.documentElement.dataset.live") as? String == "connected"
            }
            _ = try await browser.script("window.__sameDocument = 'yes'; return 1")

            _ = try await server.store.addInteraction(caseID: target.id, brand: server.brand.id, actor: .contact(target.contactID),
                                                      request: NewInteraction(direction: .inbound, body: "The meter is blinking red now."))
            try await Self.waitFor("the new message") { try await browser.text("#timeline-list").contains("The meter is blinking red now.") }
            let colleague = try await server.store.staffUser(email: "agent1b@acme.example")
            _ = try await server.store.updateCase(target.id, brand: server.brand.id, actor: .system, update: CaseUpdate(assigneeID: .some(colleague.id)))
            try await Self.waitFor("the new assignee") { try await browser.text("#case-assignee") == colleague.name }
            #expect(try await browser.script("return window.__sameDocument") as? String == "yes", "the page was not reloaded")
            try await browser.screenshot("case-live-update")

            // On any page, even one that follows nothing: a case assigned to me is a toast and
            // a count in the tab's title; one assigned to a colleague is not.
            try await browser.open(server.base + "/console/kb")
            try await Self.waitFor("the live connection") {
                try await browser.script("return document.documentElement.dataset.live") as? String == "connected"
            }
            let me = try await server.store.staffUser(email: "agent1@acme.example")
            let others = try await server.store.cases(brand: server.brand.id, filter: CaseFilter(statuses: active), limit: 3, cursor: nil).items
                .filter { $0.id != target.id && $0.assigneeID != me.id }
            let other = try #require(others.first)
            _ = try await server.store.updateCase(other.id, brand: server.brand.id, actor: .system, update: CaseUpdate(assigneeID: .some(colleague.id)))
            try await Task.sleep(for: .milliseconds(1500))
            #expect(try await browser.script("return document.querySelectorAll('#toasts .toast').length") as? Int == 0, "not mine")
            _ = try await server.store.updateCase(other.id, brand: server.brand.id, actor: .system, update: CaseUpdate(assigneeID: .some(me.id)))
            try await Self.waitFor("the toast") { try await browser.text("#toasts").contains("A case was assigned to you.") }
            #expect(try await browser.script("return document.title") as? String == "(1) Help articles · Touchpoint")
            try await browser.screenshot("console-toast")
        }
    }

    /// Collision indicators: two agents open one case and each sees the other; one writes
    /// a note and the other sees that; one leaves and the other sees nobody.
    @Test func twoAgentsOnOneCaseSeeEachOtherViewingAndWriting() async throws {
        try await Self.withServer { server, browser in
            let other = try await Browser()
            var failure: (any Error)?
            do {
                try await Self.signIn(browser, server.base, as: "agent1@acme.example")
                try await Self.signIn(other, server.base, as: "agent2@acme.example")
                let me = try await server.store.staffUser(email: "agent1@acme.example")
                let colleague = try await server.store.staffUser(email: "agent2@acme.example")
                // A new case from a new customer: unread for me in the inbox ("Everything" lists
                // it first).
                let target = try await server.store.openCase(
                    brand: server.brand.id, actor: nil,
                    request: OpenCase(contactPoint: .email, from: try Identity(kind: .email, raw: "lena.kot@example.org"),
                                      subject: "Meter reading disputed", body: "The reading on my bill is not what my meter says.")).case
                let row = "document.querySelector('#cases tbody a[href=\"/console/cases/\(target.number)\"]').closest('tr')"
                try await browser.open(server.base + "/console?view=all")
                #expect(try await browser.script("return \(row).classList.contains('unread')") as? Bool == true, "a new case is unread")
                try await browser.open(server.base + "/console/cases/\(target.number)")
                #expect(try await browser.script("return document.getElementById('collision').hidden") as? Bool == true, "alone on the case")
                try await other.open(server.base + "/console/cases/\(target.number)")
                try await Self.waitFor("the colleague on the case", within: 10) {
                    try await browser.text("#collision") == "\(colleague.name) is viewing this case."
                }
                try await Self.waitFor("me on the colleague's page", within: 10) {
                    try await other.text("#collision") == "\(me.name) is viewing this case."
                }

                try await other.type("#note-body", "Checking the meter readings first")
                try await Self.waitFor("the colleague writing", within: 10) {
                    try await browser.text("#collision") == "\(colleague.name) is writing on this case."
                }
                try await browser.screenshot("case-collision")
                try await browser.resize(width: 390, height: 844)
                #expect(try await browser.script("return document.documentElement.scrollWidth <= window.innerWidth") as? Bool == true)
                try await browser.screenshot("case-collision-390")
                try await browser.resize(width: 1366, height: 900)

                // The colleague mentions me in the note, choosing my name from the list
                // "@" and the start of my name offer: I get a toast that leads to the case.
                let start = String(me.name.dropLast())
                try await other.type("#note-body", " @\(start)")
                try await Self.waitFor("the names offered") { try await other.text("#mention-list").contains(me.name) }
                try await other.screenshot("note-mention-list")
                try await other.type("#note-body", "\u{E007}")
                #expect(try await other.script("return document.getElementById('note-body').value") as? String
                    == "Checking the meter readings first @\(me.name) ")
                try await other.type("#note-body", "can you call the customer?")
                try await other.click("#add-note")
                try await Self.waitFor("the toast of the mention", within: 10) {
                    try await browser.text("#toasts").contains("\(colleague.name) mentioned you: Checking the meter readings first @\(me.name) can you call the customer?")
                }
                #expect(try await browser.script("return document.querySelector('#toasts .toast a').getAttribute('href')") as? String
                    == "/console/cases/\(target.number)")
                #expect(try await browser.script("return document.getElementById('notifications-count').hidden") as? Bool == false)

                // On my list of notifications, newest first and new, with the case; looked at,
                // the header has nothing new to count.
                try await browser.open(server.base + "/console/notifications")
                #expect(try await browser.text("#notifications li:first-child .notice-text")
                    == "\(colleague.name) mentioned you: Checking the meter readings first @\(me.name) can you call the customer?")
                #expect(try await browser.text("#notifications li:first-child .badge") == "new")
                #expect(try await browser.script("return document.querySelector('#notifications li:first-child a').getAttribute('href')") as? String
                    == "/console/cases/\(target.number)")
                try await browser.screenshot("notifications")
                try await browser.open(server.base + "/console/cases/\(target.number)")
                try await Self.waitFor("the count read") {
                    try await browser.script("return document.getElementById('notifications-count').hidden") as? Bool == true
                }

                // The colleague goes elsewhere: nobody else is on the case.
                try await other.open(server.base + "/console/kb")
                try await Self.waitFor("the colleague gone", within: 10) {
                    try await browser.script("return document.getElementById('collision').hidden") as? Bool == true
                }

                // Read now that I opened it; the customer writing again makes it unread, live,
                // in the inbox (per person: `ConsoleStoreTests`).
                try await browser.open(server.base + "/console?view=all")
                #expect(try await browser.script("return \(row).classList.contains('unread')") as? Bool == false, "opened, so read")
                try await Self.waitFor("the live connection") {
                    try await browser.script("return document.documentElement.dataset.live") as? String == "connected"
                }
                _ = try await server.store.addInteraction(caseID: target.id, brand: server.brand.id, actor: .contact(target.contactID),
                                                          request: NewInteraction(direction: .inbound, body: "Any news about my reading?"))
                try await Self.waitFor("the case unread again", within: 10) {
                    try await browser.script("return \(row).classList.contains('unread')") as? Bool == true
                }
                try await browser.screenshot("inbox-unread")
            } catch {
                failure = error
            }
            await other.quit()
            if let failure { throw failure }
        }
    }

    @Test func theLiveChannelNeedsASessionAndThisSitesPages() async throws {
        try await Self.withServer { server, _ in
            let agent = try await server.store.staffUser(email: "agent1@acme.example")
            let (token, _) = try await server.store.startSession(user: agent, userAgent: nil)
            let upgrade = ["Upgrade": "websocket", "Connection": "Upgrade", "Sec-WebSocket-Version": "13",
                           "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ=="]
            let origin = "http://127.0.0.1:\(server.port)"
            let port = server.port
            let anonymous = try await Processes.offPool {
                try RawHTTP.exchange(port: port, method: "GET", path: "/console/live", headers: upgrade.merging(["Origin": origin]) { $1 })
            }
            // A refused upgrade says why: no session, then another site's page.
            #expect(anonymous.status == 401 && !anonymous.head.lowercased().contains("sec-websocket-accept"))
            let foreign = try await Processes.offPool {
                try RawHTTP.exchange(port: port, method: "GET", path: "/console/live",
                                     headers: upgrade.merging(["Origin": "https://evil.example", "Cookie": "tp_session=\(token)"]) { $1 })
            }
            #expect(foreign.status == 403 && !foreign.head.lowercased().contains("sec-websocket-accept"))
            let allowed = try await Processes.offPool {
                try RawHTTP.exchange(port: port, method: "GET", path: "/console/live",
                                     headers: upgrade.merging(["Origin": origin, "Cookie": "tp_session=\(token)"]) { $1 })
            }
            #expect(allowed.status == 101)
            #expect(allowed.head.lowercased().contains("sec-websocket-accept: s3pplmbitxaq9kygzzhzrbk+xoo="))
        }
    }

    @Test func aVisitorFindsAnAnswerInTheHelpPagesOnAPhone() async throws {
        try await Self.withServer { server, browser in
            try await browser.resize(width: 390, height: 844)
            try await browser.open(server.base + "/portal/acme/help?lang=pl")
            try await Self.waitFor("the help page") { try await browser.text("h1") == "W czym możemy pomóc?" }
            // Typed as customers type: no diacritics, Enter to search.
            try await browser.type("#help-q", "jak zaplacic fakture\n")
            try await Self.waitFor("the results") { try await browser.text("#help-results").contains("Jak zapłacić fakturę") }
            #expect(try await browser.script("return document.querySelectorAll('#help-results mark').length") as? Int ?? 0 > 0)
            #expect(try await browser.script("return document.documentElement.scrollWidth <= window.innerWidth") as? Bool == true, "wider than the phone")
            try await browser.screenshot("help-results-390")
            try await browser.click("#help-results li:first-child a")
            try await Self.waitFor("the article") { try await browser.text("#help-article h1") == "Jak zapłacić fakturę" }
            #expect(try await browser.script("return document.documentElement.scrollWidth <= window.innerWidth") as? Bool == true, "wider than the phone")
            try await browser.click("#feedback-yes")
            try await Self.waitFor("the thanks") { try await browser.text("#feedback-thanks") == "Dziękujemy za opinię." }
            try await browser.screenshot("help-article-390")
            try await browser.resize(width: 1280, height: 1000)
        }
    }

    /// The console on a 390 px phone: no page scrolls sideways (the inbox was 737 px wide),
    /// the header search keeps a usable width (it shrank to 15 px), and the case list reads
    /// as cards; at 1366 px the list stays a table.
    @Test func theConsoleFitsAPhone() async throws {
        try await Self.withServer { server, browser in
            try await Self.signIn(browser, server.base, as: "agent1@acme.example")
            let active = CaseStatus.allCases.filter(\.isActive)
            let item = try #require(try await server.store.cases(brand: server.brand.id, filter: CaseFilter(statuses: active), limit: 1, cursor: nil).items.first)
            let account = try #require(try await server.store.accounts(brand: server.brand.id, query: nil, stage: nil, limit: 1, cursor: nil).items.first)
            #expect(try await browser.script("return getComputedStyle(document.querySelector('#cases tbody tr')).display") as? String == "table-row")
            try await browser.resize(width: 390, height: 844)
            let pages = ["/console", "/console?view=all", "/console/cases/\(item.number)", "/console/contacts/\(item.contactID.text)",
                         "/console/accounts/\(account.id.text)", "/console/visits", "/console/kb", "/console/walk-in"]
            for path in pages {
                try await browser.open(server.base + path)
                let fits = try await browser.script("return document.documentElement.scrollWidth + ' of ' + window.innerWidth") as? String ?? ""
                let parts = fits.split(separator: " ").compactMap { Int($0) }
                #expect(parts.count == 2 && parts[0] <= parts[1], "\(path): \(fits) px")
            }
            try await browser.open(server.base + "/console")
            let search = try await browser.script("return document.querySelector('.top .search input').getBoundingClientRect().width") as? Double ?? 0
            #expect(search >= 300, "the search box is \(search) px wide")
            #expect(try await browser.script("return getComputedStyle(document.querySelector('#cases tbody tr')).display") as? String == "block")
            try await browser.screenshot("inbox-390")
            try await browser.open(server.base + "/console/cases/\(item.number)")
            try await browser.screenshot("case-390")
        }
    }

    /// The switch in the header turns the console Polish, and the longer Polish words still
    /// fit a phone on every main page.
    @Test func theConsoleInPolishFitsAPhone() async throws {
        try await Self.withServer { server, browser in
            try await Self.signIn(browser, server.base, as: "agent1@acme.example")
            try await browser.resize(width: 1366, height: 900)
            try await browser.open(server.base + "/console")
            #expect(try await browser.text("#console-language") == "Polski")
            try await browser.click("#console-language")
            try await Self.waitFor("the Polish inbox") { try await browser.script("return document.documentElement.lang") as? String == "pl" }
            #expect(try await browser.text("#inbox-heading") == "Moje sprawy")
            let nav = try await browser.text(".top nav")
            #expect(nav.contains("Skrzynka") && !nav.contains("Inbox"))
            try await browser.screenshot("inbox-pl-1366")
            let active = CaseStatus.allCases.filter(\.isActive)
            let item = try #require(try await server.store.cases(brand: server.brand.id, filter: CaseFilter(statuses: active), limit: 1, cursor: nil).items.first)
            let account = try #require(try await server.store.accounts(brand: server.brand.id, query: nil, stage: nil, limit: 1, cursor: nil).items.first)
            try await browser.resize(width: 390, height: 844)
            for path in ["/console?view=open", "/console/cases/\(item.number)", "/console/contacts/\(item.contactID.text)", "/console/accounts/\(account.id.text)",
                         "/console/queues", "/console/walk-in", "/console/kb", "/console/notifications"] {
                try await browser.open(server.base + path)
                #expect(try await browser.script("return document.documentElement.lang") as? String == "pl", "\(path) speaks Polish")
                let fits = try await browser.script("return document.documentElement.scrollWidth + ' of ' + window.innerWidth") as? String ?? ""
                let parts = fits.split(separator: " ").compactMap { Int($0) }
                #expect(parts.count == 2 && parts[0] <= parts[1], "\(path): \(fits) px")
            }
            try await browser.open(server.base + "/console/cases/\(item.number)")
            #expect(try await browser.text("#timeline").contains("Historia klienta"))
            try await browser.screenshot("case-pl-390")
            // And back: the other language's link leads to the same page in English.
            try await browser.click("#console-language")
            try await Self.waitFor("the English case page") { try await browser.script("return document.documentElement.lang") as? String == "en" }
            #expect(try await browser.url.hasSuffix("/console/cases/\(item.number)"))
        }
    }

    /// Changing a policy without JSON: lengths typed in the SLA table, a contact point
    /// unticked, saved with the button; the page fits a phone.
    @Test func anAdminChangesAPolicyInTheFormOnADesktopAndAPhone() async throws {
        try await Self.withServer { server, browser in
            try await Self.signIn(browser, server.base, as: DemoData.adminEmail)
            try await browser.resize(width: 1366, height: 900)
            try await browser.open(server.base + "/console/admin/models")
            try await Self.waitFor("the policy form") { try await browser.script("return !!document.querySelector('#save-midTouch')") as? Bool == true }
            _ = try await browser.script("document.querySelector('#midTouch-sla-normal-firstResponse').value = ''")
            try await browser.type("#midTouch-sla-normal-firstResponse", "1 h 15 min")
            try await browser.click("#policy-midTouch input[name=offered][value=sms]")
            try await browser.screenshot("policy-form-1366")
            try await browser.click("#save-midTouch")
            try await Self.waitFor("the saved notice") { try await browser.text("#notice").hasPrefix("Mid-touch policy saved") }
            let policy = try await server.store.serviceConfig(brand: server.brand.id).policy(.midTouch)
            #expect(policy.sla.normal.firstResponseMinutes == 75 && !policy.offeredContactPoints.contains(.sms))
            #expect(try await browser.script("return document.querySelector('#midTouch-sla-normal-firstResponse').value") as? String == "1 h 15 min")

            try await browser.resize(width: 390, height: 844)
            try await browser.open(server.base + "/console/admin/models")
            let fits = try await browser.script("return document.documentElement.scrollWidth + ' of ' + window.innerWidth") as? String ?? ""
            let parts = fits.split(separator: " ").compactMap { Int($0) }
            #expect(parts.count == 2 && parts[0] <= parts[1], "\(fits) px")
            try await browser.screenshot("policy-form-390")
            _ = try await browser.script("document.querySelector('#calendar-new').scrollIntoView()")
            try await browser.screenshot("calendar-grid-390")
        }
    }

    /// The team lead's view: each team's backlog and each agent's load, counted here again
    /// from the cases themselves, and every figure leads to its cases.
    @Test func theLeadSeesEachTeamsBacklogAndEachAgentsLoad() async throws {
        try await Self.withServer { server, browser in
            try await Self.signIn(browser, server.base, as: "manager@acme.example")
            try await browser.open(server.base + "/console/queues")
            let brand = server.brand.id
            let now = Date()
            let backlog = try await server.store.cases(brand: brand, filter: CaseFilter(statuses: CaseStatus.allCases.filter(\.isActive)),
                                                       limit: 1000, cursor: nil).items
            let teams = try await server.store.teamProfiles(brand: brand).map(\.team)
            func cell(_ row: String, _ column: Int) async throws -> String {
                try await browser.script("""
                    const row = [...document.querySelectorAll('#team-queues tbody tr')].find(r => r.querySelector('th').textContent.trim() === \(Self.jsString(row)));
                    return row ? row.querySelectorAll('td')[\(column)].textContent.trim() : 'missing';
                    """) as? String ?? ""
            }
            var checked = 0
            for team in teams {
                let mine = backlog.filter { $0.teamID == team.id }
                #expect(try await cell(team.name, 0) == "\(mine.count)", "\(team.name): open")
                #expect(try await cell(team.name, 1) == "\(mine.filter { $0.assigneeID == nil }.count)", "\(team.name): nobody on it")
                #expect(try await cell(team.name, 3) == "\(mine.filter { $0.sla?.label(at: now) == .breached }.count)", "\(team.name): breached")
                checked += mine.isEmpty ? 0 : 1
            }
            #expect(checked > 0, "the demo's teams have open cases")
            let agents = try await server.store.agentProfiles(brand: brand).filter { $0.user.role.permissions.contains(.handleCases) }
            for agent in agents {
                let load = try await browser.script("""
                    const row = [...document.querySelectorAll('#agent-loads tbody tr')].find(r => r.querySelector('th').textContent.trim() === \(Self.jsString(agent.user.name)));
                    return row ? row.querySelectorAll('td')[2].textContent.trim() : 'missing';
                    """) as? String ?? ""
                #expect(load.hasPrefix("\(backlog.filter { $0.assigneeID == agent.user.id }.count) of \(agent.capacity)"), "\(agent.user.name): \(load)")
            }
            try await browser.screenshot("queues")

            // A team's open figure opens its cases, as many as it said.
            let busiest = try #require(teams.max { a, b in backlog.filter { $0.teamID == a.id }.count < backlog.filter { $0.teamID == b.id }.count })
            let open = backlog.filter { $0.teamID == busiest.id }.count
            _ = try await browser.script("""
                [...document.querySelectorAll('#team-queues tbody tr')].find(r => r.querySelector('th').textContent.trim() === \(Self.jsString(busiest.name)))
                  .querySelector('a.queue-open').click(); return 1;
                """)
            try await Self.waitFor("the team's cases") { try await browser.text("#range").hasSuffix(" of \(open)") }

            try await browser.open(server.base + "/console/queues")
            try await browser.resize(width: 390, height: 844)
            #expect(try await browser.script("return document.documentElement.scrollWidth <= window.innerWidth") as? Bool == true)
            try await browser.screenshot("queues-390")
        }
    }

    /// A JavaScript string literal of `text`.
    static func jsString(_ text: String) -> String {
        "'" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "'", with: "\\'") + "'"
    }

    @Test func theInboxSortsFiltersPagesAndChangesManyCasesAtOnce() async throws {
        try await Self.withServer { server, browser in
            try await Self.signIn(browser, server.base, as: "agent1@acme.example")
            let brand = server.brand.id
            let active = CaseStatus.allCases.filter(\.isActive)
            func rowNumbers() async throws -> [Int] {
                let refs = try await browser.script("return [...document.querySelectorAll('#cases tbody .case-link')].map(a => a.textContent).join(' ')") as? String ?? ""
                return refs.split(separator: " ").compactMap { $0.split(separator: "-").last.flatMap { Int($0) } }
            }
            func count(_ filter: CaseFilter) async throws -> Int { try await server.store.caseCounts(brand: brand, filters: [filter])[0] }

            // Open work is listed by what is due first, as the stored clocks say.
            try await browser.open(server.base + "/console?view=open")
            var backlog: [Case] = []
            var cursor: Cursor?
            repeat {
                let page = try await server.store.cases(brand: brand, filter: CaseFilter(statuses: active), limit: 200, cursor: cursor)
                backlog += page.items
                cursor = try page.nextCursor.map { try Cursor(token: $0) }
            } while cursor != nil
            // Equal deadlines (the same opening hour) keep the order the cases were stored in.
            func place(_ item: Case) -> (Date, Date, String) {
                (item.sla?.deadline ?? .distantFuture, item.sla?.deadline == nil ? item.createdAt : .distantPast, item.id.text)
            }
            let dueFirst = backlog.sorted { place($0) < place($1) }
            #expect(try await rowNumbers() == dueFirst.prefix(50).map(\.number))
            #expect(try await browser.script("return document.querySelector('th[aria-sort]').textContent.trim()") as? String == "Due ↑")
            #expect(try await browser.text("#range") == "1–\(min(50, backlog.count)) of \(backlog.count)")
            // The case column sorts oldest first, then newest first.
            try await browser.click("#sort-case")
            try await Self.waitFor("oldest first") { try await browser.url.contains("sort=newest") }
            try await browser.click("#sort-case")
            try await Self.waitFor("oldest first") { try await browser.url.contains("sort=oldest") }
            #expect(try await rowNumbers() == backlog.sorted { ($0.createdAt, $0.number) < ($1.createdAt, $1.number) }.prefix(50).map(\.number))

            // Everything, newest first, fifty at a time, both ways, with the total.
            try await browser.open(server.base + "/console?view=all")
            let total = try await count(CaseFilter())
            try #require(total > 50, "the demo has more than a page of cases")
            let first = try await rowNumbers()
            let grouped = NumberFormatter()
            grouped.numberStyle = .decimal
            grouped.locale = Locale(identifier: "en_US")
            #expect(try await browser.text("#range") == "1–50 of \(grouped.string(from: NSNumber(value: total)) ?? "")")
            try await browser.click("#next-page")
            try await Self.waitFor("the second page") { try await browser.text("#range").hasPrefix("51–") }
            let second = try await rowNumbers()
            let newest = try await server.store.cases(brand: brand, filter: CaseFilter(), limit: 100, cursor: nil).items.map(\.number)
            #expect(first + second == Array(newest.prefix(first.count + second.count)))
            try await browser.click("#previous-page")
            try await Self.waitFor("the first page again") { try await browser.text("#range").hasPrefix("1–50 ") }
            #expect(try await rowNumbers() == first)

            // More filters: high priority only, counted like the list.
            _ = try await browser.script("document.querySelector('#filters details').open = true; document.querySelector('#filters select[name=priority]').value = 'high'")
            try await browser.click("#filters details button[type=submit]")
            try await Self.waitFor("the filtered list") { try await browser.url.contains("priority=high") }
            let high = try await count(CaseFilter(priority: .high))
            #expect(high > 0)
            #expect(try await browser.text("#range").hasSuffix(" of \(high)"))
            for number in try await rowNumbers() {
                #expect(try await server.store.case(number: number, brand: brand).priority == .high, "\(number)")
            }

            // "Take" on a case nobody has makes it the reader's.
            try await browser.open(server.base + "/console?view=unassigned")
            let take = try #require(Int(try await browser.script("return document.querySelector('button.take').value") as? String ?? ""))
            try await browser.click("button.take[value='\(take)']")
            try await Self.waitFor("the take notice") { try await browser.text("#bulk-notice") == "Acme-\(take) is yours now." }
            let me = try #require(try await server.store.staffUsers(brand: brand).first { $0.email == "agent1@acme.example" })
            #expect(try await server.store.case(number: take, brand: brand).assigneeID == me.id)

            #expect(!(try await rowNumbers().contains(take)), "a taken case leaves the unassigned queue")

            // Two open cases go to a colleague at once; a third cannot be closed while open.
            let colleague = try #require(try await server.store.staffUsers(brand: brand).first { $0.email == "agent2@acme.example" })
            try await browser.open(server.base + "/console?view=open")
            let listed = Set(try await rowNumbers())
            let unassigned = backlog.filter { $0.assigneeID != colleague.id && listed.contains($0.number) }.map(\.number)
            try #require(unassigned.count >= 2)
            for number in unassigned.prefix(2) { try await browser.click("#cases input[value='\(number)']") }
            _ = try await browser.script("document.querySelector('#bulk-assignee').value = '\(colleague.id.text)'")
            try await browser.screenshot("inbox-bulk")
            try await browser.click("#bulk-apply")
            try await Self.waitFor("the bulk notice") { try await browser.text("#bulk-notice") == "2 cases changed." }
            for number in unassigned.prefix(2) {
                #expect(try await server.store.case(number: number, brand: brand).assigneeID == colleague.id)
            }
            try await browser.open(server.base + "/console?view=open&assignee=\(colleague.id.text)")
            #expect(Set(try await rowNumbers()).isSuperset(of: unassigned.prefix(2)), "the colleague's cases include them")
            // A signed notice only: the same words from a link are not shown.
            try await browser.open(server.base + "/console?view=open&done=Your+password+expired&sig=00")
            #expect(try await browser.script("return document.getElementById('bulk-notice') === null") as? Bool == true)

            let open = try #require(try await server.store.cases(brand: brand, filter: CaseFilter(statuses: [.open]), limit: 1, cursor: nil).items.first)
            try await browser.open(server.base + "/console?view=all&status=open")
            try await browser.click("#cases input[value='\(open.number)']")
            _ = try await browser.script("document.querySelector('#bulk select[name=status]').value = 'closed'")
            try await browser.click("#bulk-apply")
            try await Self.waitFor("the refusal") { try await browser.text("#bulk-notice").contains("left as it was") }
            #expect(try await browser.text("#bulk-notice").contains("Acme-\(open.number): status: a open case cannot become closed"))
            #expect(try await server.store.case(open.id, brand: brand).status == .open)

            try await browser.resize(width: 390, height: 844)
            try await browser.open(server.base + "/console?view=open&priority=high")
            let fits = try await browser.script("return document.documentElement.scrollWidth <= window.innerWidth") as? Bool
            #expect(fits == true)
            try await browser.screenshot("inbox-filters-390")
        }
    }

    @Test func anAgentFindsACustomerByPhoneLogsTheirCallAndWritesBack() async throws {
        try await Self.withServer { server, browser in
            try await Self.signIn(browser, server.base, as: "agent1@acme.example")
            let brand = server.brand.id
            let people = try await server.store.contacts(brand: brand, accountID: nil, identity: nil, query: nil, limit: 200, cursor: nil).items
            let customer = try #require(people.first { person in
                person.name != nil && person.identities.contains { $0.kind == .phone } && person.identities.contains { $0.kind == .email }
            })
            let phone = try #require(customer.identities.first { $0.kind == .phone }?.value)
            let email = try #require(customer.identities.first { $0.kind == .email }?.value)
            // The number as a caller reads it out: local, in groups of three.
            let local = String(phone.hasPrefix("+48") ? phone.dropFirst(3) : phone.dropFirst())
            let spoken = stride(from: 0, to: local.count, by: 3).map { String(local.dropFirst($0).prefix(3)) }.joined(separator: " ")
            try await browser.type("#search", spoken + "\u{E007}")
            try await Self.waitFor("the customer among the results") {
                try await browser.script("return !!document.querySelector('#found-customers a[href=\"/console/contacts/\(customer.id.text)\"]')") as? Bool == true
            }
            try await browser.click("#found-customers a[href=\"/console/contacts/\(customer.id.text)\"]")
            try await Self.waitFor("the customer's page") { try await browser.text("#customer-name").hasPrefix(customer.name ?? "") }

            // The customer called and it was settled on the phone: a new, resolved case.
            try await browser.click("#contact-panel summary")
            try await browser.type("#contact-subject", "Meter reading by phone")
            try await browser.type("#contact-body", "Read out the meter: 04512 kWh. Confirmed the next bill will use it.")
            _ = try await browser.script("document.querySelector('#contact-priority').value = 'low'")
            try await browser.click("#contact-solved")
            try await browser.screenshot("contact-log-call")
            try await browser.click("#contact-save")
            try await Self.waitFor("the call notice") { try await browser.text("#notice") == "Call logged in the customer's history." }
            let number = try #require(Int(try await browser.url.split(separator: "/").last?.split(separator: "?").first ?? ""))
            let logged = try await server.store.case(number: number, brand: brand)
            #expect(logged.contactID == customer.id && logged.contactPoint == .phone && logged.status == .resolved && logged.priority == .low)
            let entries = try await server.store.interactions(caseID: logged.id, brand: brand)
            #expect(entries.count == 1 && entries[0].direction == .internal && entries[0].metadata["call"] == "inbound")
            let history = try await browser.text("#timeline-list")
            #expect(history.contains("Read out the meter: 04512 kWh.") && history.contains("call from the customer, logged by"), "\(history)")
            try await browser.screenshot("contact-call-logged")

            // A written follow-up on the same case goes out by email.
            try await browser.open(server.base + "/console/contacts/\(customer.id.text)")
            try await browser.click("#contact-panel summary")
            _ = try await browser.script("""
                document.querySelector('#contact-kind').value = 'write:email';
                document.querySelector('#contact-case').value = '\(logged.id.text)';
                """)
            try await browser.type("#contact-body", "As promised: your next bill will use the reading 04512 kWh.")
            try await browser.click("#contact-save")
            try await Self.waitFor("the message notice") { try await browser.text("#notice") == "Message on its way to the customer." }
            let mail = try await server.store.outbox(brand: brand, state: nil, limit: 50, cursor: nil).items.first { $0.recipient == email }
            #expect(mail?.email?.mail.text.contains("your next bill will use the reading 04512 kWh") == true)
            // Writing is offered only where the customer can be reached.
            try await browser.open(server.base + "/console/contacts/\(customer.id.text)")
            let offered = try await browser.script("return [...document.querySelectorAll('#contact-kind option')].map(o => o.value).join(' ')") as? String ?? ""
            #expect(offered.hasPrefix("call-in call-out write:email"), "\(offered)")
            #expect(!offered.contains("write:webChat") && !offered.contains("write:kiosk"), "\(offered)")
        }
    }

    @Test func aCustomerSignsInToThePortalByEmailedLinkAndReplies() async throws {
        try await Self.withServer { server, browser in
            let active = CaseStatus.allCases.filter(\.isActive)
            let target = try await server.store.cases(brand: server.brand.id, filter: CaseFilter(statuses: active), limit: 1, cursor: nil).items[0]
            let contact = try await server.store.contact(target.contactID, brand: server.brand.id)
            let email = try #require(contact.identities.first { $0.kind == .email }?.value)

            try await browser.open(server.base + "/portal/acme")
            try await Self.waitFor("the portal sign-in") { try await browser.url.hasSuffix("/portal/acme/login") }
            try await browser.type("#portal-email", email)
            try await browser.click("#send-link")
            try await Self.waitFor("the link notice") { try await browser.text("#link-sent").contains("sign-in link is on its way") }
            try await browser.screenshot("portal-sign-in")
            // The link went out by email: read it from the outbox as the customer's mailbox would.
            let mail = try #require(try await server.store.outbox(brand: server.brand.id, state: nil, limit: 20, cursor: nil).items
                .first { $0.recipient == email && $0.email?.mail.subject.contains("sign-in link") == true })
            let text = try #require(mail.email).mail.text
            let start = try #require(text.range(of: server.base)).lowerBound
            let link = String(text[start...].prefix { !$0.isWhitespace })
            try await browser.open(link)
            try await browser.click("#use-link")
            try await Self.waitFor("the customer's requests") { try await browser.text("#requests").contains(target.subject) }
            // When a person will answer, from the same estimate the routing API gives.
            let estimate = try await server.store.waitEstimate(brand: server.brand.id, contactPoint: .portal, teamID: nil, topic: nil, account: contact.accountID)
            #expect(try await browser.text("#portal-wait") == CustomerMessages(.en).waitForPerson(estimate.estimate))
            try await browser.screenshot("portal-home")

            try await browser.open(server.base + "/portal/acme/cases/\(target.number)")
            try await browser.type("#portal-reply-body", "Thank you, Thursday morning suits us.")
            try await browser.click("#send-portal-reply")
            try await Self.waitFor("the reply") { try await browser.text("#conversation").contains("Thursday morning suits us.") }
            try await browser.screenshot("portal-case")
            let last = try await server.store.interactions(caseID: target.id, brand: server.brand.id).last
            #expect(last?.contactPoint == .portal && last?.direction == .inbound && last?.text == "Thank you, Thursday morning suits us.")

            // On a phone the requests and the conversation fit the screen (the table overflowed).
            try await browser.resize(width: 390, height: 844)
            for path in ["/portal/acme", "/portal/acme/cases/\(target.number)", "/portal/acme/profile"] {
                try await browser.open(server.base + path)
                #expect(try await browser.script("return document.documentElement.scrollWidth <= window.innerWidth") as? Bool == true, "\(path) is wider than the phone")
            }
            try await browser.screenshot("portal-home-390")
            try await browser.resize(width: 1366, height: 900)

            // A mistyped address is the portal's own page with a way back, not raw JSON.
            try await browser.open(server.base + "/portal/acme/requestz")
            try await Self.waitFor("the no-such-page page") { try await browser.text("#problem").contains("There is no such page") }
            try await browser.click("section.narrow a")
            try await Self.waitFor("the way back") { try await browser.text("#requests").contains(target.subject) }
        }
    }

    @Test func theAssistantAnswersInTheWidgetOnAPhoneAndTheKioskFindsAnswersByTouch() async throws {
        try await Self.withServer { server, browser in
            try await server.openAroundTheClock()
            // The widget on a 390 px phone: articles appear as the visitor types, the assistant answers at once.
            try await browser.resize(width: 390, height: 844)
            try await browser.open(server.base + "/chat/acme")
            try await browser.click("#tp-chat-open")
            try await Self.waitFor("the chat connection") { try await browser.script("return document.getElementById('tp-chat').dataset.connected") as? String == "yes" }
            #expect(try await browser.text("#tp-chat .status").contains("assistant"))
            try await browser.type("#tp-chat-text", "How do I read my electricity meter?")
            try await Self.waitFor("articles as the visitor types") { try await browser.text("#tp-chat .suggest").contains("How to read your electricity meter") }
            try await browser.click("#tp-chat-send")
            try await Self.waitFor("the assistant's answer") { try await browser.text("#tp-chat li.bot").contains("How to read your electricity meter") }
            #expect(try await browser.script("return document.querySelector('#tp-chat li.bot a').href") as? String ?? "" != "")
            let buttons = try await browser.script("return Array.from(document.querySelectorAll('#tp-chat .replies button')).map(b => b.textContent)") as? [String]
            // A visitor not known yet is served as the tech-touch default: a person only if asked, no button.
            #expect(buttons == ["Yes, solved", "No"])
            #expect(try await browser.script("return document.documentElement.scrollWidth <= window.innerWidth") as? Bool == true, "no sideways scroll at 390 px")
            try await browser.screenshot("chat-assistant-phone")
            try await browser.type("#tp-chat-text", "I want to talk to a person")
            try await browser.click("#tp-chat-send")
            try await Self.waitFor("the hand-off") { try await browser.script("return document.querySelectorAll('#tp-chat li.bot').length") as? Int == 2 }
            let visitor = try #require(try await browser.script("return window.TouchpointChat.visitor") as? String)
            let caseID = try #require(try await server.store.chatCase(brand: server.brand.id, visitor: visitor))
            #expect(try await server.store.case(caseID, brand: server.brand.id).botState == .waiting)

            // The kiosk: help without signing in, in Polish, typed on the screen's keyboard.
            try await browser.resize(width: 1280, height: 900)
            let location = try await server.store.location(slug: "warsaw-centre", brand: server.brand.id)
            _ = try await server.store.registerKiosk(brand: server.brand.id, location: location.id, name: "Help kiosk", idleSeconds: 60,
                                                     languages: ["pl", "en"], token: "help-kiosk-token")
            try await browser.open(server.base + "/kiosk/setup?token=help-kiosk-token")
            try await Self.waitFor("the welcome screen") { try await browser.text("h1") == "Witamy" }
            #expect(try await browser.script("return document.documentElement.lang") as? String == "pl", "a Polish screen says so to screen readers")
            try await browser.click("#find-answer")
            try await Self.waitFor("the help screen") { try await browser.url.hasSuffix("/kiosk/help") }
            for key in ["F", "A", "K", "T", "U", "R", "A"] {
                try await browser.click(".keyboard .key:nth-child(\(Array("1234567890QWERTYUIOPASDFGHJKL.ZXCVBNM,?").firstIndex(of: Character(key))! + 1))")
            }
            #expect(try await browser.script("return document.getElementById('help-q').value") as? String == "Faktura")
            // Polish letters are on the Polish keyboard (it had none), lower case inside a word.
            let letters = try await browser.script("return [...document.querySelectorAll('.keyboard .key')].map(k => k.textContent).join('')") as? String ?? ""
            #expect("ĄĆĘŁŃÓŚŹŻ".allSatisfy { letters.contains($0) }, "\(letters)")
            try await browser.click(".keyboard .key:nth-child(\(Array(letters).firstIndex(of: "Ł")! + 1))")
            #expect(try await browser.script("return document.getElementById('help-q').value") as? String == "Fakturał")
            try await browser.click(".keyboard .key.wide:last-child")
            try await browser.click("#help-search")
            try await Self.waitFor("results") { try await browser.script("return document.querySelectorAll('#help-results a').length") as? Int ?? 0 >= 3 }
            try await browser.click("#help-results a")
            try await Self.waitFor("the article") { try await browser.text("#kiosk-article h1").lowercased().contains("faktur") }
            let article = try #require(UUID(text: String(try await browser.url.split(separator: "/").last ?? "")))
            try await browser.screenshot("kiosk-help-article")
            try await browser.click("#helped-yes")
            try await Self.waitFor("the thanks") { try await browser.text("#help-thanks") == "Dziękujemy za opinię." }
            #expect(try await server.store.article(article, brand: server.brand.id)?.helpful == 1)
            // A topic lists its articles.
            try await browser.click("#help-back")
            try await browser.click("#help-topics a")
            try await Self.waitFor("a topic's articles") { try await browser.script("return document.querySelectorAll('#help-results a').length") as? Int ?? 0 >= 1 }
            // The queue's categories in Polish (they were English on a Polish screen).
            try await browser.open(server.base + "/kiosk/queue")
            try await Self.waitFor("the categories") { try await browser.text("#category-B").hasPrefix("Rachunki i płatności") }
            #expect(try await browser.text("#category-S").hasPrefix("Liczniki i naprawy"))
        }
    }

    @Test func aWebChatSurvivesADroppedConnectionWithoutLossOrDuplicatesAndEndsWithASurvey() async throws {
        try await Self.withServer { server, browser in
            try await server.assistantOff()
            try await server.openAroundTheClock()
            try await browser.open(server.base + "/chat/acme")
            try await browser.click("#tp-chat-open")
            try await Self.waitFor("the chat connection") { try await browser.script("return document.getElementById('tp-chat').dataset.connected") as? String == "yes" }
            try await browser.type("#tp-chat-text", "Is anyone there? My meter shows E5.")
            try await browser.click("#tp-chat-send")
            let visitor = try #require(try await browser.script("return window.TouchpointChat.visitor") as? String)
            var caseID: CaseID?
            try await Self.waitFor("the chat case") {
                caseID = try await server.store.chatCase(brand: server.brand.id, visitor: visitor)
                return caseID != nil
            }
            let chat = try #require(caseID)
            let item = try await server.store.case(chat, brand: server.brand.id)
            #expect(item.contactPoint == .webChat && item.subject == "Is anyone there? My meter shows E5.")
            let agent = try await server.store.staffUser(email: "agent1@acme.example")
            _ = try await server.store.addInteraction(caseID: chat, brand: server.brand.id, actor: .staff(agent.id),
                                                      request: NewInteraction(direction: .outbound, body: "Hello, Ola here. Let me check."))
            try await Self.waitFor("the agent's answer") { try await browser.text("#tp-chat ol").contains("Ola here") }

            // The connection drops; an answer written meanwhile arrives once after the reconnect.
            _ = try await browser.script("window.TouchpointChat.socket.close(); return 1")
            _ = try await server.store.addInteraction(caseID: chat, brand: server.brand.id, actor: .staff(agent.id),
                                                      request: NewInteraction(direction: .outbound, body: "E5 means the meter lost its signal."))
            try await Self.waitFor("the answer after the reconnect") { try await browser.text("#tp-chat ol").contains("lost its signal") }
            try await Task.sleep(for: .milliseconds(800))
            let counts = try await browser.script("return [document.querySelectorAll('#tp-chat li.visitor').length, document.querySelectorAll('#tp-chat li.agent').length]") as? [Any]
            #expect((counts?.first as? Int) == 1 && (counts?.last as? Int) == 2, "\(String(describing: counts))")
            try await browser.screenshot("web-chat")

            // A second page load shows the whole conversation once, and a resent message is stored once.
            try await browser.open(server.base + "/chat/acme")
            try await Self.waitFor("the conversation again") { try await browser.script("return document.querySelectorAll('#tp-chat li:not(.note)').length") as? Int == 3 }
            let messages = try await server.store.chatMessages(caseID: chat, brand: server.brand.id, after: 0)
            #expect(messages.map(\.from) == ["visitor", "agent", "agent"] && messages.map(\.seq) == [1, 2, 3])
            let again = try await server.store.postChatMessage(brand: server.brand.id, visitor: visitor, clientID: try #require(messages[0].clientID),
                                                               text: "Is anyone there? My meter shows E5.", identity: nil, name: nil)
            let after = try await server.store.chatMessages(caseID: chat, brand: server.brand.id, after: 0)
            #expect(again.seq == 1 && after.count == 3)

            // Resolved: the satisfaction question appears at the end of the chat; a score, a comment, Send.
            _ = try await server.store.updateCase(chat, brand: server.brand.id, actor: .staff(agent.id), update: CaseUpdate(status: .resolved))
            _ = try await UseCases(store: server.store).surveys.askAfterResolution(caseID: chat, brand: server.brand.id)
            try await Self.waitFor("the survey in the chat") { try await browser.script("return document.querySelectorAll('#tp-chat-survey button[data-score]').length") as? Int == 5 }
            #expect(try await browser.text("#tp-chat-survey").contains("How satisfied are you with how we handled your request?"))
            try await browser.click("#tp-chat-survey button[data-score='4']")
            #expect(try await browser.script("return document.querySelector(\"#tp-chat-survey button[data-score='4']\").getAttribute('aria-pressed')") as? String == "true")
            try await browser.type("#tp-chat-survey-comment", "Quick answer")
            try await browser.screenshot("web-chat-survey")
            try await browser.click("#tp-chat-survey > button")
            try await Self.waitFor("the thanks") { try await browser.text("#tp-chat-survey").contains("Thank you — your answer is recorded.") }
            let answered = try await server.store.events(brand: server.brand.id, since: Date().addingTimeInterval(-60), limit: 5000).filter {
                $0.type == .surveyAnswered && $0.caseID == chat
            }
            #expect(answered.first?.payload["score"] == .int(4) && answered.first?.payload["comment"] == .string("Quick answer"))
        }
    }

    @Test func anAgentChatsFromTheCasePageAndTransfersTheChat() async throws {
        try await Self.withServer { server, browser in
            try await server.assistantOff()
            try await server.openAroundTheClock()
            let visitor = try await SocketClient.open(port: server.port, path: "/chat/acme/ws")
            let id = UUID().uuidString.lowercased()
            try visitor.send(["type": "hello", "visitor": id])
            _ = try await visitor.next("ready")
            try visitor.send(["type": "message", "clientId": "v1", "text": "The app shows error E5 since this morning."])
            let number = try #require(try await visitor.next("stored")["caseNumber"] as? Int)
            let caseID = try #require(try await server.store.chatCase(brand: server.brand.id, visitor: id))

            try await Self.signIn(browser, server.base, as: "agent1@acme.example")
            try await browser.open(server.base + "/console/cases/\(number)")
            try await Self.waitFor("the chat panel") { try await browser.text("#chat-log").contains("error E5") }
            try await Self.waitFor("the visitor online") { try await browser.text("#chat-presence") == "visitor online" }
            try visitor.send(["type": "typing", "active": true])
            try await Self.waitFor("the typing line") { try await browser.text("#chat-typing") == "The visitor is typing…" }

            try await browser.type("#chat-text", "Please restart the meter.")
            try await browser.click("#chat-send")
            let answer = try await visitor.next("message", where: { $0["from"] as? String == "agent" })
            let agent = try await server.store.staffUser(email: "agent1@acme.example")
            #expect(answer["text"] as? String == "Please restart the meter." && answer["seq"] as? Int == 2)
            #expect(answer["name"] as? String == agent.name.split(separator: " ").first.map(String.init))
            try visitor.send(["type": "read", "seq": 2])
            try await Self.waitFor("the seen mark") { try await browser.script("return document.querySelectorAll('#chat-log li.agent.seen').length") as? Int == 1 }
            // The agent's page read the visitor's message too, and said so.
            try await Self.waitFor("the agent's read mark") { (try await server.store.chatSession(caseID: caseID, brand: server.brand.id)?.agentRead ?? 0) >= 1 }
            #expect(visitor.all("read").contains { $0["from"] as? String == "agent" && ($0["seq"] as? Int ?? 0) >= 1 })
            try await browser.screenshot("agent-chat")

            let colleague = try await server.store.staffUser(email: "agent2@acme.example")
            _ = try await browser.script("document.getElementById('transfer-to').value = 'agent:\(colleague.id.text)'; return 1")
            try await browser.type("#transfer-reason", "knows the E5 meters")
            try await browser.click("#transfer")
            try await Self.waitFor("the transfer") { try await browser.text("#notice") == "Chat transferred." }
            #expect(try await server.store.case(caseID, brand: server.brand.id).assigneeID == colleague.id)
            _ = try await visitor.next("agent", where: { $0["name"] as? String == colleague.name.split(separator: " ").first.map(String.init) })

            await visitor.close()
            try await Self.waitFor("the visitor away") { try await browser.text("#chat-presence") == "visitor away" }
        }
    }

    @Test func theDisplayBoardFollowsTheQueueWithoutReloading() async throws {
        try await Self.withServer { server, browser in
            let location = try await server.store.location(slug: "warsaw-centre", brand: server.brand.id)
            let agent = try await server.store.staffUser(email: "agent1@acme.example")
            try await browser.open(server.base + "/walk-in/board/acme/warsaw-centre")
            try await Self.waitFor("the board's socket") { try await browser.script("return document.body.dataset.live") as? String == "yes" }
            // The clock is the wall clock in Warsaw, 24-hour, whatever zone the browser runs in.
            let wall = DateFormatter()
            wall.timeZone = TimeZone(identifier: "Europe/Warsaw")
            wall.dateFormat = "HH:mm"
            let clockShown = try await browser.text("#board-clock")
            let around = [Date().addingTimeInterval(-60), Date(), Date().addingTimeInterval(60)].map(wall.string(from:))
            #expect(around.contains(clockShown), "board clock \(clockShown), Warsaw \(around)")
            _ = try await browser.script("window.sameDocument = 'yes'; return 1")
            #expect(try await browser.text("#board-waits").contains("Billing and payments"))

            let ticket = try await server.store.takeTicket(location: location.id, brand: server.brand.id, category: "B", contact: nil, identity: nil,
                                                           caseID: nil, source: "test", actor: .system)
            try await Self.waitFor("the waiting count") { try await browser.text("#board-waits").contains("1 waiting") }
            _ = try await server.store.callNext(location: location.id, desk: "2", brand: server.brand.id, staff: agent.id)
            try await Self.waitFor("the call on the board") { try await browser.text("#board-latest") == "\(ticket.label) → Desk 2" }
            #expect(try await browser.text("#board-calls").contains(ticket.label))
            #expect(try await browser.script("return window.sameDocument") as? String == "yes", "the board changed without a reload")
            // Desks 1 and 3 are closed, desk 2 is busy with B001 for its usual six minutes: a
            // newcomer for billing waits that long, meters and repairs have no open desk.
            let waits = try await browser.text("#board-waits")
            #expect(waits.contains("0 waiting · about 6 min") && waits.contains("0 waiting · closed"), "\(waits)")
            try await browser.screenshot("walk-in-board")
            // A Polish brand's board speaks Polish, its categories too (it was English).
            _ = try await server.store.updateBrand(server.brand.id, language: .pl, timeZone: nil, actor: .system)
            try await browser.open(server.base + "/walk-in/board/acme/warsaw-centre")
            try await Self.waitFor("the Polish board") { try await browser.script("return document.body.dataset.live") as? String == "yes" }
            #expect(try await browser.script("return document.documentElement.lang") as? String == "pl")
            #expect(try await browser.script("return document.querySelector('.calls h2').textContent") as? String == "Przy stanowiskach")
            try await Self.waitFor("the Polish waits") {
                let waits = try await browser.text("#board-waits")
                return waits.contains("Rachunki i płatności") && waits.contains("w kolejce: 0 · ok. 6 min")
            }
            _ = try await server.store.updateBrand(server.brand.id, language: .en, timeZone: nil, actor: .system)
        }
    }

    /// Presses the on-screen keys of a kiosk keypad, one by one.
    static func press(_ browser: Browser, _ text: String) async throws {
        for character in text {
            try await browser.click(".keypad .key[data-key='\(character)']")
        }
    }

    @Test func aCustomerUsesTheKioskAndTheScreenForgetsThemWhenIdle() async throws {
        try await Self.withServer { server, browser in
            let location = try await server.store.location(slug: "warsaw-centre", brand: server.brand.id)
            _ = try await server.store.registerKiosk(brand: server.brand.id, location: location.id, name: "Test kiosk", idleSeconds: 5,
                                                     languages: ["en", "pl"], token: "test-kiosk-token")
            let identity = Identity(storedKind: .customerNumber, value: "C-10000")
            let customer = try #require(try await server.store.contacts(brand: server.brand.id, accountID: nil, identity: identity, query: nil, limit: 1,
                                                                        cursor: nil).items.first)
            let firstName = try #require(customer.name?.split(separator: " ").first.map(String.init))

            // Not registered: no kiosk.
            try await browser.open(server.base + "/kiosk")
            #expect(try await browser.text("body").contains("not a registered kiosk"))
            try await browser.open(server.base + "/kiosk/setup?token=test-kiosk-token")
            try await Self.waitFor("the welcome screen") { try await browser.url.hasSuffix("/kiosk") }
            try await browser.click("#lang-pl")
            try await Self.waitFor("Polish") { try await browser.text("h1") == "Witamy" }
            try await browser.click("#lang-en")
            try await Self.waitFor("English") { try await browser.text("h1") == "Welcome" }
            try await browser.screenshot("kiosk-welcome")

            // A wrong number, then the customer number typed on the on-screen keypad.
            try await browser.click("#by-number")
            try await Self.press(browser, "C-99")
            try await browser.click("#keypad-continue")
            try await Self.waitFor("the refusal") { try await browser.text("#kiosk-error").contains("could not find") }
            try await Self.press(browser, "C-10000")
            try await browser.click("#keypad-continue")
            try await Self.waitFor("the menu") { try await browser.text("#kiosk-hello") == "Hello, \(firstName)" }

            // The customer's appointment here (the location open around the clock for the test): checked in at the kiosk.
            let always = try await server.store.saveCalendar(id: nil, name: "Always open", calendar: try CalendarDefinition(timeZone: "Europe/Warsaw", weekly: [
                "mon": [["00:00", "24:00"]], "tue": [["00:00", "24:00"]], "wed": [["00:00", "24:00"]], "thu": [["00:00", "24:00"]],
                "fri": [["00:00", "24:00"]], "sat": [["00:00", "24:00"]], "sun": [["00:00", "24:00"]],
            ]).calendar(), brand: server.brand.id, actor: .system)
            var open24 = location.setup
            open24.calendarId = always.id
            _ = try await server.store.updateLocation(location.id, brand: server.brand.id, name: nil, setup: open24, actor: .system)
            let slot = try #require(try await server.store.deskAppointmentSlots(location: location.id, brand: server.brand.id, category: "C", from: Date(), limit: 1).first)
            let appointment = try await server.store.bookDeskAppointment(location: location.id, brand: server.brand.id, category: "C", contact: customer.id,
                                                                         start: slot, caseID: nil, actor: .system)
            try await browser.open(server.base + "/kiosk")
            try await browser.click("#check-in-\(appointment.id.text)")
            try await Self.waitFor("the appointment's number") { try await browser.text("#kiosk-appointment").contains("Appointment at") }
            let checkedIn = try await server.store.deskAppointment(appointment.id, brand: server.brand.id)
            #expect(checkedIn.state == .checkedIn && checkedIn.ticketID != nil)
            #expect(try await browser.text("#kiosk-ticket").hasPrefix("C"))
            try await browser.screenshot("kiosk-check-in")
            try await browser.open(server.base + "/kiosk")

            // Account status: exactly the customer's own open requests.
            try await browser.click("#menu-account")
            try await Self.waitFor("the account") { try await browser.url.hasSuffix("/kiosk/account") }
            let open = try await server.store.cases(brand: server.brand.id, filter: CaseFilter(statuses: [.new, .open, .pending], contactID: customer.id),
                                                    limit: 20, cursor: nil).items
            #expect(try await browser.script("return document.querySelectorAll('#kiosk-cases li').length") as? Int == open.count)
            // Each request says where it stands in the customer's words, not the internal status.
            let requests = try await browser.text("#kiosk-cases")
            for status in Set(open.map(\.status)) { #expect(requests.contains(CustomerMessages(.en).caseStatus(status)), "\(status)") }
            #expect(try await browser.text("body").contains("Technician's visits"))
            try await browser.screenshot("kiosk-account")

            // No billing desk is open yet: no number (nobody would call it), the reason instead.
            try await browser.open(server.base + "/kiosk/queue")
            try await browser.click("#category-B")
            try await Self.waitFor("the refusal") { try await browser.text("#kiosk-notice").contains("cannot give you a number") }
            #expect(try await server.store.queueState(location: location.id, brand: server.brand.id).tickets.allSatisfy { $0.issuedCategory != "B" })
            let clerk = try await server.store.staffUser(email: "agent1@acme.example")
            try await server.store.openDesk("1", location: location.id, brand: server.brand.id, staff: clerk.id)

            // With a billing desk open: a number for it, on the customer's timeline.
            try await browser.open(server.base + "/kiosk/queue")
            try await browser.click("#category-B")
            try await Self.waitFor("the ticket") { try await browser.text("#kiosk-ticket") == "B001" }
            let ticket = try #require(try await server.store.queueState(location: location.id, brand: server.brand.id).tickets.first { $0.issuedCategory == "B" })
            #expect(ticket.contactID == customer.id && ticket.label == "B001")
            try await browser.screenshot("kiosk-ticket")

            // Nobody touches the screen: it wipes itself and the session ends.
            try await Task.sleep(for: .seconds(6))
            try await Self.waitFor("the reset") {
                let url = try await browser.url
                let heading = try await browser.text("h1")
                return url.hasSuffix("/kiosk") && heading == "Welcome"
            }
            let screen = try await browser.text("body")
            #expect(!screen.contains(firstName))
            try await browser.open(server.base + "/kiosk/account")
            #expect(try await browser.url.hasSuffix("/kiosk"), "the account needs the customer again")
            try await browser.screenshot("kiosk-after-idle-reset")

            // Phone and a one-time code sent by SMS; a wrong code first.
            let phone = try #require(customer.identities.first { $0.kind == .phone }?.value)
            try await browser.click("#by-phone")
            try await Self.press(browser, phone)
            try await browser.click("#keypad-continue")
            try await Self.waitFor("the code screen") { try await browser.text("h1").contains("code") }
            let sms = try #require(try await server.store.outbox(brand: server.brand.id, state: nil, contactPoints: [.sms, .whatsApp], limit: 200, cursor: nil).items.first { $0.recipient == phone })
            let code = String((sms.text?.text ?? "").filter(\.isNumber).prefix(6))
            try await Self.press(browser, code == "000000" ? "111111" : "000000")
            try await browser.click("#keypad-continue")
            try await Self.waitFor("the wrong code") { try await browser.text("#kiosk-error").contains("not right") }
            try await Self.press(browser, code)
            try await browser.click("#keypad-continue")
            try await Self.waitFor("the menu again") { try await browser.text("#kiosk-hello") == "Hello, \(firstName)" }

            // A request typed on the on-screen keyboard goes on the case the customer is in
            // (one need, one case) when there is one, else it opens a kiosk case.
            let before = try await server.store.cases(brand: server.brand.id, filter: CaseFilter(statuses: CaseStatus.allCases.filter(\.isActive),
                                                                                                contactID: customer.id), limit: 50, cursor: nil).items
            try await browser.click("#menu-request")
            try await browser.click("#request-form input[name=topic]")
            for letter in ["M", "E", "T", "E", "R"] {
                _ = try await browser.script("Array.from(document.querySelectorAll('.keyboard .key')).find(k => k.textContent === '\(letter)').click(); return 1")
            }
            try await browser.click("#request-send")
            try await Self.waitFor("the request") { try await browser.text("#kiosk-request-ref").hasPrefix("Acme-") }
            let ref = try await browser.text("#kiosk-request-ref")
            let item = try await server.store.case(number: try #require(Int(ref.dropFirst("Acme-".count))), brand: server.brand.id)
            let latest = before.max { $0.updatedAt < $1.updatedAt }
            let added = try await browser.script("return !!document.getElementById('kiosk-request-added')") as? Bool == true
            if let latest, item.id == latest.id {
                #expect(added, "the kiosk says the request went on the open case")
            } else {
                #expect(item.contactPoint == .kiosk && !added)
            }
            #expect(item.contactID == customer.id)
            let request = try await server.store.interactions(caseID: item.id, brand: server.brand.id).last
            #expect(request?.text == "Meter" && request?.contactPoint == .kiosk)
            let timeline = try await server.store.contactTimeline(customer.id, brand: server.brand.id, limit: 50, cursor: nil).items
            #expect(timeline.filter { if case .interaction(let item) = $0 { item.contactPoint == .kiosk && item.text.hasPrefix("Signed in at the kiosk") } else { false } }.count == 2)
            try await browser.click("#kiosk-done")
            try await Self.waitFor("done") { try await browser.text("h1") == "Welcome" }
        }
    }
}
