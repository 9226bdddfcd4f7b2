import Foundation

/// A half-open span of wall-clock minutes within a day: `[start, end)`, 0…1440.
public struct OpeningHours: Hashable, Sendable, Comparable {
    public var start: Int
    public var end: Int

    public init(start: Int, end: Int) {
        self.start = start
        self.end = end
    }

    /// Parses `["08:00", "12:00"]`; `24:00` may end a day.
    public init(_ pair: [String], field: String) throws(ValidationError) {
        guard pair.count == 2 else { throw ValidationError(field: field, reason: "must be a pair [\"HH:MM\", \"HH:MM\"]") }
        let start = try OpeningHours.minute(pair[0], field: field + "[0]")
        let end = try OpeningHours.minute(pair[1], field: field + "[1]")
        guard start < end else { throw ValidationError(field: field, reason: "must end after it starts (\(pair[0]) – \(pair[1]))") }
        self.init(start: start, end: end)
    }

    static func minute(_ text: String, field: String) throws(ValidationError) -> Int {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, parts[0].count == 2, parts[1].count == 2, let hour = Int(parts[0]), let minute = Int(parts[1]),
              (0...24).contains(hour), (0..<60).contains(minute), hour * 60 + minute <= 1440 else {
            throw ValidationError(field: field, reason: "must be a time HH:MM between 00:00 and 24:00, got '\(text)'")
        }
        return hour * 60 + minute
    }

    static func text(_ minute: Int) -> String { String(format: "%02d:%02d", minute / 60, minute % 60) }

    public var pair: [String] { [OpeningHours.text(start), OpeningHours.text(end)] }

    public static func < (lhs: OpeningHours, rhs: OpeningHours) -> Bool { (lhs.start, lhs.end) < (rhs.start, rhs.end) }
}

/// Business hours in one time zone: weekly opening hours (split shifts allowed), one-off
/// holidays and yearly holidays. All arithmetic is on the real time line, so deadlines stay
/// exact across daylight-saving changes.
public struct BusinessCalendar: Sendable {
    public let timeZone: TimeZone
    /// Opening hours per weekday, sorted and merged; a missing day is closed.
    public let weekly: [Weekday: [OpeningHours]]
    public let holidays: Set<LocalDate>
    public let yearlyHolidays: Set<MonthDay>
    private let clock: ZoneClock
    private let cache = DayCache()

    /// Validates and normalizes: overlapping or touching hours of a day are joined.
    public init(timeZone identifier: String, weekly: [Weekday: [OpeningHours]], holidays: Set<LocalDate> = [],
                yearlyHolidays: Set<MonthDay> = []) throws(ValidationError) {
        let zone = try Check.timeZone(identifier)
        self.timeZone = zone
        var normalized: [Weekday: [OpeningHours]] = [:]
        for (day, hours) in weekly where !hours.isEmpty {
            var joined: [OpeningHours] = []
            for span in hours.sorted() {
                if let last = joined.last, span.start <= last.end {
                    joined[joined.count - 1].end = max(last.end, span.end)
                } else {
                    joined.append(span)
                }
            }
            normalized[day] = joined
        }
        self.weekly = normalized
        self.holidays = holidays
        self.yearlyHolidays = yearlyHolidays
        self.clock = ZoneClock(zone: zone)
    }

    /// Whether the calendar is ever open.
    public var hasOpeningHours: Bool { !weekly.isEmpty }

    public func isHoliday(_ date: LocalDate) -> Bool {
        holidays.contains(date) || yearlyHolidays.contains(date.monthDay)
    }

    /// The open spans of local day `dayNumber` as epoch seconds, in order.
    func spans(day dayNumber: Int) -> [(start: Int, end: Int)] {
        if let cached = cache.get(dayNumber) { return cached }
        let date = LocalDate(dayNumber: dayNumber)
        var spans: [(start: Int, end: Int)] = []
        if !isHoliday(date), let hours = weekly[date.weekday] {
            let midnight = dayNumber * 86_400
            for span in hours {
                let start = clock.instant(local: midnight + span.start * 60)
                let end = clock.instant(local: midnight + span.end * 60)
                // Hours that fall wholly in a spring-forward gap do not happen.
                if end > start { spans.append((start, end)) }
            }
        }
        cache.put(dayNumber, spans)
        return spans
    }

    /// How many closed days in a row the search tolerates before concluding the calendar
    /// never opens (holidays cannot close more than a year).
    static let searchDays = 800

