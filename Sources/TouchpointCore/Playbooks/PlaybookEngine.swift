import Foundation

/// Everything a step may need to know about the enrolled customer, read just before it runs.
public struct EnrollmentFacts: Sendable {
    public var enrollment: Enrollment
    public var definition: PlaybookDefinition
    public var playbookName: String
    public var brandName: String
    public var language: Language
    public var contactName: String?
    public var addresses: [ContactPoint: String]
    /// Contact points the contact opted out of.
    public var optedOut: Set<ContactPoint>
    public var accountName: String?
    public var profile: AccountProfile?
    public var model: ServiceModel
    public var csm: StaffUser?
    /// The CSM's working hours (a meeting is proposed inside them).
    public var csmHours: Availability
    /// Meetings the CSM already has (proposed or accepted), as start and end.
    public var csmBusy: [(start: Date, end: Date)]
    public var zone: TimeZone
    /// The calendar of a business-day wait, by id.
    public var calendars: [CalendarID: Availability]
    /// Facts a branch asks about.
    public var replied: Bool
    public var openedLink: Bool
    public var lastSurveyScore: Int?
    public var caseOpen: Bool
    /// When automated messages went to this contact lately (for the frequency cap).
    public var recentMessages: [Date]
    public var portalLink: String

    public init(
        enrollment: Enrollment, definition: PlaybookDefinition, playbookName: String, brandName: String, language: Language, contactName: String?,
        addresses: [ContactPoint: String], optedOut: Set<ContactPoint>, accountName: String?, profile: AccountProfile?, model: ServiceModel,
        csm: StaffUser?, csmHours: Availability, csmBusy: [(start: Date, end: Date)], zone: TimeZone, calendars: [CalendarID: Availability],
        replied: Bool, openedLink: Bool, lastSurveyScore: Int?, caseOpen: Bool, recentMessages: [Date], portalLink: String
    ) {
        self.enrollment = enrollment
        self.definition = definition
        self.playbookName = playbookName
        self.brandName = brandName
        self.language = language
        self.contactName = contactName
        self.addresses = addresses
        self.optedOut = optedOut
        self.accountName = accountName
        self.profile = profile
        self.model = model
        self.csm = csm
        self.csmHours = csmHours
        self.csmBusy = csmBusy
        self.zone = zone
        self.calendars = calendars
        self.replied = replied
        self.openedLink = openedLink
        self.lastSurveyScore = lastSurveyScore
        self.caseOpen = caseOpen
        self.recentMessages = recentMessages
        self.portalLink = portalLink
    }

    /// The values of the template placeholders.
    public var variables: [String: String] {
        var values: [String: String] = ["brand.name": brandName, "portal.link": portalLink]
        if let contactName {
            values["contact.name"] = contactName
            values["contact.firstName"] = contactName.split(separator: " ").first.map(String.init)
        }
        if let accountName { values["account.name"] = accountName }
        if let csm {
            values["csm.name"] = csm.name
            values["csm.email"] = csm.email
        }
        if let profile {
            values["renewal.date"] = profile.renewalOn?.description
            values["health.score"] = String(profile.healthScore)
        }
        return values
    }

    /// What a missing value reads as.
    var fallbacks: [String: String] {
        let words: [String: String] =
            language == .pl
            ? [
                "contact.name": "Szanowni Państwo", "contact.firstName": "Szanowni Państwo", "account.name": "Twoja firma", "csm.name": "nasz zespół",
                "renewal.date": "wkrótce",
            ]
            : ["contact.name": "there", "contact.firstName": "there", "account.name": "your company", "csm.name": "our team", "renewal.date": "soon"]
        return words.merging(["csm.email": "", "health.score": ""]) { a, _ in a }
    }
}

