import Foundation

/// Where a customer's run through a playbook stands.
public enum EnrollmentState: String, WireEnum {
    /// Has a next step, due at `dueAt`.
    case active
    /// Went through every step.
    case completed
    /// Stopped early by an exit rule, an opt-out or staff; `exitReason` says why.
    case exited
}

/// One contact's run through one version of a playbook.
public struct Enrollment: Equatable, Sendable {
    public var id: UUID
    public var brandID: BrandID
    public var playbookID: UUID
    public var version: Int
    public var accountID: AccountID?
    public var contactID: ContactID
    public var contactName: String?
    public var accountName: String?
    public var state: EnrollmentState
    /// The position of the next step (active), or of the last one taken.
    public var stepIndex: Int
    public var dueAt: Date?
    /// What made the contact enter (an event id, or a scheduled run).
    public var reason: String
    public var exitReason: String?
    public var startedAt: Date
    public var endedAt: Date?

    public init(
        id: UUID, brandID: BrandID, playbookID: UUID, version: Int, accountID: AccountID?, contactID: ContactID, contactName: String? = nil,
        accountName: String? = nil, state: EnrollmentState, stepIndex: Int, dueAt: Date?, reason: String, exitReason: String? = nil,
        startedAt: Date, endedAt: Date? = nil
    ) {
        self.id = id
        self.brandID = brandID
        self.playbookID = playbookID
        self.version = version
        self.accountID = accountID
        self.contactID = contactID
        self.contactName = contactName
        self.accountName = accountName
        self.state = state
        self.stepIndex = stepIndex
        self.dueAt = dueAt
        self.reason = reason
        self.exitReason = exitReason
        self.startedAt = startedAt
        self.endedAt = endedAt
    }
}

/// What one step did for one enrollment (the step log; each step runs once).
public enum StepOutcome: String, WireEnum {
    /// A message or survey went to the outbox.
    case sent
    /// Moved on after a wait, a branch, a field change or a task/meeting.
    case done
    /// Could not apply (no address, opted out, no CSM): the reason says why; the run goes on.
    case skipped
}

/// One line of the step log.
public struct StepResult: Equatable, Sendable {
    public var enrollmentID: UUID
    public var stepIndex: Int
    public var stepID: String
    public var type: PlaybookStepType
    public var outcome: StepOutcome
    public var detail: String
    public var at: Date
    public var outboxID: UUID?

    public init(
        enrollmentID: UUID, stepIndex: Int, stepID: String, type: PlaybookStepType, outcome: StepOutcome, detail: String, at: Date,
        outboxID: UUID? = nil
    ) {
        self.enrollmentID = enrollmentID
        self.stepIndex = stepIndex
        self.stepID = stepID
        self.type = type
        self.outcome = outcome
        self.detail = detail
        self.at = at
        self.outboxID = outboxID
    }
}

/// Per-step figures of a playbook: how many enrollments each step reached and what came of it.
public struct StepFigures: Equatable, Sendable {
    public var stepID: String
    public var type: PlaybookStepType
    public var taken: Int
    public var sent: Int
    public var delivered: Int
    public var skipped: Int
    /// Enrollments that ended because the contact replied after this step.
    public var replied: Int

    public init(stepID: String, type: PlaybookStepType, taken: Int = 0, sent: Int = 0, delivered: Int = 0, skipped: Int = 0, replied: Int = 0) {
        self.stepID = stepID
        self.type = type
        self.taken = taken
        self.sent = sent
        self.delivered = delivered
        self.skipped = skipped
        self.replied = replied
    }
}

/// Who a dry run finds, and what each would receive and when.
public struct DryRunEntry: Equatable, Sendable {
    public var contactID: ContactID
    public var contactName: String?
    public var accountID: AccountID?
    public var accountName: String?
    /// The first steps with the time each would run (messages after quiet hours and the cap).
    public var plan: [PlannedStep]

    public init(contactID: ContactID, contactName: String?, accountID: AccountID?, accountName: String?, plan: [PlannedStep]) {
        self.contactID = contactID
        self.contactName = contactName
        self.accountID = accountID
        self.accountName = accountName
        self.plan = plan
    }
}

/// One step of a dry run.
public struct PlannedStep: Equatable, Sendable {
    public var stepID: String
    public var type: PlaybookStepType
    public var at: Date
    /// What would happen: the rendered message, the task title, the wait.
    public var what: String

    public init(stepID: String, type: PlaybookStepType, at: Date, what: String) {
        self.stepID = stepID
        self.type = type
        self.at = at
        self.what = what
    }
}

/// The result of a dry run: those who would enter now (up to a limit) and how many in all.
public struct PlaybookDryRun: Equatable, Sendable {
    public var total: Int
    public var entries: [DryRunEntry]
    /// Who the trigger would reach but the audience leaves out, with the reason (a sample).
    public var excluded: [(name: String, reason: String)]

    public init(total: Int, entries: [DryRunEntry], excluded: [(name: String, reason: String)]) {
        self.total = total
        self.entries = entries
        self.excluded = excluded
    }

    public static func == (lhs: PlaybookDryRun, rhs: PlaybookDryRun) -> Bool {
        lhs.total == rhs.total && lhs.entries == rhs.entries && lhs.excluded.map(\.name) == rhs.excluded.map(\.name)
    }
}

/// Who an unsubscribe link is for.
public struct UnsubscribeTarget: Sendable, Equatable {
    public var brandName: String
    public var language: Language
    public var address: String
    public var contactPoint: ContactPoint
    /// Already opted out.
    public var done: Bool

    public init(brandName: String, language: Language, address: String, contactPoint: ContactPoint, done: Bool) {
        self.brandName = brandName
        self.language = language
        self.address = address
        self.contactPoint = contactPoint
        self.done = done
    }
}
