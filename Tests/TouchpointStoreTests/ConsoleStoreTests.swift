import Foundation
import Testing
import TouchpointCore
@testable import TouchpointStore
import TouchpointTestSupport

@Suite("Console sessions, saved views and the SLA-at-risk queue in the store")
struct ConsoleStoreTests {
    static let start = Date(timeIntervalSince1970: 1_795_000_000)

    @Test(arguments: Backend.available)
    func sessionsSlideUntilTheirAbsoluteEnd(backend: Backend) async throws {
        let clock = TestClock(Self.start)
        try await withStore(backend, environment: clock.environment) { store in
            let fx = try await Fixture.make(store)
            let lifetime = SessionLifetime(idle: 3600, absolute: 3 * 3600)
            let (token, started) = try await store.startSession(user: fx.agent, userAgent: "test", lifetime: lifetime)
            #expect(started.expiresAt == Self.start.addingTimeInterval(3600))
            // Only a hash of the cookie value is stored.
            let stored = try await store.database.read { db in try await db.raw("SELECT token_hash FROM staff_sessions").all().map { try $0.string("token_hash") } }
            #expect(stored.count == 1 && stored[0] != token && stored[0].count == 64)
            #expect(try await store.session(token: "not-a-token") == nil)

            // Used within the idle hour, the session slides on; each use moves the end.
            for step in 1...3 {
                clock.set(Self.start.addingTimeInterval(Double(step) * 50 * 60))
                let session = try #require(try await store.session(token: token, lifetime: lifetime))
                #expect(session.user.id == fx.agent.id && session.csrfToken == started.csrfToken)
                #expect(session.principal.role == .agentL1 && session.principal.scope == .write)
            }
            // Never past the absolute end, however busy.
            clock.set(Self.start.addingTimeInterval(3 * 3600 - 60))
            #expect(try await store.session(token: token, lifetime: lifetime)?.expiresAt == Self.start.addingTimeInterval(3 * 3600))
            clock.set(Self.start.addingTimeInterval(3 * 3600 + 1))
            #expect(try await store.session(token: token, lifetime: lifetime) == nil)
            #expect(try await store.sessionCount(userID: fx.agent.id) == 0)
        }
    }

