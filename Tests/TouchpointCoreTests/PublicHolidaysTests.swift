import Foundation
import Testing
@testable import TouchpointCore

@Suite("Poland's public holidays, and lengths of time as administrators type them")
struct PublicHolidaysTests {
    static let fixture = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/holidays/easter.txt")

    @Test func easterAgreesWithAnIndependentComputusFor1418Years() throws {
        let expected = try String(contentsOf: Self.fixture, encoding: .utf8).split(separator: "\n").map(String.init)
        #expect(expected.count == 1418)
        var wrong: [String] = []
        for (offset, line) in expected.enumerated() {
            let ours = PublicHolidays.easter(1583 + offset).description
            if ours != line { wrong.append("\(1583 + offset): \(ours), expected \(line)") }
        }
        #expect(wrong.isEmpty, "\(wrong.prefix(5))")
    }

    @Test func polandHasThirteenDaysOffAYearFrom2025AndTheMovingOnesFollowEaster() throws {
        let holidays = PublicHolidays.poland(years: 2026...2027)
        // Nine fixed days and Christmas Eve, every year.
        #expect(holidays.yearly.map(\.description) == ["01-01", "01-06", "05-01", "05-03", "08-15", "11-01", "11-11", "12-24", "12-25", "12-26"])
        // Easter Sunday and Monday, Pentecost and Corpus Christi (the calendar's facts for 2026 and 2027).
        #expect(holidays.dated.map(\.description) == [
            "2026-04-05", "2026-04-06", "2026-05-24", "2026-06-04", "2027-03-28", "2027-03-29", "2027-05-16", "2027-05-27",
        ])
        #expect(holidays.named.filter { $0.date.year == 2026 }.count == 14)
        #expect(holidays.named.first { $0.date == LocalDate(year: 2026, month: 6, day: 4) }?.name == "Boże Ciało")
        // Before 2025 Christmas Eve was a working day, so a range reaching back dates it instead.
        let earlier = PublicHolidays.poland(years: 2024...2025)
        #expect(!earlier.yearly.contains(MonthDay(month: 12, day: 24)))
        #expect(earlier.dated.contains(LocalDate(year: 2025, month: 12, day: 24)) && !earlier.dated.contains(LocalDate(year: 2024, month: 12, day: 24)))
        // A calendar with them is closed on Corpus Christi 2026 and open the day after.
        let calendar = try CalendarDefinition(
            timeZone: "Europe/Warsaw", weekly: ["thu": [["08:00", "16:00"]], "fri": [["08:00", "16:00"]]],
            holidays: holidays.dated.map(\.description), yearlyHolidays: holidays.yearly.map(\.description)).calendar()
        #expect(calendar.isHoliday(LocalDate(year: 2026, month: 6, day: 4)))
        #expect(!calendar.isHoliday(LocalDate(year: 2026, month: 6, day: 5)))
    }

    @Test(arguments: [
        ("45", 45), ("45 min", 45), ("4 h", 240), ("4h", 240), ("1 h 30 min", 90), ("1h30m", 90), ("1:30", 90), ("1.5 h", 90), ("1,5 h", 90),
        ("2 godz.", 120), ("8760 h", 525_600), ("0 min", 0), (" 30 minutes ", 30),
    ])
    func aTypedLengthIsReadExactly(typed: String, minutes: Int) throws {
        #expect(try MinutesField.minutes(typed, field: "Normal priority, first response") == minutes)
    }

    @Test(arguments: ["", "soon", "4 d", "1:3", "h", "1 h 1 h", "0.3 min", "-5", "1e9 h", "4 h 30"])
    func anUnreadableLengthIsNamedWithItsField(typed: String) {
        #expect(throws: ValidationError.self) { try MinutesField.minutes(typed, field: "High priority, resolution") }
        do {
            _ = try MinutesField.minutes(typed, field: "High priority, resolution")
        } catch {
            #expect(error.field == "High priority, resolution" && error.reason.contains("'\(typed)'"))
        }
    }

    @Test func everyLengthReadsBackAsItIsShown() throws {
        for minutes in [0, 1, 59, 60, 61, 90, 240, 1439, 1440, 2880, 525_600] {
            let shown = MinutesField.text(minutes)
            #expect(try MinutesField.minutes(shown, field: "x") == minutes, "\(shown)")
        }
        #expect(MinutesField.text(90) == "1 h 30 min" && MinutesField.text(1440) == "24 h" && MinutesField.text(45) == "45 min")
    }
}
