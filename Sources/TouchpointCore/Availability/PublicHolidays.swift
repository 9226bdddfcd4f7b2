import Foundation

/// A country's public holidays as a business calendar keeps them: the days fixed every year,
/// and the days that move with Easter, dated for the years asked.
public struct PublicHolidays: Equatable, Sendable {
    public struct Holiday: Equatable, Sendable {
        /// The day's name in the country's language ("Boże Narodzenie").
        public var name: String
        public var date: LocalDate
    }

    /// Closed on the same day every year.
    public var yearly: [MonthDay]
    /// Closed on days that move from year to year (Easter and the feasts counted from it).
    public var dated: [LocalDate]
    /// Every holiday of the years asked, named and in order.
    public var named: [Holiday]

    /// Easter Sunday of a Gregorian year, by the anonymous Gregorian computus (Meeus,
    /// Jones and Butcher), valid for every year from 1583.
    public static func easter(_ year: Int) -> LocalDate {
        let a = year % 19
        let b = year / 100, c = year % 100
        let d = b / 4, e = b % 4
        let f = (b + 8) / 25
        let g = (b - f + 1) / 3
        let h = (19 * a + b - d - g + 15) % 30
        let i = c / 4, k = c % 4
        let l = (32 + 2 * e + 2 * i - h - k) % 7
        let m = (a + 11 * h + 22 * l) / 451
        let month = (h + l - 7 * m + 114) / 31
        let day = (h + l - 7 * m + 114) % 31 + 1
        return LocalDate(year: year, month: month, day: day)
    }

    /// Poland's statutory days off work (the act of 18 January 1951 as amended): nine fixed
    /// days, Christmas Eve from 2025 on, and Easter Sunday and Monday, Pentecost Sunday and
    /// Corpus Christi, which move with Easter.
    public static func poland(years: ClosedRange<Int>) -> PublicHolidays {
        let fixed: [(Int, Int, String)] = [
            (1, 1, "Nowy Rok"), (1, 6, "Święto Trzech Króli"), (5, 1, "Święto Pracy"), (5, 3, "Święto Konstytucji 3 Maja"),
            (8, 15, "Wniebowzięcie Najświętszej Maryi Panny"), (11, 1, "Wszystkich Świętych"), (11, 11, "Narodowe Święto Niepodległości"),
            (12, 25, "Boże Narodzenie (pierwszy dzień)"), (12, 26, "Boże Narodzenie (drugi dzień)"),
        ]
        let moving: [(Int, String)] = [(0, "Wielkanoc"), (1, "Poniedziałek Wielkanocny"), (49, "Zielone Świątki"), (60, "Boże Ciało")]
        var named: [Holiday] = []
        var dated: [LocalDate] = []
        // Christmas Eve became a day off in 2025; it is yearly only when every year asked has it.
        let eveEveryYear = years.lowerBound >= 2025
        for year in years {
            for (month, day, name) in fixed { named.append(Holiday(name: name, date: LocalDate(year: year, month: month, day: day))) }
            if year >= 2025 {
                let eve = LocalDate(year: year, month: 12, day: 24)
                named.append(Holiday(name: "Wigilia Bożego Narodzenia", date: eve))
                if !eveEveryYear { dated.append(eve) }
            }
            let easter = easter(year)
            for (offset, name) in moving {
                let date = LocalDate(dayNumber: easter.dayNumber + offset)
                named.append(Holiday(name: name, date: date))
                dated.append(date)
            }
        }
        var yearly = fixed.map { MonthDay(month: $0.0, day: $0.1) }
        if eveEveryYear { yearly.append(MonthDay(month: 12, day: 24)) }
        return PublicHolidays(yearly: yearly.sorted(), dated: dated.sorted(), named: named.sorted { $0.date < $1.date })
    }
}
