import Foundation
import Testing
@testable import TouchpointCore

@Suite("Business calendars count business minutes exactly, across DST, holidays and split shifts")
struct BusinessCalendarTests {
    /// Mon–Fri 08:00–12:00 and 13:00–17:00 in Warsaw; Christmas Eve 2026 off, Christmas,
    /// Boxing Day and New Year every year.
    static let office = try! CalendarDefinition(
        timeZone: "Europe/Warsaw",
        weekly: ["mon": [["08:00", "12:00"], ["13:00", "17:00"]], "tue": [["08:00", "12:00"], ["13:00", "17:00"]],
                 "wed": [["08:00", "12:00"], ["13:00", "17:00"]], "thu": [["08:00", "12:00"], ["13:00", "17:00"]],
                 "fri": [["08:00", "12:00"], ["13:00", "17:00"]]],
        holidays: ["2026-12-24"], yearlyHolidays: ["12-25", "12-26", "01-01"]).calendar()

    /// Sundays 01:00–04:00 only: the DST changes in Europe happen inside these hours.
    static let sundayNight = try! CalendarDefinition(timeZone: "Europe/Warsaw", weekly: ["sun": [["01:00", "04:00"]]]).calendar()

    static let allDay = try! CalendarDefinition(
        timeZone: "Europe/Warsaw",
        weekly: Dictionary(uniqueKeysWithValues: Weekday.allCases.map { ($0.rawValue, [["00:00", "24:00"]]) })).calendar()

    struct DueCase: CustomTestStringConvertible, Sendable {
        var name: String
        var from: String
        var minutes: Double
        var expected: String
        var testDescription: String { name }
    }

    @Test(arguments: [
        DueCase(name: "inside hours", from: "2026-11-23T09:00:00+01:00", minutes: 60, expected: "2026-11-23T10:00:00+01:00"),
        DueCase(name: "opened before hours", from: "2026-11-23T06:00:00+01:00", minutes: 30, expected: "2026-11-23T08:30:00+01:00"),
        DueCase(name: "across the lunch break (split shift)", from: "2026-11-23T11:30:00+01:00", minutes: 60, expected: "2026-11-23T13:30:00+01:00"),
        DueCase(name: "ends exactly at closing", from: "2026-11-23T16:00:00+01:00", minutes: 60, expected: "2026-11-23T17:00:00+01:00"),
        DueCase(name: "over the weekend", from: "2026-11-27T16:30:00+01:00", minutes: 60, expected: "2026-11-30T08:30:00+01:00"),
        DueCase(name: "opened on Saturday", from: "2026-11-28T10:00:00+01:00", minutes: 15, expected: "2026-11-30T08:15:00+01:00"),
        DueCase(name: "over one-off and yearly holidays", from: "2026-12-23T16:30:00+01:00", minutes: 60, expected: "2026-12-28T08:30:00+01:00"),
        DueCase(name: "yearly holidays in another year", from: "2029-12-24T16:30:00+01:00", minutes: 60, expected: "2029-12-27T08:30:00+01:00"),
        DueCase(name: "a full week of business time", from: "2026-11-23T08:00:00+01:00", minutes: 40 * 60, expected: "2026-11-27T17:00:00+01:00"),
        DueCase(name: "into summer time over a weekend", from: "2026-03-27T16:00:00+01:00", minutes: 120, expected: "2026-03-30T09:00:00+02:00"),
        DueCase(name: "into winter time over a weekend", from: "2026-10-23T16:00:00+02:00", minutes: 120, expected: "2026-10-26T09:00:00+01:00"),
        DueCase(name: "zero minutes", from: "2026-11-28T10:00:00+01:00", minutes: 0, expected: "2026-11-28T10:00:00+01:00"),
        DueCase(name: "seconds are kept", from: "2026-11-23T09:00:30+01:00", minutes: 1, expected: "2026-11-23T09:01:30+01:00"),
    ])
    func officeDeadlines(_ example: DueCase) throws {
        let calendar = Self.office
        let from = try #require(calendar.parse(example.from))
        let due = try #require(calendar.adding(seconds: example.minutes * 60, to: from))
        #expect(calendar.format(due) == example.expected)
        // The inverse: exactly that many business minutes lie between the two instants.
        #expect(calendar.seconds(from: from, to: due) == example.minutes * 60)
    }

