import Foundation

/// A team with its routing settings.
public struct TeamProfile: Sendable {
    public var team: Team
    public var routing: TeamRouting
    /// The team's business calendar; nil for 24/7.
    public var calendarID: CalendarID?
    public var averageHandleMinutes: Double

    public init(team: Team, routing: TeamRouting, calendarID: CalendarID? = nil, averageHandleMinutes: Double) {
        self.team = team
        self.routing = routing
        self.calendarID = calendarID
        self.averageHandleMinutes = averageHandleMinutes
    }
}

/// Changes to a team's routing settings; `nil` keeps a field, `.some(nil)` clears the calendar.
public struct TeamChanges: Sendable {
    public var calendarID: CalendarID??
    public var strategy: AssignmentStrategy?
    public var skills: [String]?
    public var levels: [SupportLevel]?
    public var averageHandleMinutes: Double?

    public init(
        calendarID: CalendarID?? = nil, strategy: AssignmentStrategy? = nil, skills: [String]? = nil, levels: [SupportLevel]? = nil,
        averageHandleMinutes: Double? = nil
    ) {
        self.calendarID = calendarID
        self.strategy = strategy
        self.skills = skills
        self.levels = levels
        self.averageHandleMinutes = averageHandleMinutes
    }
}

/// A staff member with what routing reads about them.
public struct AgentProfile: Sendable {
    public var user: StaffUser
    public var skills: [String]
    public var capacity: Int
    public var presence: Presence
    public var shiftCalendarID: CalendarID?
    /// Active cases assigned now (filled where it was counted).
    public var activeCases: Int
    /// The number pages go to by SMS (E.164).
    public var phone: String?
    /// How the person is paged when on call.
    public var pageBy: PageBy
    /// The regions a CSM covers and the languages they speak (new accounts of those go to them first).
    public var regions: [String]
    public var languages: [Language]

    public init(user: StaffUser, skills: [String], capacity: Int, presence: Presence, shiftCalendarID: CalendarID? = nil, activeCases: Int,
                phone: String? = nil, pageBy: PageBy = .email, regions: [String] = [], languages: [Language] = []) {
        self.regions = regions
        self.languages = languages
        self.user = user
        self.skills = skills
        self.capacity = capacity
        self.presence = presence
        self.shiftCalendarID = shiftCalendarID
        self.activeCases = activeCases
        self.phone = phone
        self.pageBy = pageBy
    }
}

/// Changes to a staff member's routing settings.
public struct AgentChanges: Sendable {
    public var skills: [String]?
    public var capacity: Int?
    public var presence: Presence?
    public var shiftCalendarID: CalendarID??
    public var teamID: TeamID??
    public var phone: String??
    public var pageBy: PageBy?
    public var regions: [String]?
    public var languages: [Language]?

    public init(skills: [String]? = nil, capacity: Int? = nil, presence: Presence? = nil, shiftCalendarID: CalendarID?? = nil, teamID: TeamID?? = nil,
                phone: String?? = nil, pageBy: PageBy? = nil, regions: [String]? = nil, languages: [Language]? = nil) {
        self.regions = regions
        self.languages = languages
        self.skills = skills
        self.capacity = capacity
        self.presence = presence
        self.shiftCalendarID = shiftCalendarID
        self.teamID = teamID
        self.phone = phone
        self.pageBy = pageBy
    }
}

/// The contact point an on-call page goes to.
public enum PageBy: String, WireEnum {
    case sms, email
}
