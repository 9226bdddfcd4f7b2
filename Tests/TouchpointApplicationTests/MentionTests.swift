import Foundation
import Logging
import Testing
import TouchpointApplication
import TouchpointCore
import TouchpointStore
import TouchpointTestSupport

/// An internal note that names a colleague with "@" tells them: in the console, and by
/// email for those who want notifications by email.
@Suite("Mentioning a colleague in a note")
struct MentionTests {
    @Test(arguments: Backend.available)
    func aMentionedColleagueIsNotifiedOnceAndNobodyElseIs(_ backend: Backend) async throws {
        try await withStore(backend) { store in
            let fixture = try await Fixture.make(store)
            let brand = fixture.brand.id
            let cases = UseCases(store: store).cases
            _ = try await store.saveMailbox(
                address: "support@acme.example", brand: brand, teamID: nil, forwardsOpenForSender: false, acknowledges: false, actor: .system)
            let opened = try await store.openCase(brand: brand, actor: nil, request: try fixture.email("jan@example.org", subject: "Meter broken")).case
            let since = Date().addingTimeInterval(-5)
            func mentions() async throws -> [DomainEvent] {
                try await store.events(brand: brand, since: since).filter {
                    if case .string(let reason)? = $0.payload["reason"] { return $0.type == .staffNotified && reason.hasSuffix("mentioned you") }
                    return false
                }
            }

            // The agent names the CSM (and themselves, and an address): the CSM alone is told.
            _ = try await cases.addInteraction(caseID: opened.id, brand: brand, actor: .staff(fixture.agent.id),
                                               request: NewInteraction(direction: .internal, body: "@CSM can you call him? cc @Agent, jan@example.org"))
            let told = try await mentions()
            #expect(told.count == 1)
            #expect(told.first?.payload["userId"] == .string(fixture.csm.id.text))
            #expect(told.first?.payload["reason"] == .string("Agent mentioned you"))
            #expect(told.first?.payload["what"] == .string("@CSM can you call him? cc @Agent, jan@example.org"))
            #expect(told.first?.payload["caseNumber"] == .int(opened.number) && told.first?.caseID == opened.id)

            // On the CSM's list of notifications, new until they look; not on the agent's.
            let notifications = UseCases(store: store).staffNotifications
            #expect(try await notifications.unseen(for: fixture.csm) == 1)
            let listed = try await notifications.list(for: fixture.csm)
            #expect(listed.map { $0.event.noticeText } == ["Agent mentioned you: @CSM can you call him? cc @Agent, jan@example.org"])
            #expect(listed.first?.seenAt == nil && listed.first?.event.caseID == opened.id)
            #expect(try await notifications.list(for: fixture.agent).allSatisfy { $0.event.id != listed.first?.event.id })
            try await notifications.markSeen(for: fixture.csm)
            #expect(try await notifications.unseen(for: fixture.csm) == 0)
            #expect(try await notifications.list(for: fixture.csm).first?.seenAt != nil)
            // Paging on from the newest leaves it behind.
            let first = try #require(listed.first)
            #expect(try await notifications.list(for: fixture.csm, before: first.event.occurredAt).allSatisfy { $0.event.id != first.event.id })

            // A reply to the customer with an "@" in it mentions nobody.
            _ = try await cases.addInteraction(caseID: opened.id, brand: brand, actor: .staff(fixture.agent.id),
                                               request: NewInteraction(direction: .outbound, body: "Our @Admin team will call you."))
            #expect(try await mentions().count == 1)

            // The CSM gets one email about it, however often the events are handed over.
            let dispatcher = EventDispatcher(store: store, listeners: Listeners.all(store: store), logger: .quiet("mention-test"))
            await dispatcher.catchUp()
            await dispatcher.catchUp()
            let mails = try await store.outbox(brand: brand, state: nil, limit: 50, cursor: nil).items.filter { $0.recipient == "csm@acme.example" }
            #expect(mails.count == 1)
            let mail = try #require(mails.first?.email?.mail)
            #expect(mail.subject == "[Acme #\(opened.number)] Agent mentioned you: @CSM can you call him? cc @Agent, jan@example.org: Meter broken")
        }
    }
}
