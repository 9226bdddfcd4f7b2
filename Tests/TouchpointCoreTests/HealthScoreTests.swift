import Foundation
import Testing

@testable import TouchpointCore

/// Computed health: signals scored on their own, weighted, missing ones left out with the
/// rest renormalised, contributions that add up to the score; the trend and churn risk with
/// their reasons; the settings an admin may send.
struct HealthScoreTests {
    let settings = HealthSettings.defaults
    let today = CivilDate("2026-12-05")!

    @Test func aQuietAccountWithNothingWrongIsFullyHealthyAndSaysWhatWasLeftOut() {
        let report = HealthScore.compute(HealthInputs(model: .lowTouch, contacts: 3), settings: settings)
        #expect(report.score == 100)
        // No surveys, no invoices, no usage imported, no outreach: left out, not counted as bad.
        #expect(Set(report.missing) == [.csat, .nps, .overdueInvoices, .usage, .engagement])
        #expect(report.components.map(\.signal) == [.openCases, .caseAge, .slaBreaches, .escalations, .contactFrequency])
        #expect(report.components.allSatisfy { $0.score == 100 })
    }

    @Test func missingSignalsGiveTheirWeightToTheRest() {
        // One bad signal among present ones weighs more when others are missing.
        let inputs = HealthInputs(model: .lowTouch, slaBreaches: 4, contacts: 3)
        let sparse = HealthScore.compute(inputs, settings: settings)
        // Breaches score 0 with weight 15 of the present 50 (10+10+15+10+5): 100·35/50 = 70.
        #expect(sparse.score == 70)
        var full = inputs
        full.csat = (5, 3)
        full.nps = (10, 1)
        full.invoices = .init(overdue: 0, oldestOverdueDays: 0)
        full.usage = (80, 100)
        full.engagement = (2, 4)
        // With every signal present and perfect, breaches cost exactly their 15 points.
        #expect(HealthScore.compute(full, settings: settings).score == 85)
    }

