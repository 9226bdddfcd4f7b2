import Foundation
import SQLKit
import Testing
import TouchpointCore
@testable import TouchpointStore
import TouchpointTestSupport

@Suite("Service models act: segmentation, routing, escalation and SLA clocks, on every database")
struct ServiceModelStoreTests {
    /// Monday 2026-11-23 09:00 in Warsaw.
    static let monday9 = Date(timeIntervalSince1970: 1_795_420_800)

    static let office = try! CalendarDefinition(
        timeZone: "Europe/Warsaw",
        weekly: ["mon": [["08:00", "12:00"], ["13:00", "17:00"]], "tue": [["08:00", "12:00"], ["13:00", "17:00"]],
                 "wed": [["08:00", "17:00"]], "thu": [["08:00", "17:00"]], "fri": [["08:00", "17:00"]]]).calendar()

    func events(_ store: Store, _ fx: Fixture, case id: CaseID? = nil) async throws -> [DomainEvent] {
        try await store.auditLog(brand: fx.brand.id, caseID: id, limit: 200, cursor: nil).items
    }

    @Test func mondayNineIsRight() {
        #expect(Self.office.format(Self.monday9) == "2026-11-23T09:00:00+01:00")
    }

    @Test(arguments: Backend.available)
    func aModelChangeReachesTheAccountsOpenCases(backend: Backend) async throws {
        try await withStore(backend) { store in
            // setup: a small (tech-touch) customer with an open case and a resolved one, and a CSM
            let fx = try await Fixture.make(store)
            let account = try await store.createAccount(brand: fx.brand.id, actor: .staff(fx.admin.id), name: "Foundry",
                                                        profile: AccountProfile(annualValue: 100, stage: .adoption, ownerCSM: fx.csm.id))
            let person = try await store.createContact(brand: fx.brand.id, actor: .system, accountID: account.id, name: "Olga", title: nil,
                                                       preferredContactPoint: nil, identities: [Identity(storedKind: .email, value: "olga@foundry.example")])
            let open = try await store.openCase(brand: fx.brand.id, actor: nil, request: try fx.email("olga@foundry.example", subject: "Furnace meter"))
            let done = try await store.openCase(brand: fx.brand.id, actor: nil, request: try fx.email("olga@foundry.example", subject: "Old question"))
            _ = try await store.updateCase(done.case.id, brand: fx.brand.id, actor: .system, update: CaseUpdate(status: .resolved))
            #expect(open.case.contactID == person.id && open.case.serviceModel == .techTouch)
            // act: the account grows into a strategic one
            _ = try await store.updateAccount(account.id, brand: fx.brand.id, actor: .staff(fx.admin.id), changes: AccountChanges(annualValue: 250_000, complexity: .high))
            // check: the open case takes the high-touch policy, the resolved one is left alone
            let now = try await store.case(open.case.id, brand: fx.brand.id)
            #expect(now.serviceModel == .highTouch)
            let before = try #require(open.case.sla?.clocks.first { $0.kind == .firstResponse })
            let after = try #require(now.sla?.clocks.first { $0.kind == .firstResponse })
            #expect(after.targetMinutes < before.targetMinutes, "high-touch answers sooner: \(before.targetMinutes) → \(after.targetMinutes) min")
            // Recomputed from the case's start (the stored time keeps milliseconds).
            let started = try #require(before.runningSince), running = try #require(after.runningSince)
            #expect(abs(running.timeIntervalSince(started)) < 0.001 && after.elapsedSeconds == before.elapsedSeconds)
            if open.case.assigneeID == nil { #expect(now.assigneeID == fx.csm.id, "the named CSM takes a case nobody held") }
            #expect(try await store.case(done.case.id, brand: fx.brand.id).serviceModel == .techTouch)
            let why = try await events(store, fx, case: open.case.id).first { $0.type == .caseUpdated }?.payload["why"]
            #expect(why == .string("the account's model changed from Tech-touch to High-touch"))
            // An account without a CSM that grows into a model with a named one gets the CSM with room.
            let shop = try await store.createAccount(brand: fx.brand.id, actor: .staff(fx.admin.id), name: "Shop",
                                                     profile: AccountProfile(annualValue: 100, stage: .adoption))
            #expect(shop.profile.ownerCSM == nil)
            let grown = try await store.updateAccount(shop.id, brand: fx.brand.id, actor: .staff(fx.admin.id),
                                                      changes: AccountChanges(annualValue: 250_000, complexity: .high))
            #expect(grown.profile.ownerCSM == fx.csm.id)
            #expect(try await store.account(shop.id, brand: fx.brand.id).profile.ownerCSM == fx.csm.id)
            // Rules that move every account to a model without a named CSM take nobody away.
            _ = try await store.setSegmentationRules(RuleSet(rules: [], defaultModel: .lowTouch), brand: fx.brand.id, actor: .staff(fx.admin.id))
            #expect(try await store.case(open.case.id, brand: fx.brand.id).serviceModel == .lowTouch)
        }
    }

    @Test(arguments: Backend.available)
    func accountsGetExplainedModelsAndRuleChangesReevaluate(backend: Backend) async throws {
        try await withStore(backend) { store in
            let fx = try await Fixture.make(store)
            let account = try await store.createAccount(brand: fx.brand.id, actor: .staff(fx.admin.id), name: "Small",
                                                        profile: AccountProfile(annualValue: 100, stage: .adoption))
            #expect(account.serviceModel == .techTouch)
            #expect(account.modelExplanation == "Tech-touch: no rule matched (the default model)")
            let grown = try await store.updateAccount(account.id, brand: fx.brand.id, actor: .staff(fx.admin.id),
                                                      changes: AccountChanges(annualValue: 250_000, complexity: .high))
            #expect(grown.serviceModel == .highTouch)
            let changes = try await events(store, fx).filter { $0.type == .accountModelChanged && $0.accountID == account.id }
            #expect(changes.count == 2)
            #expect(changes.first?.payload["from"] == .string("techTouch"))
            #expect(changes.first?.payload["to"] == .string("highTouch"))
            #expect(changes.first?.payload["why"] == .string("High-touch: annual value 250,000 ≥ 100,000 and complexity high (rule 'Strategic')"))
            // The model change is on the account's timeline.
            let timeline = try await store.accountTimeline(account.id, brand: fx.brand.id, limit: 50, cursor: nil)
            #expect(timeline.items.contains { if case .event(let event) = $0 { event.type == .accountModelChanged } else { false } })

            let candidate = RuleSet(rules: [], defaultModel: .midTouch)
            let dry = try await store.dryRun(candidate, brand: fx.brand.id)
            #expect(dry.counts[.midTouch] == 1)
            #expect(dry.changes.map(\.accountID) == [account.id])
            #expect(try await store.account(account.id, brand: fx.brand.id).serviceModel == .highTouch, "a dry run changes nothing")

            let (_, changed) = try await store.setSegmentationRules(candidate, brand: fx.brand.id, actor: .staff(fx.admin.id))
            #expect(changed == 1)
            #expect(try await store.account(account.id, brand: fx.brand.id).serviceModel == .midTouch)
            await #expect(throws: ValidationError.self) {
                try await store.setSegmentationRules(RuleSet(rules: [SegmentationRule(name: "x", model: .lowTouch, conditions: [])], defaultModel: .techTouch),
                                                     brand: fx.brand.id, actor: .staff(fx.admin.id))
            }
        }
    }

