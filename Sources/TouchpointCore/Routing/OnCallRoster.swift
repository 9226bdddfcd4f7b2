import Foundation

/// A stretch of time one person is on call for a team.
public struct OnCallShift: Sendable, Equatable {
    public var userID: UserID
    public var from: Date
    public var until: Date
    /// Why someone other than the rotation's person covers it; nil for the rotation's turn.
    public var overrideReason: String?

    public init(userID: UserID, from: Date, until: Date, overrideReason: String? = nil) {
        self.userID = userID
        self.from = from
        self.until = until
        self.overrideReason = overrideReason
    }
}

/// One person covering for the rotation over a span (a swap, a holiday, a sick day).
public struct OnCallOverride: Codable, Sendable, Equatable {
    public var userId: UserID
    public var from: Date
    public var until: Date
    public var reason: String

    public init(userId: UserID, from: Date, until: Date, reason: String) {
        self.userId = userId
        self.from = from
        self.until = until
        self.reason = reason
    }
}

/// Who of a team is on call outside its hours: people take turns of whole weeks, the turn
/// passing at a wall-clock hand-off (Monday 09:00 in the team's zone, daylight saving
/// included), and overrides put someone else on call for a span. The person on call takes
/// the after-hours cases of the models the roster covers and is paged for each.
public struct OnCallRoster: Codable, Sendable, Equatable {
    /// Who takes turns, in order.
    public var rotation: [UserID]
    /// The zone the hand-off is read in (IANA name).
    public var timeZone: String
    /// The day and time (`HH:MM`) at which the turn passes to the next person.
    public var handoffDay: Weekday
    public var handoffTime: String
    /// How many weeks one turn lasts.
    public var weeksPerTurn: Int
    /// The rotation's first person takes the first hand-off on or after this day (`YYYY-MM-DD`).
    public var startsOn: String
    /// Spans covered by someone else; where two overlap, the later in the list wins.
    public var overrides: [OnCallOverride]
    /// The service models whose cases the person on call takes when nobody is at work (the
    /// model's service must run around the clock as well).
    public var models: [ServiceModel]
    /// How long a page waits for "I'm on it" before the person is paged again.
    public var acknowledgeWithinMinutes: Int
    /// How many times one person is paged for a case before it goes to the next in the rotation.
    public var pagesPerPerson: Int

    public init(rotation: [UserID], timeZone: String, handoffDay: Weekday = .mon, handoffTime: String = "09:00", weeksPerTurn: Int = 1,
                startsOn: String, overrides: [OnCallOverride] = [], models: [ServiceModel] = [.highTouch], acknowledgeWithinMinutes: Int = 15,
                pagesPerPerson: Int = 2) {
        self.rotation = rotation
        self.timeZone = timeZone
        self.handoffDay = handoffDay
        self.handoffTime = handoffTime
        self.weeksPerTurn = weeksPerTurn
        self.startsOn = startsOn
        self.overrides = overrides
        self.models = models
        self.acknowledgeWithinMinutes = acknowledgeWithinMinutes
        self.pagesPerPerson = pagesPerPerson
    }

    /// Checks a roster as sent; `members` are the staff who may be on call (the brand's).
    public func validated(members: Set<UserID>) throws(ValidationError) -> OnCallRoster {
        var copy = self
        guard (1...100).contains(rotation.count) else { throw ValidationError(field: "rotation", reason: "name between 1 and 100 people") }
        guard Set(rotation).count == rotation.count else { throw ValidationError(field: "rotation", reason: "names someone twice") }
        for (index, person) in rotation.enumerated() where !members.contains(person) {
            throw ValidationError(field: "rotation[\(index)]", reason: "no staff member \(person.text) in this brand")
        }
        _ = try Check.timeZone(timeZone)
        _ = try OpeningHours.minute(handoffTime, field: "handoffTime")
        guard (1...8).contains(weeksPerTurn) else { throw ValidationError(field: "weeksPerTurn", reason: "must be between 1 and 8 weeks") }
        guard LocalDate(startsOn) != nil else { throw ValidationError(field: "startsOn", reason: "must be a date YYYY-MM-DD, got '\(startsOn)'") }
        guard overrides.count <= 500 else { throw ValidationError(field: "overrides", reason: "at most 500 overrides") }
        for (index, cover) in overrides.enumerated() {
            guard members.contains(cover.userId) else {
                throw ValidationError(field: "overrides[\(index)].userId", reason: "no staff member \(cover.userId.text) in this brand")
            }
            guard cover.from < cover.until else { throw ValidationError(field: "overrides[\(index)].until", reason: "must be after from") }
            copy.overrides[index].reason = try Check.text(cover.reason, field: "overrides[\(index)].reason", max: 200)
        }
        guard !models.isEmpty else { throw ValidationError(field: "models", reason: "name at least one service model") }
        copy.models = ServiceModel.allCases.filter(models.contains)
        guard (1...240).contains(acknowledgeWithinMinutes) else {
            throw ValidationError(field: "acknowledgeWithinMinutes", reason: "must be between 1 and 240 minutes")
        }
        guard (1...10).contains(pagesPerPerson) else { throw ValidationError(field: "pagesPerPerson", reason: "must be between 1 and 10") }
        return copy
    }