    @Test(arguments: Backend.available)
    func anIdleSessionEndsAndAPasswordChangeEndsThemAll(backend: Backend) async throws {
        let clock = TestClock(Self.start)
        try await withStore(backend, environment: clock.environment) { store in
            let fx = try await Fixture.make(store)
            let (idle, _) = try await store.startSession(user: fx.agent, userAgent: nil)
            clock.set(Self.start.addingTimeInterval(13 * 3600))
            #expect(try await store.session(token: idle) == nil)

            let (first, _) = try await store.startSession(user: fx.agent, userAgent: nil)
            let (second, _) = try await store.startSession(user: fx.agent, userAgent: nil)
            let (other, _) = try await store.startSession(user: fx.admin, userAgent: nil)
            #expect(try await store.sessionCount(userID: fx.agent.id) == 2)
            try await store.setPasswordHash("$2b$12$abcdefghijklmnopqrstuu", userID: fx.agent.id, brand: fx.brand.id, actor: .staff(fx.admin.id))
            #expect(try await store.session(token: first) == nil)
            #expect(try await store.session(token: second) == nil)
            #expect(try await store.session(token: other) != nil, "other people stay signed in")
            #expect(try await store.credentials(email: "AGENT@acme.example")?.passwordHash == "$2b$12$abcdefghijklmnopqrstuu")
            let events = try await store.auditLog(brand: fx.brand.id, caseID: nil, limit: 50, cursor: nil).items.map(\.type)
            #expect(events.contains(.staffPasswordSet) && events.filter { $0 == .staffSignedIn }.count == 4)

            // Another brand's administrator cannot set it.
            let globex = try await Fixture.make(store, slug: "globex")
            await #expect(throws: StoreError.self) {
                try await store.setPasswordHash("x", userID: fx.agent.id, brand: globex.brand.id, actor: .staff(globex.admin.id))
            }
            try await store.endSession(token: other)
            #expect(try await store.session(token: other) == nil)
        }
    }

    @Test(arguments: Backend.available)
    func savedViewsArePersonalAndReplaceByName(backend: Backend) async throws {
        try await withStore(backend) { store in
            let fx = try await Fixture.make(store)
            _ = try await store.saveView(userID: fx.agent.id, name: "SMS", query: "view=open&point=sms")
            let replaced = try await store.saveView(userID: fx.agent.id, name: "SMS", query: "view=unassigned&point=sms")
            _ = try await store.saveView(userID: fx.admin.id, name: "Mine", query: "view=mine")
            let views = try await store.savedViews(userID: fx.agent.id)
            #expect(views.map(\.name) == ["SMS"] && views[0].query == "view=unassigned&point=sms")
            await #expect(throws: ValidationError.self) { _ = try await store.saveView(userID: fx.agent.id, name: "  ", query: "") }
            // Deleting needs the owner.
            try await store.deleteView(views[0].id, userID: fx.admin.id)
            #expect(try await store.savedViews(userID: fx.agent.id).count == 1)
            try await store.deleteView(views[0].id, userID: fx.agent.id)
            #expect(try await store.savedViews(userID: fx.agent.id).isEmpty)
            _ = replaced
        }
    }

    @Test(arguments: Backend.available)
    func aCaseIsUnreadForEachPersonUntilTheyOpenItAndAgainWhenTheCustomerWrites(backend: Backend) async throws {
        let clock = TestClock(Self.start)
        try await withStore(backend, environment: clock.environment) { store in
            let fx = try await Fixture.make(store)
            let written = try await store.openCase(brand: fx.brand.id, actor: nil, request: try fx.email("a@example.com")).case
            let other = try await store.openCase(brand: fx.brand.id, actor: nil, request: try fx.email("b@example.com")).case
            let ids = [written.id, other.id]
            #expect(try await store.unreadCases(ids, user: fx.agent.id, brand: fx.brand.id) == Set(ids))

            // Opened by the agent: read for them, still unread for a colleague.
            clock.set(Self.start.addingTimeInterval(60))
            try await store.markRead(caseID: written.id, user: fx.agent.id)
            #expect(try await store.unreadCases(ids, user: fx.agent.id, brand: fx.brand.id) == [other.id])
            #expect(try await store.unreadCases(ids, user: fx.csm.id, brand: fx.brand.id) == Set(ids))

            // Our reply and a note do not make it unread; the customer writing again does, even
            // in a message dated before the agent looked (it arrived after).
            clock.set(Self.start.addingTimeInterval(120))
            _ = try await store.addInteraction(caseID: written.id, brand: fx.brand.id, actor: .staff(fx.agent.id),
                                               request: NewInteraction(direction: .outbound, body: "We are on it."))
            _ = try await store.addInteraction(caseID: written.id, brand: fx.brand.id, actor: .staff(fx.agent.id),
                                               request: NewInteraction(direction: .internal, body: "Waiting for the meter data."))
            #expect(try await store.unreadCases(ids, user: fx.agent.id, brand: fx.brand.id) == [other.id])
            _ = try await store.addInteraction(caseID: written.id, brand: fx.brand.id, actor: .contact(written.contactID),
                                               request: NewInteraction(direction: .inbound, body: "Any news?", occurredAt: Self.start))
            #expect(try await store.unreadCases(ids, user: fx.agent.id, brand: fx.brand.id) == Set(ids))
            clock.set(Self.start.addingTimeInterval(180))
            try await store.markRead(caseID: written.id, user: fx.agent.id)
            #expect(try await store.unreadCases(ids, user: fx.agent.id, brand: fx.brand.id) == [other.id])

            // Another brand's lists never name these cases.
            let globex = try await Fixture.make(store, slug: "globex")
            #expect(try await store.unreadCases(ids, user: globex.agent.id, brand: globex.brand.id).isEmpty)
            #expect(try await store.unreadCases([], user: fx.agent.id, brand: fx.brand.id).isEmpty)
        }
    }

    @Test(arguments: Backend.available)
    func colleaguesOnACaseAreSeenUntilTheyLeaveOrTheirPageGoesQuiet(backend: Backend) async throws {
        let clock = TestClock(Self.start)
        try await withStore(backend, environment: clock.environment) { store in
            let fx = try await Fixture.make(store)
            let opened = try await store.openCase(brand: fx.brand.id, actor: nil, request: try fx.email("a@example.com")).case
            let other = try await store.openCase(brand: fx.brand.id, actor: nil, request: try fx.email("b@example.com")).case
            func seen(by reader: UserID, on id: CaseID = opened.id) async throws -> [String] {
                CasePresence.viewers(try await store.presence(caseID: id, brand: fx.brand.id), reader: reader, now: clock.now)
                    .map { "\($0.name)\($0.typing ? " typing" : "")" }
            }

            // Two people open the case; one starts writing, and a heartbeat keeps that.
            try await store.markPresence(caseID: opened.id, brand: fx.brand.id, user: fx.agent.id, typing: nil)
            try await store.markPresence(caseID: opened.id, brand: fx.brand.id, user: fx.csm.id, typing: true)
            #expect(try await seen(by: fx.agent.id) == ["CSM typing"])
            #expect(try await seen(by: fx.csm.id) == ["Agent"])
            clock.set(Self.start.addingTimeInterval(3))
            try await store.markPresence(caseID: opened.id, brand: fx.brand.id, user: fx.csm.id, typing: nil)
            #expect(try await seen(by: fx.agent.id) == ["CSM typing"])
            // Saying they stopped ends it at once; keys that go quiet end it on their own.
            try await store.markPresence(caseID: opened.id, brand: fx.brand.id, user: fx.csm.id, typing: false)
            #expect(try await seen(by: fx.agent.id) == ["CSM"])
            try await store.markPresence(caseID: opened.id, brand: fx.brand.id, user: fx.csm.id, typing: true)
            clock.set(Self.start.addingTimeInterval(3 + CasePresence.typingFor + 1))
            #expect(try await seen(by: fx.agent.id) == ["CSM"])

            // Leaving the page removes the mark; a page that closed without a word fades out,
            // and its row goes with its person's next mark elsewhere.
            try await store.leavePresence(caseID: opened.id, user: fx.csm.id)
            #expect(try await seen(by: fx.agent.id).isEmpty)
            clock.set(Self.start.addingTimeInterval(60))
            #expect(try await seen(by: fx.csm.id).isEmpty)
            #expect(try await store.presence(caseID: opened.id, brand: fx.brand.id).count == 1)
            try await store.markPresence(caseID: other.id, brand: fx.brand.id, user: fx.agent.id, typing: nil)
            #expect(try await store.presence(caseID: opened.id, brand: fx.brand.id).isEmpty)

            // Another brand's people cannot mark the case, nor read who is on it.
            let globex = try await Fixture.make(store, slug: "globex")
            await #expect(throws: StoreError.self) {
                try await store.markPresence(caseID: other.id, brand: globex.brand.id, user: globex.agent.id, typing: nil)
            }
            #expect(try await store.presence(caseID: other.id, brand: globex.brand.id).isEmpty)
            #expect(try await store.presence(caseID: other.id, brand: fx.brand.id).count == 1)
        }
    }

    @Test(arguments: Backend.available)
    func theAtRiskQueueFollowsTheClocks(backend: Backend) async throws {
        let clock = TestClock(Self.start)
        try await withStore(backend, environment: clock.environment) { store in
            let fx = try await Fixture.make(store)
            var policy = ServicePolicy.defaults(.lowTouch)
            policy.calendarId = nil
            policy.sla.normal = SLATargets(firstResponseMinutes: 60, nextResponseMinutes: 120, resolutionMinutes: 600)
            policy.atRiskShare = 0.75
            _ = try await store.setPolicy(policy, brand: fx.brand.id, actor: .system)
            _ = try await store.setSegmentationRules(RuleSet(rules: [], defaultModel: .lowTouch), brand: fx.brand.id, actor: .system)
            let first = try await store.openCase(brand: fx.brand.id, actor: nil, request: try fx.email("a@example.com"))
            _ = try await store.openCase(brand: fx.brand.id, actor: nil, request: try fx.email("b@example.com"))
            let atRisk = { (date: Date) in CaseFilter(slaAtRiskBy: date) }

            #expect(try await store.caseCounts(brand: fx.brand.id, filters: [atRisk(clock.now), CaseFilter()]) == [0, 2])
            // 45 minutes in, the first-response clocks pass 75 % of their hour.
            clock.set(Self.start.addingTimeInterval(46 * 60))
            #expect(try await store.caseCounts(brand: fx.brand.id, filters: [atRisk(clock.now)]) == [2])
            // Answering stops that clock; the case leaves the queue until the next one nears.
            _ = try await store.addInteraction(caseID: first.case.id, brand: fx.brand.id, actor: .staff(fx.agent.id),
                                               request: NewInteraction(direction: .outbound, body: "On it."))
            let listed = try await store.cases(brand: fx.brand.id, filter: atRisk(clock.now), limit: 10, cursor: nil).items
            #expect(listed.map(\.id) != [first.case.id] && listed.count == 1)
            // Resolved cases are never at risk.
            clock.set(Self.start.addingTimeInterval(20 * 3600))
            _ = try await store.updateCase(first.case.id, brand: fx.brand.id, actor: .staff(fx.agent.id), update: CaseUpdate(status: .resolved))
            #expect(try await store.cases(brand: fx.brand.id, filter: atRisk(clock.now), limit: 10, cursor: nil).items.count == 1)

            // A database from before the column existed gets it filled at start.
            try await store.database.write { db in try await db.raw("UPDATE cases SET sla_risk_at = NULL").run() }
            #expect(try await store.caseCounts(brand: fx.brand.id, filters: [atRisk(clock.now)]) == [0])
            #expect(try await store.backfillSLARisk() == 1)
            #expect(try await store.caseCounts(brand: fx.brand.id, filters: [atRisk(clock.now)]) == [1])
            #expect(try await store.backfillSLARisk() == 0)
        }
    }

    @Test(arguments: Backend.available)
    func aCommitWakesWhoeverFollowsChanges(backend: Backend) async throws {
        try await withStore(backend) { store in
            let before = store.commits.current
            // Nothing commits: the wait ends at its timeout.
            let idle = ContinuousClock().now
            await store.commits.wait(after: before, timeout: .milliseconds(200))
            #expect(ContinuousClock().now - idle >= .milliseconds(190))
            // A write wakes a waiter long before its timeout. Measured from the writes' end, not
            // their start: on a loaded machine the writes alone have taken over ten seconds.
            async let woken: Void = store.commits.wait(after: before, timeout: .seconds(120))
            try await Task.sleep(for: .milliseconds(50))
            _ = try await Fixture.make(store)
            let written = ContinuousClock().now
            await woken
            #expect(ContinuousClock().now - written < .seconds(10))
            #expect(store.commits.current > before)
        }
    }
}
