import Foundation
import Logging
import Testing
import TouchpointApplication
import TouchpointCore
import TouchpointStore
import TouchpointTestSupport

/// A driver that answers each attempt with the next scripted outcome and remembers what
/// it was given; the provider itself is tested with the real drivers in the web tests.
final class ScriptedDriver: OutboundDriver, @unchecked Sendable {
    let contactPoints: Set<ContactPoint>
    private let lock = NSLock()
    private var script: [DeliveryOutcome]
    private(set) var given: [PreparedMessage] = []

    init(_ points: Set<ContactPoint>, _ script: [DeliveryOutcome]) {
        contactPoints = points
        self.script = script
    }

    func deliver(_ message: PreparedMessage) async -> DeliveryOutcome {
        lock.withLock {
            given.append(message)
            return script.isEmpty ? .deferred("nothing scripted") : script.removeFirst()
        }
    }
}

@Suite("The delivery worker: one outbox, the same retries, dead letters and events on every contact point")
struct DeliveryWorkerTests {
    static var logger: Logger { .quiet("delivery-test") }

    /// A case opened by email from Jan with an agent's reply in the outbox, and the same for
    /// an SMS through an integration with a provider URL.
    static func setUp(_ store: Store) async throws -> (Fixture, email: CaseID, sms: CaseID) {
        let fixture = try await Fixture.make(store)
        _ = try await store.saveMailbox(
            address: "support@acme.example", brand: fixture.brand.id, teamID: nil, forwardsOpenForSender: false,
            acknowledges: false, actor: .system)
        let mail = try await store.openCase(
            brand: fixture.brand.id, actor: nil, request: try fixture.email("jan@example.org", providerID: "first@example.org"))
        _ = try await store.addInteraction(
            caseID: mail.case.id, brand: fixture.brand.id, actor: .staff(fixture.agent.id),
            request: NewInteraction(direction: .outbound, body: "We replace it tomorrow."))
        _ = try await store.createIntegration(
            id: "test-sms", brand: fixture.brand.id, kind: .sms, name: "SMS", secret: "s3cret",
            providerURL: "http://127.0.0.1:9/messages")
        let text = try await store.openCase(
            brand: fixture.brand.id, actor: nil,
            request: OpenCase(
                contactPoint: .sms, from: try Identity(kind: .phone, raw: "+48600100200"), subject: "Meter", body: "E5 on my meter"))
        _ = try await store.addInteraction(
            caseID: text.case.id, brand: fixture.brand.id, actor: .staff(fixture.agent.id),
            request: NewInteraction(direction: .outbound, contactPoint: .sms, body: "A technician comes at 10."))
        return (fixture, mail.case.id, text.case.id)
    }

    static func events(_ store: Store, _ fixture: Fixture, _ caseID: CaseID, _ type: EventType) async throws -> [DomainEvent] {
        try await store.auditLog(brand: fixture.brand.id, caseID: caseID, limit: 100, cursor: nil).items.filter { $0.type == type }
    }

    @Test(arguments: Backend.available)
    func aDeliveryIsRecordedTheSameWayForEmailAndSMS(_ backend: Backend) async throws {
        try await withStore(backend) { store in
            let (fixture, email, sms) = try await Self.setUp(store)
            let smtp = ScriptedDriver([.email], [.sent(receipt: "250 queued as 7", providerMessageID: nil)])
            let provider = ScriptedDriver([.sms, .whatsApp], [.sent(receipt: "the provider took it (202)", providerMessageID: "prov-1")])
            let worker = DeliveryWorker(store: store, drivers: [smtp, provider], logger: Self.logger)

            #expect(try await worker.deliverDue() == 2)

            // The drivers got what they need without reading the database.
            guard case .email(let mail, let recipient) = try #require(smtp.given.first) else { Issue.record("not an email"); return }
            #expect(recipient == "jan@example.org" && mail.inReplyTo == "first@example.org" && mail.text == "We replace it tomorrow.")
            guard case .text(let text) = try #require(provider.given.first) else { Issue.record("not a text"); return }
            #expect(text.recipient == "+48600100200" && text.text == "A technician comes at 10." && text.secret == "s3cret")
            #expect(text.providerURL == "http://127.0.0.1:9/messages" && text.contactPoint == .sms)
            // Both sent, each with one `message.sent` event of the same shape on its case.
            let sent = try await store.outbox(brand: fixture.brand.id, state: .sent, limit: 10, cursor: nil).items
            #expect(Set(sent.map(\.contactPoint)) == [.email, .sms])
            #expect(sent.first { $0.contactPoint == .sms }?.providerMessageID == "prov-1")
            let mailEvent = try #require(try await Self.events(store, fixture, email, .messageSent).first)
            let textEvent = try #require(try await Self.events(store, fixture, sms, .messageSent).first)
            #expect(Set(mailEvent.payload.keys) == Set(textEvent.payload.keys))
            #expect(mailEvent.payload["receipt"] == .string("250 queued as 7") && mailEvent.payload["contactPoint"] == .string("email"))
            #expect(textEvent.payload["messageId"] == .string("prov-1") && textEvent.payload["to"] == .string("+48600100200"))
            // The text's provider id is on its interaction, where delivery reports find it.
            let reply = try #require(try await store.interactions(caseID: sms, brand: fixture.brand.id).last)
            #expect(reply.providerMessageID == "prov-1" && reply.metadata["delivery"] == "sent")
            #expect(try await worker.deliverDue() == 0, "nothing is sent twice")
        }
    }

