import Foundation
import Testing
import TouchpointApplication
import TouchpointCore
import TouchpointStore
import TouchpointTestSupport

/// Playbooks on both databases, end to end through the listener and the runner: triggers,
/// each kind of step, exit rules, quiet hours, the cap shared with surveys, versions, and
/// each step exactly once when runners crash or race.
struct PlaybookRunTests {
    /// Monday 7 December 2026, 10:00 in Warsaw.
    static let start = ISO8601DateFormatter().date(from: "2026-12-07T09:00:00Z")!

    /// A brand with a mailbox, a CSM-owned account and its contact, and a listener and runner.
    struct World {
        let store: Store
        let fixture: Fixture
        let app: UseCases
        let clock: TestClock
        let account: Account
        let contact: Contact
        var brand: BrandID { fixture.brand.id }

        static func make(_ store: Store, clock: TestClock, automation: AutomationSettings? = nil) async throws -> World {
            let fixture = try await Fixture.make(store)
            let brand = fixture.brand.id
            let app = UseCases(store: store, publicURL: "https://help.example")
            _ = try await store.saveMailbox(address: "care@acme.example", brand: brand, teamID: nil, forwardsOpenForSender: false, actor: .system)
            if let automation { _ = try await app.playbooks.setSettings(automation, brand: brand, actor: .system) }
            let account = try await store.createAccount(
                brand: brand, actor: .system, name: "Mazur Logistics",
                profile: AccountProfile(annualValue: 40_000, stage: .onboarding, ownerCSM: fixture.csm.id))
            let contact = try await store.createContact(
                brand: brand, actor: .system, accountID: account.id, name: "Ewa Mazur", title: "Operations", preferredContactPoint: .email,
                identities: [try Identity(kind: .email, raw: "ewa@mazur.example")])
            return World(store: store, fixture: fixture, app: app, clock: clock, account: account, contact: contact)
        }

        /// Hands the events since `since` to the playbook listener (twice, as after a crash).
        func react(since: Date) async throws {
            let events = try await store.events(brand: brand, since: since, limit: 5000)
            let listener = PlaybookListener(playbooks: app.playbooks)
            try await listener.handle(events)
            try await listener.handle(events)
        }

        func outboxMail(to recipient: String) async throws -> [OutboxMessage] {
            try await store.outbox(brand: brand, state: nil, limit: 200, cursor: nil).items.filter { $0.recipient == recipient }.compactMap(\.email)
        }

        func enrollments(_ playbook: Playbook) async throws -> [Enrollment] {
            try await app.playbooks.enrollments(playbook.id, brand: brand, state: nil, limit: 200, cursor: nil).items
        }
    }

    static let hello = PlaybookStep(
        id: "hello", type: .send, contactPoint: .email,
        templates: [
            "en": PlaybookMessage(subject: "Welcome aboard, {{contact.firstName}}", body: "Your guide: https://help.example/start. {{csm.name}}")
        ])