    /// The instant at which `seconds` of business time have elapsed from `start`, or nil if
    /// the calendar never opens. Zero seconds is `start` itself.
    public func adding(seconds: Double, to start: Date) -> Date? {
        var remaining = seconds
        let from = start.timeIntervalSince1970
        if remaining <= 0 { return start }
        guard hasOpeningHours else { return nil }
        var day = clock.localDay(from)
        var closedDays = 0
        while closedDays < BusinessCalendar.searchDays {
            let spans = spans(day: day)
            if spans.isEmpty { closedDays += 1 } else { closedDays = 0 }
            for span in spans {
                let begin = max(from, Double(span.start))
                let end = Double(span.end)
                guard begin < end else { continue }
                if remaining <= end - begin { return Date(timeIntervalSince1970: begin + remaining) }
                remaining -= end - begin
            }
            day += 1
        }
        return nil
    }

    /// Business seconds between two instants (negative when `end` is before `start`).
    public func seconds(from start: Date, to end: Date) -> Double {
        if end < start { return -seconds(from: end, to: start) }
        let from = start.timeIntervalSince1970, to = end.timeIntervalSince1970
        var total = 0.0
        let lastDay = clock.localDay(to)
        var day = clock.localDay(from)
        while day <= lastDay {
            for span in spans(day: day) {
                let overlap = min(to, Double(span.end)) - max(from, Double(span.start))
                if overlap > 0 { total += overlap }
            }
            day += 1
        }
        return total
    }

    /// Whether `instant` is inside opening hours.
    public func isOpen(at instant: Date) -> Bool {
        let at = instant.timeIntervalSince1970
        let day = clock.localDay(at)
        return spans(day: day).contains { Double($0.start) <= at && at < Double($0.end) }
    }

    /// The next moment the calendar is open at or after `instant` (itself when open).
    public func nextOpening(atOrAfter instant: Date) -> Date? {
        let at = instant.timeIntervalSince1970
        var day = clock.localDay(at)
        for _ in 0..<BusinessCalendar.searchDays {
            for span in spans(day: day) where Double(span.end) > at {
                return Date(timeIntervalSince1970: max(at, Double(span.start)))
            }
            day += 1
        }
        return nil
    }
}

extension BusinessCalendar {
    /// The opening of the `days`-th business day after the day of `instant` (a day with
    /// opening hours that is not a holiday), or nil if the calendar never opens.
    public func addingBusinessDays(_ days: Int, to instant: Date) -> Date? {
        var day = clock.localDay(instant.timeIntervalSince1970)
        var left = max(1, days)
        for _ in 0..<(BusinessCalendar.searchDays + days * 2) {
            day += 1
            if let first = spans(day: day).first {
                left -= 1
                if left == 0 { return Date(timeIntervalSince1970: Double(first.start)) }
            }
        }
        return nil
    }
}

extension BusinessCalendar: Equatable {
    public static func == (lhs: BusinessCalendar, rhs: BusinessCalendar) -> Bool {
        lhs.timeZone.identifier == rhs.timeZone.identifier && lhs.weekly == rhs.weekly
            && lhs.holidays == rhs.holidays && lhs.yearlyHolidays == rhs.yearlyHolidays
    }
}

/// Open spans per local day, computed once: SLA recomputation asks for the same few days
/// for many cases, and time-zone lookups are the costly part.
private final class DayCache: @unchecked Sendable {
    private let lock = NSLock()
    private var days: [Int: [(start: Int, end: Int)]] = [:]

    func get(_ day: Int) -> [(start: Int, end: Int)]? {
        lock.lock()
        defer { lock.unlock() }
        return days[day]
    }

    func put(_ day: Int, _ spans: [(start: Int, end: Int)]) {
        lock.lock()
        defer { lock.unlock() }
        // Bounded: a long-running server asks about a sliding window of days.
        if days.count > 4096 { days.removeAll(keepingCapacity: true) }
        days[day] = spans
    }
}

/// When people are there to help: around the clock, or by a business calendar.
public enum Availability: Sendable, Equatable {
    case always
    case calendar(BusinessCalendar)

    /// The instant at which `minutes` of service time have elapsed from `start`.
    public func deadline(from start: Date, minutes: Double) -> Date? {
        adding(seconds: minutes * 60, to: start)
    }

    public func adding(seconds: Double, to start: Date) -> Date? {
        switch self {
        case .always: start.addingTimeInterval(max(0, seconds))
        case .calendar(let calendar): calendar.adding(seconds: seconds, to: start)
        }
    }