    @Test(arguments: Backend.available)
    func aTemporaryFailureWaitsWithBackoffAndJitterThenBecomesADeadLetterAnOperatorCanSendAgain(_ backend: Backend) async throws {
        let clock = TestClock(Date(timeIntervalSince1970: 1_800_000_000))
        try await withStore(backend, environment: clock.environment) { store in
            let (fixture, email, _) = try await Self.setUp(store)
            let smtp = ScriptedDriver(
                [.email], Array(repeating: .deferred("451 try later"), count: 3) + [.sent(receipt: "250 ok", providerMessageID: nil)])
            let worker = DeliveryWorker(
                store: store, drivers: [smtp], logger: Self.logger,
                retry: RetryPolicy(maxAttempts: 3, firstDelay: .seconds(30), maxDelay: .seconds(3600)))

            // Only the driver's contact point is taken: the SMS waits for a provider driver.
            #expect(try await worker.deliverDue() == 1)
            var waiting = try #require(
                try await store.outbox(brand: fixture.brand.id, state: .pending, contactPoints: [.email], limit: 5, cursor: nil)
                    .items.first)
            #expect(waiting.lastError == "451 try later" && waiting.attempts == 1)
            let delay = waiting.nextAttemptAt.timeIntervalSince(clock.now)
            #expect(delay >= 24 && delay <= 36, "30 s ± 20 %: \(delay)")
            #expect(try await worker.deliverDue() == 0, "not due yet")
            clock.set(waiting.nextAttemptAt)
            #expect(try await worker.deliverDue() == 1)
            waiting = try #require(
                try await store.outbox(brand: fixture.brand.id, state: .pending, contactPoints: [.email], limit: 5, cursor: nil).items.first)
            let second = waiting.nextAttemptAt.timeIntervalSince(clock.now)
            #expect(second >= 48 && second <= 72, "doubled: \(second)")
            clock.set(waiting.nextAttemptAt)
            #expect(try await worker.deliverDue() == 1)

            // Out of attempts: a dead letter with a `message.failed` event; the address is not
            // blamed for a smarthost that kept deferring.
            let dead = try #require(try await store.outbox(brand: fixture.brand.id, state: .failed, limit: 5, cursor: nil).items.first)
            #expect(dead.attempts == 3 && dead.lastError == "451 try later")
            #expect(try await Self.events(store, fixture, email, .messageFailed).count == 1)
            #expect(try await Self.failing(store, "jan@example.org") == nil)
            clock.set(clock.now.addingTimeInterval(86_400))
            #expect(try await worker.deliverDue() == 0, "a dead letter is never taken again by itself")

