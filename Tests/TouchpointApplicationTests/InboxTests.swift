import Foundation
import Logging
import Testing
import TouchpointApplication
import TouchpointCore
import TouchpointStore
import TouchpointTestSupport

/// A failure the tests inject into one envelope's processing.
struct InjectedFault: Error, CustomStringConvertible {
    var description: String { "injected: the database refused the write" }
}

@Suite("The inbox: one intake path that quarantines what fails and never duplicates")
struct InboxTests {
    static var logger: Logger { .quiet("inbox-test") }

    /// An SMS message as a provider posts it, made an envelope by the SMS edge.
    static func sms(_ id: String, from: String = "+48600100200", text: String, integration: Integration, brand: Brand) throws -> NewEnvelope {
        let body = #"{"messageId": "\#(id)", "from": "\#(from)", "text": "\#(text)"}"#
        return try TextWebhook.envelope(raw: Array(body.utf8), integration: integration, brand: brand)
    }

    static func setUp(_ store: Store) async throws -> (Fixture, Integration) {
        let fixture = try await Fixture.make(store)
        let integration = try await store.createIntegration(id: "test-sms", brand: fixture.brand.id, kind: .sms, name: "SMS", secret: "s")
        return (fixture, integration)
    }

    @Test(arguments: Backend.available)
    func aFailingEnvelopeIsQuarantinedWithItsStageTheNextGoesThroughAndARerunProcessesItOnce(_ backend: Backend) async throws {
        try await withStore(backend) { store in
            // setup: the SMS handler fails for one message, after retries; the rest is real.
            let (fixture, integration) = try await Self.setUp(store)
            let real = try #require(Inbox.defaultHandlers(store: store)[.sms])
            let faulty = Inbox(
                store: store, logger: Self.logger,
                handlers: [
                    .sms: { envelope, raw in
                        if envelope.providerKey == "message:poison" { throw InjectedFault() }
                        try await real(envelope, raw)
                    }
                ], retry: RetryPolicy(maxAttempts: 2, firstDelay: .zero))
            let poison = try await faulty.accept(try Self.sms("poison", text: "My meter shows E5", integration: integration, brand: fixture.brand))
            let next = try await faulty.accept(
                try Self.sms(
                    "next", from: "+48600100201", text: "Outage in my street", integration: integration,
                    brand: fixture.brand))

            // act: the worker's pass, twice (the first failure is retried once).
            try await faulty.processPending()
            let retried = try await store.envelope(poison.id, brand: fixture.brand.id)
            try await faulty.processPending()

            // check: tried again after the first failure, quarantined after the second, with its stage and reason.
            #expect(retried.state == .received && retried.attempts == 1 && retried.stage == .record && retried.nextAttemptAt != nil)
            let quarantined = try await store.envelope(poison.id, brand: fixture.brand.id)
            #expect(quarantined.state == .quarantined && quarantined.stage == .record && quarantined.attempts == 2)
            #expect(quarantined.reason == "injected: the database refused the write")
            #expect(try await store.envelopes(brand: fixture.brand.id, state: .quarantined, limit: 10, cursor: nil).items.map(\.id) == [poison.id])
            let events = try await store.auditLog(brand: fixture.brand.id, caseID: nil, limit: 50, cursor: nil).items
            #expect(events.filter { $0.type == .intakeQuarantined }.count == 1)
            // The next envelope went through.
            let done = try await store.envelope(next.id, brand: fixture.brand.id)
            #expect(done.state == .processed && done.caseID != nil)
            let nextCase = try await store.case(try #require(done.caseID), brand: fixture.brand.id)
            #expect(nextCase.subject == "Outage in my street")

            // act: after the fix, an operator runs it again — twice, the second is refused.
            let fixed = Inbox(store: store, logger: Self.logger)
            let rerun = try await fixed.rerun(poison.id, brand: fixture.brand.id, actor: .staff(fixture.admin.id))
            await #expect(throws: StoreError.self) { _ = try await fixed.rerun(poison.id, brand: fixture.brand.id, actor: .staff(fixture.admin.id)) }
            await fixed.process(poison.id)

            // check: processed once, on one case with one interaction.
            #expect(rerun.state == .processed && rerun.stage == nil)
            let item = try await store.case(try #require(rerun.caseID), brand: fixture.brand.id)
            let interactions = try await store.interactions(caseID: item.id, brand: fixture.brand.id)
            #expect(interactions.map(\.providerMessageID) == ["poison"])
        }
    }

    @Test(arguments: Backend.available)
    func aBodyThatCannotBeReadIsQuarantinedAtOnceAtTheNormalizeStage(_ backend: Backend) async throws {
        try await withStore(backend) { store in
            // setup: an envelope whose body is not a text payload (stored by an older edge, say).
            let (fixture, integration) = try await Self.setUp(store)
            let inbox = Inbox(store: store, logger: Self.logger)
            let broken = try await inbox.accept(
                NewEnvelope(
                    brandID: fixture.brand.id, contactPoint: .sms, source: integration.id,
                    providerKey: "message:broken", lane: "x", raw: Array(#"{"text": 5}"#.utf8)))
            // act
            try await inbox.processPending()
            // check: no retries for what cannot change; the discard keeps the record, drops the body.
            let envelope = try await store.envelope(broken.id, brand: fixture.brand.id)
            #expect(envelope.state == .quarantined && envelope.stage == .normalize && envelope.attempts == 1)
            #expect(envelope.reason?.hasPrefix("the body cannot be read") == true)
            let discarded = try await store.discardEnvelope(broken.id, brand: fixture.brand.id, actor: .staff(fixture.admin.id))
            #expect(discarded.state == .discarded)
            await #expect(throws: StoreError.self) { _ = try await store.rawEnvelope(broken.id, brand: fixture.brand.id) }
        }
    }

    @Test(arguments: Backend.available)
    func processingAgainNeverDuplicatesAndARetriedDeliveryIsRecognised(_ backend: Backend) async throws {
        try await withStore(backend) { store in
            // setup
            let (fixture, integration) = try await Self.setUp(store)
            let inbox = Inbox(store: store, logger: Self.logger)
            let envelope = try Self.sms("m1", text: "Hello", integration: integration, brand: fixture.brand)
            let first = try await inbox.accept(envelope)
            // act: the provider retries; the envelope is processed, then again as if a crash had
            // lost the mark (the state put back by hand), then once more directly.
            let retry = try await inbox.accept(envelope)
            await inbox.process(first.id)
            try await store.database.write { db in
                try await db.raw("UPDATE inbox SET state = 'received' WHERE id = \(bind: first.id.uuidString.lowercased())").run()
            }
            await inbox.process(first.id)
            await inbox.process(first.id)
            // check
            #expect(!first.duplicate && retry.duplicate && retry.id == first.id)
            let processed = try await store.envelope(first.id, brand: fixture.brand.id)
            #expect(processed.state == .processed)
            let item = try await store.case(try #require(processed.caseID), brand: fixture.brand.id)
            #expect(try await store.interactions(caseID: item.id, brand: fixture.brand.id).count == 1)
            let cases = try await store.cases(brand: fixture.brand.id, filter: CaseFilter(), limit: 10, cursor: nil).items
            #expect(cases.count == 1)
        }
    }

    @Test(arguments: Backend.available)
    func theSweepTakesEveryEnvelopeACrashLeftBehindInOrderPerSender(_ backend: Backend) async throws {
        try await withStore(backend) { store in
            // setup: envelopes stored by a process that died before processing them.
            let (fixture, integration) = try await Self.setUp(store)
            var ids: [UUID] = []
            for n in 0..<20 {
                let envelope = try Self.sms(
                    "crash-\(n)", from: "+4860010030\(n % 4)", text: "Message \(n)", integration: integration, brand: fixture.brand)
                ids.append(try await store.accept(envelope).id)
            }
            // act: a new process starts its worker (its sweep reads three at a time: it must page through all).
            let inbox = Inbox(store: store, logger: Self.logger, lanes: 4, sweepPage: 3)
            let worker = Task { await inbox.run() }
            var left = ids.count
            for _ in 0..<200 where left > 0 {
                try await Task.sleep(for: .milliseconds(50))
                left = try await store.pendingEnvelopes(limit: 100).count
            }
            worker.cancel()
            await worker.value
            // check: all processed; each sender's messages on one case in the order they came.
            #expect(left == 0)
            let cases = try await store.cases(brand: fixture.brand.id, filter: CaseFilter(), limit: 10, cursor: nil).items
            #expect(cases.count == 4)
            for item in cases {
                let texts = try await store.interactions(caseID: item.id, brand: fixture.brand.id).map(\.text)
                let numbers = texts.map { Int($0.split(separator: " ")[1])! }
                #expect(numbers == numbers.sorted() && numbers.count == 5)
            }
        }
    }

    @Test func backoffGrowsWithJitterAndEndsInTheQuarantine() {
        let policy = RetryPolicy(maxAttempts: 4, firstDelay: .seconds(2), maxDelay: .seconds(5))
        #expect(policy.delay(afterAttempt: 1, random: 0.5) == .seconds(2))
        #expect(policy.delay(afterAttempt: 2, random: 0.5) == .seconds(4))
        #expect(policy.delay(afterAttempt: 3, random: 0.5) == .seconds(5), "capped")
        #expect(policy.delay(afterAttempt: 3, random: 0) == .seconds(4) && policy.delay(afterAttempt: 3, random: 1) == .seconds(6))
        #expect(policy.delay(afterAttempt: 4, random: 0.5) == nil)
    }
}

@Suite("Upgrading to the inbox")
struct InboxUpgradeTests {
    @Test(arguments: Backend.available)
    func webhookEventsMoveIntoTheInboxAndTheOnesNeverProcessedAreProcessedNow(_ backend: Backend) async throws {
        try await withStore(backend, migrateThrough: 19) { store in
            // setup: a database of the last version with the old webhook table: one event processed,
            // one unmatched report, and one a crash left `received` (the loss this issue is about).
            let brandID = try await insertOldBrand(store)
            _ = try await store.createIntegration(id: "old-sms", brand: brandID, kind: .sms, name: "SMS", secret: "s")
            let lost = #"{"messageId": "lost-1", "from": "+48600100900", "text": "Nobody answered this"}"#
            try await store.database.write { db in
                for (key, raw, state) in [
                    ("message:done-1", #"{"messageId": "done-1", "from": "+48600100901", "text": "x"}"#, "processed"),
                    ("status:x:delivered", #"{"messageId": "x", "status": "delivered"}"#, "unmatched"),
                    ("message:lost-1", lost, "received"),
                ] {
                    try await db.raw(
                        """
                        INSERT INTO webhook_events (integration_id, event_key, raw, received_at, state)
                        VALUES ('old-sms', \(bind: key), \(bind: Data(raw.utf8)), 1764000000000, \(bind: state))
                        """
                    ).run()
                }
            }
            // act: the upgrade, then the worker's pass.
            let applied = try await Migrator.migrate(store.database)
            try await Inbox(store: store, logger: InboxTests.logger).processPending()
            // check: every event is in the inbox with its key, so a provider's retry is still a duplicate;
            // the lost message is on a case now.
            #expect(applied == Array(20...Migrator.latestVersion))
            let all = try await store.envelopes(brand: brandID, state: nil, limit: 10, cursor: nil).items
            #expect(Set(all.map(\.providerKey)) == ["message:done-1", "status:x:delivered", "message:lost-1"])
            #expect(all.allSatisfy { $0.state == .processed && $0.contactPoint == .sms && $0.source == "old-sms" })
            #expect(all.first { $0.providerKey == "status:x:delivered" }?.reason == "unmatched")
            let recovered = try #require(all.first { $0.providerKey == "message:lost-1" })
            let item = try await store.case(try #require(recovered.caseID), brand: brandID)
            #expect(item.subject == "Nobody answered this")
            let retry = try await store.accept(
                NewEnvelope(
                    brandID: brandID, contactPoint: .sms, source: "old-sms", providerKey: "message:done-1",
                    lane: "x", raw: []))
            #expect(retry.duplicate)
        }
    }
}
