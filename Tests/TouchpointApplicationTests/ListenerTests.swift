import Foundation
import Logging
import Testing
import TouchpointApplication
import TouchpointCore
import TouchpointStore
import TouchpointTestSupport

/// A listener that fails the first `failures` times it is handed an event, and counts.
final class FlakyListener: EventListener, @unchecked Sendable {
    let name = "flaky"
    let interests: Set<EventType> = [.caseCreated]
    private let lock = NSLock()
    private var failures: Int
    private(set) var handled: [UUID] = []

    init(failures: Int) { self.failures = failures }

    func handle(_ events: [DomainEvent]) async throws {
        try lock.withLock {
            if failures > 0 {
                failures -= 1
                throw InjectedFault()
            }
            handled += events.map(\.id)
        }
    }
}

@Suite("Listeners: events handed over after commit, once per event, whatever fails or restarts")
struct ListenerTests {
    static var logger: Logger { .quiet("listener-test") }

    @Test(arguments: Backend.available)
    func staffNotificationsGoOutByEmailToThoseWhoWantThemOnce(_ backend: Backend) async throws {
        try await withStore(backend) { store in
            let fixture = try await Self.brandThatMails(store)
            let brand = fixture.brand.id
            let opened = try await store.openCase(brand: brand, actor: nil, request: try fixture.email("jan@example.org", subject: "Meter broken"))
            let account = try await store.createAccount(brand: brand, actor: .system, name: "Jan's shop", profile: AccountProfile())
            let dispatcher = EventDispatcher(store: store, listeners: Listeners.all(store: store), logger: Self.logger)
            func mails() async throws -> [OutboxItem] {
                try await store.outbox(brand: brand, state: nil, limit: 50, cursor: nil).items.filter { $0.recipient == "agent@acme.example" }
            }
            // A promise owned by the agent falls due: they are told by email, once the dispatcher runs.
            _ = try await store.createCommitment(
                brand: brand, actor: .staff(fixture.agent.id), accountID: account.id, caseID: opened.case.id,
                what: "Call Jan back", dueAt: Date().addingTimeInterval(-60), ownerID: fixture.agent.id)
            #expect(try await store.fireCommitmentReminders(now: Date()) == 1)
            #expect(try await mails().isEmpty, "nothing is sent inside the transaction")
            await dispatcher.catchUp()
            let sent = try await mails()
            #expect(sent.count == 1)
            let mail = try #require(sent.first?.email?.mail)
            #expect(mail.subject == "[Acme #\(opened.case.number)] A promise is due: Call Jan back: Meter broken")
            #expect(mail.text.contains("/console/cases/\(opened.case.number)") && mail.from.address == "support@acme.example")
            let rendered = String(decoding: mail.rendered(), as: UTF8.self)
            #expect(rendered.contains("Auto-Submitted: auto-generated") && !rendered.contains("auto-replied"))

            // Handed over again (the same dispatcher, then a restarted one): still one email.
            await dispatcher.catchUp()
            await EventDispatcher(store: store, listeners: Listeners.all(store: store), logger: Self.logger).catchUp()
            #expect(try await mails().count == 1)

            // Turned off: the next one stays in the console.
            try await store.setEmailNotifications(false, userID: fixture.agent.id, brand: brand)
            _ = try await store.createCommitment(
                brand: brand, actor: .staff(fixture.agent.id), accountID: account.id, caseID: nil, what: "Send the offer",
                dueAt: Date().addingTimeInterval(-60), ownerID: fixture.agent.id)
            #expect(try await store.fireCommitmentReminders(now: Date()) == 1)
            await dispatcher.catchUp()
            #expect(try await mails().count == 1)
        }
    }