    @Test func springForwardGapShortensTheHours() throws {
        let calendar = Self.sundayNight
        // 2026-03-29: 02:00 CET jumps to 03:00 CEST, so 01:00–04:00 is two real hours.
        let from = try #require(calendar.parse("2026-03-28T12:00:00+01:00"))
        let sunday = try #require(calendar.parse("2026-03-29T00:00:00"))
        let monday = try #require(calendar.parse("2026-03-30T00:00:00"))
        #expect(calendar.seconds(from: sunday, to: monday) == 120 * 60)
        let due = try #require(calendar.adding(seconds: 150 * 60, to: from))
        #expect(calendar.format(due) == "2026-04-05T01:30:00+02:00")
        // A wall-clock time inside the gap means the first moment after it.
        #expect(calendar.format(calendar.parse("2026-03-29T02:30:00")!) == "2026-03-29T03:00:00+02:00")
    }

    @Test func fallBackOverlapLengthensTheHours() throws {
        let calendar = Self.sundayNight
        // 2026-10-25: 03:00 CEST falls back to 02:00 CET, so 01:00–04:00 is four real hours.
        let sunday = try #require(calendar.parse("2026-10-25T00:00:00+02:00"))
        let monday = try #require(calendar.parse("2026-10-26T00:00:00+01:00"))
        #expect(calendar.seconds(from: sunday, to: monday) == 240 * 60)
        let due = try #require(calendar.adding(seconds: 210 * 60, to: sunday))
        #expect(calendar.format(due) == "2026-10-25T03:30:00+01:00")
    }

    @Test func allDayCalendarFollowsRealTimeThroughDST() throws {
        let calendar = Self.allDay
        let from = try #require(calendar.parse("2026-03-29T00:00:00+01:00"))
        let due = try #require(calendar.adding(seconds: 180 * 60, to: from))
        #expect(calendar.format(due) == "2026-03-29T04:00:00+02:00")
        #expect(due.timeIntervalSince(from) == 3 * 3600)
    }

    @Test func businessMinutesBetweenInstants() throws {
        let calendar = Self.office
        func minutes(_ a: String, _ b: String) -> Double { calendar.seconds(from: calendar.parse(a)!, to: calendar.parse(b)!) / 60 }
        #expect(minutes("2026-11-23T11:00:00+01:00", "2026-11-23T14:00:00+01:00") == 120)
        #expect(minutes("2026-11-27T16:00:00+01:00", "2026-11-30T09:00:00+01:00") == 120)
        #expect(minutes("2026-11-28T00:00:00+01:00", "2026-11-29T23:59:00+01:00") == 0)
        #expect(minutes("2026-11-23T14:00:00+01:00", "2026-11-23T11:00:00+01:00") == -120)
    }

    @Test func openingAndNextOpening() throws {
        let calendar = Self.office
        #expect(calendar.isOpen(at: calendar.parse("2026-11-23T08:00:00+01:00")!))
        #expect(!calendar.isOpen(at: calendar.parse("2026-11-23T12:00:00+01:00")!))
        #expect(!calendar.isOpen(at: calendar.parse("2026-12-25T10:00:00+01:00")!))
        let next = try #require(calendar.nextOpening(atOrAfter: calendar.parse("2026-11-27T17:00:00+01:00")!))
        #expect(calendar.format(next) == "2026-11-30T08:00:00+01:00")
    }

    @Test func neverOpenCalendarHasNoDeadline() throws {
        let closed = try CalendarDefinition(timeZone: "UTC", weekly: [:]).calendar()
        #expect(closed.adding(seconds: 60, to: Date()) == nil)
    }

    @Test func twentyFourSevenNeverStops() {
        let start = Date(timeIntervalSince1970: 1_800_000_000)
        #expect(Availability.always.deadline(from: start, minutes: 90) == start.addingTimeInterval(5400))
        #expect(Availability.always.seconds(from: start, to: start.addingTimeInterval(600)) == 600)
    }