            // An operator sends it again: delivered once.
            _ = try await store.retryOutbox(dead.id, brand: fixture.brand.id)
            #expect(try await worker.deliverDue() == 1)
            #expect(try await store.outbox(brand: fixture.brand.id, state: .sent, limit: 5, cursor: nil).items.map(\.id) == [dead.id])
            await #expect(throws: StoreError.self) { try await store.retryOutbox(dead.id, brand: fixture.brand.id) }
        }
    }

    @Test(arguments: Backend.available)
    func aRefusedRecipientFailsAtOnceAndMarksTheAddressAndAMissingProviderURLFailsTheText(_ backend: Backend) async throws {
        try await withStore(backend) { store in
            let (fixture, email, sms) = try await Self.setUp(store)
            try await store.database.write { db in try await db.raw("UPDATE integrations SET provider_url = NULL").run() }
            let smtp = ScriptedDriver([.email], [.refused("RCPT TO:<jan@example.org>: 550 5.1.1 no such user", recipientRejected: true)])
            let provider = ScriptedDriver([.sms], [])
            let worker = DeliveryWorker(store: store, drivers: [smtp, provider], logger: Self.logger)

            #expect(try await worker.deliverDue() == 2)

            let dead = try await store.outbox(brand: fixture.brand.id, state: .failed, limit: 5, cursor: nil).items
            #expect(dead.count == 2 && dead.allSatisfy { $0.attempts == 1 })
            #expect(dead.first { $0.contactPoint == .email }?.lastError?.contains("550") == true)
            #expect(dead.first { $0.contactPoint == .sms }?.lastError?.contains("no provider URL") == true)
            #expect(provider.given.isEmpty, "nothing to post to")
            #expect(try await Self.failing(store, "jan@example.org")?.contains("550") == true)
            #expect(try await Self.failing(store, "+48600100200") == nil)
            #expect(try await Self.events(store, fixture, email, .messageFailed).count == 1)
            #expect(try await Self.events(store, fixture, sms, .messageFailed).count == 1)
        }
    }

    /// The failure noted on an identity, when it is marked failing.
    static func failing(_ store: Store, _ value: String) async throws -> String? {
        try await store.database.read { db in
            try await db.raw("SELECT failure FROM identities WHERE value = \(bind: value) AND failing_since IS NOT NULL").first()?.decode(
                column: "failure", as: String?.self)
        }
    }
}

@Suite("Upgrading to one outbox")
struct OneOutboxUpgradeTests {
    @Test(arguments: Backend.available)
    func textsWaitingInTheTextOutboxMoveInAndAreDeliveredAndOldMailEventsKeepTheirMeaning(_ backend: Backend) async throws {
        try await withStore(backend, migrateThrough: 20) { store in
            // setup: a database of the last version: a WhatsApp message with a template waiting in
            // the text outbox, one already sent, and a `mail.sent` event in the history.
            let brandID = try await insertOldBrand(store)
            _ = try await store.createIntegration(
                id: "old-wa", brand: brandID, kind: .whatsApp, name: "WA", secret: "s", providerURL: "http://127.0.0.1:9/x")
            let template = ##"{"name":"case_update","language":"pl","parameters":["Anna","#7"]}"##
            try await store.database.write { db in
                for (id, state, template) in [
                    ("0e3f2a1c-0000-4000-8000-000000000001", "pending", template), ("0e3f2a1c-0000-4000-8000-000000000002", "sent", nil),
                ] {
                    try await db.raw(
                        """
                        INSERT INTO text_outbox (id, brand_id, integration_id, recipient, body, template, state, attempts, next_attempt_at, created_at, updated_at,
                                                 provider_message_id)
                        VALUES (\(bind: id), \(bind: brandID.text), 'old-wa', '+48600100300', 'Dzień dobry Anna', \(bind: template), \(bind: state), 0, 0,
                                1764000000000, 1764000000000, \(bind: state == "sent" ? "prov-9" : nil))
                        """
                    ).run()
                }
                try await db.raw(
                    """
                    INSERT INTO events (id, brand_id, type, actor_kind, on_timeline, payload, occurred_at)
                    VALUES ('0e3f2a1c-0000-4000-8000-000000000003', \(bind: brandID.text), 'mail.sent', 'system', 1, '{"reply": "250 ok"}', 1764000000000)
                    """
                ).run()
            }
            // act: the upgrade, then a delivery round.
            let applied = try await Migrator.migrate(store.database)
            let provider = ScriptedDriver([.whatsApp], [.sent(receipt: "the provider took it (200)", providerMessageID: "prov-10")])
            let delivered = try await DeliveryWorker(store: store, drivers: [provider], logger: DeliveryWorkerTests.logger).deliverDue()
            // check: both messages are in the one outbox with their words and template; the waiting one is delivered.
            #expect(applied == Array(21...Migrator.latestVersion))
            #expect(delivered == 1)
            guard case .text(let text) = try #require(provider.given.first) else { Issue.record("not a text"); return }
            #expect(text.text == "Dzień dobry Anna" && text.contactPoint == .whatsApp && text.recipient == "+48600100300")
            #expect(text.template == TemplateUse(name: "case_update", language: "pl", parameters: ["Anna", "#7"]))
            let all = try await store.outbox(brand: brandID, state: .sent, limit: 10, cursor: nil).items
            #expect(Set(all.map(\.providerMessageID)) == ["prov-9", "prov-10"])
            #expect(all.allSatisfy { $0.contactPoint == .whatsApp && $0.integrationID == "old-wa" })
            let events = try await store.auditLog(brand: brandID, caseID: nil, limit: 10, cursor: nil).items
            #expect(events.contains { $0.type == .messageSent && $0.payload["reply"] == .string("250 ok") })
        }
    }
}
