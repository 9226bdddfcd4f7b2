import Foundation
import Testing
import TouchpointCore
@testable import TouchpointStore
import TouchpointTestSupport

/// The intake path for email on both databases: store raw, dedupe, resolve, filter,
/// thread, quarantine.
@Suite("Mail intake: threading, duplicates, loops, bounces, forwards, quarantine")
struct MailIntakeStoreTests {
    static let mailbox = "support@acme.example"

    /// A brand with the support mailbox (forwards open for the customer).
    func setUp(_ store: Store) async throws -> Fixture {
        let fixture = try await Fixture.make(store)
        _ = try await store.saveMailbox(address: "Support@Acme.Example", brand: fixture.brand.id, teamID: fixture.team.id,
                                        forwardsOpenForSender: true, actor: .system)
        return fixture
    }

    func deliver(_ store: Store, _ text: String, from envelope: String = "sender@example.org", to recipients: [String] = [mailbox],
                 limits: MailIntakeLimits = MailIntakeLimits()) async throws -> MailIntakeResult {
        let raw = Array(text.replacingOccurrences(of: "\n", with: "\r\n").utf8)
        let ids = try await store.receiveMail(raw: raw, envelopeFrom: envelope, recipients: recipients)
        #expect(ids.count == 1)
        return try await store.processMail(ids[0], limits: limits)
    }

    func message(from: String = "Jan Kowalski <jan@example.org>", id: String, subject: String = "Meter broken", headers: String = "",
                 body: String = "My meter is broken.") -> String {
        "From: \(from)\nTo: support@acme.example\nSubject: \(subject)\nMessage-ID: <\(id)>\n\(headers)\n\(body)\n"
            .replacingOccurrences(of: "\n\n\n", with: "\n\n")
    }

