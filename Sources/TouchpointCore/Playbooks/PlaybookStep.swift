import Foundation

/// What a step does.
public enum PlaybookStepType: String, WireEnum {
    /// Sends a message on a contact point (email, SMS, WhatsApp) from per-language templates.
    case send
    /// Waits for a duration, or for business days on a calendar.
    case wait
    /// Goes on at `then` when the condition holds, at `else` otherwise.
    case branch
    /// Creates a task for the account's CSM or for a team, due after `due`.
    case task
    /// Proposes a meeting with the account's CSM in the CSM's working hours (iCalendar invitation).
    case meeting
    /// Sends a satisfaction (CSAT) or recommendation (NPS) survey.
    case survey
    /// Sets the account's journey stage or adds a tag.
    case set
    /// Ends the enrollment.
    case end
}

/// One language's version of a message.
public struct PlaybookMessage: Codable, Equatable, Sendable {
    /// The email subject (unused for SMS and WhatsApp).
    public var subject: String?
    public var body: String

    public init(subject: String? = nil, body: String) {
        self.subject = subject
        self.body = body
    }
}

/// What a branch asks about the enrolled customer.
public enum PlaybookQuestion: String, WireEnum {
    /// The contact wrote on any contact point since entering the playbook.
    case replied
    /// The contact opened a link of one of the playbook's messages.
    case openedLink
    /// The contact's latest survey answer in the playbook is below `score`.
    case surveyScoreBelow
    /// The contact or the account has an open case.
    case caseOpen
    /// The account's service model is one of `models`.
    case modelIs
}

/// A branch condition.
public struct PlaybookCondition: Codable, Equatable, Sendable {
    public var when: PlaybookQuestion
    public var score: Int?
    public var models: [ServiceModel]?

    public init(when: PlaybookQuestion, score: Int? = nil, models: [ServiceModel]? = nil) {
        self.when = when
        self.score = score
        self.models = models
    }
}

/// Who a task is for.
public enum PlaybookAssignee: String, WireEnum {
    /// The account's named CSM (or, without one, the team when one is given).
    case csm
    /// A team (`teamId`).
    case team
}

/// A field a `set` step changes.
public enum PlaybookField: String, WireEnum {
    case stage
    case tag
}

/// One step of a playbook. The fields a type does not use stay empty; `validated` says
/// which are missing.
public struct PlaybookStep: Codable, Equatable, Sendable {
    /// Names the step for branches and results; defaults to its position ("1", "2", …).
    public var id: String
    public var type: PlaybookStepType
    public var contactPoint: ContactPoint?
    /// Per language (`en`, `pl`).
    public var templates: [String: PlaybookMessage]?
    public var duration: ISODuration?
    public var businessDays: Int?
    public var calendarId: CalendarID?
    public var condition: PlaybookCondition?
    public var then: String?
    public var `else`: String?
    public var assignee: PlaybookAssignee?
    public var teamId: TeamID?
    public var title: String?
    public var due: ISODuration?
    /// For a meeting: how far ahead the earliest proposed time lies.
    public var after: ISODuration?
    public var survey: SurveyKind?
    public var field: PlaybookField?
    public var value: String?

    public init(
        id: String = "", type: PlaybookStepType, contactPoint: ContactPoint? = nil, templates: [String: PlaybookMessage]? = nil,
        duration: ISODuration? = nil, businessDays: Int? = nil, calendarId: CalendarID? = nil, condition: PlaybookCondition? = nil,
        then: String? = nil, else otherwise: String? = nil, assignee: PlaybookAssignee? = nil, teamId: TeamID? = nil, title: String? = nil,
        due: ISODuration? = nil, after: ISODuration? = nil, survey: SurveyKind? = nil, field: PlaybookField? = nil, value: String? = nil
    ) {
        self.id = id
        self.type = type
        self.contactPoint = contactPoint
        self.templates = templates
        self.duration = duration
        self.businessDays = businessDays
        self.calendarId = calendarId
        self.condition = condition
        self.then = then
        self.else = otherwise
        self.assignee = assignee
        self.teamId = teamId
        self.title = title
        self.due = due
        self.after = after
        self.survey = survey
        self.field = field
        self.value = value
    }

