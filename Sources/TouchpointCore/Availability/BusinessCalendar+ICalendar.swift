import Foundation

/// iCalendar (RFC 5545) exchange for business calendars: opening hours travel as weekly
/// recurring events, holidays as all-day events (yearly ones with `RRULE:FREQ=YEARLY`).
extension BusinessCalendar {
    /// The calendar as an iCalendar document, with a VTIMEZONE for its zone.
    public func iCalendar(name: String, stamp: Date) -> String {
        let tzid = timeZone.identifier
        var lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Touchpoint//Business calendar//EN", "CALSCALE:GREGORIAN",
                     "X-WR-CALNAME:" + ICalendarText.escape(name), "X-WR-TIMEZONE:" + tzid]
        lines += vtimezone()
        let dtstamp = ICalendarText.utcStamp(stamp)
        // 2024-01-01 was a Monday: weekly events are anchored in that week.
        let monday = LocalDate(year: 2024, month: 1, day: 1).dayNumber
        for day in Weekday.allCases {
            for span in weekly[day] ?? [] {
                let date = LocalDate(dayNumber: monday + day.index)
                let endDate = span.end == 1440 ? LocalDate(dayNumber: date.dayNumber + 1) : date
                lines += ["BEGIN:VEVENT",
                          "UID:hours-\(day.rawValue)-\(span.start)-\(span.end)@touchpoint",
                          "DTSTAMP:" + dtstamp,
                          "DTSTART;TZID=\(tzid):" + ICalendarText.local(date, minute: span.start),
                          "DTEND;TZID=\(tzid):" + ICalendarText.local(endDate, minute: span.end % 1440),
                          "RRULE:FREQ=WEEKLY;BYDAY=" + ICalendarText.byDay(day),
                          "SUMMARY:Open", "CATEGORIES:BUSINESS-HOURS", "TRANSP:OPAQUE", "END:VEVENT"]
            }
        }
        for date in holidays.sorted() {
            lines += holidayEvent(uid: "holiday-\(date)", start: date, yearly: false, stamp: dtstamp)
        }
        for day in yearlyHolidays.sorted() {
            // A leap year anchors 02-29; the rule then recurs in leap years only.
            lines += holidayEvent(uid: "yearly-\(day)", start: LocalDate(year: 2000, month: day.month, day: day.day), yearly: true, stamp: dtstamp)
        }
        lines.append("END:VCALENDAR")
        return lines.map(ICalendarText.fold).joined(separator: "\r\n") + "\r\n"
    }

    private func holidayEvent(uid: String, start: LocalDate, yearly: Bool, stamp: String) -> [String] {
        var lines = ["BEGIN:VEVENT", "UID:\(uid)@touchpoint", "DTSTAMP:" + stamp,
                     "DTSTART;VALUE=DATE:" + ICalendarText.date(start),
                     "DTEND;VALUE=DATE:" + ICalendarText.date(LocalDate(dayNumber: start.dayNumber + 1))]
        if yearly { lines.append("RRULE:FREQ=YEARLY") }
        lines += ["SUMMARY:Closed (holiday)", "CATEGORIES:HOLIDAY", "TRANSP:TRANSPARENT", "END:VEVENT"]
        return lines
    }

    /// A VTIMEZONE whose observances follow the zone's rules of 2024 (yearly by month and
    /// n-th weekday, as the zones with daylight saving time define them).
    private func vtimezone() -> [String] {
        let clock = ZoneClock(zone: timeZone)
        let yearStart = LocalDate(year: 2024, month: 1, day: 1).dayNumber * 86_400
        var transitions: [(at: Int, from: Int, to: Int)] = []
        var previous = clock.offset(yearStart)
        var probe = yearStart
        while probe < yearStart + 366 * 86_400 {
            let next = probe + 86_400
            let offset = clock.offset(next)
            if offset != previous {
                var low = probe, high = next
                while low < high {
                    let mid = low + (high - low) / 2
                    if clock.offset(mid) == offset { high = mid } else { low = mid + 1 }
                }
                transitions.append((low, previous, offset))
                previous = offset
            }
            probe = next
        }
        var lines = ["BEGIN:VTIMEZONE", "TZID:" + timeZone.identifier]
        if transitions.isEmpty {
            let offset = ICalendarText.offset(previous)
            lines += ["BEGIN:STANDARD", "DTSTART:19700101T000000", "TZOFFSETFROM:" + offset, "TZOFFSETTO:" + offset, "END:STANDARD"]
        }
        for transition in transitions {
            let local = transition.at + transition.from
            let date = LocalDate(dayNumber: local.floorDiv(86_400))
            let minute = (local - date.dayNumber * 86_400) / 60
            let daysInMonth = LocalDate(dayNumber: LocalDate(year: date.month == 12 ? 2025 : 2024, month: date.month % 12 + 1, day: 1).dayNumber - 1).day
            let nth = date.day + 7 > daysInMonth ? -1 : (date.day - 1) / 7 + 1
            // The first onset in 1970 of the same rule, so the observance covers every event.
            var first = LocalDate(year: 1970, month: date.month, day: 1).dayNumber
            while Weekday.of(dayNumber: first) != date.weekday { first += 1 }
            var onsets: [Int] = []
            var day = first
            while LocalDate(dayNumber: day).month == date.month { onsets.append(day); day += 7 }
            let onset = nth == -1 ? onsets.last! : onsets[min(nth, onsets.count) - 1]
            let kind = transition.to > transition.from ? "DAYLIGHT" : "STANDARD"
            lines += ["BEGIN:\(kind)", "DTSTART:" + ICalendarText.local(LocalDate(dayNumber: onset), minute: minute),
                      "RRULE:FREQ=YEARLY;BYMONTH=\(date.month);BYDAY=\(nth)\(ICalendarText.byDay(date.weekday))",
                      "TZOFFSETFROM:" + ICalendarText.offset(transition.from), "TZOFFSETTO:" + ICalendarText.offset(transition.to),
                      "END:\(kind)"]
        }
        lines.append("END:VTIMEZONE")
        return lines
    }
}

