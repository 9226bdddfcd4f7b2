import Foundation
import Testing
import TouchpointApplication
import TouchpointCore
import TouchpointStore
import TouchpointTestSupport

/// Computed health on both databases, from real history: open cases, missed response times,
/// an overdue invoice, imported product use and conversations; the score's components add
/// up; churn risk looks at the renewal; a segmentation rule on churn risk moves the account to
/// a more personal model; the trend after a month; the CSM book; events recompute at once.
struct AccountHealthTests {
    static let start = ISO8601DateFormatter().date(from: "2026-12-05T09:00:00Z")!

    @Test(arguments: Backend.available)
    func healthIsComputedFromTheHistoryAndMovesAFallingAccount(_ backend: Backend) async throws {
        let clock = TestClock(Self.start)
        try await withStore(backend, environment: clock.environment) { store in
            let fixture = try await Fixture.make(store)
            let brand = fixture.brand.id
            let app = UseCases(store: store)
            let account = try await store.createAccount(
                brand: brand, actor: .system, name: "Elektrownia Wiatrowa Bałtyk",
                profile: AccountProfile(
                    annualValue: 60_000, complexity: .medium, stage: .adoption, renewalOn: CivilDate("2026-12-25")))
            #expect(account.serviceModel == .midTouch)
            let contact = try await store.createContact(
                brand: brand, actor: .system, accountID: account.id, name: "Zofia Wiśniewska", title: nil,
                preferredContactPoint: .email, identities: [try Identity(kind: .email, raw: "zofia@baltyk.example")])
            _ = contact
            let first = try await store.openCase(
                brand: brand, actor: nil, request: try fixture.email("zofia@baltyk.example", subject: "Licznik nie działa"))
            _ = try await store.openCase(brand: brand, actor: nil, request: try fixture.email("zofia@baltyk.example", subject: "Faktura za listopad"))
            // Ten days on, both cases have missed their targets.
            clock.set(Self.start.addingTimeInterval(10 * 86_400))
            _ = try await store.fireDueSLAs(now: clock.now)
            let report = try await store.importInvoices(
                [
                    InvoiceDraft(
                        number: "FV/2026/10/1", customer: account.id.text, issuedOn: CivilDate("2026-10-01")!,
                        dueOn: CivilDate("2026-10-31")!, amountMinor: 120_000, paidMinor: 0, currency: "PLN")
                ],
                brand: brand, actor: .system)
            #expect(report.rejected.isEmpty)
            let view = try await app.health.importUsage(
                [
                    UsageDay(day: CivilDate("2026-12-14")!, activeUsers: 14, licensedUsers: 40),
                    UsageDay(day: CivilDate("2026-12-15")!, activeUsers: 14, licensedUsers: 40),
                ],
                account: account.id, brand: brand)
            let byID = Dictionary(uniqueKeysWithValues: view.report.components.map { ($0.signal, $0) })
            #expect(byID[.openCases]?.value == 2)
            #expect(byID[.caseAge]?.explanation == "The oldest open case has waited 10 days")
            let breaches = try #require(byID[.slaBreaches])
            #expect(breaches.value >= 2 && breaches.score < 100, "both cases missed a response time")
            #expect(byID[.overdueInvoices]?.explanation == "1 overdue invoice, the oldest 45 days past due")
            #expect(byID[.usage]?.explanation == "35% of licensed users active (14 of 40)")
            #expect(byID[.contactFrequency]?.value == 2, "two emails in the window")
            #expect(Set(view.report.missing) == [.csat, .nps, .engagement])
            #expect(abs(view.report.components.reduce(0) { $0 + $1.contribution } - Double(view.report.score)) < 1e-9)
            #expect(view.report.score < 60)
            #expect(view.churn.risk == .high)
            #expect(view.churn.reasons.contains("Renewal on 2026-12-25, in 10 days, while health is below 60"))
            #expect(view.trend.since == nil && view.trend.points.count == 1)
            // The account carries it: what segmentation, the API and the book read.
            var stored = try await store.account(account.id, brand: brand)
            #expect(stored.profile.healthScore == view.report.score && stored.profile.churnRisk == .high)

            // A rule on churn risk gives falling accounts a named advisor.
            var rules = RuleSet.defaults
            rules.rules.insert(
                SegmentationRule(
                    name: "Save the account", model: .highTouch,
                    conditions: [SegmentCondition(.churnRisk, .eq, .text("high"))]), at: 0)
            _ = try await store.setSegmentationRules(rules, brand: brand, actor: .system)
            stored = try await store.account(account.id, brand: brand)
            #expect(stored.serviceModel == .highTouch)
            #expect(stored.modelExplanation?.contains("churn risk high") == true)

            // A month later the cases are solved and the invoice paid: health rises, the
            // trend says since when, and the risk falls back — and with it the model.
            for id in [first.case.id] { _ = try await store.updateCase(id, brand: brand, actor: .system, update: CaseUpdate(status: .resolved)) }
            clock.set(Self.start.addingTimeInterval(41 * 86_400))
            let open = try await store.cases(brand: brand, filter: CaseFilter(statuses: [.new, .open, .pending]), limit: 10, cursor: nil)
            for item in open.items { _ = try await store.updateCase(item.id, brand: brand, actor: .system, update: CaseUpdate(status: .resolved)) }
            _ = try await store.importInvoices(
                [
                    InvoiceDraft(
                        number: "FV/2026/10/1", customer: account.id.text, issuedOn: CivilDate("2026-10-01")!,
                        dueOn: CivilDate("2026-10-31")!, amountMinor: 120_000, paidMinor: 120_000, currency: "PLN")
                ],
                brand: brand, actor: .system)
            let pass = try await app.health.recompute(brand: brand)
            #expect(pass.accounts == 1 && pass.riskChanged == 1 && pass.modelChanged == 1)
            let later = try await app.health.health(account: account.id, brand: brand)
            #expect(later.report.score > view.report.score)
            #expect(later.trend.direction == .rising && later.trend.since == CivilDate("2026-12-15"))
            #expect(later.trend.points.map(\.score) == [view.report.score, later.report.score])
            #expect(later.churn.risk != .high)
            stored = try await store.account(account.id, brand: brand)
            #expect(stored.serviceModel != .highTouch)
            // The move of the risk is on the account's timeline with its reasons (the first
            // computation, which replaced a typed-in guess, is not a move; the model the move
            // gave back changes what contact frequency expects, which may move it once more).
            let events = try await store.events(brand: brand, since: Self.start, limit: 500).filter { $0.type == .accountHealthChanged }
            #expect((1...2).contains(events.count) && events.allSatisfy { $0.accountID == account.id })
            #expect(events.contains { $0.payload["from"] == .object(["score": .int(view.report.score), "churnRisk": .string("high")]) })
            #expect(!events.contains { $0.payload["from"] == .object(["score": .int(50), "churnRisk": .string("low")]) })
        }
    }