    private var clock: ZoneClock { ZoneClock(zone: Zones.named(timeZone)) }
    private var handoffMinute: Int { (try? OpeningHours.minute(handoffTime, field: "handoffTime")) ?? 540 }

    /// The local day of the first hand-off: the first `handoffDay` on or after `startsOn`.
    private var firstHandoffDay: Int {
        let start = LocalDate(startsOn)?.dayNumber ?? 0
        return start + ((handoffDay.index - Weekday.of(dayNumber: start).index) % 7 + 7) % 7
    }

    /// The rotation's turn at `instant`: its position in the rotation and its span; nil before
    /// the first hand-off. The zone, the hand-off minute and the first day are read once.
    public func turn(at instant: Date) -> (position: Int, from: Date, until: Date)? {
        let clock = self.clock, minute = handoffMinute, first = firstHandoffDay, days = weeksPerTurn * 7
        func handoff(_ number: Int) -> Date {
            Date(timeIntervalSince1970: Double(clock.instant(local: (first + number * days) * 86_400 + minute * 60)))
        }
        var number = (clock.localDay(instant.timeIntervalSince1970) - first).floorDiv(days)
        var from = handoff(number)
        // Early on a hand-off day the previous turn still runs.
        if from > instant {
            number -= 1
            from = handoff(number)
        }
        guard number >= 0 else { return nil }
        return (number % rotation.count, from, handoff(number + 1))
    }

    /// Who is on call at `instant`, and until when: the last override covering it, else the
    /// rotation's person (their span cut short where an override begins).
    public func shift(at instant: Date) -> OnCallShift? {
        if let index = overrides.lastIndex(where: { $0.from <= instant && instant < $0.until }) {
            let cover = overrides[index]
            // A later override starting within this one takes over from then.
            let takenOver = overrides[(index + 1)...].map(\.from).filter { $0 > instant && $0 < cover.until }.min()
            return OnCallShift(userID: cover.userId, from: cover.from, until: takenOver ?? cover.until, overrideReason: cover.reason)
        }
        guard !rotation.isEmpty, let turn = turn(at: instant) else { return nil }
        let lastOverrideEnd = overrides.filter { $0.until <= instant }.map(\.until).max()
        let nextOverride = overrides.filter { $0.from > instant }.map(\.from).min()
        return OnCallShift(userID: rotation[turn.position], from: max(turn.from, lastOverrideEnd ?? turn.from),
                           until: min(turn.until, nextOverride ?? turn.until))
    }

    /// The shifts from `instant` on, as many as asked (overrides split turns).
    public func shifts(from instant: Date, count: Int) -> [OnCallShift] {
        var found: [OnCallShift] = []
        var at = instant
        while found.count < count, let next = shift(at: at) ?? firstShift(after: at) {
            found.append(next)
            at = next.until
        }
        return found
    }

    private func firstShift(after instant: Date) -> OnCallShift? {
        let start = Date(timeIntervalSince1970: Double(clock.instant(local: firstHandoffDay * 86_400 + handoffMinute * 60)))
        let cover = overrides.filter { $0.from > instant }.map(\.from).min()
        let at = min(start, cover ?? start)
        return at > instant ? shift(at: at) : nil
    }

    /// Whom to page for a case at `instant`, in order: the person on call, then the rotation
    /// from the person whose turn it is, each once.
    public func chain(at instant: Date) -> [UserID] {
        guard let shift = shift(at: instant) else { return [] }
        let start = turn(at: instant)?.position ?? 0
        var order = [shift.userID]
        for step in 0..<rotation.count {
            let person = rotation[(start + step) % rotation.count]
            if !order.contains(person) { order.append(person) }
        }
        return order
    }

    /// Whether the person on call takes cases of `model`.
    public func covers(_ model: ServiceModel) -> Bool { models.contains(model) }
}

/// Time zones by name, looked up once: routing asks every roster who is on call for every
/// case, and building a zone from its name reads the time-zone database.
enum Zones {
    private static let lock = NSLock()
    nonisolated(unsafe) private static var known: [String: TimeZone] = [:]

    static func named(_ identifier: String) -> TimeZone {
        lock.withLock {
            if let zone = known[identifier] { return zone }
            let zone = TimeZone(identifier: identifier) ?? .gmt
            if known.count < 1_000 { known[identifier] = zone }
            return zone
        }
    }
}

/// What happens to a page nobody acknowledged in time.
public enum OnCallPaging {
    public enum Step: Sendable, Equatable {
        /// Page the same person again (`page` counts their pages, from 1).
        case pageAgain(UserID, page: Int)
        /// Give the case to the next person of the chain and page them.
        case handOver(to: UserID)
        /// Everyone in the chain was paged and nobody answered.
        case nobodyAnswered
    }

    /// The next step for a page to `current`, who was paged `pages` times, along `chain`.
    public static func next(chain: [UserID], current: UserID, pages: Int, pagesPerPerson: Int) -> Step {
        if pages < pagesPerPerson { return .pageAgain(current, page: pages + 1) }
        guard let index = chain.firstIndex(of: current), index + 1 < chain.count else { return .nobodyAnswered }
        return .handOver(to: chain[index + 1])
    }
}
