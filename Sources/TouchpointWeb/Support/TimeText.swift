import Foundation
import TouchpointApplication
import TouchpointCore

/// A moment on a page: the exact instant for machines (`<time datetime>`) and the words its
/// reader reads, in the brand's or location's zone and the reader's language.
struct TimeText {
    var iso: String
    var text: String
    /// The full date and time, shown on hover where `text` is a countdown.
    var exact: String

    init(_ date: Date, _ reader: ReaderTime) {
        iso = JSONIO.format(date)
        text = reader.moment(date)
        exact = text
    }

    /// A deadline beside a badge that says whether it is at risk or breached: "due in
    /// 35 min" while it runs, "21 h ago" once passed; its date on hover.
    init(due date: Date, now: Date, _ reader: ReaderTime) {
        iso = JSONIO.format(date)
        text = date >= now ? reader.countdown(to: date, now: now) : reader.relative(to: date, now: now)
        exact = reader.moment(date)
    }
}

extension Console {
    /// How a member of the brand's staff reads times: in the brand's zone, in the language
    /// the console speaks to them.
    func staffReader(_ brand: BrandID, _ language: Language) async throws -> ReaderTime {
        try await app.staff.brand(brand).reader(language)
    }
}
