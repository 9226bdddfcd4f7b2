import Foundation
import Logging
import SQLKit
import Testing
import TouchpointApplication
import TouchpointCore
import TouchpointStore
import TouchpointTestSupport

/// Surveys on the contact point the customer used, on both databases: a text asked by SMS
/// and answered by replying with a number through the one intake path; a phone call asked by
/// SMS; web chat, portal and kiosk asked where the customer is, with nothing sent; WhatsApp
/// outside its 24-hour window and a walk-in without a kiosk identity fall back.
struct SurveyContactPointTests {
    static let start = ISO8601DateFormatter().date(from: "2026-12-07T09:00:00Z")!

    static func sms(_ id: String, from: String, text: String, integration: Integration, brand: Brand) throws -> NewEnvelope {
        let body = try JSONSerialization.data(withJSONObject: ["messageId": id, "from": from, "text": text])
        return try TextWebhook.envelope(raw: Array(body), integration: integration, brand: brand)
    }

    static func surveys(_ store: Store, brand: BrandID) async throws -> [(point: String, score: Int?, comment: String?)] {
        try await store.database.read { db in
            try await db.raw("SELECT contact_point, score, comment FROM surveys WHERE brand_id = \(bind: brand.text) ORDER BY sent_at, id").all().map
            {
                (
                    try $0.decode(column: "contact_point", as: String.self), try $0.decode(column: "score", as: Int?.self),
                    try $0.decode(column: "comment", as: String?.self)
                )
            }
        }
    }

