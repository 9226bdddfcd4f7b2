import Foundation

/// A JSON value, for event payloads whose shape depends on the event type.
public enum JSONValue: Codable, Equatable, Sendable {
    case null, bool(Bool), int(Int), double(Double), string(String), array([JSONValue]), object([String: JSONValue])

    public static func optionalString(_ value: String?) -> JSONValue { value.map(JSONValue.string) ?? .null }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() { self = .null }
        else if let value = try? container.decode(Bool.self) { self = .bool(value) }
        else if let value = try? container.decode(Int.self) { self = .int(value) }
        else if let value = try? container.decode(Double.self) { self = .double(value) }
        else if let value = try? container.decode(String.self) { self = .string(value) }
        else if let value = try? container.decode([JSONValue].self) { self = .array(value) }
        else { self = .object(try container.decode([String: JSONValue].self)) }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .null: try container.encodeNil()
        case .bool(let value): try container.encode(value)
        case .int(let value): try container.encode(value)
        case .double(let value): try container.encode(value)
        case .string(let value): try container.encode(value)
        case .array(let value): try container.encode(value)
        case .object(let value): try container.encode(value)
        }
    }
}

extension JSONValue {
    /// Compact JSON text with sorted keys. Event payloads are written on every command, and
    /// this direct writer costs a fraction of a `JSONEncoder` round.
    public static func serialize(_ object: [String: JSONValue]) -> String {
        JSONValue.object(object).text
    }

    /// This value as compact JSON text.
    public var text: String {
        var out = ""
        write(to: &out)
        return out
    }

    /// Appends this value as compact JSON (object keys sorted).
    public func write(to out: inout String) {
        switch self {
        case .null: out += "null"
        case .bool(let value): out += value ? "true" : "false"
        case .int(let value): out += String(value)
        case .double(let value): out += value.isFinite ? String(value) : "null"
        case .string(let value): JSONValue.writeString(value, to: &out)
        case .array(let values):
            out += "["
            for (index, value) in values.enumerated() {
                if index > 0 { out += "," }
                value.write(to: &out)
            }
            out += "]"
        case .object(let members):
            out += "{"
            for (index, key) in members.keys.sorted().enumerated() {
                if index > 0 { out += "," }
                JSONValue.writeString(key, to: &out)
                out += ":"
                members[key]!.write(to: &out)
            }
            out += "}"
        }
    }

    /// Appends `value` as a JSON string literal.
    public static func writeString(_ value: String, to out: inout String) {
        out += "\""
        // Most strings need no escaping: append them whole.
        if !value.utf8.contains(where: { $0 < 0x20 || $0 == 0x22 || $0 == 0x5C }) {
            out += value
            out += "\""
            return
        }
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        out += "\""
    }
}

/// Every kind of change the system records.
public enum EventType: String, WireEnum {
    case accountCreated = "account.created"
    case accountUpdated = "account.updated"
    case contactCreated = "contact.created"
    case contactUpdated = "contact.updated"
    case contactIdentityAdded = "contact.identityAdded"
    case contactMerged = "contact.merged"
    case contactUnmerged = "contact.unmerged"
    case caseCreated = "case.created"
    case caseUpdated = "case.updated"
    case caseStatusChanged = "case.statusChanged"
    case caseLevelChanged = "case.levelChanged"
    case caseEscalated = "case.escalated"
    case caseDeescalated = "case.deescalated"
    case caseAssigned = "case.assigned"
    case caseLinked = "case.linked"
    case caseMerged = "case.merged"
    /// A customer's message on another contact point continued an open case (one need, one
    /// case) instead of opening its own.
    case caseContinued = "case.continued"
    case interactionAdded = "interaction.added"
    case commitmentCreated = "commitment.created"
    case commitmentUpdated = "commitment.updated"
    case tokenCreated = "token.created"
    case tokenRevoked = "token.revoked"
    case accountModelChanged = "account.modelChanged"
    case caseRouted = "case.routed"
    case slaWarning = "sla.warning"
    case slaBreached = "sla.breached"
    case staffNotified = "staff.notified"
    case staffUpdated = "staff.updated"
    case teamUpdated = "team.updated"
    case policyUpdated = "policy.updated"
    case segmentationUpdated = "segmentation.updated"
    case calendarUpdated = "calendar.updated"
    case brandUpdated = "brand.updated"
    case mailboxUpdated = "mailbox.updated"
    case mailQuarantined = "mail.quarantined"
    case mailRerun = "mail.rerun"
    case mailDiscarded = "mail.discarded"
    /// An inbox envelope (SMS, WhatsApp, phone system) that intake could not take in.
    case intakeQuarantined = "intake.quarantined"
    case intakeRerun = "intake.rerun"
    case intakeDiscarded = "intake.discarded"
    case mailBounced = "mail.bounced"
    case staffSignedIn = "staff.signedIn"
    case staffSignInFailed = "staff.signInFailed"
    case staffPasswordSet = "staff.passwordSet"
    case portalLinkSent = "portal.linkSent"
    case portalSignedIn = "portal.signedIn"
    /// An outbound message (email, SMS, WhatsApp) that its provider took.
    case messageSent = "message.sent"
    /// An outbound message that will not reach the customer: refused, out of attempts, or
    /// reported failed by the provider later.
    case messageFailed = "message.failed"
    case locationUpdated = "location.updated"
    case deskOpened = "desk.opened"
    case deskClosed = "desk.closed"
    case visitQueued = "visit.queued"
    case visitCalled = "visit.called"
    case visitTransferred = "visit.transferred"
    case visitNoShow = "visit.noShow"
    case visitCancelled = "visit.cancelled"
    case visitFinished = "visit.finished"
    case billingUpdated = "billing.updated"
    case appointmentScheduled = "appointment.scheduled"
    case appointmentRescheduled = "appointment.rescheduled"
    case appointmentCancelled = "appointment.cancelled"
    case appointmentCompleted = "appointment.completed"
    case deskAppointmentBooked = "deskAppointment.booked"
    case deskAppointmentCancelled = "deskAppointment.cancelled"
    case deskAppointmentCheckedIn = "deskAppointment.checkedIn"
    case deskAppointmentMissed = "deskAppointment.missed"
    case articleSaved = "article.saved"
    case articleDeleted = "article.deleted"
    /// The assistant's conversation on a case moved (bot → waiting → human → resolved).
    case assistantStateChanged = "assistant.stateChanged"
    /// An account's computed health moved to another band (below 40, 40–59, 60–79, 80 and
    /// up) or its churn risk changed; carries the reasons.
    case accountHealthChanged = "account.healthChanged"
    case healthSettingsUpdated = "health.settingsUpdated"
    /// A survey went to the customer (satisfaction after a resolved case, recommendation).
    case surveySent = "survey.sent"
    /// The customer answered a survey (score, and the comment when one came).
    case surveyAnswered = "survey.answered"
    /// A playbook was created, changed, paused or resumed (a new version when the definition changed).
    case playbookSaved = "playbook.saved"
    /// A contact entered a playbook (with what made them enter).
    case playbookEntered = "playbook.entered"
    /// A playbook step ran for a contact: the playbook, its version, the step and what came of it.
    case playbookStep = "playbook.step"
    /// An enrollment ended: every step taken, or stopped early with the reason.
    case playbookEnded = "playbook.ended"
    /// A contact opted out of messages on a contact point (a STOP reply, an unsubscribe link).
    case contactOptedOut = "contact.optedOut"
    /// A customer opened a link of a playbook message.
    case playbookLinkOpened = "playbook.linkOpened"
    /// Automation rules (quiet hours, frequency cap, time zone) changed.
    case automationSettingsUpdated = "automation.settingsUpdated"
    /// A team's on-call roster was set or changed.
    case rosterUpdated = "roster.updated"
    /// The person on call was paged for a case (again, or the next person when unanswered).
    case onCallPaged = "oncall.paged"
    /// The person paged said they are on it.
    case onCallAcknowledged = "oncall.acknowledged"
    /// Everyone on the roster was paged for a case and nobody answered.
    case onCallUnanswered = "oncall.unanswered"

