import Foundation

/// A named business calendar of a brand.
public struct NamedCalendar: Sendable, Equatable {
    public var id: CalendarID
    public var name: String
    public var calendar: BusinessCalendar

    public init(id: CalendarID, name: String, calendar: BusinessCalendar) {
        self.id = id
        self.name = name
        self.calendar = calendar
    }
}

/// Everything a brand's decisions read: model policies, segmentation rules, routing
/// topics and calendars. Read on every case opened, so kept in memory briefly.
public struct ServiceConfig: Sendable {
    public var policies: [ServiceModel: ServicePolicy]
    public var rules: RuleSet
    public var topics: [RoutingTopic]
    public var calendars: [CalendarID: NamedCalendar]
    /// Staff with their routing settings (active-case counts are read when routing).
    public var staff: [AgentProfile]
    /// Teams with their routing settings (round-robin turns are read when routing).
    public var teams: [TeamProfile]
    /// The teams' on-call rosters.
    public var rosters: [TeamID: OnCallRoster] {
        didSet { shifts = ShiftMemo() }
    }
    /// The current shift of each roster, once asked (see `onCall`).
    private var shifts = ShiftMemo()

    public func policy(_ model: ServiceModel) -> ServicePolicy { policies[model] ?? ServicePolicy.defaults(model) }

    /// When a model's people work: its calendar, or around the clock.
    public func availability(_ model: ServiceModel) -> Availability {
        availability(calendar: policy(model).calendarId)
    }

    public func availability(calendar id: CalendarID?) -> Availability {
        guard let id, let named = calendars[id] else { return .always }
        return .calendar(named.calendar)
    }

    /// Per team, who is on call at `instant` for a case of `model`: only where the team's
    /// roster covers the model and the model's service runs around the clock. A shift found
    /// is kept for the rest of its span, so routing asks the calendar once a shift, not once a case.
    public func onCall(at instant: Date, for model: ServiceModel) -> [TeamID: UserID] {
        guard policy(model).calendarId == nil else { return [:] }
        var found: [TeamID: UserID] = [:]
        for (team, roster) in rosters where roster.covers(model) {
            if let shift = shifts.shift(of: team, at: instant, in: roster) { found[team] = shift.userID }
        }
        return found
    }

    public func topic(_ name: String?) -> RoutingTopic? {
        guard let name = name?.lowercased() else { return nil }
        return topics.first { $0.name == name }
    }

    public init(
        policies: [ServiceModel: ServicePolicy], rules: RuleSet, topics: [RoutingTopic], calendars: [CalendarID: NamedCalendar],
        staff: [AgentProfile], teams: [TeamProfile], rosters: [TeamID: OnCallRoster] = [:]
    ) {
        self.rosters = rosters
        self.policies = policies
        self.rules = rules
        self.topics = topics
        self.calendars = calendars
        self.staff = staff
        self.teams = teams
    }
}

/// The last shift found per team. A configuration is shared by every request of a brand
/// until it changes, so this is a lock-guarded cache; a changed roster comes with a new
/// configuration and a new memo.
final class ShiftMemo: @unchecked Sendable {
    private let lock = NSLock()
    private var found: [TeamID: OnCallShift] = [:]

    func shift(of team: TeamID, at instant: Date, in roster: OnCallRoster) -> OnCallShift? {
        if let known = lock.withLock({ found[team] }), known.from <= instant, instant < known.until { return known }
        let shift = roster.shift(at: instant)
        if let shift { lock.withLock { found[team] = shift } }
        return shift
    }
}
