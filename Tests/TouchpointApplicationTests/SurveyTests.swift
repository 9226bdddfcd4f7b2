import Foundation
import Testing
import TouchpointApplication
import TouchpointCore
import TouchpointStore
import TouchpointTestSupport

/// Satisfaction surveys on both databases: asked by email through the outbox when an emailed
/// case is resolved, once per case and not more often than the fatigue rule; answered once by its
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
    @Test(arguments: Backend.available)
    func resultsCountResponseRatesByContactPointTeamAgentAndWeek(_ backend: Backend) async throws {
        let clock = TestClock(Self.start)
        try await withStore(backend, environment: clock.environment) { store in
            // setup: three resolved cases from three people; two by the first-line team (one assigned to the agent).
            let fixture = try await Fixture.make(store)
            let brand = fixture.brand.id
            let app = UseCases(store: store)
            _ = try await store.saveMailbox(address: "support@acme.example", brand: brand, teamID: nil, forwardsOpenForSender: false, actor: .system)
            var tokens: [String] = []
            for (index, person) in ["ala", "ola", "ela"].enumerated() {
                let opened = try await store.openCase(brand: brand, actor: nil, request: try fixture.email("\(person)@example.org", subject: "Meter \(index)"))
                let update = CaseUpdate(status: .resolved, teamID: .some(index < 2 ? fixture.team.id : nil), assigneeID: .some(index == 0 ? fixture.agent.id : nil))
                _ = try await store.updateCase(opened.case.id, brand: brand, actor: .system, update: update)
                guard case .success(let token) = try await app.surveys.askAfterResolution(caseID: opened.case.id, brand: brand) else {
                    Issue.record("no survey for \(person)")
                    return
                }
                tokens.append(token)
            }
            // act: the first answers 5, the third 2; the second does not answer.
            _ = try await app.surveys.answer(token: tokens[0], score: 5, comment: nil)
            _ = try await app.surveys.answer(token: tokens[2], score: 2, comment: nil)
            let from = Self.start.addingTimeInterval(-86_400)
            let to = Self.start.addingTimeInterval(86_400)
            // check: 3 sent, 2 answered; average 3.5; half satisfied.
            let all = try await app.surveys.results(brand: brand, kind: .csat, from: from, to: to, by: .contactPoint)
            #expect(all.total.sent == 3 && all.total.answered == 2 && all.total.average == 3.5 && all.total.score(.csat) == 50)
            #expect(all.groups.map(\.label) == ["Email"])
            let teams = try await app.surveys.results(brand: brand, kind: .csat, from: from, to: to, by: .team)
            let firstLine = try #require(teams.groups.first { $0.label == "First line" })
            #expect(firstLine.sent == 2 && firstLine.answered == 1 && firstLine.responseRate == 0.5 && firstLine.average == 5)
            #expect(teams.groups.first { $0.label == "No team" }?.answers == [2: 1])
            let agents = try await app.surveys.results(brand: brand, kind: .csat, from: from, to: to, by: .agent)
            #expect(agents.groups.first { $0.label == "Agent" }?.answers == [5: 1])
            // Monday 7 December 2026 starts its own week.
            let weeks = try await app.surveys.results(brand: brand, kind: .csat, from: from, to: to, by: .week)
            #expect(weeks.groups.map(\.key) == ["2026-12-07"] && weeks.groups.first?.sent == 3)
            // Nothing outside the period; an empty period is refused.
            #expect(try await app.surveys.results(brand: brand, kind: .csat, from: to, to: to.addingTimeInterval(86_400), by: .model).total.sent == 0)
            await #expect(throws: ValidationError.self) { try await app.surveys.results(brand: brand, kind: .nps, from: to, to: from, by: .model) }
        }
    }

    @Test func theNetPromoterScoreIsPromotersLessDetractors() {
        let rows = [(10, 3), (9, 1), (8, 2), (6, 1), (0, 1)].map {
            SurveyResults.Row(key: "email", day: CivilDate("2026-12-01")!, score: $0.0, count: $0.1)
        } + [SurveyResults.Row(key: "email", day: CivilDate("2026-12-01")!, score: nil, count: 2)]
        let results = SurveyResults.tally(rows, kind: .nps, by: .month) { $0 }
        // 4 promoters, 2 passives, 2 detractors of 8 answers: (4 − 2) / 8 = +25; 8 of 10 answered.
        #expect(results.total.score(.nps) == 25 && results.total.responseRate == 0.8)
        #expect(results.total.promoters == 4 && results.total.passives == 2 && results.total.detractors == 2)
        #expect(results.groups.map(\.key) == ["2026-12"])
    }
}