    /// Whether the event is shown on timelines. Interactions appear there themselves, so
    /// their event stays in the audit log only, as do notices to staff and sign-ins.
    public var onTimeline: Bool {
        ![.interactionAdded, .visitFinished, .tokenCreated, .tokenRevoked, .staffNotified, .staffSignedIn, .staffSignInFailed, .staffPasswordSet].contains(self)
    }
}

/// An event as a rule produces it, before the store gives it an id, a time and its subjects.
public struct EventDraft: Equatable, Sendable {
    public var type: EventType
    public var payload: [String: JSONValue]

    public init(type: EventType, payload: [String: JSONValue] = [:]) {
        self.type = type
        self.payload = payload
    }
}

/// Who caused an event.
public struct Actor: Codable, Equatable, Sendable {
    public var kind: AuthorKind
    public var id: UUID?

    public init(kind: AuthorKind, id: UUID?) {
        self.kind = kind
        self.id = id
    }

    public static let system = Actor(kind: .system, id: nil)
    public static func staff(_ id: UserID) -> Actor { Actor(kind: .staff, id: id) }
    public static func contact(_ id: ContactID) -> Actor { Actor(kind: .contact, id: id) }
}

/// A recorded change: stored in the same transaction as the change itself, it is the
/// audit log and the timeline's case events.
public struct DomainEvent: Codable, Equatable, Sendable {
    public var id: EventID
    public var brandID: BrandID
    public var type: EventType
    public var actor: Actor
    public var accountID: AccountID?
    public var contactID: ContactID?
    public var caseID: CaseID?
    public var payload: [String: JSONValue]
    public var occurredAt: Date

    public init(id: EventID, brandID: BrandID, type: EventType, actor: Actor, accountID: AccountID?, contactID: ContactID?,
                caseID: CaseID?, payload: [String: JSONValue], occurredAt: Date) {
        self.id = id
        self.brandID = brandID
        self.type = type
        self.actor = actor
        self.accountID = accountID
        self.contactID = contactID
        self.caseID = caseID
        self.payload = payload
        self.occurredAt = occurredAt
    }
}

extension DomainEvent {
    /// The colleague a notification (or a page) is for: `userId`, or a promise's owner (`staffId`).
    public var recipient: UserID? {
        guard type == .staffNotified || type == .onCallPaged, case .string(let raw)? = payload["userId"] ?? payload["staffId"] else { return nil }
        return UUID(text: raw)
    }

    /// What a notification is about, in English ("A promise is due: call Jan back", "Ola
    /// Nowak mentioned you: can you check…", "new case #12 assigned"); nil for other events.
    public var noticeSubject: String? { noticeSubject(.en) }

    /// A notification as an English sentence; nil for other events.
    public var noticeText: String? { noticeText(.en) }
}