    @Test(arguments: Backend.available)
    func aWelcomeSeriesRunsStepByStepAndEndsWhenTheCustomerReplies(_ backend: Backend) async throws {
        let clock = TestClock(Self.start)
        try await withStore(backend, environment: clock.environment) { store in
            // setup: a playbook started by a new contact; then the contact arrives.
            let fixture = try await Fixture.make(store)
            let brand = fixture.brand.id
            let app = UseCases(store: store, publicURL: "https://help.example")
            _ = try await store.saveMailbox(address: "care@acme.example", brand: brand, teamID: nil, forwardsOpenForSender: false, actor: .system)
            _ = try await app.playbooks.setSettings(AutomationSettings(maxMessages: 5), brand: brand, actor: .system)
            let playbook = try await app.playbooks.create(
                PlaybookDefinition(
                    name: "Welcome series", trigger: .on(.contactCreated),
                    steps: [
                        Self.hello, PlaybookStep(id: "pause", type: .wait, duration: ISODuration(seconds: 2)),
                        PlaybookStep(id: "opened", type: .branch, condition: PlaybookCondition(when: .openedLink), then: "tag", else: "nudge"),
                        PlaybookStep(
                            id: "nudge", type: .send, contactPoint: .email,
                            templates: ["en": PlaybookMessage(subject: "Did you find your way?", body: "Reply if anything is unclear.")]),
                        PlaybookStep(id: "tag", type: .set, field: .tag, value: "welcomed"),
                        PlaybookStep(id: "settle", type: .wait, duration: ISODuration(seconds: 3 * 86_400)),
                        PlaybookStep(
                            id: "last", type: .send, contactPoint: .email,
                            templates: ["en": PlaybookMessage(subject: "Anything else?", body: "We are here.")]),
                    ], exitOn: [.replied, .optedOut]), brand: brand, actor: .staff(fixture.admin.id))
            #expect(playbook.version == 1)
            let account = try await store.createAccount(
                brand: brand, actor: .system, name: "Mazur Logistics", profile: AccountProfile(ownerCSM: fixture.csm.id))
            _ = try await store.createContact(
                brand: brand, actor: .system, accountID: account.id, name: "Ewa Mazur", title: nil, preferredContactPoint: .email,
                identities: [try Identity(kind: .email, raw: "ewa@mazur.example")])
            let listener = PlaybookListener(playbooks: app.playbooks)
            let runner = PlaybookRunner(store: store, address: PublicAddress(configured: "https://help.example"), owner: "test")

            // act: the listener enrolls once, though handed the events twice.
            let events = try await store.events(brand: brand, since: Self.start, limit: 500)
            try await listener.handle(events)
            try await listener.handle(events)
            var enrolled = try await app.playbooks.enrollments(playbook.id, brand: brand, state: nil, limit: 10, cursor: nil).items
            #expect(enrolled.count == 1 && enrolled.first?.reason == "when a new contact is recorded")
            #expect(try await runner.drain() == 2, "the email, then the wait")

            // check: the email went through the outbox in English with the CSM's name and a tracked link.
            let mails = try await store.outbox(brand: brand, state: nil, limit: 50, cursor: nil).items.compactMap(\.email)
            #expect(mails.count == 1 && mails.first?.mail.subject == "Welcome aboard, Ewa" && mails.first?.mail.automatic == true)
            let text = try #require(mails.first?.mail.text)
            #expect(text.contains("CSM") && !text.contains("https://help.example/start") && text.contains("https://help.example/go/"))
            #expect(text.contains("To stop these messages: https://help.example/unsubscribe/"))
            enrolled = try await app.playbooks.enrollments(playbook.id, brand: brand, state: nil, limit: 10, cursor: nil).items
            #expect(enrolled.first?.stepIndex == 2 && enrolled.first?.dueAt == Self.start.addingTimeInterval(2))

            // Nothing is due before the wait is over; then the customer opens the link.
            #expect(try await runner.runDue() == 0)
            let go = try #require(text.range(of: #"/go/[A-Za-z0-9_-]+"#, options: .regularExpression))
            #expect(try await app.playbooks.openLink(token: String(text[go].dropFirst(4))) == "https://help.example/start")
            #expect(try await app.playbooks.openLink(token: "unknown") == nil)
            clock.set(Self.start.addingTimeInterval(3))
            #expect(try await runner.drain() == 3, "branch (yes), tag, wait")
            let log = try await app.playbooks.stepLog(enrollment: try #require(enrolled.first?.id), brand: brand)
            #expect(log.map(\.stepID) == ["hello", "pause", "opened", "tag", "settle"])
            #expect(log[2].detail == "yes: a link was opened" && log[3].detail == "tagged welcomed")
            #expect(try await store.outbox(brand: brand, state: nil, limit: 50, cursor: nil).items.count == 1, "the nudge was not needed")
            // The opened link counts in the account's health as a response to outreach.
            let engagement = try await app.health.health(account: account.id, brand: brand).report.components.first { $0.signal == .engagement }
            #expect(engagement?.explanation == "Answered 1 of 1 automated outreach in 90 days" && engagement?.score == 100)

            // The customer writes in: the enrollment ends, saying why; the last step never runs.
            let reply = try await store.openCase(brand: brand, actor: nil, request: try fixture.email("ewa@mazur.example", subject: "A question"))
            try await listener.handle(try await store.events(brand: brand, since: Self.start, limit: 500).filter { $0.caseID == reply.case.id })
            clock.set(Self.start.addingTimeInterval(4 * 86_400))
            #expect(try await runner.drain() == 0)
            enrolled = try await app.playbooks.enrollments(playbook.id, brand: brand, state: nil, limit: 10, cursor: nil).items
            #expect(enrolled.first?.state == .exited && enrolled.first?.exitReason == "replied")

            // Every step is on the customer's timeline with the playbook, its version and the step.
            let steps = try await store.events(brand: brand, since: Self.start, limit: 500).filter { $0.type == .playbookStep }
            #expect(steps.count == 5 && steps.allSatisfy { $0.payload["version"] == .int(1) && $0.payload["playbook"] == .string("Welcome series") })
            let ended = try await store.events(brand: brand, since: Self.start, limit: 500).filter { $0.type == .playbookEnded }
            #expect(ended.count == 1 && ended.first?.payload["reason"] == .string("replied"))
            // Figures per step.
            let figures = try await app.playbooks.figures(playbook.id, brand: brand)
            #expect(figures.steps.first { $0.stepID == "hello" }?.sent == 1 && figures.steps.first { $0.stepID == "settle" }?.replied == 1)
            #expect(figures.states[.exited] == 1)
        }
    }

    @Test(arguments: Backend.available)
    func quietHoursAndOneCapForPlaybooksAndSurveys(_ backend: Backend) async throws {
        // 22:30 in Warsaw.
        let clock = TestClock(ISO8601DateFormatter().date(from: "2026-12-07T21:30:00Z")!)
        try await withStore(backend, environment: clock.environment) { store in
            let world = try await World.make(store, clock: clock)
            let runner = PlaybookRunner(store: store, address: PublicAddress(configured: "https://help.example"), owner: "test")
            var made: [Playbook] = []
            for name in ["First", "Second"] {
                made.append(
                    try await world.app.playbooks.create(
                        PlaybookDefinition(name: name, trigger: .on(.journeyStageChanged), steps: [Self.hello]), brand: world.brand, actor: .system))
            }
            let mark = clock.now
            _ = try await store.updateAccount(world.account.id, brand: world.brand, actor: .system, changes: AccountChanges(stage: .adoption))
            try await world.react(since: mark)
            #expect(try await runner.drain() == 0, "nothing at night")
            for playbook in made {
                #expect(try await world.enrollments(playbook).first?.dueAt == ISO8601DateFormatter().date(from: "2026-12-08T07:00:00Z"))
            }
            // 08:00: one message; the other playbook waits a day.
            clock.set(ISO8601DateFormatter().date(from: "2026-12-08T07:00:00Z")!)
            #expect(try await runner.drain() == 1)
            #expect(try await world.outboxMail(to: "ewa@mazur.example").count == 1)
            let active = try await world.enrollments(made[0]) + world.enrollments(made[1])
            let waiting = active.filter { $0.state == .active }
            #expect(waiting.count == 1)
            #expect(waiting.first?.dueAt == ISO8601DateFormatter().date(from: "2026-12-09T07:00:00Z"))
            // A satisfaction survey the same day counts against the same cap.
            let opened = try await store.openCase(
                brand: world.brand, actor: nil, request: try world.fixture.email("ewa@mazur.example", subject: "Invoice"))
            _ = try await store.updateCase(opened.case.id, brand: world.brand, actor: .system, update: CaseUpdate(status: .resolved))
            #expect(try await world.app.surveys.askAfterResolution(caseID: opened.case.id, brand: world.brand) == .failure(.frequencyCap))
            clock.set(ISO8601DateFormatter().date(from: "2026-12-09T07:00:00Z")!)
            #expect(try await runner.drain() == 1)
            #expect(try await world.outboxMail(to: "ewa@mazur.example").count == 2)
        }
    }

    @Test(arguments: Backend.available)
    func runningEnrollmentsKeepTheirVersionAndPausedPlaybooksWait(_ backend: Backend) async throws {
        let clock = TestClock(Self.start)
        try await withStore(backend, environment: clock.environment) { store in
            let world = try await World.make(store, clock: clock, automation: AutomationSettings(maxMessages: 10))
            let runner = PlaybookRunner(store: store, address: PublicAddress(configured: "https://help.example"), owner: "test")
            let first = PlaybookDefinition(
                name: "Renewal reminder", trigger: .on(.journeyStageChanged),
                steps: [PlaybookStep(id: "wait", type: .wait, duration: ISODuration(seconds: 60)), Self.hello])
            var playbook = try await world.app.playbooks.create(first, brand: world.brand, actor: .system)
            var mark = clock.now
            _ = try await store.updateAccount(world.account.id, brand: world.brand, actor: .system, changes: AccountChanges(stage: .adoption))
            try await world.react(since: mark)
            #expect(try await runner.drain() == 1)
            // Version 2 writes another subject; the running enrollment keeps version 1.
            var second = first
            second.steps[1].templates = ["en": PlaybookMessage(subject: "Version two", body: "New words")]
            playbook = try await world.app.playbooks.update(playbook.id, definition: second, status: nil, brand: world.brand, actor: .system)
            #expect(playbook.version == 2)
            #expect(
                try await world.app.playbooks.update(playbook.id, definition: second, status: nil, brand: world.brand, actor: .system).version == 2)
            // Paused: nothing runs, even when due.
            _ = try await world.app.playbooks.update(playbook.id, definition: nil, status: .paused, brand: world.brand, actor: .system)
            clock.set(Self.start.addingTimeInterval(120))
            #expect(try await runner.drain() == 0)
            _ = try await world.app.playbooks.update(playbook.id, definition: nil, status: .active, brand: world.brand, actor: .system)
            #expect(try await runner.drain() == 1)
            #expect(try await world.outboxMail(to: "ewa@mazur.example").map(\.mail.subject) == ["Welcome aboard, Ewa"])
            // A new entry takes version 2.
            mark = clock.now
            _ = try await store.updateAccount(world.account.id, brand: world.brand, actor: .system, changes: AccountChanges(stage: .renewal))
            try await world.react(since: mark)
            let newest = try await world.enrollments(playbook).first
            #expect(newest?.version == 2 && newest?.state == .active)
        }
    }

