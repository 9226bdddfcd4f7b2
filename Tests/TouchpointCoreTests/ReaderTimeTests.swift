import Foundation
import Testing
@testable import TouchpointCore

@Suite("Times as a person reads them")
struct ReaderTimeTests {
    /// The words are written in the product; ICU's Polish and British English, through
    /// Foundation's DateFormatter, are the independent reference for random instants in
    /// several zones (summer and winter time included).
    @Test(arguments: [Language.en, .pl])
    func randomMomentsAgreeWithICU(_ language: Language) {
        var rng = PropertyTests.Seeded(state: language == .pl ? 48 : 44)
        let zones = ["Europe/Warsaw", "Europe/London", "America/New_York", "Asia/Kolkata", "UTC"]
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: language == .pl ? "pl_PL" : "en_GB")
        for _ in 0..<1_000 {
            let instant = Date(timeIntervalSince1970: Double(Int.random(in: 0...4_000_000_000, using: &rng)))
            let zone = TimeZone(identifier: zones.randomElement(using: &rng)!)!
            let reader = ReaderTime(zone: zone, language: language)
            formatter.timeZone = zone
            formatter.dateFormat = "EEEE d MMMM, HH:mm"
            #expect(reader.when(instant) == formatter.string(from: instant))
            formatter.dateFormat = "d MMM y, HH:mm"
            #expect(reader.moment(instant) == formatter.string(from: instant))
        }
    }

    @Test func aVisitReadsAsOneDayWithItsHours() {
        let start = Date(timeIntervalSince1970: 1_796_392_800)  // 2026-12-04 14:00 UTC
        let warsaw = ReaderTime(zoneNamed: "Europe/Warsaw", language: .pl)
        #expect(warsaw.span(start, start.addingTimeInterval(3600)) == "piątek 4 grudnia, 15:00–16:00")
        let london = ReaderTime(zoneNamed: "Europe/London", language: .en)
        #expect(london.span(start, start.addingTimeInterval(3600)) == "Friday 4 December, 14:00–15:00")
        // Across midnight both days are named.
        #expect(warsaw.span(start.addingTimeInterval(8 * 3600), start.addingTimeInterval(10 * 3600))
            == "piątek 4 grudnia, 23:00 – sobota 5 grudnia, 01:00")
        // An unknown zone name reads as UTC rather than failing.
        #expect(ReaderTime(zoneNamed: "Mars/Olympus", language: .en).clock(start) == "14:00")
    }

    @Test func deadlinesReadAsACountdown() {
        let now = Date(timeIntervalSince1970: 1_796_392_800)
        let en = ReaderTime(zoneNamed: "UTC", language: .en)
        let pl = ReaderTime(zoneNamed: "UTC", language: .pl)
        let cases: [(TimeInterval, String, String)] = [
            (35 * 60, "due in 35 min", "termin za 35 min"),
            (30, "due now", "termin teraz"),
            (2 * 3600 + 10 * 60, "due in 2 h 10 min", "termin za 2 godz. 10 min"),
            (3 * 3600, "due in 3 h", "termin za 3 godz."),
            (-21 * 3600 - 59 * 60, "breached 21 h ago", "przekroczony 21 godz. temu"),
            (-20, "breached just now", "przekroczony przed chwilą"),
            (-(3 * 86_400 + 7_200), "breached 3 days ago", "przekroczony 3 dni temu"),
            (47 * 3600 + 3599, "due in 47 h", "termin za 47 godz."),
        ]
        for (offset, english, polish) in cases {
            #expect(en.countdown(to: now.addingTimeInterval(offset), now: now) == english)
            #expect(pl.countdown(to: now.addingTimeInterval(offset), now: now) == polish)
        }
        #expect(en.relative(to: now.addingTimeInterval(-21 * 3600), now: now) == "21 h ago")
        #expect(pl.relative(to: now.addingTimeInterval(35 * 60), now: now) == "za 35 min")
        #expect(en.relative(to: now, now: now) == "now")
    }
}

@Suite("Names in the reader's language")
struct TranslatedNamesTests {
    @Test func categoriesAndTopicsReadInTheScreensLanguage() throws {
        let category = ServiceCategory(code: "B", name: "Billing and payments", averageServiceMinutes: 6, names: ["pl": "Rachunki i płatności"])
        #expect(category.name(in: .pl) == "Rachunki i płatności" && category.name(in: .en) == "Billing and payments")
        let topic = try RoutingTopic(name: "Billing", skills: [], level: .basic, labels: ["en": "Bills", "pl": "Rachunki"]).validated(field: "topics[0]")
        #expect(topic.name == "billing" && topic.label(in: .pl) == "Rachunki" && topic.label(in: .en) == "Bills")
        // Without labels, the name reads with a capital letter; a missing language falls back to English.
        #expect(RoutingTopic(name: "meter", skills: [], level: .basic).label(in: .pl) == "Meter")
        #expect(RoutingTopic(name: "meter", skills: [], level: .basic, labels: ["en": "Meter reading"]).label(in: .pl) == "Meter reading")
    }

    @Test func translationsNameAKnownLanguageAndRealWords() {
        #expect(throws: ValidationError(field: "topics[0].labels.de", reason: "a language code: en, pl")) {
            try RoutingTopic(name: "billing", skills: [], level: .basic, labels: ["de": "Rechnungen"]).validated(field: "topics[0]")
        }
        let blank = LocationSetup(categories: [ServiceCategory(code: "B", name: "Billing", averageServiceMinutes: 5, names: ["pl": "  "])],
                                  desks: [Desk(code: "1", name: "Desk 1")])
        #expect(throws: ValidationError(field: "categories[0].names.pl", reason: "must not be empty")) { try blank.validated() }
    }
}

@Suite("The display board's words")
struct BoardWordsTests {
    @Test func waitsReadInTheBrandsLanguage() {
        #expect(BoardWords(.en).wait(waiting: 3, minutes: 12) == "3 waiting · about 12 min")
        #expect(BoardWords(.en).wait(waiting: 0, minutes: nil) == "0 waiting · closed")
        #expect(BoardWords(.pl).wait(waiting: 1, minutes: 0) == "w kolejce: 1 · bez czekania")
        #expect(BoardWords(.pl).wait(waiting: 5, minutes: 7) == "w kolejce: 5 · ok. 7 min")
        #expect(BoardWords(.pl).atTheDesks == "Przy stanowiskach")
    }
}
