import Foundation

/// Imported product use of one day.
public struct UsageDay: Sendable, Equatable {
    public var day: CivilDate
    public var activeUsers: Int
    public var licensedUsers: Int

    public init(day: CivilDate, activeUsers: Int, licensedUsers: Int) {
        self.day = day
        self.activeUsers = activeUsers
        self.licensedUsers = licensedUsers
    }
}
