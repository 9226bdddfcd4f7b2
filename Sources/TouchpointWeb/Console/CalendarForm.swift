import Foundation
import TouchpointCore

/// A business calendar as a weekly grid: for each day its opening spans (from, until), one
/// empty span to add with, and the holidays as lists (yearly days and single dates), with
/// a button that adds Poland's public holidays.
enum CalendarForm {
    static let days: [(Weekday, String)] = [
        (.mon, "Monday"), (.tue, "Tuesday"), (.wed, "Wednesday"), (.thu, "Thursday"), (.fri, "Friday"), (.sat, "Saturday"), (.sun, "Sunday"),
    ]
    static let polishDays: [Weekday: String] = [
        .mon: "Poniedziałek", .tue: "Wtorek", .wed: "Środa", .thu: "Czwartek", .fri: "Piątek", .sat: "Sobota", .sun: "Niedziela",
    ]
    /// Spans a day may have (the calendar's own limit).
    static let maxSpans = 24

    // MARK: calendar → fields

    static func values(name: String, of calendar: BusinessCalendar) -> [String: String] {
        var values = [
            "name": name, "timeZone": calendar.timeZone.identifier,
            "yearly": calendar.yearlyHolidays.sorted().map(\.description).joined(separator: "\n"),
            "dated": calendar.holidays.sorted().map(\.description).joined(separator: "\n"),
        ]
        for (day, _) in days {
            for (index, span) in (calendar.weekly[day] ?? []).sorted().enumerated() {
                values["\(day.rawValue)-from-\(index)"] = span.pair[0]
                values["\(day.rawValue)-until-\(index)"] = span.pair[1]
            }
        }
        return values
    }

    /// A new calendar's starting point: Monday to Friday 08:00–16:00 in Warsaw.
    static let blank: [String: String] = {
        var values = ["name": "", "timeZone": "Europe/Warsaw", "yearly": "", "dated": ""]
        for (day, _) in days.prefix(5) {
            values["\(day.rawValue)-from-0"] = "08:00"
            values["\(day.rawValue)-until-0"] = "16:00"
        }
        return values
    }()

    /// The submitted fields, as they came, with the filled spans of each day first.
    static func values(from form: HTMLForm) -> [String: String] {
        var values = ["name": form["name"] ?? "", "timeZone": form["timeZone"] ?? "", "yearly": form["yearly"] ?? "", "dated": form["dated"] ?? ""]
        for (day, _) in days {
            var kept = 0
            for index in 0..<maxSpans {
                let from = form["\(day.rawValue)-from-\(index)"]?.trimmingCharacters(in: .whitespaces) ?? ""
                let until = form["\(day.rawValue)-until-\(index)"]?.trimmingCharacters(in: .whitespaces) ?? ""
                guard !from.isEmpty || !until.isEmpty else { continue }
                values["\(day.rawValue)-from-\(kept)"] = from
                values["\(day.rawValue)-until-\(kept)"] = until
                kept += 1
            }
        }
        return values
    }

    /// The fields with Poland's public holidays added: the fixed days as yearly, the days
    /// that move with Easter dated for `years`.
    static func addingPolishHolidays(to values: [String: String], years: ClosedRange<Int>) -> [String: String] {
        let holidays = PublicHolidays.poland(years: years)
        var copy = values
        func merged(_ typed: String, _ added: [String]) -> String {
            var lines = typed.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            for line in added where !lines.contains(line) { lines.append(line) }
            return lines.sorted().joined(separator: "\n")
        }
        copy["yearly"] = merged(values["yearly"] ?? "", holidays.yearly.map(\.description))
        copy["dated"] = merged(values["dated"] ?? "", holidays.dated.map(\.description))
        return copy
    }

    // MARK: fields → calendar

    /// The name and definition the fields describe; an error names the day and span as the
    /// grid shows them ("Tuesday, hours 2: …").
    static func definition(from values: [String: String]) throws(ValidationError) -> (name: String, CalendarDefinition) {
        var weekly: [String: [[String]]] = [:]
        for (day, label) in days {
            for index in 0..<maxSpans {
                let from = values["\(day.rawValue)-from-\(index)"] ?? ""
                let until = values["\(day.rawValue)-until-\(index)"] ?? ""
                guard !from.isEmpty || !until.isEmpty else { continue }
                let place = (Pages.speaking ?? .en) == .pl ? "\(polishDays[day] ?? label), godziny \(index + 1)" : "\(label), hours \(index + 1)"
                guard !from.isEmpty, !until.isEmpty else { throw ValidationError(field: place, reason: "write both when it opens and when it closes") }
                do {
                    _ = try OpeningHours([from, until], field: place)
                } catch {
                    throw ValidationError(field: place, reason: error.reason)
                }
                weekly[day.rawValue, default: []].append([from, until])
            }
        }
        let lines = { (name: String) in
            (values[name] ?? "").split(whereSeparator: { $0.isNewline || $0 == "," }).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        }
        let definition = CalendarDefinition(timeZone: (values["timeZone"] ?? "").trimmingCharacters(in: .whitespaces), weekly: weekly,
                                            holidays: lines("dated"), yearlyHolidays: lines("yearly"))
        do {
            _ = try definition.calendar()
        } catch {
            let field = error.field.hasPrefix("yearlyHolidays") ? "Closed every year" : error.field.hasPrefix("holidays") ? "Closed on dates"
                : error.field == "timeZone" ? "Time zone" : error.field
            throw ValidationError(field: field, reason: error.reason)
        }
        let name = (values["name"] ?? "").trimmingCharacters(in: .whitespaces)
        guard !name.isEmpty else { throw ValidationError(field: "Name", reason: "give the calendar a name") }
        return (name, definition)
    }

    // MARK: the form's view

    struct Span {
        var fromName: String
        var untilName: String
        var number: Int
        var from: String
        var until: String
    }

    struct DayRow {
        var day: String
        var label: String
        var spans: [Span]
    }

    struct View {
        /// `new` or the calendar's id.
        var key: String
        var name: String
        var timeZone: String
        var days: [DayRow]
        var yearly: String
        var dated: String
        var isNew: Bool
    }

    static func view(key: String, _ values: [String: String], _ say: Language) -> View {
        let rows = days.map { day, english in
            let label = say == .pl ? polishDays[day] ?? english : english
            let written = (0..<maxSpans).filter { !(values["\(day.rawValue)-from-\($0)"] ?? "").isEmpty || !(values["\(day.rawValue)-until-\($0)"] ?? "").isEmpty }
            let count = min(maxSpans, (written.last.map { $0 + 1 } ?? 0) + 1)
            return DayRow(day: day.rawValue, label: label, spans: (0..<count).map { index in
                Span(fromName: "\(day.rawValue)-from-\(index)", untilName: "\(day.rawValue)-until-\(index)", number: index + 1, from: values["\(day.rawValue)-from-\(index)"] ?? "",
                     until: values["\(day.rawValue)-until-\(index)"] ?? "")
            })
        }
        return View(key: key, name: values["name"] ?? "", timeZone: values["timeZone"] ?? "", days: rows, yearly: values["yearly"] ?? "",
                    dated: values["dated"] ?? "", isNew: key == "new")
    }
}