/// What importing an iCalendar document produced.
public struct ICalendarImport: Sendable {
    public var calendar: BusinessCalendar
    /// The calendar's name (`X-WR-CALNAME`), if it has one.
    public var name: String?
    /// Events that were not opening hours or holidays, and why they were skipped.
    public var skipped: [String]
}

extension BusinessCalendar {
    /// Reads opening hours (weekly recurring timed events) and holidays (all-day events,
    /// yearly when they recur every year) from an iCalendar document.
    public static func importing(iCalendar text: String, defaultTimeZone: String = "UTC") throws(ValidationError) -> ICalendarImport {
        let lines = ICalendarText.unfold(text)
        guard lines.first?.name == "BEGIN", lines.first?.value.uppercased() == "VCALENDAR" else {
            throw ValidationError(field: "body", reason: "not an iCalendar document: it must start with BEGIN:VCALENDAR")
        }
        var zone: String?
        var name: String?
        var events: [[ICalendarText.Line]] = []
        var current: [ICalendarText.Line]?
        var depth: [String] = []
        for line in lines {
            switch line.name {
            case "BEGIN":
                depth.append(line.value.uppercased())
                if line.value.uppercased() == "VEVENT" { current = [] }
            case "END":
                if line.value.uppercased() == "VEVENT", let event = current { events.append(event); current = nil }
                if !depth.isEmpty { depth.removeLast() }
            case "X-WR-TIMEZONE" where depth == ["VCALENDAR"]: zone = line.value
            case "X-WR-CALNAME" where depth == ["VCALENDAR"]: name = ICalendarText.unescape(line.value)
            default: current?.append(line)
            }
        }
        let tzid = zone ?? events.lazy.compactMap { $0.first { $0.name == "DTSTART" }?.params["TZID"] }.first ?? defaultTimeZone
        var weekly: [Weekday: [OpeningHours]] = [:]
        var holidays: Set<LocalDate> = []
        var yearly: Set<MonthDay> = []
        var skipped: [String] = []
        for (index, event) in events.enumerated() {
            func value(_ key: String) -> ICalendarText.Line? { event.first { $0.name == key } }
            let label = value("SUMMARY").map { ICalendarText.unescape($0.value) } ?? "event \(index + 1)"
            if value("STATUS")?.value.uppercased() == "CANCELLED" { skipped.append("\(label): cancelled"); continue }
            guard let start = value("DTSTART") else { skipped.append("\(label): no DTSTART"); continue }
            let rule = ICalendarText.rule(value("RRULE")?.value ?? "")
            if start.params["VALUE"] == "DATE" || start.value.count == 8 {
                guard let date = ICalendarText.parseDate(start.value) else {
                    throw ValidationError(field: "body", reason: "\(label): DTSTART '\(start.value)' is not a date")
                }
                if rule["FREQ"] == "YEARLY" {
                    yearly.insert(date.monthDay)
                } else if rule.isEmpty {
                    let end = value("DTEND").flatMap { ICalendarText.parseDate($0.value) }.map(\.dayNumber) ?? date.dayNumber + 1
                    for day in date.dayNumber..<max(end, date.dayNumber + 1) { holidays.insert(LocalDate(dayNumber: day)) }
                } else {
                    skipped.append("\(label): only one-off and yearly all-day events are holidays")
                }
                continue
            }
            guard rule["FREQ"] == "WEEKLY" else { skipped.append("\(label): a timed event that does not repeat weekly"); continue }
            if let eventZone = start.params["TZID"], eventZone != tzid {
                throw ValidationError(field: "body", reason: "\(label): opening hours in \(eventZone) differ from the calendar's time zone \(tzid)")
            }
            guard let (date, startMinute) = ICalendarText.parseLocal(start.value) else {
                throw ValidationError(field: "body", reason: "\(label): DTSTART '\(start.value)' must be a local date-time YYYYMMDDTHHMMSS")
            }
            var endMinute: Int
            if let end = value("DTEND") {
                guard let (endDate, minute) = ICalendarText.parseLocal(end.value) else {
                    throw ValidationError(field: "body", reason: "\(label): DTEND '\(end.value)' must be a local date-time")
                }
                endMinute = (endDate.dayNumber - date.dayNumber) * 1440 + minute
            } else if let duration = value("DURATION"), let minutes = ICalendarText.durationMinutes(duration.value) {
                endMinute = startMinute + minutes
            } else {
                throw ValidationError(field: "body", reason: "\(label): opening hours need DTEND or DURATION")
            }
            endMinute = min(endMinute, 1440)
            guard endMinute > startMinute else {
                throw ValidationError(field: "body", reason: "\(label): opening hours must end after they start, on the same day")
            }
            let days = rule["BYDAY"].map { $0.split(separator: ",").compactMap { ICalendarText.weekday(String($0)) } } ?? [date.weekday]
            for day in days { weekly[day, default: []].append(OpeningHours(start: startMinute, end: endMinute)) }
        }
        let calendar = try BusinessCalendar(timeZone: tzid, weekly: weekly, holidays: holidays, yearlyHolidays: yearly)
        return ICalendarImport(calendar: calendar, name: name, skipped: skipped)
    }
}

