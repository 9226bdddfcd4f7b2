import Foundation

/// How one reader sees times: in their time zone and language, on a 24-hour clock, day
/// before month ("piątek 4 grudnia, 15:00–16:00", "due in 35 min"). Pure: the words are
/// written here rather than taken from the platform's locale data, so a page reads the
/// same on every machine and in every test.
public struct ReaderTime: Sendable, Equatable, Spoken {
    public var zone: TimeZone
    public var language: Language

    public init(zone: TimeZone, language: Language) {
        self.zone = zone
        self.language = language
    }

    /// A reader in a zone named by its IANA identifier; an unknown name reads as UTC.
    public init(zoneNamed name: String, language: Language) {
        self.init(zone: TimeZone(identifier: name) ?? .gmt, language: language)
    }

    private func parts(_ date: Date) -> DateComponents {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        return calendar.dateComponents([.year, .month, .day, .weekday, .hour, .minute], from: date)
    }

    private static let weekdays: [Language: [String]] = [
        .en: ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"],
        .pl: ["niedziela", "poniedziałek", "wtorek", "środa", "czwartek", "piątek", "sobota"],
    ]
    // Polish dates use the genitive ("4 grudnia"); the short forms are the usual abbreviations.
    private static let months: [Language: [String]] = [
        .en: ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"],
        .pl: ["stycznia", "lutego", "marca", "kwietnia", "maja", "czerwca", "lipca", "sierpnia", "września", "października", "listopada", "grudnia"],
    ]
    private static let shortMonths: [Language: [String]] = [
        .en: ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"],
        .pl: ["sty", "lut", "mar", "kwi", "maj", "cze", "lip", "sie", "wrz", "paź", "lis", "gru"],
    ]

    /// The time of day: "15:00".
    public func clock(_ date: Date) -> String {
        let p = parts(date)
        return String(format: "%02d:%02d", p.hour ?? 0, p.minute ?? 0)
    }

    /// The day with its weekday: "Friday 4 December" / "piątek 4 grudnia".
    public func day(_ date: Date) -> String {
        let p = parts(date)
        let weekday = Self.weekdays[language]![((p.weekday ?? 1) - 1) % 7]
        let month = Self.months[language]![((p.month ?? 1) - 1) % 12]
        return "\(weekday) \(p.day ?? 1) \(month)"
    }

    /// A calendar day without a weekday: "25 December 2026" / "25 grudnia 2026".
    public static func date(_ day: CivilDate, _ language: Language) -> String {
        "\(day.day) \(months[language]![(day.month - 1) % 12]) \(day.year)"
    }

    /// A moment in a sentence: "Friday 4 December, 15:00" / "piątek 4 grudnia, 15:00".
    public func when(_ date: Date) -> String {
        "\(day(date)), \(clock(date))"
    }

    /// A stretch of time: "piątek 4 grudnia, 15:00–16:00"; both days are named when it
    /// ends on another day.
    public func span(_ start: Date, _ end: Date) -> String {
        day(start) == day(end) ? "\(when(start))–\(clock(end))" : "\(when(start)) – \(when(end))"
    }

    /// A moment in a list or table, short enough for a phone: "4 Dec 2026, 15:00" /
    /// "4 gru 2026, 15:00".
    public func moment(_ date: Date) -> String {
        let p = parts(date)
        let month = Self.shortMonths[language]![((p.month ?? 1) - 1) % 12]
        return "\(p.day ?? 1) \(month) \(p.year ?? 0), \(clock(date))"
    }

    /// How far away a deadline is, as a countdown: "due in 35 min", "due in 2 h 10 min",
    /// "breached 21 h ago", "breached 3 days ago".
    public func countdown(to due: Date, now: Date) -> String {
        let seconds = due.timeIntervalSince(now)
        let length = duration(abs(seconds))
        if seconds >= 0 {
            return length.isEmpty ? say("due now", "termin teraz") : say("due in \(length)", "termin za \(length)")
        }
        return length.isEmpty ? say("breached just now", "przekroczony przed chwilą") : say("breached \(length) ago", "przekroczony \(length) temu")
    }

    /// How far a moment is from now, without saying what it is: "in 35 min", "21 h ago",
    /// "now" (for a line whose label already says "due" or "breached").
    public func relative(to date: Date, now: Date) -> String {
        let seconds = date.timeIntervalSince(now)
        let length = duration(abs(seconds))
        if length.isEmpty { return say("now", "teraz") }
        return seconds >= 0 ? say("in \(length)", "za \(length)") : say("\(length) ago", "\(length) temu")
    }

    /// A length of time rounded down to what a person cares about: minutes under an hour,
    /// hours and minutes under ten hours, hours under two days, then days. Empty under a
    /// minute.
    public func duration(_ seconds: TimeInterval) -> String {
        let minutes = Int(seconds / 60)
        let hours = minutes / 60
        switch minutes {
        case ..<1: return ""
        case ..<60: return say("\(minutes) min", "\(minutes) min")
        case ..<600:
            let rest = minutes % 60
            return rest == 0 ? say("\(hours) h", "\(hours) godz.") : say("\(hours) h \(rest) min", "\(hours) godz. \(rest) min")
        case ..<2_880: return say("\(hours) h", "\(hours) godz.")
        default:
            let days = hours / 24
            return say("\(days) days", "\(days) dni")
        }
    }
}
