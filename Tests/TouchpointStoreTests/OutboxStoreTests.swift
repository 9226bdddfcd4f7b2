import Foundation
import Testing
import TouchpointCore
@testable import TouchpointStore
import TouchpointTestSupport

@Suite("The email outbox: replies and acknowledgements queued with the interaction, retries, results on the timeline")
struct OutboxStoreTests {
    /// A brand whose support mailbox acknowledges new cases, and a first message from Jan.
    func setUp(_ store: Store, acknowledges: Bool = true) async throws -> (Fixture, MailIntakeResult) {
        let fixture = try await Fixture.make(store)
        _ = try await store.saveMailbox(address: "support@acme.example", brand: fixture.brand.id, teamID: fixture.team.id,
                                        forwardsOpenForSender: false, acknowledges: acknowledges, actor: .system)
        let raw = "From: Jan <jan@example.org>\r\nTo: support@acme.example\r\nSubject: Meter broken\r\nMessage-ID: <first@example.org>\r\n\r\nIt is broken.\r\n"
        let ids = try await store.receiveMail(raw: Array(raw.utf8), envelopeFrom: "jan@example.org", recipients: ["support@acme.example"])
        return (fixture, try await store.processMail(ids[0]))
    }

    @Test(arguments: Backend.available)
    func aPersonGetsAnAcknowledgementThatDoesNotCountAsAnAnswer(backend: Backend) async throws {
        try await withStore(backend) { store in
            let (fixture, first) = try await setUp(store)
            let caseID = try #require(first.caseID)
            let opened = try await store.case(caseID, brand: fixture.brand.id)
            #expect(opened.status == .new, "an acknowledgement is no first response")
            #expect(opened.sla?.clocks.first { $0.kind == .firstResponse }?.stoppedAt == nil)
            let ack = try #require(try await store.interactions(caseID: caseID, brand: fixture.brand.id).last)
            #expect(ack.direction == .outbound)
            #expect(ack.text.contains("[Acme #\(opened.number)]"))
            let queued = try await store.claimOutbox(limit: 10)
            #expect(queued.count == 1)
            let message = try #require(queued.first?.message.mail)
            #expect(message.automatic)
            #expect(message.to == [MailAddress(name: "Jan", address: "jan@example.org")])
            #expect(message.from.address == "support@acme.example")
            #expect(message.inReplyTo == "first@example.org")
            #expect(message.subject == "Re: Meter broken [Acme #\(opened.number)]")
            #expect(message.messageID == ack.providerMessageID)
            #expect(try await store.caseNumber(fromMessageID: message.messageID, brand: fixture.brand.id) == opened.number)

            // Machine mail gets none.
            let auto = "From: robot@example.org\r\nAuto-Submitted: auto-generated\r\nSubject: Report\r\nMessage-ID: <r@example.org>\r\n\r\nnumbers\r\n"
            let ids = try await store.receiveMail(raw: Array(auto.utf8), envelopeFrom: "robot@example.org", recipients: ["support@acme.example"])
            #expect(try await store.processMail(ids[0]).outcome == .opened)
            #expect(try await store.claimOutbox(limit: 10).isEmpty)
        }
    }

    @Test(arguments: Backend.available)
    func anAgentsReplyIsQueuedThreadedAndItsResultLandsOnTheTimeline(backend: Backend) async throws {
        try await withStore(backend) { store in
            let (fixture, first) = try await setUp(store, acknowledges: false)
            let caseID = try #require(first.caseID)
            let (updated, reply) = try await store.addInteraction(caseID: caseID, brand: fixture.brand.id, actor: .staff(fixture.agent.id),
                                                                  request: NewInteraction(direction: .outbound, body: "We replace it tomorrow.", html: "<p>We replace it <b>tomorrow</b>.</p>"))
            #expect(updated.status == .open)
            let claimed = try await store.claimOutbox(limit: 10)
            let item = try #require(claimed.first)
            #expect(item.state == .sending)
            #expect(item.attempts == 1)
            #expect(item.message.mail.html == "<p>We replace it <b>tomorrow</b>.</p>")
            #expect(item.message.mail.references == ["first@example.org"])
            #expect(!item.message.mail.automatic)
            #expect(item.interactionID == reply.id)
            // Claimed once: a second worker finds nothing.
            #expect(try await store.claimOutbox(limit: 10).isEmpty)

            // A temporary failure waits (with backoff), a success is recorded on the timeline.
            try await store.outboxFailed(item, error: "451 try later", permanent: false)
            let waiting = try #require(try await store.outbox(brand: fixture.brand.id, state: .pending, limit: 5, cursor: nil).items.first)
            #expect(waiting.lastError == "451 try later")
            #expect(waiting.nextAttemptAt > Date().addingTimeInterval(20))
            #expect(try await store.claimOutbox(limit: 10).isEmpty, "not due yet")
            try await store.outboxSent(item, reply: "250 queued as 7")
            #expect(try await store.outbox(brand: fixture.brand.id, state: .sent, limit: 5, cursor: nil).items.count == 1)
            let opened = try await store.case(caseID, brand: fixture.brand.id)
            let timeline = try await store.contactTimeline(opened.contactID, brand: fixture.brand.id, limit: 20, cursor: nil).items
            let sent = timeline.compactMap { entry -> DomainEvent? in if case .event(let event) = entry, event.type == .mailSent { return event } else { return nil } }
            #expect(sent.count == 1)
            #expect(sent.first?.payload["reply"] == .string("250 queued as 7"))
        }
    }

