import Foundation
import Logging
import Testing
import TouchpointApplication
import TouchpointCore
import TouchpointStore
import TouchpointTestSupport

/// A page reaches the person on call on the contact point they chose, through the outbox,
/// once however often the events are handed over.
@Suite("Delivering on-call pages")
struct OnCallPageTests {
    @Test(arguments: Backend.available)
    func aPageGoesBySMSWhereItCanAndByEmailOtherwise(_ backend: Backend) async throws {
        try await withStore(backend) { store in
            // setup: two people on call in turn; the first wants SMS, the second email (with
            // email notifications off: a page goes out regardless)
            let fx = try await Fixture.make(store)
            let brand = fx.brand.id
            let piotr = try await store.createStaffUser(brand: brand, email: "piotr@acme.example", name: "Piotr", role: .agentL1, team: fx.team.id)
            try await store.setEmailNotifications(false, userID: piotr.id, brand: brand)
            _ = try await store.updateAgent(fx.agent.id, brand: brand, actor: .system, changes: AgentChanges(phone: "+48 601 234 567", pageBy: .sms))
            _ = try await store.saveMailbox(address: "support@acme.example", brand: brand, teamID: nil, forwardsOpenForSender: false,
                                            acknowledges: false, actor: .system)
            _ = try await store.setRoster(OnCallRoster(rotation: [fx.agent.id, piotr.id], timeZone: "UTC", startsOn: "2026-01-05",
                                                       acknowledgeWithinMinutes: 1, pagesPerPerson: 1), team: fx.team.id, brand: brand, actor: .system)
            let account = try await store.createAccount(brand: brand, actor: .system, name: "Foundry", profile: AccountProfile(annualValue: 250_000, complexity: .high))
            _ = try await store.createContact(brand: brand, actor: .system, accountID: account.id, name: "Olga", title: nil, preferredContactPoint: nil,
                                              identities: [Identity(storedKind: .email, value: "olga@foundry.example")])
            let dispatcher = EventDispatcher(store: store, listeners: Listeners.all(store: store), logger: .quiet("on-call-test"))

            // act: a case comes in while nobody is at work, without an SMS integration yet
            let first = try await store.openCase(brand: brand, actor: nil, request: try fx.email("olga@foundry.example", subject: "Furnace down")).case
            #expect(first.assigneeID == fx.agent.id)
            await dispatcher.catchUp()
            // check: with no way to send SMS, the page goes by email instead
            var outbox = try await store.outbox(brand: brand, state: nil, limit: 50, cursor: nil).items
            let fallback = try #require(outbox.first { $0.recipient == "agent@acme.example" }?.email?.mail)
            #expect(fallback.subject.contains("You are on call: case #\(first.number) needs you"), "\(fallback.subject)")

            // With an SMS integration that can send, the next page is a text to the phone.
            _ = try await store.createIntegration(id: "sms-gateway", brand: brand, kind: .sms, name: "SMS", providerURL: "https://sms.example/send")
            let second = try await store.openCase(brand: brand, actor: nil, request: try fx.email("olga@foundry.example", subject: "Second site")).case
            await dispatcher.catchUp()
            await dispatcher.catchUp()
            outbox = try await store.outbox(brand: brand, state: nil, limit: 50, cursor: nil).items
            let texts = outbox.filter { $0.recipient == "+48601234567" }
            #expect(texts.count == 1 && texts.first?.integrationID == "sms-gateway")
            let text = try #require(texts.first?.text?.text)
            #expect(text.contains("case #\(second.number) needs you") && text.hasSuffix("/console/cases/\(second.number)"), "\(text)")

            // Unanswered, the case passes to Piotr, whose page goes by email although he turned notification emails off.
            _ = try await store.fireDuePages(now: Date().addingTimeInterval(120))
            await dispatcher.catchUp()
            outbox = try await store.outbox(brand: brand, state: nil, limit: 50, cursor: nil).items
            #expect(outbox.filter { $0.recipient == "piotr@acme.example" }.count == 2, "one page for each case")
        }
    }
}
