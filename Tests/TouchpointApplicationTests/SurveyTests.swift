import Foundation
import Testing
import TouchpointApplication
import TouchpointCore
import TouchpointStore
import TouchpointTestSupport

/// Satisfaction surveys on both databases: asked by email through the outbox when a case is
/// resolved, once per case and not more often than the fatigue rule; answered once by its
/// link, expiring; the answer on the case and in the account's health; a low answer followed
/// up by the named CSM's task, or the case reopened where no CSM serves.
struct SurveyTests {
    static let start = ISO8601DateFormatter().date(from: "2026-12-07T09:00:00Z")!

    /// The token in the email's "5 — …" link.
    static func token(_ store: Store, brand: BrandID, caseID: CaseID) async throws -> String? {
        let items = try await store.outbox(brand: brand, state: nil, limit: 100, cursor: nil).items.filter { $0.caseID == caseID }
        for item in items {
            guard case .email(let message) = item.content, message.mail.subject.hasPrefix("How did we do?") else { continue }
            let text = message.mail.text
            guard let range = text.range(of: #"/survey/[A-Za-z0-9_-]+\?score=5"#, options: .regularExpression) else { continue }
            return String(text[range].dropFirst("/survey/".count).dropLast("?score=5".count))
        }
        return nil
    }

    @Test(arguments: Backend.available)
    func aResolvedCaseIsAskedOnceAndALowAnswerIsFollowedUp(_ backend: Backend) async throws {
        let clock = TestClock(Self.start)
        try await withStore(backend, environment: clock.environment) { store in
            let fixture = try await Fixture.make(store)
            let brand = fixture.brand.id
            let app = UseCases(store: store, publicURL: "https://help.example")
            _ = try await store.saveMailbox(address: "support@acme.example", brand: brand, teamID: nil, forwardsOpenForSender: false, actor: .system)
            let account = try await store.createAccount(
                brand: brand, actor: .system, name: "Wodociągi Gdańsk",
                profile: AccountProfile(
                    annualValue: 60_000, ownerCSM: fixture.csm.id))
            _ = try await store.createContact(
                brand: brand, actor: .system, accountID: account.id, name: "Ewa Mazur", title: nil, preferredContactPoint: .email,
                identities: [try Identity(kind: .email, raw: "ewa@wodociagi.example")])
            let listener = SurveyListener(surveys: app.surveys)
            func resolve(_ subject: String) async throws -> CaseID {
                let opened = try await store.openCase(brand: brand, actor: nil, request: try fixture.email("ewa@wodociagi.example", subject: subject))
                _ = try await store.updateCase(opened.case.id, brand: brand, actor: .staff(fixture.agent.id), update: CaseUpdate(status: .resolved))
                let events = try await store.events(brand: brand, since: Self.start.addingTimeInterval(-60), limit: 500)
                // Handed over twice, as after a crash: still one survey.
                try await listener.handle(events.filter { $0.caseID == opened.case.id }.reversed())
                try await listener.handle(events.filter { $0.caseID == opened.case.id }.reversed())
                return opened.case.id
            }
            let first = try await resolve("Brak wody")
            let token = try #require(try await Self.token(store, brand: brand, caseID: first))
            let mails = try await store.outbox(brand: brand, state: nil, limit: 100, cursor: nil).items.filter { $0.caseID == first }
            #expect(mails.count == 1 && mails.first?.recipient == "ewa@wodociagi.example")
            if case .email(let message)? = mails.first?.content {
                #expect(message.mail.text.contains("https://help.example/survey/\(token)?score=1"))
                #expect(message.mail.automatic)
            }
            // The page knows the case; the answer is taken once.
            let view = try #require(try await app.surveys.survey(token: token))
            #expect(view.kind == .csat && view.caseSubject == "Brak wody" && view.score == nil && !view.expired)
            #expect(try await app.surveys.answer(token: token, score: 2, comment: "Trwało za długo") == .recorded(lowScore: true))
            #expect(try await app.surveys.answer(token: token, score: 5, comment: nil) == .alreadyAnswered)
            #expect(try await app.surveys.survey(token: token)?.score == 2)
            #expect(try await app.surveys.answer(token: "not-a-token", score: 5, comment: nil) == .unknown)
            await #expect(throws: StoreError.self) { try await app.surveys.answer(token: token, score: 9, comment: nil) }

            // The answer is on the case; the low score gives the CSM a task, once.
            let answered = try await store.events(brand: brand, since: Self.start, limit: 500).filter { $0.type == .surveyAnswered }
            #expect(answered.count == 1 && answered.first?.caseID == first && answered.first?.payload["comment"] == .string("Trwało za długo"))
            try await listener.handle(answered)
            try await listener.handle(answered)
            let tasks = try await store.commitments(accountID: account.id, brand: brand, includeSettled: false)
            #expect(tasks.count == 1 && tasks.first?.ownerID == fixture.csm.id && tasks.first?.what.contains("2 of 5: “Trwało za długo”") == true)
            // And it counts in health.
            let health = try await app.health.health(account: account.id, brand: brand)
            #expect(health.report.components.first { $0.signal == .csat }?.explanation == "Satisfaction 2.0 of 5 from 1 answer")

            // Fatigue: a second case resolved two days later is not asked; after a week it is.
            clock.set(Self.start.addingTimeInterval(2 * 86_400))
            let second = try await resolve("Ciśnienie")
            #expect(try await Self.token(store, brand: brand, caseID: second) == nil)
            #expect(try await app.surveys.askAfterResolution(caseID: second, brand: brand) == .failure(.askedRecently))
            clock.set(Self.start.addingTimeInterval(8 * 86_400))
            let third = try await resolve("Licznik")
            let later = try #require(try await Self.token(store, brand: brand, caseID: third))
            // Links expire.
            clock.set(Self.start.addingTimeInterval(23 * 86_400))
            #expect(try await app.surveys.survey(token: later)?.expired == true)
            #expect(try await app.surveys.answer(token: later, score: 5, comment: nil) == .expired)
        }
    }

    @Test(arguments: Backend.available)
    func withoutANamedCSMALowAnswerReopensTheCase(_ backend: Backend) async throws {
        let clock = TestClock(Self.start)
        try await withStore(backend, environment: clock.environment) { store in
            let fixture = try await Fixture.make(store)
            let brand = fixture.brand.id
            let app = UseCases(store: store)
            _ = try await store.saveMailbox(address: "support@acme.example", brand: brand, teamID: nil, forwardsOpenForSender: false, actor: .system)
            let opened = try await store.openCase(brand: brand, actor: nil, request: try fixture.email("jan@example.org", subject: "Faktura"))
            _ = try await store.updateCase(opened.case.id, brand: brand, actor: .system, update: CaseUpdate(status: .resolved))
            guard case .success(let token) = try await app.surveys.askAfterResolution(caseID: opened.case.id, brand: brand) else {
                Issue.record("no survey sent")
                return
            }
            #expect(try await app.surveys.answer(token: token, score: 1, comment: nil) == .recorded(lowScore: true))
            #expect(try await app.surveys.comment(token: token, text: "Nikt nie oddzwonił"))
            #expect(try await app.surveys.comment(token: token, text: "again") == false, "one comment per answer")
            let answered = try await store.events(brand: brand, since: Self.start, limit: 500).filter {
                $0.type == .surveyAnswered && $0.payload["followUp"] == .bool(true)
            }
            try await SurveyListener(surveys: app.surveys).handle(answered)
            let item = try await store.case(opened.case.id, brand: brand)
            #expect(item.status == .open && item.priority == .high)
            // A brand that asks only its high-touch customers does not ask this one.
            _ = try await app.surveys.setSettings(SurveySettings(csatModels: [.highTouch]), brand: brand)
            let other = try await store.openCase(brand: brand, actor: nil, request: try fixture.email("jan@example.org", subject: "Licznik"))
            _ = try await store.updateCase(other.case.id, brand: brand, actor: .system, update: CaseUpdate(status: .resolved))
            #expect(try await app.surveys.askAfterResolution(caseID: other.case.id, brand: brand) == .failure(.modelNotAsked))
        }
    }
}
