import Foundation

/// A calendar date without a time zone (`2026-12-25`).
public struct LocalDate: Hashable, Comparable, Sendable, CustomStringConvertible {
    public var year: Int
    public var month: Int
    public var day: Int

    public init(year: Int, month: Int, day: Int) {
        self.year = year
        self.month = month
        self.day = day
    }

    /// Parses `YYYY-MM-DD`, rejecting dates that do not exist (`2026-02-30`).
    public init?(_ text: some StringProtocol) {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
              let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2]) else { return nil }
        self.init(year: year, month: month, day: day)
        guard LocalDate(dayNumber: dayNumber) == self else { return nil }
    }

    /// Days since 1970-01-01 (negative before), by the proleptic Gregorian calendar.
    public var dayNumber: Int {
        // The usual era-based conversion: years start in March so the leap day comes last.
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    public init(dayNumber: Int) {
        let z = dayNumber + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        day = dayOfYear - (153 * mp + 2) / 5 + 1
        month = mp < 10 ? mp + 3 : mp - 9
        year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
    }

    public var weekday: Weekday { Weekday.of(dayNumber: dayNumber) }
    public var monthDay: MonthDay { MonthDay(month: month, day: day) }

    public static func < (lhs: LocalDate, rhs: LocalDate) -> Bool { lhs.dayNumber < rhs.dayNumber }

    public var description: String {
        String(format: "%04d-%02d-%02d", year, month, day)
    }
}

/// A day that recurs every year (`12-25`).
public struct MonthDay: Hashable, Comparable, Sendable, CustomStringConvertible {
    public var month: Int
    public var day: Int

    public init(month: Int, day: Int) {
        self.month = month
        self.day = day
    }

    /// Parses `MM-DD`; `02-29` is allowed (it falls in leap years only).
    public init?(_ text: some StringProtocol) {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 2, parts[0].count == 2, parts[1].count == 2,
              let month = Int(parts[0]), let day = Int(parts[1]),
              (1...12).contains(month), day >= 1, day <= [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1] else { return nil }
        self.init(month: month, day: day)
    }

    public static func < (lhs: MonthDay, rhs: MonthDay) -> Bool { (lhs.month, lhs.day) < (rhs.month, rhs.day) }

    public var description: String { String(format: "%02d-%02d", month, day) }
}

public enum Weekday: String, WireEnum, Comparable {
    case mon, tue, wed, thu, fri, sat, sun

    /// 1970-01-01 was a Thursday.
    static func of(dayNumber: Int) -> Weekday {
        let index = ((dayNumber + 3) % 7 + 7) % 7
        return allCases[index]
    }

    var index: Int { Self.allCases.firstIndex(of: self)! }

    public static func < (lhs: Weekday, rhs: Weekday) -> Bool { lhs.index < rhs.index }
}

/// Wall-clock arithmetic in one time zone: where local times fall on the real time line.
struct ZoneClock: Sendable {
    let zone: TimeZone

    func offset(_ seconds: Int) -> Int {
        zone.secondsFromGMT(for: Date(timeIntervalSince1970: Double(seconds)))
    }

    /// The local day an instant falls on.
    func localDay(_ instant: Double) -> Int {
        let seconds = Int(instant.rounded(.down))
        return (seconds + offset(seconds)).floorDiv(86_400)
    }

    /// The first instant at which the wall clock shows `local` (seconds since the local
    /// epoch) or later. In a spring-forward gap that is the end of the gap; in an autumn
    /// overlap, the earlier of the two moments.
    func instant(local: Int) -> Int {
        let before = offset(local - 172_800)
        let after = offset(local + 172_800)
        var best: Int?
        for candidate in Set([before, after, offset(local)]) {
            let utc = local - candidate
            if offset(utc) == candidate { best = min(best ?? utc, utc) }
        }
        if let best { return best }
        // In a gap: find the transition by bisection between the two readings.
        var low = local - after, high = local - before
        while low < high {
            let mid = low + (high - low) / 2
            if offset(mid) == after { high = mid } else { low = mid + 1 }
        }
        return low
    }
}

extension Int {
    func floorDiv(_ divisor: Int) -> Int {
        let quotient = self / divisor
        return (self % divisor != 0 && (self < 0) != (divisor < 0)) ? quotient - 1 : quotient
    }
}
