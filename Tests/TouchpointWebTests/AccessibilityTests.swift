import Foundation
import Testing
import TouchpointApp
import TouchpointCore
import TouchpointStore

/// WCAG 2.1 A and AA on the pages people use, checked by axe-core (Deque's engine, run in
/// the real Chromium): no serious or critical violation on the console, the portal, the
/// help pages, the chat widget, the kiosk and the display board, on a desktop and a phone.
@Suite("Pages pass axe-core's WCAG 2.1 AA checks", .serialized)
struct AccessibilityTests {
    /// axe-core's script: `TOUCHPOINT_AXE_JS`, or the copy inside the PyPI package
    /// axe-playwright-python (which `.ci/run` installs; only its axe.min.js is used).
    static func axeScript() throws -> String {
        if let path = ProcessInfo.processInfo.environment["TOUCHPOINT_AXE_JS"] { return try String(contentsOfFile: path, encoding: .utf8) }
        let python = Process()
        python.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        python.arguments = ["python3", "-c", "import importlib.util; print(importlib.util.find_spec('axe_playwright_python').submodule_search_locations[0])"]
        let out = Pipe()
        python.standardOutput = out
        python.standardError = FileHandle.nullDevice
        try python.run()
        python.waitUntilExit()
        let folder = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard python.terminationStatus == 0, !folder.isEmpty else {
            throw AxeMissing()
        }
        return try String(contentsOfFile: folder + "/axe.min.js", encoding: .utf8)
    }

    struct AxeDidNotRun: Error {
        var result: String
    }

    struct AxeMissing: Error, CustomStringConvertible {
        var description: String { "axe-core not found: pip install --no-deps axe-playwright-python==0.1.8, or set TOUCHPOINT_AXE_JS to axe.min.js" }
    }

    /// The serious and critical violations on the open page, one line each.
    static func violations(_ browser: Browser, axe: String) async throws -> [String] {
        _ = try await browser.script(axe + "; return true;")
        let found = try await browser.script("""
            return axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}, resultTypes: ['violations']})
              .then(r => r.violations.filter(v => v.impact === 'serious' || v.impact === 'critical')
                .map(v => v.id + ' (' + v.nodes.length + '): ' + v.nodes.slice(0, 4).map(n => n.target.join(' ') + ' — ' + (n.failureSummary || '').split('\\n').slice(1, 2).join('')).join(' | ')));
            """)
        guard let lines = found as? [Any] else { throw AxeDidNotRun(result: "\(String(describing: found))") }
        return lines.compactMap { $0 as? String }
    }

    @Test func theMainPagesHaveNoSeriousOrCriticalViolations() async throws {
        let axe = try Self.axeScript()
        try await ConsoleBrowserTests.withServer { server, browser in
            let brand = server.brand.id
            let active = CaseStatus.allCases.filter(\.isActive)
            let item = try #require(try await server.store.cases(brand: brand, filter: CaseFilter(statuses: active), limit: 1, cursor: nil).items.first)
            let account = try #require(try await server.store.accounts(brand: brand, query: nil, stage: nil, limit: 1, cursor: nil).items.first)
            let location = try await server.store.location(slug: "warsaw-centre", brand: brand)
            _ = try await server.store.registerKiosk(brand: brand, location: location.id, name: "Axe kiosk", idleSeconds: 60,
                                                     languages: ["en", "pl"], token: "axe-kiosk-token")
            var report: [String] = []
            func check(_ path: String) async throws {
                try await browser.open(server.base + path)
                try await Task.sleep(for: .milliseconds(150))
                for line in try await Self.violations(browser, axe: axe) { report.append("\(path): \(line)") }
            }
            // Public pages first.
            for path in ["/portal/acme/login", "/portal/acme/help", "/portal/acme/help?lang=pl", "/chat/acme", "/walk-in/board/acme/warsaw-centre",
                         "/console/login"] {
                try await check(path)
            }
            // The portal signed in, by the emailed link, as a customer with a request.
            let contact = try await server.store.contact(item.contactID, brand: brand)
            let email = try #require(contact.identities.first { $0.kind == .email }?.value)
            try await browser.open(server.base + "/portal/acme/login")
            try await browser.type("#portal-email", email)
            try await browser.click("#send-link")
            try await ConsoleBrowserTests.waitFor("the link notice") { try await browser.text("#link-sent").contains("sign-in link is on its way") }
            let mail = try #require(try await server.store.outbox(brand: brand, state: nil, limit: 20, cursor: nil).items
                .first { $0.recipient == email && $0.email?.mail.subject.contains("sign-in link") == true })
            let text = try #require(mail.email).mail.text
            let start = try #require(text.range(of: server.base)).lowerBound
            try await browser.open(String(text[start...].prefix { !$0.isWhitespace }))
            try await browser.click("#use-link")
            try await ConsoleBrowserTests.waitFor("the customer's requests") { try await browser.text("#requests").contains(item.subject) }
            for path in ["/portal/acme", "/portal/acme/cases/\(item.number)", "/portal/acme/profile"] { try await check(path) }
            try await browser.resize(width: 390, height: 844)
            try await check("/portal/acme")
            try await check("/chat/acme")
            try await browser.resize(width: 1366, height: 900)
            try await browser.open(server.base + "/kiosk/setup?token=axe-kiosk-token")
            try await ConsoleBrowserTests.waitFor("the kiosk") { try await browser.url.hasSuffix("/kiosk") }
            try await check("/kiosk")
            try await ConsoleBrowserTests.signIn(browser, server.base, as: DemoData.adminEmail)
            let console = ["/console", "/console?view=sla", "/console/cases/\(item.number)", "/console/contacts/\(item.contactID.text)",
                           "/console/accounts/\(account.id.text)", "/console/queues", "/console/visits", "/console/walk-in", "/console/kb",
                           "/console/notifications", "/console/playbooks", "/console/surveys", "/console/admin/models", "/console/admin/staff",
                           "/console/admin/teams", "/console/admin/channels", "/console/admin/held", "/console/admin/macros"]
            for width in [1366, 390] {
                try await browser.resize(width: width, height: 900)
                for path in console { try await check(path) }
            }
            // The check itself finds what it should: an image without a text alternative.
            _ = try await browser.script("const img = document.createElement('img'); img.src = '/console/static/none.png'; document.querySelector('main').append(img);")
            #expect(try await Self.violations(browser, axe: axe).contains { $0.hasPrefix("image-alt") })
            #expect(report.isEmpty, "\(report.count) violations:\n\(report.joined(separator: "\n"))")
        }
    }
}