    @Test(arguments: Backend.available)
    func controlCharactersAreRemovedSoEveryDatabaseTakesTheMessage(backend: Backend) async throws {
        try await withStore(backend) { store in
            // setup: NUL and other control bytes in the subject, the sender's name and the body (PostgreSQL refuses NUL in text).
            let fixture = try await setUp(store)
            // act
            let result = try await deliver(store, message(from: "Jan\u{0}Kowalski <jan@example.org>", id: "nul@example.org", subject: "Meter\u{0} broken\u{7}",
                                                          body: "My meter\u{0} is\u{1B}[31m broken."))
            // check: a case like any other, without the control characters; the raw message keeps them.
            #expect(result.outcome == .opened)
            let item = try await store.case(try #require(result.caseID), brand: fixture.brand.id)
            #expect(item.subject == "Meter broken")
            let interaction = try #require(try await store.interactions(caseID: item.id, brand: fixture.brand.id).first)
            #expect(interaction.text.trimmedWhitespace == "My meter is[31m broken.")
            let record = try await store.inboundMail(brand: fixture.brand.id, state: .processed, limit: 1, cursor: nil).items[0]
            #expect(try await store.rawMail(record.id, brand: fixture.brand.id).contains(0))
        }
    }

    @Test(arguments: Backend.available)
    func mailThatKeepsFailingIsQuarantinedAfterItsAttemptsInsteadOfRetriedForever(backend: Backend) async throws {
        try await withStore(backend) { store in
            // setup
            let fixture = try await setUp(store)
            let ids = try await store.receiveMail(raw: Array(message(id: "poison@example.org").utf8), envelopeFrom: "x@example.org",
                                                  recipients: [Self.mailbox])
            // act: three failed attempts of three allowed.
            let first = try await store.recordMailFailure(ids[0], error: "the database refused a value", maxAttempts: 3)
            let second = try await store.recordMailFailure(ids[0], error: "the database refused a value", maxAttempts: 3)
            let pendingBefore = try await store.pendingMail(limit: 10).map(\.id)
            let third = try await store.recordMailFailure(ids[0], error: "the database refused a value", maxAttempts: 3)
            // check: still waiting after two, quarantined with the reason after the third, out of the sweep's list.
            #expect(!first && !second && third)
            #expect(pendingBefore == ids)
            #expect(try await store.pendingMail(limit: 10).isEmpty)
            let record = try await store.inboundMail(ids[0], brand: fixture.brand.id)
            #expect(record.state == .quarantined && record.attempts == 3)
            #expect(record.reason == "processing failed 3 times; last: the database refused a value")
            let events = try await store.auditLog(brand: fixture.brand.id, caseID: nil, limit: 20, cursor: nil).items
            #expect(events.contains { $0.type == .mailQuarantined })
        }
    }

    @Test(arguments: Backend.available)
    func aFirstMessageOpensACaseAndRepliesThreadOntoIt(backend: Backend) async throws {
        try await withStore(backend) { store in
            let fixture = try await setUp(store)
            let first = try await deliver(store, message(id: "m1@example.org"))
            #expect(first.outcome == .opened)
            let opened = try await store.case(try #require(first.caseID), brand: fixture.brand.id)
            #expect(opened.subject == "Meter broken")
            #expect(opened.contactPoint == .email)
            #expect(opened.teamID == fixture.team.id, "the mailbox's team")

            // A reply with another subject threads by In-Reply-To.
            let reply = try await deliver(store, message(id: "m2@example.org", subject: "Something else", headers: "In-Reply-To: <m1@example.org>\n"))
            #expect(reply.outcome == .appended)
            #expect(reply.caseID == first.caseID)
            let quoting = try await deliver(store, message(id: "m3@example.org", headers: "In-Reply-To: <m2@example.org>\n",
                                                           body: "Still broken.\n\nOn Tue, 24 Nov 2026, Acme wrote:\n> We are on it"))
            #expect(quoting.caseID == first.caseID)
            let latest = try #require(try await store.interactions(caseID: opened.id, brand: fixture.brand.id).last)
            #expect(latest.metadata["fresh"] == "Still broken.")
            #expect(latest.text.contains("> We are on it"), "the full text is kept")
            // The same message delivered again (a retry, a second mailbox in copy) is a duplicate.
            let again = try await deliver(store, message(id: "m2@example.org", subject: "Something else", headers: "In-Reply-To: <m1@example.org>\n"))
            #expect(again.outcome == .duplicate)
            #expect(try await store.interactions(caseID: opened.id, brand: fixture.brand.id).count == 3)
            // The record shows what happened.
            let records = try await store.inboundMail(brand: fixture.brand.id, state: .processed, limit: 10, cursor: nil).items
            #expect(records.count == 4)
            #expect(records.allSatisfy { $0.caseID == opened.id })
            #expect(records.first?.sender == "jan@example.org")
        }
    }

    @Test(arguments: Backend.available)
    func subjectTagsThreadOnlyForTheCasesOwnPeople(backend: Backend) async throws {
        try await withStore(backend) { store in
            let fixture = try await setUp(store)
            let first = try await deliver(store, message(id: "t1@example.org"))
            let number = try #require(first.caseNumber)
            // The same person without any headers, tag in the subject: same case.
            let tagged = try await deliver(store, message(id: "t2@example.org", subject: "Re: [Acme #\(number)] Meter broken"))
            #expect(tagged.caseID == first.caseID)
            // A stranger using the tag does not get onto the case.
            let stranger = try await deliver(store, message(from: "mallory@evil.example", id: "t3@evil.example", subject: "[Acme #\(number)] hi"))
            #expect(stranger.outcome == .opened)
            #expect(stranger.caseID != first.caseID)
            // A colleague in copy answering the customer's message is theirs, on the same case.
            let colleague = try await deliver(store, message(from: "Ewa <ewa@example.org>", id: "t4@example.org", headers: "References: <t1@example.org>\n"))
            #expect(colleague.caseID == first.caseID)
            let interactions = try await store.interactions(caseID: try #require(first.caseID), brand: fixture.brand.id)
            let ewa = try await store.contacts(brand: fixture.brand.id, accountID: nil, identity: try Identity(kind: .email, raw: "ewa@example.org"),
                                               query: nil, limit: 1, cursor: nil).items.first
            #expect(interactions.last?.contactID == ewa?.id)
            #expect(interactions.last?.contactID != interactions.first?.contactID)
        }
    }

    @Test(arguments: Backend.available)
    func signedMessageIDsThreadAndForgedOnesDoNot(backend: Backend) async throws {
        try await withStore(backend) { store in
            let fixture = try await setUp(store)
            let first = try await deliver(store, message(id: "s1@example.org"))
            let number = try #require(first.caseNumber)
            let ours = try await store.outboundMessageID(caseNumber: number, brand: fixture.brand.id, domain: "acme.example")
            // A reply from an address we have never seen, to our signed Message-ID.
            let signed = try await deliver(store, message(from: "new.address@example.net", id: "s2@example.net", subject: "thanks",
                                                          headers: "In-Reply-To: <\(ours)>\n"))
            #expect(signed.caseID == first.caseID)
            let forged = "tp.\(number).abc.000000000000000000000000@acme.example"
            let attack = try await deliver(store, message(from: "mallory@evil.example", id: "s3@evil.example", headers: "In-Reply-To: <\(forged)>\n"))
            #expect(attack.outcome == .opened)
            #expect(attack.caseID != first.caseID)
            // Our own message coming back is a loop, quarantined.
            let loop = try await deliver(store, message(from: "support@acme.example", id: ours))
            #expect(loop.outcome == .quarantined)
            #expect(loop.reason?.contains("loop") == true)
        }
    }

    @Test(arguments: Backend.available)
    func closedAndMergedCasesContinueWhereTheyShould(backend: Backend) async throws {
        try await withStore(backend) { store in
            let fixture = try await setUp(store)
            let actor = Actor.staff(fixture.agent.id)
            let first = try await deliver(store, message(id: "c1@example.org"))
            let caseID = try #require(first.caseID)
            _ = try await store.updateCase(caseID, brand: fixture.brand.id, actor: actor, update: CaseUpdate(status: .resolved))
            _ = try await store.updateCase(caseID, brand: fixture.brand.id, actor: actor, update: CaseUpdate(status: .closed))
            let followUp = try await deliver(store, message(id: "c2@example.org", headers: "In-Reply-To: <c1@example.org>\n"))
            #expect(followUp.outcome == .opened)
            #expect(followUp.caseID != caseID)
            let links = try await store.links(caseID: try #require(followUp.caseID), brand: fixture.brand.id)
            #expect(links.map(\.caseID) == [caseID])

            let other = try await deliver(store, message(from: "anna@example.org", id: "c3@example.org"))
            let target = try await deliver(store, message(from: "anna@example.org", id: "c4@example.org", subject: "second"))
            _ = try await store.mergeCase(try #require(other.caseID), into: try #require(target.caseID), brand: fixture.brand.id, actor: actor)
            let toMerged = try await deliver(store, message(from: "anna@example.org", id: "c5@example.org", headers: "In-Reply-To: <c3@example.org>\n"))
            #expect(toMerged.caseID == target.caseID)
        }
    }

    @Test(arguments: Backend.available)
    func machineMailIsMarkedAndFloodsAreQuarantined(backend: Backend) async throws {
        try await withStore(backend) { store in
            let fixture = try await setUp(store)
            let auto = try await deliver(store, message(from: "robot@example.org", id: "a1@example.org", subject: "Out of office",
                                                        headers: "Auto-Submitted: auto-replied\n"))
            #expect(auto.outcome == .opened)
            #expect(auto.reason?.contains("Auto-Submitted") == true)
            let opened = try await store.case(try #require(auto.caseID), brand: fixture.brand.id)
            #expect(opened.tags == ["auto-reply"])
            let interaction = try #require(try await store.interactions(caseID: opened.id, brand: fixture.brand.id).first)
            #expect(interaction.metadata["automatic"]?.contains("auto-replied") == true)

            let limits = MailIntakeLimits(senderHourlyAutomatic: 2, senderHourlyQuarantine: 4)
            var outcomes: [MailIntakeResult] = []
            for index in 0..<6 {
                outcomes.append(try await deliver(store, message(from: "pinger@example.org", id: "p\(index)@example.org", subject: "ping \(index)"), limits: limits))
            }
            #expect(outcomes.prefix(4).allSatisfy { $0.outcome == .opened })
            #expect(outcomes[0].reason == nil)
            #expect(outcomes[2].reason?.contains("messages from this sender") == true)
            #expect(outcomes[4].outcome == .quarantined)
            #expect(outcomes[5].outcome == .quarantined)
            let quarantined = try await store.inboundMail(brand: fixture.brand.id, state: .quarantined, limit: 10, cursor: nil).items
            #expect(quarantined.count == 2)
            // An operator lets one through anyway.
            let released = try await store.rerunMail(quarantined[0].id, brand: fixture.brand.id, actor: .staff(fixture.admin.id), force: true)
            #expect(released.outcome == .opened)
            await #expect(throws: StoreError.self) { try await store.rerunMail(quarantined[0].id, brand: fixture.brand.id, actor: .system) }
        }
    }

    @Test(arguments: Backend.available)
    func unparseableMailIsQuarantinedKeptAndCanBeDiscarded(backend: Backend) async throws {
        try await withStore(backend) { store in
            let fixture = try await setUp(store)
            let garbage = "\n\u{1}\u{2} not a message at all"
            let result = try await deliver(store, garbage, from: "")
            #expect(result.outcome == .quarantined)
            #expect(result.reason == InboundMailError.noHeaders.reason)
            let record = try #require(try await store.inboundMail(brand: fixture.brand.id, state: .quarantined, limit: 5, cursor: nil).items.first)
            let raw = try await store.rawMail(record.id, brand: fixture.brand.id)
            #expect(raw == Data(garbage.replacingOccurrences(of: "\n", with: "\r\n").utf8), "kept byte for byte")
            // Processing it again changes nothing; another brand cannot see it.
            #expect(try await store.processMail(record.id).outcome == .quarantined)
            let other = try await Fixture.make(store, slug: "globex")
            await #expect(throws: StoreError.notFound("inbound mail \(record.id.text)")) { try await store.rawMail(record.id, brand: other.brand.id) }
            try await store.discardMail(record.id, brand: fixture.brand.id, actor: .staff(fixture.admin.id))
            #expect(try await store.inboundMail(record.id, brand: fixture.brand.id).state == .discarded)
            await #expect(throws: StoreError.self) { try await store.rawMail(record.id, brand: fixture.brand.id) }
        }
    }

    @Test(arguments: Backend.available)
    func bouncesMarkTheAddressAndLandOnTheCase(backend: Backend) async throws {
        try await withStore(backend) { store in
            let fixture = try await setUp(store)
            let first = try await deliver(store, message(from: "gone@example.org", id: "b1@example.org"))
            let caseID = try #require(first.caseID)
            // Our reply went out with a signed id (recorded as the outbound interaction's provider id).
            let ours = try await store.outboundMessageID(caseNumber: try #require(first.caseNumber), brand: fixture.brand.id, domain: "acme.example")
            _ = try await store.addInteraction(caseID: caseID, brand: fixture.brand.id, actor: .staff(fixture.agent.id),
                                               request: NewInteraction(direction: .outbound, body: "We are on it", providerMessageID: ours))
            let report = """
                From: MAILER-DAEMON@mx.example.org
                To: support@acme.example
                Subject: Undelivered Mail Returned to Sender
                Message-ID: <bounce1@mx.example.org>
                Content-Type: multipart/report; report-type=delivery-status; boundary=r

                --r
                Content-Type: text/plain

                Your message could not be delivered.
                --r
                Content-Type: message/delivery-status

                Reporting-MTA: dns; mx.example.org

                Final-Recipient: rfc822; gone@example.org
                Action: failed
                Status: 5.1.1
                Diagnostic-Code: smtp; 550 5.1.1 user unknown

                --r
                Content-Type: text/rfc822-headers

                Message-ID: <\(ours)>
                Subject: Re: Meter broken

                --r--
                """
            let bounce = try await deliver(store, report, from: "")
            #expect(bounce.outcome == .bounce)
            #expect(bounce.caseID == caseID)
            let note = try #require(try await store.interactions(caseID: caseID, brand: fixture.brand.id).last)
            #expect(note.direction == .internal)
            #expect(note.text.contains("gone@example.org: failed 5.1.1"))
            let failing = try await store.database.read { db in
                try await db.raw("SELECT failure FROM identities WHERE value = 'gone@example.org' AND failing_since IS NOT NULL").first()
            }
            #expect(failing != nil)
            // The bounce is not a new conversation.
            #expect(try await store.cases(brand: fixture.brand.id, filter: CaseFilter(), limit: 10, cursor: nil).items.count == 1)
        }
    }

    @Test(arguments: Backend.available)
    func aStaffForwardOpensTheCaseForTheCustomer(backend: Backend) async throws {
        try await withStore(backend) { store in
            let fixture = try await setUp(store)
            let forward = message(from: "Agent <\(fixture.agent.email)>", id: "f1@acme.example", subject: "Fwd: Invoice wrong", body: """
                Please handle.

                ---------- Forwarded message ---------
                From: Piotr Customer <piotr@example.com>
                Subject: Invoice wrong

                The invoice is wrong.
                """)
            let result = try await deliver(store, forward, from: fixture.agent.email)
            #expect(result.outcome == .opened)
            let opened = try await store.case(try #require(result.caseID), brand: fixture.brand.id)
            let contact = try await store.contact(opened.contactID, brand: fixture.brand.id)
            #expect(contact.identities.map(\.value) == ["piotr@example.com"])
            #expect(contact.name == "Piotr Customer")
            #expect(opened.subject == "Invoice wrong")
            let interaction = try #require(try await store.interactions(caseID: opened.id, brand: fixture.brand.id).first)
            #expect(interaction.metadata["forwardedBy"] == fixture.agent.email)
            // A customer forwarding something is just a customer writing.
            let customer = try await deliver(store, message(id: "f2@example.org", subject: "Fwd: look", body: "---------- Forwarded message ---------\nFrom: x@example.net\n"))
            let theirs = try await store.case(try #require(customer.caseID), brand: fixture.brand.id)
            #expect(try await store.contact(theirs.contactID, brand: fixture.brand.id).identities.map(\.value) == ["jan@example.org"])
        }
    }

    @Test(arguments: Backend.available)
    func attachmentsAreStoredOnceByContent(backend: Backend) async throws {
        try await withStore(backend) { store in
            let fixture = try await setUp(store)
            func mail(_ id: String) -> String {
                message(id: id, headers: "Content-Type: multipart/mixed; boundary=b\n", body: """
                    --b
                    Content-Type: text/plain

                    photo attached
                    --b
                    Content-Type: image/jpeg; name="meter.jpg"
                    Content-Disposition: attachment; filename="meter.jpg"
                    Content-Transfer-Encoding: base64

                    /9j/4AAQSkZJRg==
                    --b--
                    """)
            }
            let first = try await deliver(store, mail("x1@example.org"))
            _ = try await deliver(store, mail("x2@example.org"))
            let interactions = try await store.interactions(caseID: try #require(first.caseID), brand: fixture.brand.id)
            let ref = try #require(interactions.first?.attachments.first)
            #expect(ref.name == "meter.jpg")
            #expect(ref.contentType == "image/jpeg")
            #expect(ref.size == 10)
            let stored = try await store.attachment(sha256: ref.sha256, brand: fixture.brand.id)
            #expect(stored.data == Data([0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, 0x4A, 0x46, 0x49, 0x46]))
            let rows = try await store.database.read { db in try await db.raw("SELECT COUNT(*) AS n FROM attachments").first()?.int("n") }
            #expect(rows == 1, "the same bytes twice are stored once")
        }
    }

    @Test(arguments: Backend.available)
    func mailboxesBelongToOneBrand(backend: Backend) async throws {
        try await withStore(backend) { store in
            let fixture = try await setUp(store)
            let other = try await Fixture.make(store, slug: "globex")
            await #expect(throws: StoreError.conflict("the address support@acme.example receives mail for another brand")) {
                try await store.saveMailbox(address: Self.mailbox, brand: other.brand.id, teamID: nil, forwardsOpenForSender: false, actor: .system)
            }
            await #expect(throws: StoreError.notFound("mailbox nobody@acme.example")) {
                try await store.receiveMail(raw: Array("From: a@b.example\r\n\r\nx".utf8), envelopeFrom: "a@b.example", recipients: ["nobody@acme.example"])
            }
            // Copies to two brands' mailboxes are stored once per brand.
            _ = try await store.saveMailbox(address: "help@globex.example", brand: other.brand.id, teamID: nil, forwardsOpenForSender: false, actor: .system)
            _ = try await store.saveMailbox(address: "billing@acme.example", brand: fixture.brand.id, teamID: nil, forwardsOpenForSender: false, actor: .system)
            let ids = try await store.receiveMail(raw: Array("From: a@b.example\r\nMessage-ID: <two@b.example>\r\n\r\nx".utf8), envelopeFrom: "a@b.example",
                                                  recipients: ["support@acme.example", "billing@acme.example", "help@globex.example"])
            #expect(ids.count == 2)
            for id in ids { #expect(try await store.processMail(id).outcome == .opened) }
            #expect(try await store.mailboxes(brand: fixture.brand.id).map(\.address) == ["billing@acme.example", "support@acme.example"])
            try await store.deleteMailbox(address: "billing@acme.example", brand: fixture.brand.id, actor: .system)
            #expect(try await store.mailbox(address: "billing@acme.example") == nil)
        }
    }

    /// Every message of Python's email test suite (Debian's libpython3.11-testsuite, which
    /// `.ci/run` installs) goes through the whole intake: stored, then on a case or in the
    /// quarantine with a reason — never lost, never a crash.
    @Test func pythonsTestMailIsAllIngested() async throws {
        let directories = ((try? FileManager.default.contentsOfDirectory(atPath: "/usr/lib")) ?? []).filter { $0.hasPrefix("python3") }
            .map { "/usr/lib/\($0)/test/test_email/data" }
        let files = directories.flatMap { directory in
            ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).filter { $0.hasPrefix("msg_") }.map { directory + "/" + $0 }
        }
        #expect(files.count >= 40, "install libpython3.11-testsuite for the corpus")
        try await withStore(.sqlite) { store in
            let fixture = try await setUp(store)
            var outcomes: [MailIntakeResult.Outcome: Int] = [:]
            for file in files {
                let raw = try [UInt8](Data(contentsOf: URL(fileURLWithPath: file)))
                let ids = try await store.receiveMail(raw: raw, envelopeFrom: "corpus@example.org", recipients: [Self.mailbox])
                let result = try await store.processMail(ids[0], limits: MailIntakeLimits(senderHourlyAutomatic: .max, senderHourlyQuarantine: .max))
                outcomes[result.outcome, default: 0] += 1
                if result.outcome == .quarantined { #expect(result.reason?.isEmpty == false, "\(file)") }
            }
            #expect(try await store.pendingMail(limit: 1).isEmpty)
            let onCases = outcomes.filter { $0.key != .quarantined }.values.reduce(0, +)
            #expect(onCases > files.count * 3 / 4, "\(outcomes)")
            let stored = try await store.inboundMail(brand: fixture.brand.id, state: nil, limit: 200, cursor: nil).items.count
            #expect(stored == min(files.count, 200))
        }
    }
}