    /// A notification email is in the language its person reads: their own choice, else
    /// their brand's; a colleague who chose English keeps it on a Polish brand.
    @Test(arguments: Backend.available)
    func staffEmailsSpeakTheirPersonsLanguage(_ backend: Backend) async throws {
        try await withStore(backend) { store in
            let fixture = try await Self.brandThatMails(store)
            let brand = fixture.brand.id
            _ = try await store.updateBrand(brand, language: .pl, timeZone: nil, actor: .system)
            let account = try await store.createAccount(brand: brand, actor: .system, name: "Sklep Jana", profile: AccountProfile())
            let dispatcher = EventDispatcher(store: store, listeners: Listeners.all(store: store), logger: Self.logger)
            try await store.setStaffLanguage(.en, userID: fixture.csm.id, brand: brand)
            for owner in [fixture.agent, fixture.csm] {
                _ = try await store.createCommitment(
                    brand: brand, actor: .staff(owner.id), accountID: account.id, caseID: nil, what: "Oddzwonić do Jana",
                    dueAt: Date().addingTimeInterval(-60), ownerID: owner.id)
            }
            #expect(try await store.fireCommitmentReminders(now: Date()) == 2)
            await dispatcher.catchUp()
            let queued = try await store.outbox(brand: brand, state: nil, limit: 50, cursor: nil).items
            // The agent chose nothing: the brand's Polish.
            let polish = try #require(queued.first { $0.recipient == fixture.agent.email }?.email?.mail)
            #expect(polish.subject == "Acme: Mija termin obietnicy: Oddzwonić do Jana")
            #expect(polish.text.contains("Odpowiedz w konsoli, nie na ten e-mail.") && !polish.text.contains("Answer in the console"))
            #expect(polish.from.name == "Acme: powiadomienia")
            // The CSM chose English.
            let english = try #require(queued.first { $0.recipient == fixture.csm.email }?.email?.mail)
            #expect(english.subject == "Acme: A promise is due: Oddzwonić do Jana" && english.text.contains("Answer in the console"))
            // Read back, the person carries the choice (the console starts from it).
            #expect(try await store.staffUser(email: fixture.csm.email).language == .en)
            #expect(try await store.staffUser(email: fixture.agent.email).language == nil)
        }
    }

    /// A brand with a mailbox to send its staff emails from.
    static func brandThatMails(_ store: Store) async throws -> Fixture {
        let fixture = try await Fixture.make(store)
        _ = try await store.saveMailbox(
            address: "support@acme.example", brand: fixture.brand.id, teamID: nil, forwardsOpenForSender: false, acknowledges: false,
            actor: .system)
        return fixture
    }

    /// The id of the `case.created` event of a case.
    static func created(_ store: Store, _ fixture: Fixture, _ id: CaseID) async throws -> UUID? {
        try await store.auditLog(brand: fixture.brand.id, caseID: id, limit: 20, cursor: nil).items.first { $0.type == .caseCreated }?.id
    }