    @Test(arguments: Backend.available)
    func routingRespectsSkillsCapacityAndPresence(backend: Backend) async throws {
        try await withStore(backend) { store in
            let fx = try await Fixture.make(store)
            _ = try await store.updateTeam(fx.team.id, brand: fx.brand.id, actor: .system,
                                           changes: TeamChanges(strategy: .leastLoaded, skills: ["billing"], levels: [.basic]))
            _ = try await store.setTopics([RoutingTopic(name: "Billing", skills: ["Billing"], level: .basic)], brand: fx.brand.id, actor: .system)
            _ = try await store.updateAgent(fx.agent.id, brand: fx.brand.id, actor: .system,
                                            changes: AgentChanges(skills: ["billing"], capacity: 2, presence: .available))
            var opened: [OpenedCase] = []
            for index in 0..<3 {
                var request = try fx.email("payer\(index)@example.com", subject: "Invoice \(index)")
                request.topic = "billing"
                opened.append(try await store.openCase(brand: fx.brand.id, actor: nil, request: request))
            }
            #expect(opened[0].case.assigneeID == fx.agent.id)
            #expect(opened[1].case.assigneeID == fx.agent.id)
            #expect(opened[2].case.assigneeID == nil, "the agent is at capacity")
            #expect(opened[2].case.teamID == fx.team.id)
            #expect(opened[2].case.topic == "billing")
            let routed = try await events(store, fx, case: opened[2].case.id).first { $0.type == .caseRouted }
            guard case .string(let why)? = routed?.payload["why"] else { Issue.record("no routing explanation"); return }
            #expect(why.contains("queued"))
            let notified = try await events(store, fx, case: opened[0].case.id).filter { $0.type == .staffNotified }
            #expect(notified.first?.payload["userId"] == .string(fx.agent.id.text))

            // Room frees up: the waiting case goes to the agent.
            _ = try await store.updateCase(opened[0].case.id, brand: fx.brand.id, actor: .staff(fx.agent.id), update: CaseUpdate(status: .resolved))
            #expect(try await store.assignWaiting(brand: fx.brand.id) == 1)
            #expect(try await store.case(opened[2].case.id, brand: fx.brand.id).assigneeID == fx.agent.id)

            // Away agents get nothing; becoming available hands them the queue.
            _ = try await store.updateAgent(fx.agent.id, brand: fx.brand.id, actor: .system, changes: AgentChanges(capacity: 5, presence: .away))
            var later = try fx.email("late@example.com")
            later.topic = "billing"
            let waiting = try await store.openCase(brand: fx.brand.id, actor: nil, request: later)
            #expect(waiting.case.assigneeID == nil)
            _ = try await store.updateAgent(fx.agent.id, brand: fx.brand.id, actor: .system, changes: AgentChanges(presence: .available))
            #expect(try await store.case(waiting.case.id, brand: fx.brand.id).assigneeID == fx.agent.id)

            var unknown = try fx.email("x@example.com")
            unknown.topic = "astrology"
            await #expect(throws: StoreError.invalid(field: "topic", reason: "no topic 'astrology'; known: billing")) {
                try await store.openCase(brand: fx.brand.id, actor: nil, request: unknown)
            }
            // A case needing a skill nobody on the team has waits, however free the agent.
            _ = try await store.setTopics([RoutingTopic(name: "billing", skills: ["billing"], level: .basic),
                                           RoutingTopic(name: "spanish", skills: ["billing", "spanish"], level: .basic, teamId: fx.team.id)],
                                          brand: fx.brand.id, actor: .system)
            var spanish = try fx.email("hola@example.com")
            spanish.topic = "spanish"
            #expect(try await store.openCase(brand: fx.brand.id, actor: nil, request: spanish).case.assigneeID == nil)
        }
    }

    @Test(arguments: Backend.available)
    func contactsMixModelsAndNamedCSMsTakeTheirAccounts(backend: Backend) async throws {
        try await withStore(backend) { store in
            let fx = try await Fixture.make(store)
            let account = try await store.createAccount(brand: fx.brand.id, actor: .system, name: "Mid",
                                                        profile: AccountProfile(annualValue: 80_000, stage: .adoption))
            #expect(account.serviceModel == .midTouch)
            let boss = try await store.createContact(brand: fx.brand.id, actor: .system, accountID: account.id, name: "Dana", title: "CFO, decision maker",
                                                     preferredContactPoint: .email, identities: [try Identity(kind: .email, raw: "dana@mid.example")])
            _ = try await store.createContact(brand: fx.brand.id, actor: .system, accountID: account.id, name: "Eve", title: "engineer",
                                              preferredContactPoint: .email, identities: [try Identity(kind: .email, raw: "eve@mid.example")])
            let view = try await store.accountModel(account.id, brand: fx.brand.id)
            #expect(view.segmentation.model == .midTouch)
            #expect(view.contactOverrides.map(\.contactID) == [boss.id])
            #expect(view.contactOverrides.first?.segmentation.model == .highTouch)

            let assigned = try await store.assignCSM(account: account.id, csm: nil, brand: fx.brand.id, actor: .staff(fx.admin.id))
            #expect(assigned.profile.ownerCSM == fx.csm.id)
            _ = try await store.updateAgent(fx.csm.id, brand: fx.brand.id, actor: .system, changes: AgentChanges(capacity: 10, presence: .available))
            _ = try await store.updateAgent(fx.agent.id, brand: fx.brand.id, actor: .system, changes: AgentChanges(presence: .available))

            // The decision maker is served high-touch: a named person first, entering at level 2.
            let bossCase = try await store.openCase(brand: fx.brand.id, actor: nil, request: try fx.email("dana@mid.example"))
            #expect(bossCase.case.serviceModel == .highTouch)
            #expect(bossCase.case.level == .intermediate)
            #expect(bossCase.case.assigneeID == fx.csm.id)
            // Other users get the account's mid-touch service from the team's queue.
            let userCase = try await store.openCase(brand: fx.brand.id, actor: nil, request: try fx.email("eve@mid.example"))
            #expect(userCase.case.serviceModel == .midTouch)
            #expect(userCase.case.level == .basic)
            #expect(userCase.case.assigneeID == fx.agent.id)

            // Pooled models have no named CSM; a full book refuses more.
            let small = try await store.createAccount(brand: fx.brand.id, actor: .system, name: "Tiny", profile: AccountProfile(annualValue: 10, stage: .adoption))
            await #expect(throws: StoreError.self) { try await store.assignCSM(account: small.id, csm: fx.csm.id, brand: fx.brand.id, actor: .system) }
            var tight = ServicePolicy.defaults(.midTouch)
            tight.csmCapacity = 1
            _ = try await store.setPolicy(tight, brand: fx.brand.id, actor: .system)
            let second = try await store.createAccount(brand: fx.brand.id, actor: .system, name: "Mid 2",
                                                       profile: AccountProfile(annualValue: 70_000, stage: .adoption))
            await #expect(throws: StoreError.conflict("that CSM's book is full: midTouch allows 1 accounts per CSM")) {
                try await store.assignCSM(account: second.id, csm: fx.csm.id, brand: fx.brand.id, actor: .system)
            }
            let book = try await store.csmBook(brand: fx.brand.id)
            #expect(book.loads.first?.accounts[.midTouch] == 1)
            #expect(book.unowned[.midTouch] == 1)
        }
    }

    @Test(arguments: Backend.available)
    func slaClocksFireOnceAndEscalateOnBusinessTime(backend: Backend) async throws {
        let clock = TestClock(Self.monday9)
        try await withStore(backend, environment: clock.environment) { store in
            let fx = try await Fixture.make(store)
            let hours = try await store.saveCalendar(id: nil, name: "Office", calendar: Self.office, brand: fx.brand.id, actor: .system)
            var policy = ServicePolicy.defaults(.lowTouch)
            policy.calendarId = hours.id
            policy.sla.normal = SLATargets(firstResponseMinutes: 60, nextResponseMinutes: 120, resolutionMinutes: 480)
            policy.escalateOnBreach = true
            _ = try await store.setPolicy(policy, brand: fx.brand.id, actor: .system)
            _ = try await store.setSegmentationRules(RuleSet(rules: [], defaultModel: .lowTouch), brand: fx.brand.id, actor: .system)

            let opened = try await store.openCase(brand: fx.brand.id, actor: nil, request: try fx.email("sla@example.com"))
            let first = try #require(opened.case.sla?.clock(.firstResponse))
            #expect(Self.office.format(first.dueAt!) == "2026-11-23T10:00:00+01:00")
            // 480 business minutes: 420 on Monday (split shift), the last 60 on Tuesday morning.
            #expect(Self.office.format(opened.case.sla!.clock(.resolution)!.dueAt!) == "2026-11-24T09:00:00+01:00")
            #expect(try await store.nextSLAWake() == Self.office.parse("2026-11-23T09:48:00+01:00"))

            clock.set(Self.office.parse("2026-11-23T09:50:00+01:00")!)
            let warning = try await store.fireDueSLAs(now: clock.now)
            #expect(warning.warnings == 1 && warning.breaches == 0)
            #expect(try await store.fireDueSLAs(now: clock.now) == SLAPass(), "nothing fires twice")

            // Two scheduler nodes racing for the same breach: it fires once.
            clock.set(Self.office.parse("2026-11-23T10:05:00+01:00")!)
            async let nodeA = store.fireDueSLAs(now: clock.now)
            async let nodeB = store.fireDueSLAs(now: clock.now)
            let (a, b) = try await (nodeA, nodeB)
            #expect(a.breaches + b.breaches == 1)
            #expect(a.escalations + b.escalations == 1)
            let escalated = try await store.case(opened.case.id, brand: fx.brand.id)
            #expect(escalated.level == .intermediate, "breach escalates one step")
            let trail = try await events(store, fx, case: opened.case.id)
            #expect(trail.filter { $0.type == .slaBreached }.count == 1)
            #expect(trail.first { $0.type == .caseEscalated }?.payload["reason"] == .string("SLA first response breached"))

            // A reply stops the response clock; pending pauses resolution until the customer writes.
            clock.set(Self.office.parse("2026-11-23T10:30:00+01:00")!)
            _ = try await store.addInteraction(caseID: opened.case.id, brand: fx.brand.id, actor: .staff(fx.agent.id),
                                               request: NewInteraction(direction: .outbound, body: "Looking into it"))
            _ = try await store.updateCase(opened.case.id, brand: fx.brand.id, actor: .staff(fx.agent.id), update: CaseUpdate(status: .pending))
            let paused = try await store.case(opened.case.id, brand: fx.brand.id)
            #expect(paused.sla?.clock(.resolution)?.isPaused == true)
            #expect(abs((paused.sla?.clock(.resolution)?.elapsedSeconds ?? 0) - 90 * 60) < 0.01)
            // Tuesday 14:00 the customer answers: 390 minutes remain → Wednesday 11:30.
            clock.set(Self.office.parse("2026-11-24T14:00:00+01:00")!)
            _ = try await store.addInteraction(caseID: opened.case.id, brand: fx.brand.id, actor: .contact(opened.case.contactID),
                                               request: NewInteraction(direction: .inbound, body: "Here is the meter photo"))
            let resumed = try await store.case(opened.case.id, brand: fx.brand.id)
            #expect(resumed.status == .open)
            #expect(Self.office.format(resumed.sla!.clock(.resolution)!.dueAt!) == "2026-11-25T11:30:00+01:00")
            #expect(Self.office.format(resumed.sla!.clock(.nextResponse)!.dueAt!) == "2026-11-24T16:00:00+01:00")

            // A new policy moves the deadlines of open cases, keeping the time spent.
            policy.sla.normal.resolutionMinutes = 600
            let (_, moved) = try await store.setPolicy(policy, brand: fx.brand.id, actor: .system)
            #expect(moved == 1)
            let retargeted = try await store.case(opened.case.id, brand: fx.brand.id)
            #expect(Self.office.format(retargeted.sla!.clock(.resolution)!.dueAt!) == "2026-11-25T13:30:00+01:00")
        }
    }

    @Test(arguments: Backend.available)
    func escalationRespectsTheCeilingAndNotifiesTheNewOwner(backend: Backend) async throws {
        try await withStore(backend) { store in
            let fx = try await Fixture.make(store)
            let manager = try await store.createStaffUser(brand: fx.brand.id, email: "boss@acme.example", name: "Boss", role: .manager, team: fx.team.id)
            _ = try await store.setSegmentationRules(RuleSet(rules: [], defaultModel: .lowTouch), brand: fx.brand.id, actor: .system)
            // An escalated case leaves an agent below its new level and waits for one at it.
            _ = try await store.updateAgent(fx.agent.id, brand: fx.brand.id, actor: .system, changes: AgentChanges(presence: .available))
            let routine = try await store.openCase(brand: fx.brand.id, actor: nil, request: try fx.email("routine@example.com"))
            #expect(routine.case.assigneeID == fx.agent.id)
            let (lifted, _) = try await store.escalate(routine.case.id, brand: fx.brand.id, actor: .staff(fx.agent.id),
                                                       trigger: .manual(reason: "needs a specialist", target: nil))
            #expect(lifted.level == .intermediate)
            #expect(lifted.assigneeID == nil, "no level-2 agent is at work, so the case waits at level 2")
            let low = try await store.openCase(brand: fx.brand.id, actor: nil, request: try fx.email("low@example.com"))
            let (capped, decision) = try await store.escalate(low.case.id, brand: fx.brand.id, actor: .contact(low.case.contactID), trigger: .customerRequestedManager)
            #expect(decision.to == .level3 && decision.capped)
            #expect(capped.rung == .agent && capped.level == .advanced)
            await #expect(throws: StoreError.conflict("the case is at level 3; Low-touch cases escalate no higher than level 3")) {
                try await store.escalate(low.case.id, brand: fx.brand.id, actor: .staff(fx.agent.id), trigger: .manual(reason: "angry", target: .executive))
            }

            _ = try await store.setSegmentationRules(RuleSet(rules: [], defaultModel: .highTouch), brand: fx.brand.id, actor: .system)
            let high = try await store.openCase(brand: fx.brand.id, actor: nil, request: try fx.email("high@example.com"))
            let (up, _) = try await store.escalate(high.case.id, brand: fx.brand.id, actor: .contact(high.case.contactID), trigger: .customerRequestedManager)
            #expect(up.rung == .manager)
            #expect(up.assigneeID == manager.id)
            let trail = try await events(store, fx, case: high.case.id)
            #expect(trail.contains { $0.type == .staffNotified && $0.payload["userId"] == .string(manager.id.text) })
            #expect(trail.first { $0.type == .caseEscalated }?.payload["reason"] == .string("the customer asked for a manager"))
            await #expect(throws: StoreError.invalid(field: "reason", reason: "a reason is required")) {
                try await store.deescalate(high.case.id, brand: fx.brand.id, actor: .staff(manager.id), to: nil, reason: "  ")
            }
            let (down, _) = try await store.deescalate(high.case.id, brand: fx.brand.id, actor: .staff(manager.id), to: .level2, reason: "handled the complaint")
            #expect(down.rung == .agent && down.level == .intermediate)
            #expect(try await events(store, fx, case: high.case.id).first { $0.type == .caseDeescalated }?.payload["reason"] == .string("handled the complaint"))
        }
    }
}