    @Test(arguments: Backend.available)
    func eachStepRunsOnceWhenARunnerDiesOrTwoRace(_ backend: Backend) async throws {
        let clock = TestClock(Self.start)
        try await withStore(backend, environment: clock.environment) { store in
            let world = try await World.make(store, clock: clock, automation: AutomationSettings(quietHours: ["00:00", "00:00"], maxMessages: 100))
            let playbook = try await world.app.playbooks.create(
                PlaybookDefinition(
                    name: "Check-in", trigger: .on(.contactCreated),
                    steps: [
                        Self.hello,
                        PlaybookStep(id: "task", type: .task, assignee: .csm, title: "Call {{contact.name}}", due: ISODuration(seconds: 86_400)),
                    ]),
                brand: world.brand, actor: .system)
            clock.set(Self.start.addingTimeInterval(1))
            let mark = clock.now
            for index in 0..<40 {
                _ = try await store.createContact(
                    brand: world.brand, actor: .system, accountID: world.account.id, name: "Person \(index)", title: nil,
                    preferredContactPoint: .email,
                    identities: [try Identity(kind: .email, raw: "p\(index)@mazur.example")])
            }
            try await world.react(since: mark)
            let entered = try await world.enrollments(playbook).count
            #expect(entered == 40)
            let address = PublicAddress(configured: "https://help.example")
            // A runner claims ten steps and dies before writing: nobody else may take them while
            // its lease lasts; after it, another runner does, and the dead one's late write is refused.
            let dying = PlaybookRunner(store: store, address: address, owner: "dying", lease: 30)
            let claimed = try await store.claimDueSteps(owner: "dying", limit: 10, lease: 30)
            #expect(claimed.count == 10)
            let facts = try await store.enrollmentFacts(claimed, portalBase: address.url)
            let settings = try await world.app.playbooks.settings(brand: world.brand)
            let late = zip(claimed, facts).map {
                StepDecision(claim: $0, action: PlaybookEngine.decide($1, now: clock.now, settings: settings), facts: $1)
            }
            let other = PlaybookRunner(store: store, address: address, owner: "other")
            #expect(try await other.drain() == 30 + 30, "the thirty unclaimed, both steps each")
            clock.set(Self.start.addingTimeInterval(32))
            // Two runners race for what is left.
            async let a = other.drain(limit: 3)
            async let b = PlaybookRunner(store: store, address: address, owner: "third").drain(limit: 3)
            let raced = try await a + b
            #expect(raced == 20)
            #expect(try await store.applySteps(late, owner: dying.owner, links: PlaybookLinks(base: address.url)) == 0)
            // check: one email and one task per person, every enrollment complete.
            let mails = try await store.outbox(brand: world.brand, state: nil, limit: 200, cursor: nil).items
            #expect(mails.count == 40 && Set(mails.map(\.recipient)).count == 40)
            let tasks = try await store.commitments(accountID: world.account.id, brand: world.brand, includeSettled: true)
            #expect(tasks.count == 40 && tasks.allSatisfy { $0.ownerID == world.fixture.csm.id })
            #expect(try await world.enrollments(playbook).allSatisfy { $0.state == .completed })
        }
    }
    @Test(arguments: Backend.available)
    func meetingsSurveysAndFieldsAndTheTriggersTheyFeed(_ backend: Backend) async throws {
        let clock = TestClock(Self.start)
        try await withStore(backend, environment: clock.environment) { store in
            let world = try await World.make(store, clock: clock, automation: AutomationSettings(maxMessages: 10))
            let runner = PlaybookRunner(store: store, address: PublicAddress(configured: "https://help.example"), owner: "test")
            // The CSM works Monday to Friday, 09:00–17:00 in Warsaw.
            let office = try CalendarDefinition(
                timeZone: "Europe/Warsaw",
                weekly: Dictionary(uniqueKeysWithValues: ["mon", "tue", "wed", "thu", "fri"].map { ($0, [["09:00", "17:00"]]) })
            ).calendar()
            let calendar = try await store.saveCalendar(id: nil, name: "Office", calendar: office, brand: world.brand, actor: .system)
            _ = try await store.updateAgent(
                world.fixture.csm.id, brand: world.brand, actor: .system, changes: AgentChanges(shiftCalendarID: .some(calendar.id)))
            let review = try await world.app.playbooks.create(
                PlaybookDefinition(
                    name: "Business review", trigger: .on(.healthBelow, threshold: 50),
                    steps: [
                        PlaybookStep(
                            id: "meet", type: .meeting, duration: ISODuration(seconds: 3600), title: "Review with {{account.name}}",
                            after: ISODuration(seconds: 86_400)),
                        PlaybookStep(id: "stage", type: .set, field: .stage, value: "expansion"),
                        PlaybookStep(id: "ask", type: .survey, survey: .nps),
                    ]), brand: world.brand, actor: .system)
            let rescue = try await world.app.playbooks.create(
                PlaybookDefinition(
                    name: "Rescue", trigger: .on(.lowSurveyScore),
                    steps: [
                        PlaybookStep(id: "call", type: .task, assignee: .csm, title: "Rescue {{account.name}}", due: ISODuration(seconds: 86_400))
                    ]),
                brand: world.brand, actor: .system)
            let grow = try await world.app.playbooks.create(
                PlaybookDefinition(
                    name: "Grow", trigger: .on(.journeyStageChanged), audience: PlaybookAudience(stages: [.expansion]),
                    steps: [PlaybookStep(type: .end)]),
                brand: world.brand, actor: .system)
            // act: the health falls across 50 (a change below it, or above, starts nothing).
            var mark = clock.now
            func fall(from: Int, to: Int) -> DomainEvent {
                DomainEvent(
                    id: UUID(), brandID: world.brand, type: .accountHealthChanged, actor: .system, accountID: world.account.id, contactID: nil,
                    caseID: nil,
                    payload: ["from": .object(["score": .int(from)]), "to": .object(["score": .int(to)])], occurredAt: clock.now)
            }
            try await PlaybookListener(playbooks: world.app.playbooks).handle([fall(from: 70, to: 60), fall(from: 45, to: 30)])
            #expect(try await world.enrollments(review).isEmpty)
            let crossing = fall(from: 80, to: 30)
            try await PlaybookListener(playbooks: world.app.playbooks).handle([crossing, crossing])
            #expect(try await world.enrollments(review).count == 1)
            #expect(try await runner.drain() == 3)

            // check: a meeting at 09:00 Warsaw on Tuesday (Monday 10:00 + one day), as an invitation and a commitment.
            let mails = try await world.outboxMail(to: "ewa@mazur.example")
            let invitation = try #require(mails.first { $0.mail.subject == "Review with Mazur Logistics" })
            #expect(invitation.attachments.first?.contentType.hasPrefix("text/calendar") == true)
            let ics = String(
                decoding: try await store.attachment(sha256: try #require(invitation.attachments.first?.sha256), brand: world.brand).data,
                as: UTF8.self)
            #expect(
                ics.contains("DTSTART:20261208T090000Z") && ics.contains("ORGANIZER;CN=CSM:mailto:csm@acme.example") && ics.contains("METHOD:REQUEST")
            )
            #expect(invitation.mail.text.contains("Tuesday 8 December, 10:00–11:00 (Europe/Warsaw)"))
            let tasks = try await store.commitments(accountID: world.account.id, brand: world.brand, includeSettled: false)
            #expect(tasks.contains { $0.what.hasPrefix("Review with Mazur Logistics with Ewa Mazur") && $0.ownerID == world.fixture.csm.id })
            // The stage moved, which starts the playbook for expanding accounts.
            #expect(try await store.account(world.account.id, brand: world.brand).profile.stage == .expansion)
            try await world.react(since: mark)
            #expect(try await world.enrollments(grow).count == 1)
            // The recommendation survey: eleven one-click answers; a detractor's answer reaches the CSM and starts the rescue.
            let survey = try #require(mails.first { $0.mail.subject == "How likely are you to recommend Acme?" })
            let link = try #require(survey.mail.text.range(of: #"/survey/[A-Za-z0-9_-]+\?score=0"#, options: .regularExpression))
            let token = String(survey.mail.text[link].dropFirst("/survey/".count).dropLast("?score=0".count))
            #expect(try await world.app.surveys.survey(token: token)?.kind == .nps)
            mark = clock.now
            #expect(try await world.app.surveys.answer(token: token, score: 3, comment: "Too slow") == .recorded(lowScore: true))
            let answered = try await store.events(brand: world.brand, since: mark, limit: 50).filter { $0.type == .surveyAnswered }
            try await SurveyListener(surveys: world.app.surveys).handle(answered + answered)
            let callBacks = try await store.commitments(accountID: world.account.id, brand: world.brand, includeSettled: false).filter {
                $0.what.hasPrefix("Call back about a low recommendation answer: 3 of 10")
            }
            #expect(callBacks.count == 1)
            try await world.react(since: mark)
            #expect(try await world.enrollments(rescue).count == 1)
            // A second NPS survey within 90 days is skipped, and says so.
            _ = try await world.app.playbooks.update(review.id, definition: nil, status: .active, brand: world.brand, actor: .system)
            try await store.enroll([
                EnrollmentDraft(
                    playbookID: review.id, version: 1, brandID: world.brand, accountID: world.account.id, contactID: world.contact.id,
                    entryKey: "again",
                    reason: "test")
            ])
            clock.set(Self.start.addingTimeInterval(3600))
            #expect(try await runner.drain() == 2 + 3, "the rescue task and the growth playbook's end, then the three steps again")
            // The second meeting, a day after 11:00 on Monday, does not clash with the first (10:00–11:00 on Tuesday).
            let invitations = try await world.outboxMail(to: "ewa@mazur.example").filter { $0.mail.subject == "Review with Mazur Logistics" }.map(
                \.mail.text)
            #expect(invitations.count == 2 && invitations.contains { $0.contains("Tuesday 8 December, 11:00–12:00 (Europe/Warsaw)") }, "\(invitations)")
            let again = try #require(try await world.enrollments(review).first { $0.reason == "test" })
            #expect(try await world.app.playbooks.stepLog(enrollment: again.id, brand: world.brand).last?.detail == "asked within the last 90 days")
        }
    }
}