/// What running the next step of an enrollment comes to.
public enum StepAction: Equatable, Sendable {
    /// A message to `recipient` on `contactPoint`.
    case send(contactPoint: ContactPoint, recipient: String, subject: String?, body: String)
    /// A survey by email (links), or by SMS or WhatsApp (answered with a number).
    case survey(kind: SurveyKind, contactPoint: ContactPoint, recipient: String)
    /// The next step waits until then.
    case wait(until: Date)
    /// A branch answered; the run goes on at the step it names (or ends).
    case branch(answer: Bool, detail: String)
    /// A task for a staff member or a team.
    case task(owner: UserID?, team: TeamID?, title: String, due: Date)
    /// A meeting proposed to the contact by the CSM.
    case meeting(csm: StaffUser, recipient: String, title: String, start: Date, end: Date)
    /// The account's stage or a tag changes.
    case set(field: PlaybookField, value: String)
    /// The step cannot apply to this customer; the run goes on.
    case skip(reason: String)
    /// Not yet: quiet hours or the frequency cap; the same step runs then.
    case postpone(until: Date, reason: String)
    /// An end step.
    case end

    /// Whether it puts a message in front of the customer (counts against the cap).
    public var isMessage: Bool {
        switch self {
        case .send, .survey, .meeting: true
        default: false
        }
    }
}

/// Decides what the next step of an enrollment does, without side effects.
public enum PlaybookEngine {
    /// The action of step `facts.enrollment.stepIndex` at `now` under `settings`.
    public static func decide(_ facts: EnrollmentFacts, now: Date, settings: AutomationSettings) -> StepAction {
        let definition = facts.definition
        guard definition.steps.indices.contains(facts.enrollment.stepIndex) else { return .end }
        let step = definition.steps[facts.enrollment.stepIndex]
        let action = plan(step, facts, now: now)
        guard action.isMessage else { return action }
        // Messages keep to the customer's daytime and the shared cap.
        let morning = settings.afterQuietHours(now, zone: facts.zone)
        if morning > now { return .postpone(until: morning, reason: "quiet hours in \(facts.zone.identifier)") }
        let allowed = settings.capAllows(at: now, sent: facts.recentMessages)
        if allowed > now {
            let when = settings.afterQuietHours(allowed, zone: facts.zone)
            return .postpone(until: when, reason: "at most \(settings.maxMessages) automated message(s) per \(settings.per.text)")
        }
        return action
    }

    static func plan(_ step: PlaybookStep, _ facts: EnrollmentFacts, now: Date) -> StepAction {
        switch step.type {
        case .send:
            let point = step.contactPoint ?? .email
            if facts.optedOut.contains(point) { return .skip(reason: "opted out of \(point.rawValue)") }
            guard let recipient = facts.addresses[point] else { return .skip(reason: "no \(point.rawValue) address") }
            guard let message = step.templates?[facts.language.rawValue] ?? step.templates?.sorted(by: { $0.key < $1.key }).first?.value else {
                return .skip(reason: "no message written")
            }
            let values = facts.variables
            let fallback = facts.fallbacks
            return .send(
                contactPoint: point, recipient: recipient, subject: message.subject.map { PlaybookTemplate.render($0, values, fallback: fallback) },
                body: PlaybookTemplate.render(message.body, values, fallback: fallback))
        case .survey:
            let point = step.contactPoint ?? .email
            if facts.optedOut.contains(point) { return .skip(reason: "opted out of \(point.rawValue)") }
            guard let recipient = facts.addresses[point] else { return .skip(reason: "no \(point.rawValue) address") }
            return .survey(kind: step.survey ?? .nps, contactPoint: point, recipient: recipient)
        case .wait:
            if let duration = step.duration { return .wait(until: now.addingTimeInterval(duration.timeInterval)) }
            let hours = step.calendarId.flatMap { facts.calendars[$0] } ?? .always
            guard let until = hours.addingBusinessDays(step.businessDays ?? 1, to: now) else { return .skip(reason: "the calendar never opens") }
            return .wait(until: until)
        case .branch:
            guard let condition = step.condition else { return .branch(answer: false, detail: "no condition") }
            return answer(condition, facts)
        case .task:
            let title = PlaybookTemplate.render(step.title ?? "", facts.variables, fallback: facts.fallbacks)
            let due = now.addingTimeInterval(step.due?.timeInterval ?? 86_400)
            if step.assignee == .csm, let csm = facts.csm { return .task(owner: csm.id, team: nil, title: title, due: due) }
            if let team = step.teamId { return .task(owner: nil, team: team, title: title, due: due) }
            return .skip(reason: "the account has no named CSM")
        case .meeting:
            guard let csm = facts.csm else { return .skip(reason: "the account has no named CSM") }
            if facts.optedOut.contains(.email) { return .skip(reason: "opted out of email") }
            guard let recipient = facts.addresses[.email] else { return .skip(reason: "no email address") }
            let length = TimeInterval(step.duration?.seconds ?? 3600)
            let earliest = now.addingTimeInterval(step.after?.timeInterval ?? 86_400)
            guard let start = slot(hours: facts.csmHours, busy: facts.csmBusy, earliest: earliest, length: length) else {
                return .skip(reason: "no free hour in \(csm.name)'s working hours within 60 days")
            }
            let title = PlaybookTemplate.render(step.title ?? "", facts.variables, fallback: facts.fallbacks)
            return .meeting(csm: csm, recipient: recipient, title: title, start: start, end: start.addingTimeInterval(length))
        case .set:
            guard facts.enrollment.accountID != nil else { return .skip(reason: "the contact has no account") }
            return .set(field: step.field ?? .tag, value: step.value ?? "")
        case .end:
            return .end
        }
    }