    @Test(arguments: 0..<300)
    func contributionsAlwaysAddUpToTheScore(_ seed: Int) {
        var rng = PropertyTests.Seeded(state: UInt64(seed) &* 7919 &+ 1)
        func maybe<T>(_ value: @autoclosure () -> T) -> T? { Bool.random(using: &rng) ? value() : nil }
        let model = ServiceModel.allCases.randomElement(using: &rng)
        let openCases = Int.random(in: 0...5, using: &rng)
        let oldest = maybe(Double.random(in: 0...40, using: &rng))
        let csat = maybe((Double.random(in: 1...5, using: &rng), Int.random(in: 1...9, using: &rng)))
        let nps = maybe((Double.random(in: 0...10, using: &rng), Int.random(in: 1...5, using: &rng)))
        let invoices = maybe(
            HealthInputs.InvoiceFacts(overdue: Int.random(in: 0...2, using: &rng), oldestOverdueDays: Int.random(in: 0...120, using: &rng)))
        let usage = maybe((Double.random(in: 0...120, using: &rng), Double.random(in: 1...100, using: &rng)))
        let inputs = HealthInputs(
            model: model, openCases: openCases, oldestOpenDays: oldest, slaBreaches: Int.random(in: 0...4, using: &rng),
            escalations: Int.random(in: 0...3, using: &rng), csat: csat, nps: nps, invoices: invoices,
            contacts: Int.random(in: 0...60, using: &rng), usage: usage)
        var weights: [HealthSignal: Int] = [:]
        var left = 100
        for signal in HealthSignal.allCases.dropLast() {
            let weight = Int.random(in: 0...left, using: &rng) / 2
            weights[signal] = weight
            left -= weight
        }
        weights[.usage] = left
        let custom = HealthSettings(weights: weights, windowDays: 90, expectedContacts: settings.expectedContacts)
        let report = HealthScore.compute(inputs, settings: custom)
        let sum = report.components.reduce(0) { $0 + $1.contribution }
        if report.components.isEmpty { #expect(report.score == 50) } else { #expect(abs(sum - Double(report.score)) < 1e-9) }
        #expect((0...100).contains(report.score))
        // Each contribution stays within a tenth of a point of its exact share.
        let present = report.components.reduce(0) { $0 + $1.weight }
        for component in report.components {
            #expect(abs(component.contribution - Double(component.weight) * component.score / Double(present)) <= 0.6)
        }
    }

    @Test func contactFrequencyIsReadAgainstTheModel() {
        func score(_ model: ServiceModel, _ contacts: Int) -> HealthComponent? {
            HealthScore.compute(HealthInputs(model: model, contacts: contacts), settings: settings).components.first {
                $0.signal == .contactFrequency
            }
        }
        // High touch expects at least 4 conversations in 90 days: silence is a bad sign.
        #expect(score(.highTouch, 0)?.score == 0)
        #expect(score(.highTouch, 2)?.score == 50)
        #expect(score(.highTouch, 10)?.score == 100)
        // Tech touch expects at most 6: twice that halves the signal, three times empties it.
        #expect(score(.techTouch, 12)?.score == 50)
        #expect(score(.techTouch, 18)?.score == 0)
        #expect(score(.techTouch, 12)?.explanation == "12 conversations in 90 days; at most 6 expected for this service model")
        // Without a model there is nothing to compare with.
        #expect(HealthScore.compute(HealthInputs(model: nil), settings: settings).missing.contains(.contactFrequency))
    }

    @Test func explanationsReadAsSentences() {
        let report = HealthScore.compute(
            HealthInputs(
                model: .midTouch, openCases: 1, oldestOpenDays: 12.4, csat: (2.5, 4),
                invoices: .init(overdue: 1, oldestOverdueDays: 40), contacts: 5, usage: (21, 60)),
            settings: settings)
        let text = Dictionary(uniqueKeysWithValues: report.components.map { ($0.signal, $0.explanation) })
        #expect(text[.openCases] == "1 open case")
        #expect(text[.caseAge] == "The oldest open case has waited 12 days")
        #expect(text[.csat] == "Satisfaction 2.5 of 5 from 4 answers")
        #expect(text[.overdueInvoices] == "1 overdue invoice, the oldest 40 days past due")
        #expect(text[.usage] == "35% of licensed users active (21 of 60)")
        #expect(report.components.first { $0.signal == .usage }?.score == 50)
    }

    @Test func findingsReadInPolishWithTheirPluralForms() {
        let report = HealthScore.compute(
            HealthInputs(
                model: .midTouch, openCases: 2, oldestOpenDays: 22, slaBreaches: 3, csat: (2.5, 4),
                invoices: .init(overdue: 1, oldestOverdueDays: 1), contacts: 5, usage: (21, 60)),
            settings: settings)
        let text = Dictionary(uniqueKeysWithValues: report.components.map { ($0.signal, $0.finding.words(.pl)) })
        #expect(text[.openCases] == "2 otwarte sprawy")
        #expect(text[.caseAge] == "Najstarsza otwarta sprawa czeka 22 dni")
        #expect(text[.slaBreaches] == "Przekroczone terminy odpowiedzi w ostatnich 90 dniach: 3")
        #expect(text[.csat] == "Zadowolenie 2,5 z 5 (odpowiedzi: 4)")
        #expect(text[.overdueInvoices] == "Zaległe faktury: 1, najstarsza 1 dzień po terminie")
        #expect(text[.usage] == "Aktywni użytkownicy: 35% licencji (21 z 60)")
        #expect(text[.contactFrequency] == "Rozmowy w ostatnich 90 dniach: 5, tak jak zakłada ten model obsługi")
        // The English stays what the API and events have always said.
        #expect(report.components.first { $0.signal == .slaBreaches }?.explanation == "3 response times missed in 90 days")
        #expect(HealthFinding.openCases(5).words(.pl) == "5 otwartych spraw")
        #expect(HealthFinding.openCases(1).words(.pl) == "1 otwarta sprawa")
        #expect(HealthFinding.openCases(0).words(.pl) == "Brak otwartych spraw")
        #expect(HealthFinding.oldestCaseWaited(days: 0.4).words(.pl) == "Najstarsza otwarta sprawa czeka krócej niż dzień")
        #expect(HealthSignal.overdueInvoices.label(.pl) == "Zaległe faktury")
    }

    @Test func churnReasonsReadInPolish() {
        let falling = HealthTrend(direction: .falling, change: -22, since: today.adding(days: -30), points: [])
        let high = ChurnAssessment.assess(
            score: 35, trend: falling, renewalOn: today.adding(days: 20), today: today, stage: .adoption,
            inputs: HealthInputs(slaBreaches: 3, invoices: .init(overdue: 1, oldestOverdueDays: 31)))
        #expect(
            high.reasons(.pl) == [
                "Niska kondycja (35 ze 100)", "Kondycja spadła o 22 pkt od 5 listopada 2026",
                "Odnowienie 25 grudnia 2026, za 20 dni, a kondycja jest poniżej 60",
                "Ostatnio przekroczone terminy odpowiedzi: 3", "Faktura 31 dni po terminie",
            ])
        #expect(ChurnReason.renewalNear(on: today.adding(days: 1), inDays: 1, healthBelow60: false).words(.pl)
                == "Odnowienie 6 grudnia 2026, za 1 dzień, a kondycja spada")
    }

    @Test func theTrendComparesWithAboutAMonthAgo() {
        let history = [
            HealthPoint(day: today.adding(days: -40), score: 90), HealthPoint(day: today.adding(days: -31), score: 80),
            HealthPoint(day: today.adding(days: -10), score: 75), HealthPoint(day: today, score: 1),
        ]
        let trend = HealthTrend.of(score: 62, today: today, history: history)
        #expect(trend.direction == .falling && trend.change == -18 && trend.since == today.adding(days: -31))
        // Today's earlier snapshot is replaced, not compared with.
        #expect(trend.points.last == HealthPoint(day: today, score: 62) && trend.points.count == 4)
        // Shorter history: the first snapshot; none at all: steady, since nothing.
        #expect(HealthTrend.of(score: 70, today: today, history: [HealthPoint(day: today.adding(days: -3), score: 60)]).direction == .rising)
        #expect(HealthTrend.of(score: 70, today: today, history: []).since == nil)
        #expect(HealthTrend.of(score: 62, today: today, history: [HealthPoint(day: today.adding(days: -30), score: 65)]).direction == .steady)
    }

    @Test func churnRiskAddsUpItsReasons() {
        let falling = HealthTrend(direction: .falling, change: -22, since: today.adding(days: -30), points: [])
        let high = ChurnAssessment.assess(
            score: 35, trend: falling, renewalOn: today.adding(days: 20), today: today, stage: .adoption,
            inputs: HealthInputs(slaBreaches: 3))
        #expect(high.risk == .high)
        #expect(
            high.reasons == [
                "Health is low (35 of 100)", "Health fell 22 points since 2026-11-05",
                "Renewal on 2026-12-25, in 20 days, while health is below 60", "3 response times missed lately",
            ])
        let steady = HealthTrend(direction: .steady, change: 0, since: today.adding(days: -30), points: [])
        let medium = ChurnAssessment.assess(
            score: 55, trend: steady, renewalOn: today.adding(days: 60), today: today, stage: .adoption,
            inputs: HealthInputs())
        #expect(medium.risk == .medium && medium.reasons.count == 2)
        let low = ChurnAssessment.assess(
            score: 82, trend: steady, renewalOn: today.adding(days: 20), today: today, stage: .renewal,
            inputs: HealthInputs(escalations: 1))
        #expect(low.risk == .low && low.reasons == ["1 case escalated lately"])
        #expect(ChurnAssessment.assess(score: 90, trend: steady, renewalOn: nil, today: today, stage: .churned, inputs: HealthInputs()).risk == .high)
    }

    @Test func settingsAreCheckedFieldByField() throws {
        var bad = settings
        bad.weights[.csat] = 40
        #expect(throws: ValidationError.self) { try bad.validated() }
        bad = settings
        bad.weights[.csat] = -5
        bad.weights[.nps] = 30
        #expect { try bad.validated() } throws: { ($0 as? ValidationError)?.field == "weights.csat" }
        bad = settings
        bad.expectedContacts[.highTouch] = ContactExpectation(min: 5, max: 2)
        #expect { try bad.validated() } throws: { ($0 as? ValidationError)?.field == "expectedContacts.highTouch" }
        // The wire form names signals and models; unknown ones are refused by name.
        let decoded = try JSONDecoder().decode(HealthSettings.self, from: Data(#"{"weights": {"csat": 50, "usage": 50}, "windowDays": 30}"#.utf8))
        #expect(decoded.weight(.csat) == 50 && decoded.weight(.openCases) == 0 && decoded.windowDays == 30)
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(HealthSettings.self, from: Data(#"{"weights": {"mood": 100}}"#.utf8)) }
        let round = try JSONDecoder().decode(HealthSettings.self, from: try JSONEncoder().encode(settings))
        #expect(round == settings)
    }

    @Test func civilDaysCountAndAddAcrossMonthsAndLeapYears() {
        #expect(CivilDate("1970-01-01")!.ordinal == 0)
        #expect(CivilDate("2024-03-01")!.days(since: CivilDate("2024-02-28")!) == 2)
        #expect(CivilDate("2026-12-05")!.adding(days: 30).description == "2027-01-04")
        var day = CivilDate("1999-12-25")!
        for _ in 0..<3000 {
            let next = day.adding(days: 1)
            #expect(next > day && next.days(since: day) == 1)
            day = next
        }
        // Python: date(1999, 12, 25) + timedelta(3000) == date(2008, 3, 12).
        #expect(day.description == "2008-03-12")
        #expect(CivilDate("2024-03-01")!.ordinal == 19_783)
    }
}
