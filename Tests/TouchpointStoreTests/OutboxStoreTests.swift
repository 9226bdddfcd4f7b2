import Foundation
import Testing
import TouchpointCore
@testable import TouchpointStore
import TouchpointTestSupport

@Suite("The outbox: replies and acknowledgements queued with the interaction, claimed once")
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
            let queued = try await store.claimOutbox(limit: 10, contactPoints: [.email])
            #expect(queued.count == 1)
            let message = try #require(queued.first?.email?.mail)
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
            #expect(try await store.claimOutbox(limit: 10, contactPoints: [.email]).isEmpty)
        }
    }

    @Test(arguments: Backend.available)
    func anAgentsReplyIsQueuedThreadedAndClaimedOnce(backend: Backend) async throws {
        try await withStore(backend) { store in
            let (fixture, first) = try await setUp(store, acknowledges: false)
            let caseID = try #require(first.caseID)
            let (updated, reply) = try await store.addInteraction(caseID: caseID, brand: fixture.brand.id, actor: .staff(fixture.agent.id),
                                                                  request: NewInteraction(direction: .outbound, body: "We replace it tomorrow.", html: "<p>We replace it <b>tomorrow</b>.</p>"))
            #expect(updated.status == .open)
            #expect(try await store.claimOutbox(limit: 10, contactPoints: [.sms, .whatsApp]).isEmpty, "only the contact points asked for")
            let claimed = try await store.claimOutbox(limit: 10, contactPoints: [.email])
            let item = try #require(claimed.first)
            let mail = try #require(item.email?.mail)
            #expect(item.state == .sending && item.contactPoint == .email)
            #expect(item.attempts == 1)
            #expect(mail.html == "<p>We replace it <b>tomorrow</b>.</p>")
            #expect(mail.references == ["first@example.org"])
            #expect(!mail.automatic)
            #expect(item.interactionID == reply.id)
            // Claimed once: a second worker finds nothing.
            #expect(try await store.claimOutbox(limit: 10, contactPoints: [.email]).isEmpty)
            #expect(try await store.deliveryStates([reply.id], brand: fixture.brand.id)[reply.id]?.state == .sending)
        }
    }

    @Test(arguments: Backend.available)
    func withoutAMailboxNothingIsQueuedAndOtherContactPointsNeverAre(backend: Backend) async throws {
        try await withStore(backend) { store in
            let fixture = try await Fixture.make(store)
            let opened = try await store.openCase(brand: fixture.brand.id, actor: nil, request: try fixture.email("x@example.org"))
            _ = try await store.addInteraction(caseID: opened.case.id, brand: fixture.brand.id, actor: .staff(fixture.agent.id),
                                               request: NewInteraction(direction: .outbound, body: "Hi"))
            #expect(try await store.claimOutbox(limit: 5, contactPoints: [.email]).isEmpty)
            _ = try await store.saveMailbox(address: "support@acme.example", brand: fixture.brand.id, teamID: nil, forwardsOpenForSender: false, actor: .system)
            _ = try await store.addInteraction(caseID: opened.case.id, brand: fixture.brand.id, actor: .staff(fixture.agent.id),
                                               request: NewInteraction(direction: .outbound, contactPoint: .phone, body: "Called back"))
            #expect(try await store.claimOutbox(limit: 5, contactPoints: [.email]).isEmpty)
            _ = try await store.addInteraction(caseID: opened.case.id, brand: fixture.brand.id, actor: .staff(fixture.agent.id),
                                               request: NewInteraction(direction: .outbound, body: "Now by mail"))
            let item = try #require(try await store.claimOutbox(limit: 5, contactPoints: [.email]).first)
            #expect(item.recipient == "x@example.org", "the contact's address when they never mailed us")
        }
    }
}