    @Test(arguments: Backend.available)
    func aFailingListenerIsRetriedInOrderAndALateCommitIsStillHandedOver(_ backend: Backend) async throws {
        let clock = TestClock(Date(timeIntervalSince1970: 1_800_000_000))
        try await withStore(backend, environment: clock.environment) { store in
            let fixture = try await Fixture.make(store)
            let flaky = FlakyListener(failures: 2)
            let dispatcher = EventDispatcher(
                store: store, listeners: [flaky], logger: Self.logger, settle: .seconds(40), lookback: .seconds(60),
                retry: RetryPolicy(maxAttempts: 5, firstDelay: .seconds(2), maxDelay: .seconds(10)))
            let first = try await store.openCase(brand: fixture.brand.id, actor: nil, request: try fixture.email("a@example.org"))
            clock.set(clock.now.addingTimeInterval(1))
            let second = try await store.openCase(brand: fixture.brand.id, actor: nil, request: try fixture.email("b@example.org"))

            // The first attempt fails: nothing after it is handed over, and the retry waits.
            #expect(await dispatcher.catchUp() == 0)
            #expect(await dispatcher.catchUp() == 0, "waiting for the backoff")
            clock.set(clock.now.addingTimeInterval(3))
            #expect(await dispatcher.catchUp() == 0, "the second attempt fails too")
            clock.set(clock.now.addingTimeInterval(10))
            #expect(await dispatcher.catchUp() == 2)
            #expect(flaky.handled == [try await Self.created(store, fixture, first.case.id), try await Self.created(store, fixture, second.case.id)])

            // A transaction that committed after later ones: its event is older than the
            // checkpoint but within the settle window, so the next sweep of that window
            // (twice per window) hands it over, once.
            let late = try await store.openCase(
                brand: fixture.brand.id, actor: nil,
                request: try fixture.email("c@example.org", at: clock.now.addingTimeInterval(-30)))
            try await store.database.write { db in
                try await db.raw(
                    "UPDATE events SET occurred_at = \(bind: Int(clock.now.addingTimeInterval(-30).timeIntervalSince1970 * 1000)) WHERE case_id = \(bind: late.case.id.text)"
                ).run()
            }
            #expect(await dispatcher.catchUp() == 0, "a round reads only the last second behind its checkpoint")
            clock.set(clock.now.addingTimeInterval(20))
            #expect(await dispatcher.catchUp() == 1)
            #expect(await dispatcher.catchUp() == 0)
            #expect(flaky.handled.last == (try await Self.created(store, fixture, late.case.id)))
            #expect(try await store.listenerCheckpoint("flaky") != nil)
        }
    }

    /// A backlog far longer than one batch: stopping the dispatcher (as SIGTERM does) ends
    /// the round after the batch at hand rather than after the whole backlog, and the next
    /// start hands over the rest from the checkpoint.
    @Test(arguments: Backend.available)
    func aStopEndsALongCatchUpAfterTheBatchAtHand(_ backend: Backend) async throws {
        let clock = TestClock(Date(timeIntervalSince1970: 1_800_000_000))
        try await withStore(backend, environment: clock.environment) { store in
            let fixture = try await Fixture.make(store)
            for index in 0..<12 {
                clock.set(clock.now.addingTimeInterval(1))
                _ = try await store.openCase(brand: fixture.brand.id, actor: nil, request: try fixture.email("c\(index)@example.org"))
            }
            let slow = SlowListener()
            let dispatcher = EventDispatcher(store: store, listeners: [slow], logger: Self.logger, lookback: .seconds(600), batch: 2)
            let stop = StopBox()
            slow.onFirst = { stop.stop() }
            let running = Task { await dispatcher.run() }
            stop.watch(running)
            await running.value
            #expect(slow.handled.count == 2, "one batch of two, not the twelve of the backlog")
            // The next start goes on from the checkpoint (the look-back may hand some again).
            await EventDispatcher(store: store, listeners: [slow], logger: Self.logger, lookback: .seconds(600), batch: 2).catchUp()
            #expect(Set(slow.handled).count == 12)
        }
    }
}

/// Counts what it is handed and calls `onFirst` after the first batch.
final class SlowListener: EventListener, @unchecked Sendable {
    let name = "slow"
    let interests: Set<EventType> = [.caseCreated]
    private let lock = NSLock()
    private(set) var handled: [UUID] = []
    var onFirst: (@Sendable () -> Void)?

    func handle(_ events: [DomainEvent]) async throws {
        let first = lock.withLock { () -> Bool in
            let first = handled.isEmpty
            handled += events.map(\.id)
            return first
        }
        if first { onFirst?() }
    }
}

/// Cancels a task when asked, also when asked before the task is known.
final class StopBox: @unchecked Sendable {
    private let lock = NSLock()
    private var task: Task<Void, Never>?
    private var asked = false

    func watch(_ task: Task<Void, Never>) {
        let cancelNow = lock.withLock { () -> Bool in
            self.task = task
            return asked
        }
        if cancelNow { task.cancel() }
    }

    func stop() {
        let task = lock.withLock { () -> Task<Void, Never>? in
            asked = true
            return self.task
        }
        task?.cancel()
    }
}
