import Foundation
import Testing
import TouchpointCore
@testable import TouchpointStore
import TouchpointTestSupport

@Suite("On call: after-hours cases of 24/7 models go to the person on call, who is paged until someone answers")
struct OnCallStoreTests {
    /// Saturday 2026-11-28 22:00 in Warsaw: nobody at work, Ola's on-call week.
    static let saturdayNight = Date(timeIntervalSince1970: 1_795_899_600)

    @Test func saturdayNightIsRight() throws {
        #expect(try CalendarDefinition(timeZone: "Europe/Warsaw", weekly: [:]).calendar().format(Self.saturdayNight) == "2026-11-28T22:00:00+01:00")
    }

    @Test(arguments: Backend.available)
    func anAfterHoursCaseIsPagedAgainHandedOnAndAnswered(backend: Backend) async throws {
        let clock = TestClock(Self.saturdayNight)
        try await withStore(backend, environment: clock.environment) { store in
            // setup: two first-line agents at home, Ola on call this week and paged by SMS; a
            // strategic (high-touch, 24/7) customer and a small (tech-touch) one
            let fx = try await Fixture.make(store)
            let brand = fx.brand.id, admin = Actor.staff(fx.admin.id)
            let piotr = try await store.createStaffUser(brand: brand, email: "piotr@acme.example", name: "Piotr", role: .agentL1, team: fx.team.id)
            let manager = try await store.createStaffUser(brand: brand, email: "lead@acme.example", name: "Lead", role: .manager, team: nil)
            for person in [fx.agent.id, piotr.id, fx.csm.id, manager.id] {
                _ = try await store.updateAgent(person, brand: brand, actor: admin, changes: AgentChanges(presence: .offline))
            }
            let ola = try await store.updateAgent(fx.agent.id, brand: brand, actor: admin, changes: AgentChanges(phone: "601 234 567", pageBy: .sms))
            #expect(ola.phone == "+48601234567" && ola.pageBy == .sms)
            await #expect(throws: ValidationError.self) {
                _ = try await store.updateAgent(piotr.id, brand: brand, actor: admin, changes: AgentChanges(pageBy: .sms))
            }
            let roster = try #require(try await store.setRoster(
                OnCallRoster(rotation: [fx.agent.id, piotr.id], timeZone: "Europe/Warsaw", startsOn: "2026-11-23", acknowledgeWithinMinutes: 15, pagesPerPerson: 2),
                team: fx.team.id, brand: brand, actor: admin))
            #expect(roster.shift(at: Self.saturdayNight)?.userID == fx.agent.id)
            let strategic = try await store.createAccount(brand: brand, actor: admin, name: "Foundry",
                                                          profile: AccountProfile(annualValue: 250_000, complexity: .high, stage: .adoption))
            #expect(strategic.serviceModel == .highTouch)
            _ = try await store.createContact(brand: brand, actor: .system, accountID: strategic.id, name: "Olga", title: nil, preferredContactPoint: nil,
                                              identities: [Identity(storedKind: .email, value: "olga@foundry.example")])

            // "Is a person there?" counts the person on call.
            let wait = try await store.waitEstimate(brand: brand, contactPoint: .email, teamID: nil, topic: nil, account: strategic.id).estimate
            #expect(wait.humanAvailable && wait.minutes == 15, "\(wait.explanation)")

            // act: the strategic customer writes at 22:00 on a Saturday
            let opened = try await store.openCase(brand: brand, actor: nil, request: try fx.email("olga@foundry.example", subject: "Furnace down"))
            // check: Ola (on call) has it and is paged by SMS; no plain "assigned" notice besides
            #expect(opened.case.assigneeID == fx.agent.id && opened.case.teamID == fx.team.id)
            var events = try await store.auditLog(brand: brand, caseID: opened.case.id, limit: 100, cursor: nil).items
            let page = try #require(events.first { $0.type == .onCallPaged })
            #expect(page.recipient == fx.agent.id && page.payload["by"] == .string("sms") && page.payload["page"] == .int(1))
            #expect(!events.contains { $0.type == .staffNotified })
            #expect(events.first { $0.type == .caseRouted }?.payload["why"].map { "\($0)" }?.contains("on call") == true)
            #expect(try await store.notices(user: fx.agent.id, brand: brand).count == 1, "the page is on Ola's list too")
            var state = try #require(try await store.onCallPage(case: opened.case.id, brand: brand))
            #expect(state.state == "open" && state.chain == [fx.agent.id, piotr.id] && state.dueAt == Self.saturdayNight.addingTimeInterval(900))

            // Nothing is due before the 15 minutes are up.
            #expect(try await store.fireDuePages(now: clock.now) == PagePass())
            // No answer: Ola is paged again, then the case goes to Piotr, who is paged.
            clock.set(Self.saturdayNight.addingTimeInterval(16 * 60))
            #expect(try await store.fireDuePages(now: clock.now).pagedAgain == 1)
            clock.set(Self.saturdayNight.addingTimeInterval(32 * 60))
            #expect(try await store.fireDuePages(now: clock.now).handedOver == 1)
            #expect(try await store.case(opened.case.id, brand: brand).assigneeID == piotr.id)
            state = try #require(try await store.onCallPage(case: opened.case.id, brand: brand))
            #expect(state.userID == piotr.id && state.pages == 1)
            events = try await store.auditLog(brand: brand, caseID: opened.case.id, limit: 100, cursor: nil).items
            #expect(events.filter { $0.type == .onCallPaged }.map(\.recipient) .count == 3)
            #expect(events.contains { $0.type == .caseAssigned && $0.payload["to"] == .string(piotr.id.text) })

            // Only the person paged now may answer; Piotr does, once.
            await #expect(throws: StoreError.self) { _ = try await store.acknowledgePage(case: opened.case.id, brand: brand, user: fx.agent.id) }
            let answered = try await store.acknowledgePage(case: opened.case.id, brand: brand, user: piotr.id)
            #expect(answered.state == "acknowledged")
            await #expect(throws: StoreError.self) { _ = try await store.acknowledgePage(case: opened.case.id, brand: brand, user: piotr.id) }
            clock.set(Self.saturdayNight.addingTimeInterval(60 * 60))
            #expect(try await store.fireDuePages(now: clock.now) == PagePass(), "an answered page is not repeated")

            // Working on the case counts as an answer.
            let second = try await store.openCase(brand: brand, actor: nil, request: try fx.email("olga@foundry.example", subject: "Second site too"))
            #expect(second.case.assigneeID == fx.agent.id)
            _ = try await store.addInteraction(caseID: second.case.id, brand: brand, actor: .staff(fx.agent.id),
                                               request: NewInteraction(direction: .internal, body: "Looking at it from home"))
            clock.set(Self.saturdayNight.addingTimeInterval(80 * 60))
            #expect(try await store.fireDuePages(now: clock.now).settled == 1)
            #expect(try await store.onCallPage(case: second.case.id, brand: brand)?.state == "acknowledged")

            // Nobody answers at all: the managers are told.
            _ = try await store.setRoster(OnCallRoster(rotation: [fx.agent.id, piotr.id], timeZone: "Europe/Warsaw", startsOn: "2026-11-23",
                                                       acknowledgeWithinMinutes: 5, pagesPerPerson: 1), team: fx.team.id, brand: brand, actor: admin)
            let third = try await store.openCase(brand: brand, actor: nil, request: try fx.email("olga@foundry.example", subject: "Gas smell"))
            clock.set(clock.now.addingTimeInterval(6 * 60))
            #expect(try await store.fireDuePages(now: clock.now).handedOver == 1)
            clock.set(clock.now.addingTimeInterval(6 * 60))
            #expect(try await store.fireDuePages(now: clock.now).unanswered == 1)
            events = try await store.auditLog(brand: brand, caseID: third.case.id, limit: 100, cursor: nil).items
            #expect(events.contains { $0.type == .onCallUnanswered })
            #expect(events.contains { $0.type == .staffNotified && $0.recipient == manager.id })

            // A small customer's case at night is not paged: the roster covers high-touch only.
            let small = try await store.openCase(brand: brand, actor: nil, request: try fx.email("someone@small.example", subject: "Bill question"))
            #expect(small.case.serviceModel == .techTouch && small.case.assigneeID == nil)
            #expect(try await store.onCallPage(case: small.case.id, brand: brand) == nil)

            // A case taken by someone else meanwhile stops its page.
            let fourth = try await store.openCase(brand: brand, actor: nil, request: try fx.email("olga@foundry.example", subject: "Meter"))
            _ = try await store.updateCase(fourth.case.id, brand: brand, actor: .staff(manager.id), update: CaseUpdate(assigneeID: .some(manager.id)))
            clock.set(clock.now.addingTimeInterval(6 * 60))
            #expect(try await store.fireDuePages(now: clock.now).settled == 1)
            #expect(try await store.onCallPage(case: fourth.case.id, brand: brand)?.state == "closed")
        }
    }

    @Test(arguments: Backend.available)
    func rostersAreCheckedAgainstTheBrandsStaff(backend: Backend) async throws {
        try await withStore(backend) { store in
            let fx = try await Fixture.make(store)
            let other = try await Fixture.make(store, slug: "globex")
            await #expect(throws: ValidationError.self) {
                _ = try await store.setRoster(OnCallRoster(rotation: [other.agent.id], timeZone: "Europe/Warsaw", startsOn: "2026-11-23"),
                                              team: fx.team.id, brand: fx.brand.id, actor: .system)
            }
            await #expect(throws: StoreError.self) {
                _ = try await store.setRoster(OnCallRoster(rotation: [other.agent.id], timeZone: "Europe/Warsaw", startsOn: "2026-11-23"),
                                              team: fx.team.id, brand: other.brand.id, actor: .system)
            }
            _ = try await store.setRoster(OnCallRoster(rotation: [fx.agent.id], timeZone: "Europe/Warsaw", startsOn: "2026-11-23"),
                                          team: fx.team.id, brand: fx.brand.id, actor: .system)
            #expect(try await store.roster(team: fx.team.id, brand: fx.brand.id)?.rotation == [fx.agent.id])
            #expect(try await store.serviceConfig(brand: fx.brand.id).rosters[fx.team.id] != nil, "the cached configuration sees the change")
            _ = try await store.setRoster(nil, team: fx.team.id, brand: fx.brand.id, actor: .system)
            #expect(try await store.roster(team: fx.team.id, brand: fx.brand.id) == nil)
        }
    }
}