/// The text-level details of RFC 5545: folding, escaping, dates and offsets.
enum ICalendarText {
    struct Line {
        var name: String
        var params: [String: String]
        var value: String
    }

    /// Joins folded lines and splits each into name, parameters and value.
    static func unfold(_ text: String) -> [Line] {
        var raw: [String] = []
        for line in text.replacingOccurrences(of: "\r\n", with: "\n").split(separator: "\n", omittingEmptySubsequences: false) {
            if let first = line.first, first == " " || first == "\t", !raw.isEmpty {
                raw[raw.count - 1] += line.dropFirst()
            } else if !line.isEmpty {
                raw.append(String(line))
            }
        }
        return raw.compactMap { line in
            // The value starts at the first colon outside a quoted parameter value.
            var inQuotes = false
            guard let colon = line.firstIndex(where: { char in
                if char == "\"" { inQuotes.toggle() }
                return char == ":" && !inQuotes
            }) else { return nil }
            let head = line[..<colon].split(separator: ";")
            guard let name = head.first else { return nil }
            var params: [String: String] = [:]
            for param in head.dropFirst() {
                let pair = param.split(separator: "=", maxSplits: 1)
                if pair.count == 2 { params[pair[0].uppercased()] = pair[1].trimmingCharacters(in: CharacterSet(charactersIn: "\"")) }
            }
            return Line(name: name.uppercased(), params: params, value: String(line[line.index(after: colon)...]))
        }
    }