    @Test(arguments: Backend.available)
    func aTextIsAnsweredWithANumberAndTheOtherContactPointsAskWhereTheCustomerIs(_ backend: Backend) async throws {
        let clock = TestClock(Self.start)
        try await withStore(backend, environment: clock.environment) { store in
            let fixture = try await Fixture.make(store)
            let brand = fixture.brand.id
            let app = UseCases(store: store, publicURL: "https://help.example")
            _ = try await store.saveMailbox(address: "support@acme.example", brand: brand, teamID: nil, forwardsOpenForSender: false, actor: .system)
            let integration = try await store.createIntegration(id: "sms", brand: brand, kind: .sms, name: "SMS", secret: "s")
            let inbox = Inbox(store: store, logger: .quiet("inbox"))
            let listener = SurveyListener(surveys: app.surveys)
            func resolve(_ caseID: CaseID) async throws {
                // A minute apart, so the surveys' order is the order they were asked in.
                clock.set(clock.now.addingTimeInterval(60))
                let before = clock.now
                _ = try await store.updateCase(caseID, brand: brand, actor: .staff(fixture.agent.id), update: CaseUpdate(status: .resolved))
                try await listener.handle(try await store.events(brand: brand, since: before, limit: 500).filter { $0.caseID == caseID })
            }
            func texts() async throws -> [OutboxItem] {
                let page = try await store.outbox(brand: brand, state: nil, contactPoints: [.sms, .whatsApp], limit: 100, cursor: nil)
                return page.items
            }
            func mails() async throws -> [OutboxItem] {
                try await store.outbox(brand: brand, state: nil, limit: 100, cursor: nil).items.filter { $0.contactPoint == .email }
            }

            // A request by SMS is asked by SMS, with a link for those who would rather tap.
            _ = try await inbox.accept(
                try Self.sms("m1", from: "+48600100200", text: "No water since 6", integration: integration, brand: fixture.brand))
            try await inbox.processPending()
            let smsCase = try #require(try await store.cases(brand: brand, filter: CaseFilter(), limit: 10, cursor: nil).items.first)
            try await resolve(smsCase.id)
            let asked = try #require(try await texts().first, "newest first")
            guard case .text(let content) = asked.content else { throw Failure("not a text: \(asked.content)") }
            #expect(asked.recipient == "+48600100200" && asked.caseID == smsCase.id)
            #expect(content.text.contains("Reply with a number from 1") && content.text.contains("https://help.example/survey/"))
            #expect(try await mails().isEmpty, "asked once, on the contact point used")

            // The reply "4 …" answers it: no new case, the case stays resolved, a thank-you text goes back.
            clock.set(clock.now.addingTimeInterval(60))
            _ = try await inbox.accept(
                try Self.sms("m2", from: "+48600100200", text: "4 – quick, thank you", integration: integration, brand: fixture.brand))
            try await inbox.processPending()
            #expect(try await Self.surveys(store, brand: brand).map(\.score) == [4])
            #expect(try await Self.surveys(store, brand: brand).first?.comment == "quick, thank you")
            #expect(try await store.cases(brand: brand, filter: CaseFilter(), limit: 10, cursor: nil).items.count == 1)
            #expect(try await store.case(smsCase.id, brand: brand).status == .resolved)
            if case .text(let thanks)? = try await texts().first?.content { #expect(thanks.text == "Acme: thank you for your answer.") }
            let answered = try await store.events(brand: brand, since: Self.start, limit: 500).filter { $0.type == .surveyAnswered }
            #expect(answered.count == 1 && answered.first?.caseID == smsCase.id && answered.first?.payload["contactPoint"] == .string("sms"))
            // The envelope is processed, marked as the answer it was.
            let envelopes = try await store.envelopes(brand: brand, state: nil, limit: 10, cursor: nil).items
            #expect(envelopes.allSatisfy { $0.state == .processed })

            // Once answered, a number is an ordinary message again: it opens a new request.
            clock.set(clock.now.addingTimeInterval(60))
            _ = try await inbox.accept(try Self.sms("m3", from: "+48600100200", text: "5", integration: integration, brand: fixture.brand))
            try await inbox.processPending()
            #expect(try await store.cases(brand: brand, filter: CaseFilter(), limit: 10, cursor: nil).items.count == 2)
            #expect(try await Self.surveys(store, brand: brand).map(\.score) == [4])

            // A phone call cannot carry a survey: the caller is asked by SMS.
            let call = try await store.openCase(
                brand: brand, actor: nil,
                request: OpenCase(contactPoint: .phone, from: try Identity(kind: .phone, raw: "+48600100300"), subject: "Call", body: "Meter"))
            try await resolve(call.case.id)
            #expect(try await Self.surveys(store, brand: brand).last?.point == "sms")
            #expect(try await texts().first?.recipient == "+48600100300")

            // Web chat, the portal and the kiosk: nothing is sent; the survey waits there.
            let sentBefore = try await texts().count + mails().count
            let portal = try await store.openCase(
                brand: brand, actor: nil,
                request: OpenCase(contactPoint: .portal, from: try Identity(kind: .email, raw: "ola@example.org"), subject: "Bill", body: "Why?"))
            try await resolve(portal.case.id)
            clock.set(clock.now.addingTimeInterval(60))
            let kiosk = try await store.openCase(
                brand: brand, actor: nil,
                request: OpenCase(contactPoint: .kiosk, from: Identity(storedKind: .customerNumber, value: "C-20001"), subject: "Kiosk", body: "Card")
            )
            try await resolve(kiosk.case.id)
            #expect(try await texts().count + mails().count == sentBefore)
            let inPlace = try await Self.surveys(store, brand: brand).suffix(2).map(\.point)
            #expect(inPlace == ["portal", "kiosk"])
            let waiting = try #require(try await app.surveys.waiting(contact: portal.case.contactID, brand: brand, on: .portal))
            #expect(waiting.caseReference == "Acme-\(portal.case.number)" && waiting.kind == .csat)
            #expect(try await app.surveys.waiting(contact: portal.case.contactID, brand: brand, on: .kiosk) == nil)
            #expect(try await app.surveys.answer(waiting, brand: brand, score: 5, comment: "Clear", on: .portal) == .recorded(lowScore: false))
            #expect(try await app.surveys.waiting(contact: portal.case.contactID, brand: brand, on: .portal) == nil)
            // Another contact cannot answer a survey shown to someone else.
            var stolen = try #require(try await app.surveys.waiting(contact: kiosk.case.contactID, brand: brand, on: .kiosk))
            stolen.contactID = portal.case.contactID
            #expect(try await app.surveys.answer(stolen, brand: brand, score: 1, comment: nil, on: .kiosk) == .unknown)
            // A survey shown in place expires like a link.
            clock.set(clock.now.addingTimeInterval(15 * 86_400))
            #expect(try await app.surveys.waiting(contact: kiosk.case.contactID, brand: brand, on: .kiosk) == nil)

            // WhatsApp outside its 24-hour window, and a walk-in with no number the kiosk knows: by email.
            _ = try await store.createIntegration(id: "out-wa", brand: brand, kind: .whatsApp, name: "WhatsApp", secret: "w")
            _ = try await store.createContact(
                brand: brand, actor: .system, accountID: nil, name: "Wiktor", title: nil, preferredContactPoint: nil,
                identities: [try Identity(kind: .whatsApp, raw: "+48600100400"), try Identity(kind: .email, raw: "wa@example.org")])
            let wa = try await store.openCase(
                brand: brand, actor: nil,
                request: OpenCase(
                    contactPoint: .whatsApp, from: try Identity(kind: .whatsApp, raw: "+48600100400"), subject: "WA", body: "Hi",
                    occurredAt: clock.now.addingTimeInterval(-2 * 86_400)))
            try await resolve(wa.case.id)
            clock.set(clock.now.addingTimeInterval(60))
            let walkIn = try await store.openCase(
                brand: brand, actor: nil,
                request: OpenCase(contactPoint: .inPerson, from: try Identity(kind: .email, raw: "desk@example.org"), subject: "Desk", body: "Form"))
            try await resolve(walkIn.case.id)
            #expect(try await Self.surveys(store, brand: brand).suffix(2).map(\.point) == ["email", "email"])
            #expect(Set(try await mails().map(\.recipient)).isSuperset(of: ["wa@example.org", "desk@example.org"]))
        }
    }

    @Test(arguments: Backend.available)
    func aPlaybookAsksForARecommendationBySMSAndTheReplyAnswersIt(_ backend: Backend) async throws {
        let clock = TestClock(Self.start)
        try await withStore(backend, environment: clock.environment) { store in
            let fixture = try await Fixture.make(store)
            let brand = fixture.brand.id
            let app = UseCases(store: store, publicURL: "https://help.example")
            let integration = try await store.createIntegration(id: "sms", brand: brand, kind: .sms, name: "SMS", secret: "s")
            let account = try await store.createAccount(
                brand: brand, actor: .system, name: "Mazur Logistics", profile: AccountProfile(annualValue: 40_000, ownerCSM: fixture.csm.id))
            let contact = try await store.createContact(
                brand: brand, actor: .system, accountID: account.id, name: "Ewa Mazur", title: nil, preferredContactPoint: .sms,
                identities: [try Identity(kind: .phone, raw: "+48600100500")])
            // A survey step on a contact point that cannot carry one is refused at save.
            await #expect(throws: ValidationError.self) {
                try await app.playbooks.create(
                    PlaybookDefinition(
                        name: "Ask", trigger: .on(.contactCreated),
                        steps: [PlaybookStep(id: "ask", type: .survey, contactPoint: .kiosk, survey: .nps)]), brand: brand, actor: .system)
            }
            let playbook = try await app.playbooks.create(
                PlaybookDefinition(
                    name: "Ask", trigger: .on(.contactCreated), steps: [PlaybookStep(id: "ask", type: .survey, contactPoint: .sms, survey: .nps)]),
                brand: brand, actor: .system)
            try await store.enroll([
                EnrollmentDraft(
                    playbookID: playbook.id, version: 1, brandID: brand, accountID: account.id, contactID: contact.id, entryKey: "t", reason: "test")
            ])
            let runner = PlaybookRunner(store: store, address: PublicAddress(configured: "https://help.example"), owner: "test")
            #expect(try await runner.drain() == 1)
            let page = try await store.outbox(brand: brand, state: nil, contactPoints: [.sms], limit: 10, cursor: nil)
            guard case .text(let asked)? = page.items.first?.content else { throw Failure("no text sent") }
            #expect(page.items.first?.recipient == "+48600100500" && asked.text.contains("from 0 (not at all) to 10"))

            // "2 never answered the phone": a detractor's answer, with its comment, and the CSM is asked to call back.
            let inbox = Inbox(store: store, logger: .quiet("inbox"))
            clock.set(clock.now.addingTimeInterval(600))
            let mark = clock.now
            _ = try await inbox.accept(
                try Self.sms("r1", from: "+48600100500", text: "2 never answered the phone", integration: integration, brand: fixture.brand))
            try await inbox.processPending()
            #expect(try await store.cases(brand: brand, filter: CaseFilter(), limit: 10, cursor: nil).items.isEmpty)
            let answered = try await store.events(brand: brand, since: mark, limit: 50).filter { $0.type == .surveyAnswered }
            #expect(answered.first?.payload["score"] == .int(2) && answered.first?.payload["comment"] == .string("never answered the phone"))
            try await SurveyListener(surveys: app.surveys).handle(answered)
            let tasks = try await store.commitments(accountID: account.id, brand: brand, includeSettled: false)
            #expect(tasks.contains { $0.ownerID == fixture.csm.id && $0.what.contains("2 of 10: “never answered the phone”") })
            let thanks = try await store.outbox(brand: brand, state: nil, contactPoints: [.sms], limit: 10, cursor: nil).items.first
            if case .text(let text)? = thanks?.content { #expect(text.text.contains("we will get back to you")) }
        }
    }
}

struct Failure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