    static func answer(_ condition: PlaybookCondition, _ facts: EnrollmentFacts) -> StepAction {
        switch condition.when {
        case .replied: .branch(answer: facts.replied, detail: facts.replied ? "the contact replied" : "no reply")
        case .openedLink: .branch(answer: facts.openedLink, detail: facts.openedLink ? "a link was opened" : "no link opened")
        case .caseOpen: .branch(answer: facts.caseOpen, detail: facts.caseOpen ? "a case is open" : "no open case")
        case .surveyScoreBelow:
            if let score = facts.lastSurveyScore {
                .branch(answer: score < (condition.score ?? 0), detail: "survey answered \(score)")
            } else {
                .branch(answer: false, detail: "no survey answer")
            }
        case .modelIs:
            .branch(answer: condition.models?.contains(facts.model) == true, detail: "the model is \(facts.model.rawValue)")
        }
    }

    /// The first start on the hour at or after `earliest` when the whole meeting lies inside
    /// working hours and clashes with nothing already planned; nil within 60 days.
    public static func slot(hours: Availability, busy: [(start: Date, end: Date)], earliest: Date, length: TimeInterval) -> Date? {
        let limit = earliest.addingTimeInterval(60 * 86_400)
        var candidate = Date(timeIntervalSince1970: (earliest.timeIntervalSince1970 / 3600).rounded(.up) * 3600)
        while candidate < limit {
            guard let open = hours.nextOpening(atOrAfter: candidate) else { return nil }
            // Openings on the half hour are kept; anything else starts at the next full hour.
            let start =
                open == candidate || open.timeIntervalSince1970.truncatingRemainder(dividingBy: 1800) == 0
                ? open : Date(timeIntervalSince1970: (open.timeIntervalSince1970 / 3600).rounded(.up) * 3600)
            let end = start.addingTimeInterval(length)
            let fits = hours.isOpen(at: start) && hours.isOpen(at: end.addingTimeInterval(-1)) && hours.seconds(from: start, to: end) >= length - 1
            let clash = busy.first { $0.start < end && start < $0.end }
            if fits && clash == nil { return start }
            candidate = max(start.addingTimeInterval(1800), clash?.end ?? start)
            candidate = Date(timeIntervalSince1970: (candidate.timeIntervalSince1970 / 1800).rounded(.up) * 1800)
        }
        return nil
    }

    /// The position of the step after `action` at `index`, and when it is due; nil: the run is over.
    public static func advance(_ definition: PlaybookDefinition, from index: Int, after action: StepAction, now: Date) -> (index: Int, due: Date)? {
        switch action {
        case .end: return nil
        case .postpone(let until, _): return (index, until)
        case .wait(let until): return definition.next(after: index).map { ($0, until) }
        case .branch(let answer, _): return definition.next(after: index, answer: answer).map { ($0, now) }
        default: return definition.next(after: index).map { ($0, now) }
        }
    }
}
