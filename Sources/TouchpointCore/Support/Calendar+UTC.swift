import Foundation

extension Calendar {
    /// The Gregorian calendar in UTC: for wire formats and UTC days.
    public static let utc: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        return calendar
    }()
}