    /// Lines longer than 75 octets continue on the next line after a space.
    static func fold(_ line: String) -> String {
        guard line.utf8.count > 75 else { return line }
        var out = "", count = 0
        for char in line {
            let size = String(char).utf8.count
            if count + size > 75 { out += "\r\n "; count = 1 }
            out.append(char)
            count += size
        }
        return out
    }

    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: ";", with: "\\;")
            .replacingOccurrences(of: ",", with: "\\,").replacingOccurrences(of: "\n", with: "\\n")
    }

    static func unescape(_ text: String) -> String {
        var out = "", escaped = false
        for char in text {
            if escaped {
                out.append(char == "n" || char == "N" ? "\n" : char)
                escaped = false
            } else if char == "\\" {
                escaped = true
            } else {
                out.append(char)
            }
        }
        return out
    }

    static func rule(_ text: String) -> [String: String] {
        var parts: [String: String] = [:]
        for part in text.split(separator: ";") {
            let pair = part.split(separator: "=", maxSplits: 1)
            if pair.count == 2 { parts[pair[0].uppercased()] = pair[1].uppercased() }
        }
        return parts
    }

    static let dayCodes: [Weekday: String] = [.mon: "MO", .tue: "TU", .wed: "WE", .thu: "TH", .fri: "FR", .sat: "SA", .sun: "SU"]

    static func byDay(_ day: Weekday) -> String { dayCodes[day]! }

    static func weekday(_ code: String) -> Weekday? {
        // BYDAY entries in a weekly rule may carry no ordinal; ignore one if present.
        let letters = String(code.uppercased().filter(\.isLetter))
        return dayCodes.first { $0.value == letters }?.key
    }

    static func date(_ date: LocalDate) -> String { String(format: "%04d%02d%02d", date.year, date.month, date.day) }

    static func local(_ date: LocalDate, minute: Int) -> String {
        Self.date(date) + String(format: "T%02d%02d00", minute / 60, minute % 60)
    }

    static func utcStamp(_ instant: Date) -> String {
        let seconds = Int(instant.timeIntervalSince1970)
        let date = LocalDate(dayNumber: seconds.floorDiv(86_400))
        let inDay = seconds - date.dayNumber * 86_400
        return Self.date(date) + String(format: "T%02d%02d%02dZ", inDay / 3600, inDay / 60 % 60, inDay % 60)
    }

    static func offset(_ seconds: Int) -> String {
        let sign = seconds < 0 ? "-" : "+"
        let magnitude = abs(seconds)
        let base = String(format: "%@%02d%02d", sign, magnitude / 3600, magnitude / 60 % 60)
        return magnitude % 60 == 0 ? base : base + String(format: "%02d", magnitude % 60)
    }

    static func parseDate(_ text: String) -> LocalDate? {
        let digits = text.prefix(8)
        guard digits.count == 8, digits.allSatisfy(\.isNumber) else { return nil }
        return LocalDate("\(digits.prefix(4))-\(digits.dropFirst(4).prefix(2))-\(digits.suffix(2))")
    }

    /// `YYYYMMDDTHHMM[SS]` as a date and a minute of the day; UTC times (`Z`) are refused.
    static func parseLocal(_ text: String) -> (LocalDate, Int)? {
        guard !text.hasSuffix("Z"), text.count >= 13, let date = parseDate(text) else { return nil }
        let time = text.dropFirst(9)
        guard text.dropFirst(8).first == "T", let hour = Int(time.prefix(2)), let minute = Int(time.dropFirst(2).prefix(2)),
              (0..<24).contains(hour), (0..<60).contains(minute) else { return nil }
        return (date, hour * 60 + minute)
    }

    /// A positive `DURATION` such as `PT8H30M` or `P1D`, in minutes.
    static func durationMinutes(_ text: String) -> Int? {
        var total = 0, number = ""
        for char in text.uppercased().drop(while: { $0 == "+" }) {
            if char.isNumber { number.append(char); continue }
            let value = Int(number) ?? 0
            switch char {
            case "W": total += value * 7 * 1440
            case "D": total += value * 1440
            case "H": total += value * 60
            case "M": total += value
            case "S": total += value / 60
            case "P", "T": break
            default: return nil
            }
            number = ""
        }
        return total > 0 ? total : nil
    }
}