    @Test(arguments: Backend.available)
    func theBookShowsHealthRenewalAndTheNextTouchAndEventsRecomputeAtOnce(_ backend: Backend) async throws {
        let clock = TestClock(Self.start)
        try await withStore(backend, environment: clock.environment) { store in
            let fixture = try await Fixture.make(store)
            let brand = fixture.brand.id
            let app = UseCases(store: store)
            let key = try await store.createAccount(
                brand: brand, actor: .system, name: "Huta Pokój",
                profile: AccountProfile(
                    annualValue: 80_000, complexity: .low, stage: .renewal, ownerCSM: fixture.csm.id, renewalOn: CivilDate("2027-02-01")))
            let small = try await store.createAccount(
                brand: brand, actor: .system, name: "Piekarnia Kowalski", profile: AccountProfile(annualValue: 100))
            _ = try await store.createContact(
                brand: brand, actor: .system, accountID: key.id, name: "Jan Nowak", title: nil, preferredContactPoint: .email,
                identities: [try Identity(kind: .email, raw: "jan@huta.example")])
            _ = try await store.createCommitment(
                brand: brand, actor: .system, accountID: key.id, caseID: nil, what: "Quarterly review",
                dueAt: Self.start.addingTimeInterval(7 * 86_400), ownerID: fixture.csm.id)
            #expect(try await app.health.dailyPass() == 2)
            #expect(try await app.health.dailyPass() == 0, "computed today already")
            let book = try await app.accountModels.csmBook(brand: brand)
            #expect(book.accounts.map(\.id) == [key.id], "only accounts a named CSM serves")
            let entry = try #require(book.accounts.first)
            #expect(entry.renewalOn == CivilDate("2027-02-01") && entry.nextTouch?.what == "Quarterly review")
            let keyScore = try await store.account(key.id, brand: brand).profile.healthScore
            #expect(entry.trend == .steady && entry.healthScore == keyScore)
            _ = small

            // A new case reaches the score through the listener, without waiting for tomorrow.
            let before = try await store.account(key.id, brand: brand).profile.healthScore
            let opened = try await store.openCase(brand: brand, actor: nil, request: try fixture.email("jan@huta.example", subject: "Awaria"))
            let created = try await store.events(brand: brand, since: Self.start, limit: 500).filter {
                $0.type == .caseCreated && $0.caseID == opened.case.id
            }
            try await HealthListener(health: app.health).handle(created)
            let after = try await app.health.health(account: key.id, brand: brand)
            #expect(after.report.components.first { $0.signal == .openCases }?.value == 1)
            // Before: no conversation in 90 days of a mid-touch account (two expected) scores 0 with
            // weight 5 of the present 50: 100·45/50 = 90. One open case costs 2 of its 10 points;
            // the first conversation earns half of its 5: (800+1000+1500+1000+250)/50 = 91.
            #expect(after.report.components.first { $0.signal == .contactFrequency }?.value == 1)
            #expect(before == 90 && after.report.score == 91, "\(before) → \(after.report.score)")
        }
    }
}