    enum CodingKeys: String, CodingKey {
        case id, type, contactPoint, templates, duration, businessDays, calendarId, condition, then, `else`, assignee, teamId, title, due, after,
            survey,
            field, value
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            id: try c.decodeIfPresent(String.self, forKey: .id) ?? "", type: try c.decode(PlaybookStepType.self, forKey: .type),
            contactPoint: try c.decodeIfPresent(ContactPoint.self, forKey: .contactPoint),
            templates: try c.decodeIfPresent([String: PlaybookMessage].self, forKey: .templates),
            duration: try c.decodeIfPresent(ISODuration.self, forKey: .duration),
            businessDays: try c.decodeIfPresent(Int.self, forKey: .businessDays),
            calendarId: try c.decodeIfPresent(CalendarID.self, forKey: .calendarId),
            condition: try c.decodeIfPresent(PlaybookCondition.self, forKey: .condition),
            then: try c.decodeIfPresent(String.self, forKey: .then), else: try c.decodeIfPresent(String.self, forKey: .else),
            assignee: try c.decodeIfPresent(PlaybookAssignee.self, forKey: .assignee), teamId: try c.decodeIfPresent(TeamID.self, forKey: .teamId),
            title: try c.decodeIfPresent(String.self, forKey: .title), due: try c.decodeIfPresent(ISODuration.self, forKey: .due),
            after: try c.decodeIfPresent(ISODuration.self, forKey: .after), survey: try c.decodeIfPresent(SurveyKind.self, forKey: .survey),
            field: try c.decodeIfPresent(PlaybookField.self, forKey: .field), value: try c.decodeIfPresent(String.self, forKey: .value))
    }

    /// The contact points a send step can use.
    public static let sendable: [ContactPoint] = [.email, .sms, .whatsApp]

    /// Checks the fields the type needs; `languages` are those a message must be written in,
    /// `ids` the step ids a branch may go to.
    func validated(field path: String, languages: [Language], ids: Set<String>) throws(ValidationError) -> PlaybookStep {
        var copy = self
        func need<T>(_ value: T?, _ name: String, _ what: String) throws(ValidationError) -> T {
            guard let value else { throw ValidationError(field: "\(path).\(name)", reason: "a \(type.rawValue) step needs \(what)") }
            return value
        }
        switch type {
        case .send:
            let point = try need(contactPoint, "contactPoint", "a contact point (email, sms or whatsApp)")
            guard Self.sendable.contains(point) else {
                throw ValidationError(field: "\(path).contactPoint", reason: "messages go out by email, sms or whatsApp, not \(point.rawValue)")
            }
            copy.templates = try Self.checked(
                try need(templates, "templates", "templates per language"), path: path, email: point == .email, languages: languages)
        case .wait:
            switch (duration, businessDays) {
            case (nil, nil): throw ValidationError(field: "\(path).duration", reason: "a wait step needs a duration (PT2S, P3D) or businessDays")
            case (.some, .some): throw ValidationError(field: "\(path).duration", reason: "a wait step takes a duration or businessDays, not both")
            case (.some(let duration), nil):
                guard duration.seconds > 0 else { throw ValidationError(field: "\(path).duration", reason: "must be longer than zero") }
            case (nil, .some(let days)):
                guard (1...260).contains(days) else {
                    throw ValidationError(field: "\(path).businessDays", reason: "must be between 1 and 260, got \(days)")
                }
            }
        case .branch:
            let condition = try need(condition, "condition", "a condition")
            switch condition.when {
            case .surveyScoreBelow:
                guard let score = condition.score, (1...10).contains(score) else {
                    throw ValidationError(field: "\(path).condition.score", reason: "surveyScoreBelow needs a score between 1 and 10")
                }
            case .modelIs:
                guard let models = condition.models, !models.isEmpty else {
                    throw ValidationError(field: "\(path).condition.models", reason: "modelIs needs at least one service model")
                }
            default: break
            }
            guard then != nil || self.else != nil else {
                throw ValidationError(field: "\(path).then", reason: "a branch goes somewhere: give then, else or both (a step id or \"end\")")
            }
            for (name, target) in [("then", then), ("else", self.else)] {
                guard let target else { continue }
                guard target == "end" || ids.contains(target) else {
                    throw ValidationError(field: "\(path).\(name)", reason: "no step has the id '\(target)'; use a step id or \"end\"")
                }
            }
        case .task:
            let assignee = try need(assignee, "assignee", "an assignee (csm or team)")
            if assignee == .team { _ = try need(teamId, "teamId", "a teamId when the assignee is a team") }
            copy.title = try Self.checkedTemplate(try need(title, "title", "a title"), field: "\(path).title", max: 300)
            _ = try need(due, "due", "a due time (P2D)")
        case .meeting:
            copy.title = try Self.checkedTemplate(try need(title, "title", "a title"), field: "\(path).title", max: 300)
            let length = try need(duration, "duration", "a duration (PT1H)")
            guard (900...8 * 3600).contains(length.seconds) else {
                throw ValidationError(field: "\(path).duration", reason: "a meeting lasts between PT15M and PT8H")
            }
        case .survey:
            _ = try need(survey, "survey", "a survey kind (csat or nps)")
            if let point = contactPoint, ![.email, .sms, .whatsApp].contains(point) {
                throw ValidationError(field: "\(path).contactPoint", reason: "surveys go out by email, sms or whatsApp, not \(point.rawValue)")
            }
        case .set:
            let field = try need(field, "field", "a field (stage or tag)")
            let value = try Check.text(try need(value, "value", "a value"), field: "\(path).value", max: 60)
            if field == .stage, JourneyStage(rawValue: value) == nil {
                throw ValidationError(
                    field: "\(path).value",
                    reason: "unknown journey stage '\(value)'; expected one of: " + JourneyStage.allCases.map(\.rawValue).joined(separator: ", "))
            }
            guard !value.isEmpty else { throw ValidationError(field: "\(path).value", reason: "must not be empty") }
            copy.value = value
        case .end:
            break
        }
        return copy
    }

    static func checked(
        _ templates: [String: PlaybookMessage], path: String, email: Bool, languages: [Language]
    ) throws(ValidationError)
        -> [String: PlaybookMessage]
    {
        var out: [String: PlaybookMessage] = [:]
        for (code, message) in templates {
            let field = "\(path).templates.\(code)"
            guard Language(rawValue: code) != nil else {
                throw ValidationError(
                    field: field, reason: "unknown language '\(code)'; expected one of: " + Language.allCases.map(\.rawValue).joined(separator: ", "))
            }
            var copy = message
            if email {
                let subject = try checkedTemplate(message.subject ?? "", field: "\(field).subject", max: 200)
                guard !subject.isEmpty else { throw ValidationError(field: "\(field).subject", reason: "an email needs a subject") }
                copy.subject = subject
            } else {
                copy.subject = nil
            }
            copy.body = try checkedTemplate(message.body, field: "\(field).body", max: email ? 20_000 : 1_600)
            guard !copy.body.isEmpty else { throw ValidationError(field: "\(field).body", reason: "must not be empty") }
            out[code] = copy
        }
        for language in languages where out[language.rawValue] == nil {
            throw ValidationError(field: "\(path).templates", reason: "needs a message in \(language.rawValue), the brand's language")
        }
        return out
    }

    static func checkedTemplate(_ text: String, field: String, max: Int) throws(ValidationError) -> String {
        let trimmed = try Check.text(text, field: field, max: max)
        _ = try PlaybookTemplate(trimmed, field: field)
        return trimmed
    }
}