    @Test func badDefinitionsNameTheField() {
        #expect(throws: ValidationError(field: "timeZone", reason: "unknown time zone 'Mars/Olympus'; use an IANA name such as Europe/Warsaw")) {
            try CalendarDefinition(timeZone: "Mars/Olympus", weekly: [:]).calendar()
        }
        #expect(throws: ValidationError.self) { try CalendarDefinition(timeZone: "UTC", weekly: ["mon": [["17:00", "08:00"]]]).calendar() }
        #expect(throws: ValidationError.self) { try CalendarDefinition(timeZone: "UTC", weekly: ["funday": [["08:00", "17:00"]]]).calendar() }
        #expect(throws: ValidationError.self) { try CalendarDefinition(timeZone: "UTC", weekly: [:], holidays: ["2026-02-30"]).calendar() }
        #expect(throws: ValidationError.self) { try CalendarDefinition(timeZone: "UTC", weekly: ["mon": [["8:00", "25:00"]]]).calendar() }
    }

    @Test func overlappingSpansAreJoined() throws {
        let calendar = try CalendarDefinition(timeZone: "UTC", weekly: ["mon": [["08:00", "12:00"], ["11:00", "14:00"]]]).calendar()
        #expect(calendar.weekly[.mon] == [OpeningHours(start: 480, end: 840)])
    }

    @Test func iCalendarRoundTrip() throws {
        let text = Self.office.iCalendar(name: "Office, Warsaw", stamp: Date(timeIntervalSince1970: 1_800_000_000))
        #expect(text.contains("BEGIN:VTIMEZONE\r\nTZID:Europe/Warsaw"))
        #expect(text.contains("RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU"))
        #expect(text.contains("RRULE:FREQ=WEEKLY;BYDAY=MO"))
        #expect(text.contains("DTSTART;VALUE=DATE:20261224"))
        let imported = try BusinessCalendar.importing(iCalendar: text)
        #expect(imported.calendar == Self.office)
        #expect(imported.name == "Office, Warsaw")
        #expect(imported.skipped.isEmpty)
    }

    @Test func importsForeignICalendarWithFoldingAndMultiDayHolidays() throws {
        let text = """
            BEGIN:VCALENDAR\r
            VERSION:2.0\r
            BEGIN:VEVENT\r
            SUMMARY:Support desk\r
            DTSTART;TZID=America/New_York:20250106T090000\r
            DURATION:PT8H\r
            RRULE:FREQ=WEEKLY;BYDAY=MO,TU,WE,\r
             TH,FR\r
            END:VEVENT\r
            BEGIN:VEVENT\r
            SUMMARY:Winter break\r
            DTSTART;VALUE=DATE:20251224\r
            DTEND;VALUE=DATE:20251227\r
            END:VEVENT\r
            BEGIN:VEVENT\r
            SUMMARY:Team offsite\r
            DTSTART;TZID=America/New_York:20250310T100000\r
            DTEND;TZID=America/New_York:20250310T120000\r
            END:VEVENT\r
            END:VCALENDAR\r

            """
        let imported = try BusinessCalendar.importing(iCalendar: text)
        #expect(imported.calendar.timeZone.identifier == "America/New_York")
        #expect(imported.calendar.weekly[.thu] == [OpeningHours(start: 540, end: 1020)])
        #expect(imported.calendar.weekly[.sat] == nil)
        #expect(imported.calendar.holidays == [LocalDate(year: 2025, month: 12, day: 24), LocalDate(year: 2025, month: 12, day: 25), LocalDate(year: 2025, month: 12, day: 26)])
        #expect(imported.skipped.count == 1)
        #expect(throws: ValidationError.self) { try BusinessCalendar.importing(iCalendar: "hello") }
    }

    @Test func civilDatesRoundTrip() {
        for day in stride(from: -800_000, to: 800_000, by: 997) {
            let date = LocalDate(dayNumber: day)
            #expect(date.dayNumber == day)
        }
        #expect(LocalDate(year: 2026, month: 11, day: 23).weekday == .mon)
        #expect(LocalDate("2024-02-29") != nil)
        #expect(LocalDate("2026-02-29") == nil)
    }
}
