import Foundation

/// A business calendar as JSON (the CLI's calendar file and the API's calendar body):
/// `{"timeZone": "Europe/Warsaw", "weekly": {"mon": [["08:00","12:00"],["13:00","17:00"]]},
/// "holidays": ["2026-12-25"], "yearlyHolidays": ["01-01"]}`. Days without an entry are
/// closed; times are local wall-clock; spans are half-open.
public struct CalendarDefinition: Codable, Equatable, Sendable {
    public var timeZone: String
    public var weekly: [String: [[String]]]
    public var holidays: [String]?
    public var yearlyHolidays: [String]?

    public init(timeZone: String, weekly: [String: [[String]]], holidays: [String]? = nil, yearlyHolidays: [String]? = nil) {
        self.timeZone = timeZone
        self.weekly = weekly
        self.holidays = holidays
        self.yearlyHolidays = yearlyHolidays
    }

    /// The calendar this definition describes, or the first thing wrong with it.
    public func calendar() throws(ValidationError) -> BusinessCalendar {
        var hours: [Weekday: [OpeningHours]] = [:]
        for (key, spans) in weekly {
            guard let day = Weekday(rawValue: key.lowercased()) else {
                throw ValidationError(field: "weekly.\(key)", reason: "unknown day; expected one of: mon, tue, wed, thu, fri, sat, sun")
            }
            guard spans.count <= 24 else { throw ValidationError(field: "weekly.\(key)", reason: "at most 24 spans a day") }
            for (index, pair) in spans.enumerated() {
                hours[day, default: []].append(try OpeningHours(pair, field: "weekly.\(key)[\(index)]"))
            }
        }
        var dates: Set<LocalDate> = []
        for (index, text) in (holidays ?? []).enumerated() {
            guard let date = LocalDate(text) else {
                throw ValidationError(field: "holidays[\(index)]", reason: "must be a date YYYY-MM-DD, got '\(text)'")
            }
            dates.insert(date)
        }
        var yearly: Set<MonthDay> = []
        for (index, text) in (yearlyHolidays ?? []).enumerated() {
            guard let day = MonthDay(text) else {
                throw ValidationError(field: "yearlyHolidays[\(index)]", reason: "must be a day MM-DD, got '\(text)'")
            }
            yearly.insert(day)
        }
        guard dates.count + yearly.count <= 2000 else { throw ValidationError(field: "holidays", reason: "at most 2000 holidays") }
        return try BusinessCalendar(timeZone: timeZone, weekly: hours, holidays: dates, yearlyHolidays: yearly)
    }

    /// The normalized definition of a calendar (days in order, holidays sorted).
    public init(_ calendar: BusinessCalendar) {
        var weekly: [String: [[String]]] = [:]
        for (day, spans) in calendar.weekly { weekly[day.rawValue] = spans.map(\.pair) }
        self.init(timeZone: calendar.timeZone.identifier, weekly: weekly,
                  holidays: calendar.holidays.sorted().map(\.description),
                  yearlyHolidays: calendar.yearlyHolidays.sorted().map(\.description))
    }
}