    public func seconds(from start: Date, to end: Date) -> Double {
        switch self {
        case .always: end.timeIntervalSince(start)
        case .calendar(let calendar): calendar.seconds(from: start, to: end)
        }
    }

    public func isOpen(at instant: Date) -> Bool {
        switch self {
        case .always: true
        case .calendar(let calendar): calendar.isOpen(at: instant)
        }
    }

    public func nextOpening(atOrAfter instant: Date) -> Date? {
        switch self {
        case .always: instant
        case .calendar(let calendar): calendar.nextOpening(atOrAfter: instant)
        }
    }

    /// The start of the `days`-th business day after `instant` (around the clock: `days` × 24 h later).
    public func addingBusinessDays(_ days: Int, to instant: Date) -> Date? {
        switch self {
        case .always: instant.addingTimeInterval(Double(days) * 86_400)
        case .calendar(let calendar): calendar.addingBusinessDays(days, to: instant)
        }
    }
}

extension BusinessCalendar {
    /// ISO 8601 text of an instant in the calendar's zone, with its offset
    /// (`2026-11-23T10:00:00+01:00`).
    public func format(_ instant: Date) -> String {
        let seconds = Int(instant.timeIntervalSince1970.rounded(.down))
        return ZoneClock.format(seconds: seconds, offset: clock.offset(seconds))
    }

    /// Parses ISO 8601 `YYYY-MM-DDTHH:MM[:SS[.fff]]` with `Z` or `±HH:MM`; without an offset
    /// the time is read as wall-clock time in the calendar's zone.
    public func parse(_ text: String) -> Date? {
        guard let (local, fraction, offset) = ZoneClock.parse(text) else { return nil }
        let seconds = offset.map { local - $0 } ?? clock.instant(local: local)
        return Date(timeIntervalSince1970: Double(seconds) + fraction)
    }
}

extension ZoneClock {
    static func format(seconds: Int, offset: Int) -> String {
        let local = seconds + offset
        let date = LocalDate(dayNumber: local.floorDiv(86_400))
        let inDay = local - date.dayNumber * 86_400
        let sign = offset < 0 ? "-" : "+"
        let zone = offset == 0 ? "Z" : String(format: "%@%02d:%02d", sign, abs(offset) / 3600, abs(offset) / 60 % 60)
        return "\(date)T" + String(format: "%02d:%02d:%02d", inDay / 3600, inDay / 60 % 60, inDay % 60) + zone
    }

    /// Local seconds since the epoch, the fraction of a second and the offset if given.
    static func parse(_ text: String) -> (Int, Double, Int?)? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard trimmed.count >= 16, let date = LocalDate(trimmed.prefix(10)) else { return nil }
        let rest = trimmed.dropFirst(10)
        guard rest.first == "T" || rest.first == "t" || rest.first == " " else { return nil }
        var time = rest.dropFirst()
        var offset: Int?
        if time.hasSuffix("Z") || time.hasSuffix("z") {
            offset = 0
            time = time.dropLast()
        } else if let signIndex = time.lastIndex(where: { $0 == "+" || $0 == "-" }) {
            let zone = time[time.index(after: signIndex)...].split(separator: ":")
            let joined = zone.count == 1 ? zone[0] : zone.joined()[...]
            guard joined.count == 4 || joined.count == 2, let hours = Int(joined.prefix(2)), let minutes = Int(joined.dropFirst(2).isEmpty ? "0" : joined.dropFirst(2)),
                  hours <= 18, minutes < 60 else { return nil }
            offset = (hours * 3600 + minutes * 60) * (time[signIndex] == "-" ? -1 : 1)
            time = time[..<signIndex]
        }
        let parts = time.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2 || parts.count == 3, parts[0].count == 2, parts[1].count == 2,
              let hour = Int(parts[0]), let minute = Int(parts[1]), hour < 24, minute < 60 else { return nil }
        var second = 0, fraction = 0.0
        if parts.count == 3 {
            let secondText = parts[2].split(separator: ".", maxSplits: 1)
            guard let whole = secondText.first, whole.count == 2, let value = Int(whole), value < 61 else { return nil }
            second = value
            if secondText.count == 2 {
                guard let digits = Double("0." + secondText[1]) else { return nil }
                fraction = digits
            }
        }
        return (date.dayNumber * 86_400 + hour * 3600 + minute * 60 + second, fraction, offset)
    }
}