    @Test(arguments: Backend.available)
    func aPermanentRefusalFailsTheMessageAndMarksTheAddress(backend: Backend) async throws {
        try await withStore(backend) { store in
            let (fixture, first) = try await setUp(store, acknowledges: false)
            _ = try await store.addInteraction(caseID: try #require(first.caseID), brand: fixture.brand.id, actor: .staff(fixture.agent.id),
                                               request: NewInteraction(direction: .outbound, body: "Hello"))
            let item = try #require(try await store.claimOutbox(limit: 1).first)
            try await store.outboxFailed(item, error: "RCPT TO:<jan@example.org>: 550 5.1.1 no such user", permanent: true)
            let failed = try #require(try await store.outbox(brand: fixture.brand.id, state: .failed, limit: 5, cursor: nil).items.first)
            #expect(failed.lastError?.contains("550") == true)
            let failing = try await store.database.read { db in
                try await db.raw("SELECT failure FROM identities WHERE value = 'jan@example.org' AND failing_since IS NOT NULL").first()
            }
            #expect(failing != nil)
            let events = try await store.auditLog(brand: fixture.brand.id, caseID: first.caseID, limit: 50, cursor: nil).items
            #expect(events.contains { $0.type == .mailFailed })
            // An operator sends it again after fixing things.
            let retried = try await store.retryOutbox(failed.id, brand: fixture.brand.id)
            #expect(retried.state == .pending)
            #expect(try await store.claimOutbox(limit: 1).count == 1)
            await #expect(throws: StoreError.self) { try await store.retryOutbox(failed.id, brand: fixture.brand.id) }
        }
    }

    @Test(arguments: Backend.available)
    func withoutAMailboxNothingIsQueuedAndOtherContactPointsNeverAre(backend: Backend) async throws {
        try await withStore(backend) { store in
            let fixture = try await Fixture.make(store)
            let opened = try await store.openCase(brand: fixture.brand.id, actor: nil, request: try fixture.email("x@example.org"))
            _ = try await store.addInteraction(caseID: opened.case.id, brand: fixture.brand.id, actor: .staff(fixture.agent.id),
                                               request: NewInteraction(direction: .outbound, body: "Hi"))
            #expect(try await store.claimOutbox(limit: 5).isEmpty)
            _ = try await store.saveMailbox(address: "support@acme.example", brand: fixture.brand.id, teamID: nil, forwardsOpenForSender: false, actor: .system)
            _ = try await store.addInteraction(caseID: opened.case.id, brand: fixture.brand.id, actor: .staff(fixture.agent.id),
                                               request: NewInteraction(direction: .outbound, contactPoint: .phone, body: "Called back"))
            #expect(try await store.claimOutbox(limit: 5).isEmpty)
            _ = try await store.addInteraction(caseID: opened.case.id, brand: fixture.brand.id, actor: .staff(fixture.agent.id),
                                               request: NewInteraction(direction: .outbound, body: "Now by mail"))
            let item = try #require(try await store.claimOutbox(limit: 5).first)
            #expect(item.recipient == "x@example.org", "the contact's address when they never mailed us")
        }
    }

    @Test func backoffGrowsAndIsCapped() {
        #expect(Store.backoff(after: 1) == 30)
        #expect(Store.backoff(after: 2) == 60)
        #expect(Store.backoff(after: 5) == 480)
        #expect(Store.backoff(after: 40) == 4 * 3600)
    }

    @Test(arguments: Backend.available)
    func staffNotificationsGoOutByEmailToThoseWhoWantThem(backend: Backend) async throws {
        try await withStore(backend) { store in
            let (fixture, first) = try await setUp(store, acknowledges: false)
            let brand = fixture.brand.id
            let caseID = try #require(first.caseID)
            let account = try await store.createAccount(brand: brand, actor: .system, name: "Jan's shop", profile: AccountProfile())
            let number = try await store.case(caseID, brand: brand).number
            // A promise owned by the agent falls due: they are told by email.
            _ = try await store.createCommitment(brand: brand, actor: .staff(fixture.agent.id), accountID: account.id, caseID: caseID, what: "Call Jan back",
                                                 dueAt: Date().addingTimeInterval(-60), ownerID: fixture.agent.id)
            #expect(try await store.fireCommitmentReminders(now: Date()) == 1)
            let mails = try await store.outbox(brand: brand, state: nil, limit: 50, cursor: nil).items.filter { $0.recipient == "agent@acme.example" }
            #expect(mails.count == 1)
            let mail = try #require(mails.first?.message.mail)
            #expect(mail.subject == "[Acme #\(number)] A promise is due: Call Jan back: Meter broken")
            #expect(mail.text.contains("/console/cases/\(number)") && mail.from.address == "support@acme.example")
            let rendered = String(decoding: mail.rendered(), as: UTF8.self)
            #expect(rendered.contains("Auto-Submitted: auto-generated") && !rendered.contains("auto-replied"))
            // Turned off: the next one stays in the console.
            #expect(try await store.emailNotifications(userID: fixture.agent.id))
            try await store.setEmailNotifications(false, userID: fixture.agent.id, brand: brand)
            #expect(try await store.emailNotifications(userID: fixture.agent.id) == false)
            _ = try await store.createCommitment(brand: brand, actor: .staff(fixture.agent.id), accountID: account.id, caseID: nil, what: "Send the offer",
                                                 dueAt: Date().addingTimeInterval(-60), ownerID: fixture.agent.id)
            #expect(try await store.fireCommitmentReminders(now: Date()) == 1)
            #expect(try await store.outbox(brand: brand, state: nil, limit: 50, cursor: nil).items.filter { $0.recipient == "agent@acme.example" }.count == 1)
        }
    }
}