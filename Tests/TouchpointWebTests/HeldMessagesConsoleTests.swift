import Foundation
import HummingbirdTesting
import Testing
import TouchpointApplication
import TouchpointCore
import TouchpointStore

@testable import TouchpointWeb

/// A provider that refuses every recipient for good, as a smarthost does for an unknown mailbox.
struct RefusingDriver: OutboundDriver {
    var contactPoints: Set<ContactPoint> { [.email] }
    func deliver(_ message: PreparedMessage) async -> DeliveryOutcome { .refused("550 5.1.1 mailbox unknown", recipientRejected: false) }
}

@Suite("Held and undelivered messages in the console")
struct HeldMessagesConsoleTests {
    static func receive(
        _ store: Store, from sender: String, _ text: String, limits: MailIntakeLimits = MailIntakeLimits()
    ) async throws
        -> MailIntakeResult
    {
        let ids = try await store.receiveMail(
            raw: Array(text.replacingOccurrences(of: "\n", with: "\r\n").utf8), envelopeFrom: sender,
            recipients: ["help@acme.example"])
        return try await store.processMail(try #require(ids.first), limits: limits)
    }

    @Test func anAdminTakesInThrowsAwayAndSendsAgainOnEveryContactPoint() async throws {
        try await withConsole { fixture, client in
            // setup: an acknowledging mailbox; a customer's mail whose acknowledgement the smarthost refuses for good;
            // a sender over the hourly limit; bytes that are no mail; an SMS body that cannot be read.
            let store = fixture.store
            _ = try await store.saveMailbox(
                address: "help@acme.example", brand: fixture.brandID, teamID: nil, forwardsOpenForSender: false,
                acknowledges: true, actor: .system)
            let customer = try await Self.receive(
                store, from: "jan@example.org",
                "From: Jan <jan@example.org>\nTo: help@acme.example\nSubject: Meter broken\nMessage-ID: <m1@example.org>\n\nIt stopped.\n")
            #expect(customer.outcome == .opened)
            let worker = DeliveryWorker(store: store, drivers: [RefusingDriver()], logger: .init(label: "test"))
            #expect(try await worker.deliverDue() == 1)
            let flood = try await Self.receive(
                store, from: "pinger@example.org",
                "From: pinger@example.org\nTo: help@acme.example\nSubject: ping\nMessage-ID: <p1@example.org>\n\nping\n",
                limits: MailIntakeLimits(senderHourlyAutomatic: 0, senderHourlyQuarantine: 0))
            #expect(flood.outcome == .quarantined)
            let garbage = try await Self.receive(store, from: "", "\n\u{1}\u{2} not a message at all")
            #expect(garbage.outcome == .quarantined)
            _ = try await store.createIntegration(id: "test-sms", brand: fixture.brandID, kind: .sms, name: "SMS", secret: "s3cret")
            let broken = try await store.accept(
                NewEnvelope(
                    brandID: fixture.brandID, contactPoint: .sms, source: "test-sms",
                    providerKey: "message:broken", lane: "x", raw: Array(#"{"text": 5}"#.utf8)))
            try await fixture.inbox.processPending()
            let mail = try await store.inboundMail(brand: fixture.brandID, state: .quarantined, limit: 10, cursor: nil).items
            let floodID = try #require(mail.first { $0.sender == "pinger@example.org" }?.id)
            let garbageID = try #require(mail.first { $0.sender != "pinger@example.org" }?.id)
            let dead = try #require(try await store.outbox(brand: fixture.brandID, state: .failed, limit: 5, cursor: nil).items.first)

            // act + check: the page lists each with its reason; agents may not see it, nor another brand's admin its messages.
            var admin = ConsoleBrowser(client)
            _ = try await admin.signIn("admin@acme.example")
            let page = try await admin.get("/console/admin/held")
            let html = String(buffer: page.body)
            #expect(page.status == .ok)
            #expect(html.contains("id=\"mail-\(floodID.text)\"") && html.contains("id=\"mail-\(garbageID.text)\""))
            #expect(html.contains("id=\"message-\(broken.id.text)\"") && html.contains("reading the provider&#39;s message"))
            #expect(html.contains("id=\"outbox-\(dead.id.text)\"") && html.contains("550 5.1.1 mailbox unknown") && html.contains("jan@example.org"))
            var agent = ConsoleBrowser(client)
            _ = try await agent.signIn("agent@acme.example")
            #expect(try await agent.get("/console/admin/held").status == .forbidden)
            var globex = ConsoleBrowser(client)
            _ = try await globex.signIn("admin@globex.example")
            let elsewhere = String(buffer: try await globex.get("/console/admin/held").body)
            #expect(!elsewhere.contains(floodID.text) && elsewhere.contains("id=\"no-held-mail\"") && elsewhere.contains("id=\"no-undelivered\""))
            let foreign = try await globex.post(
                "/console/admin/held",
                [
                    "action": "discard-mail", "id": floodID.text,
                    "csrf": ConsoleBrowser.csrf(try await globex.get("/console/admin/held")),
                ])
            #expect(foreign.status == .notFound)

            let csrf = ConsoleBrowser.csrf(page)
            // Taking in the flooded mail lets it past the limit: it opens a case.
            let takenIn = try await admin.post("/console/admin/held", ["action": "rerun-mail", "id": floodID.text, "csrf": csrf])
            #expect(takenIn.status == .seeOther)
            #expect(String(buffer: try await admin.get(try #require(takenIn.headers[.location])).body).contains("The email was taken in."))
            #expect(try await store.inboundMail(floodID, brand: fixture.brandID).state == .processed)
            // Bytes that are no mail stay held, and say why; thrown away, they are gone from the list.
            let still = try await admin.post("/console/admin/held", ["action": "rerun-mail", "id": garbageID.text, "csrf": csrf])
            #expect(String(buffer: try await admin.get(try #require(still.headers[.location])).body).contains("The email is still held"))
            _ = try await admin.post("/console/admin/held", ["action": "discard-mail", "id": garbageID.text, "csrf": csrf])
            #expect(try await store.inboundMail(garbageID, brand: fixture.brandID).state == .discarded)
            _ = try await admin.post("/console/admin/held", ["action": "discard-envelope", "id": broken.id.text, "csrf": csrf])
            #expect(try await store.envelope(broken.id, brand: fixture.brandID).state == .discarded)
            // Sending again puts the dead letter back in line for the delivery worker.
            _ = try await admin.post("/console/admin/held", ["action": "resend-all", "csrf": csrf])
            #expect(try await store.outboxItem(dead.id, brand: fixture.brandID).state == .pending)
            let after = String(buffer: try await admin.get("/console/admin/held").body)
            #expect(after.contains("id=\"no-held-mail\"") && after.contains("id=\"no-held-messages\"") && after.contains("id=\"no-undelivered\""))
            // A form without a message or with an unknown action is refused with a reason.
            #expect(try await admin.post("/console/admin/held", ["action": "rerun-mail", "csrf": csrf]).status == .badRequest)
        }
    }
}
