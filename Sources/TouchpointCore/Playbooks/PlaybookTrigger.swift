import Foundation

/// The things that happen to a customer that may start a playbook.
public enum PlaybookEvent: String, WireEnum {
    /// Segmentation moved the account to another service model.
    case modelChanged
    /// The account's journey stage changed (onboarding → adoption …).
    case journeyStageChanged
    /// A new person was recorded.
    case contactCreated
    /// One of the customer's cases was resolved.
    case caseResolved
    /// An invoice of the account is unpaid past its due date.
    case invoiceOverdue
    /// The computed health fell below `threshold`.
    case healthBelow
    /// The customer answered a survey with a low score.
    case lowSurveyScore
}

/// Repeating starts, counted in the account's time zone.
public enum PlaybookSchedule: String, WireEnum {
    /// Every `interval` from the day the account was created (the first run one interval after).
    case every
    /// On the first day of each calendar quarter.
    case quarterly
    /// `interval` before the account's renewal date.
    case beforeRenewal
}

/// What starts a playbook: an event or a schedule, never both.
public struct PlaybookTrigger: Codable, Equatable, Sendable {
    public var event: PlaybookEvent?
    /// For `healthBelow`: the score the health falls below.
    public var threshold: Int?
    public var schedule: PlaybookSchedule?
    /// For `every` (the period) and `beforeRenewal` (how long before).
    public var interval: ISODuration?

    public init(event: PlaybookEvent? = nil, threshold: Int? = nil, schedule: PlaybookSchedule? = nil, interval: ISODuration? = nil) {
        self.event = event
        self.threshold = threshold
        self.schedule = schedule
        self.interval = interval
    }

    public static func on(_ event: PlaybookEvent, threshold: Int? = nil) -> PlaybookTrigger { PlaybookTrigger(event: event, threshold: threshold) }
    public static func every(_ interval: ISODuration) -> PlaybookTrigger { PlaybookTrigger(schedule: .every, interval: interval) }

    func validated() throws(ValidationError) -> PlaybookTrigger {
        switch (event, schedule) {
        case (nil, nil): throw ValidationError(field: "trigger", reason: "names an event or a schedule")
        case (.some, .some): throw ValidationError(field: "trigger", reason: "names an event or a schedule, not both")
        case (.some(let event), nil):
            if event == .healthBelow {
                guard let threshold, (1...100).contains(threshold) else {
                    throw ValidationError(field: "trigger.threshold", reason: "healthBelow needs a threshold between 1 and 100")
                }
            } else if threshold != nil {
                throw ValidationError(field: "trigger.threshold", reason: "only healthBelow takes a threshold")
            }
            guard interval == nil else { throw ValidationError(field: "trigger.interval", reason: "an event trigger takes no interval") }
        case (nil, .some(let schedule)):
            guard threshold == nil else { throw ValidationError(field: "trigger.threshold", reason: "a schedule takes no threshold") }
            switch schedule {
            case .quarterly:
                guard interval == nil else { throw ValidationError(field: "trigger.interval", reason: "quarterly takes no interval") }
            case .every:
                guard let interval, interval.seconds >= 86_400, interval.seconds % 86_400 == 0 else {
                    throw ValidationError(field: "trigger.interval", reason: "every needs a whole number of days, at least P1D")
                }
            case .beforeRenewal:
                guard let interval, interval.seconds % 86_400 == 0, interval.seconds <= 365 * 86_400 else {
                    throw ValidationError(
                        field: "trigger.interval", reason: "beforeRenewal needs a whole number of days up to P365D (P0D: on the day)")
                }
            }
        }
        return self
    }

    /// Words for the console ("when a case is resolved", "every 90 days").
    public var phrase: String { phrase(.en) }

    /// The trigger in `language`: "every 30 days" / "co 30 dni".
    public func phrase(_ language: Language) -> String {
        let say = language
        if let event {
            return switch event {
            case .modelChanged: say.say("when the account's service model changes", "gdy zmienia się model obsługi firmy")
            case .journeyStageChanged: say.say("when the account's journey stage changes", "gdy zmienia się etap relacji firmy")
            case .contactCreated: say.say("when a new contact is recorded", "gdy zapisano nowy kontakt")
            case .caseResolved: say.say("when a case is resolved", "gdy sprawa zostaje rozwiązana")
            case .invoiceOverdue: say.say("when an invoice becomes overdue", "gdy faktura staje się przeterminowana")
            case .healthBelow: say.say("when health falls below \(threshold ?? 0)", "gdy kondycja spada poniżej \(threshold ?? 0)")
            case .lowSurveyScore: say.say("when a survey is answered with a low score", "gdy ankieta dostaje niską ocenę")
            }
        }
        let days = (interval?.seconds ?? 0) / 86_400
        return switch schedule {
        case .every: say.say("every \(days) days", "co \(days) dni")
        case .quarterly: say.say("on the first day of each quarter", "pierwszego dnia każdego kwartału")
        case .beforeRenewal:
            days == 0 ? say.say("on the renewal date", "w dniu odnowienia")
                : say.say("\(days) days before the renewal date", say.count(days, ("", ""), ("dzień", "dni", "dni")) + " przed datą odnowienia")
        case nil: ""
        }
    }

    /// Which scheduled run of an account falls on `today`, as a key that names the run (so
    /// an account enters once per run), or nil when none is due. Runs that a stopped server
    /// missed are caught up while they are still current.
    public func scheduledRun(today: CivilDate, accountCreated: CivilDate, renewalOn: CivilDate?) -> String? {
        switch schedule {
        case .every:
            let days = (interval?.seconds ?? 86_400) / 86_400
            let age = today.days(since: accountCreated)
            guard days > 0, age >= days else { return nil }
            return "every:\(age / days)"
        case .quarterly:
            return "quarter:\(today.year)-Q\((today.month - 1) / 3 + 1)"
        case .beforeRenewal:
            guard let renewalOn else { return nil }
            let lead = (interval?.seconds ?? 0) / 86_400
            let left = renewalOn.days(since: today)
            guard left >= 0, left <= lead else { return nil }
            return "renewal:\(renewalOn)"
        case nil:
            return nil
        }
    }
}