@Suite("Signed Message-IDs of outbound mail, on every database")
struct MailTokenStoreTests {
    @Test(arguments: Backend.available)
    func ourIdsNameTheirCaseAndForgeriesDoNot(backend: Backend) async throws {
        try await withStore(backend) { store in
            let acme = try await Fixture.make(store)
            let globex = try await Fixture.make(store, slug: "globex")
            let id = try await store.outboundMessageID(caseNumber: 42, brand: acme.brand.id, domain: "Mail.Acme.Example")
            #expect(id.hasPrefix("tp.42."))
            #expect(id.hasSuffix("@mail.acme.example"))
            #expect(try await store.caseNumber(fromMessageID: id, brand: acme.brand.id) == 42)
            let other = try await store.outboundMessageID(caseNumber: 42, brand: acme.brand.id, domain: "mail.acme.example")
            #expect(other != id, "every message gets its own id")
            // Changing the number, the signature or the brand breaks it.
            let parts = id.split(separator: ".").map(String.init)
            let renumbered = (["tp", "43"] + parts[2...]).joined(separator: ".")
            #expect(try await store.caseNumber(fromMessageID: renumbered, brand: acme.brand.id) == nil)
            var signature = Array(parts[3].split(separator: "@")[0])
            signature[signature.count - 1] = signature.last == "0" ? "1" : "0"
            let tampered = (parts[..<3] + [String(signature) + "@" + parts[3].split(separator: "@")[1]]).joined(separator: ".")
            #expect(try await store.caseNumber(fromMessageID: tampered, brand: acme.brand.id) == nil)
            #expect(try await store.caseNumber(fromMessageID: id, brand: globex.brand.id) == nil)
            #expect(try await store.caseNumber(fromMessageID: "CAF1234@mail.gmail.com", brand: acme.brand.id) == nil)
            // The secret survives a fresh store on the same database.
            let again = Store(database: store.database)
            #expect(try await again.caseNumber(fromMessageID: id, brand: acme.brand.id) == 42)
        }
    }
}
