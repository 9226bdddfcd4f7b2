import Foundation

/// A requested change to a case's fields; `nil` leaves a field as it is. `teamID` and
/// `assigneeID` use `.some(nil)` to clear.
public struct CaseUpdate: Sendable, Equatable {
    public var subject: String?
    public var status: CaseStatus?
    public var priority: Priority?
    public var level: SupportLevel?
    public var rung: EscalationRung?
    public var teamID: TeamID??
    public var assigneeID: UserID??
    public var tags: [String]?
    /// Why the change was made; stored with the events (escalations want one).
    public var reason: String?

    public init(subject: String? = nil, status: CaseStatus? = nil, priority: Priority? = nil, level: SupportLevel? = nil,
                rung: EscalationRung? = nil, teamID: TeamID?? = nil, assigneeID: UserID?? = nil, tags: [String]? = nil,
                reason: String? = nil) {
        self.subject = subject
        self.status = status
        self.priority = priority
        self.level = level
        self.rung = rung
        self.teamID = teamID
        self.assigneeID = assigneeID
        self.tags = tags
        self.reason = reason
    }
}

/// Why a case update was refused.
public enum CaseUpdateError: Error, Equatable, Sendable {
    case invalid(ValidationError)
    case transitionNotAllowed(from: CaseStatus, to: CaseStatus)
    case caseMerged(into: CaseID)
}

extension Case {
    /// Applies `update` at `now`, returning the changed case and one event per changed
    /// field (nothing changes and no event is emitted for a field set to its current value).
    /// Throws `CaseUpdateError`.
    public func applying(_ update: CaseUpdate, now: Date) throws -> (Case, [EventDraft]) {
        if let target = mergedInto { throw CaseUpdateError.caseMerged(into: target) }
        var next = self
        var events: [EventDraft] = []
        let reason = update.reason.map { $0.trimmedWhitespace }.flatMap { $0.isEmpty ? nil : $0 }
        func record(_ type: EventType, _ field: String, _ old: JSONValue, _ new: JSONValue) {
            var payload: [String: JSONValue] = ["field": .string(field), "from": old, "to": new]
            if let reason { payload["reason"] = .string(reason) }
            events.append(EventDraft(type: type, payload: payload))
        }
        if let raw = update.subject {
            let subject: String
            do { subject = try Case.validSubject(raw) } catch { throw CaseUpdateError.invalid(error) }
            if subject != next.subject {
                record(.caseUpdated, "subject", .string(next.subject), .string(subject))
                next.subject = subject
            }
        }
        if let status = update.status, status != next.status {
            guard next.status.allowedNext.contains(status) else {
                throw CaseUpdateError.transitionNotAllowed(from: next.status, to: status)
            }
            record(.caseStatusChanged, "status", .string(next.status.rawValue), .string(status.rawValue))
            next.status = status
        }
        if let priority = update.priority, priority != next.priority {
            record(.caseUpdated, "priority", .string(next.priority.rawValue), .string(priority.rawValue))
            next.priority = priority
        }
        if let level = update.level, level != next.level {
            record(.caseLevelChanged, "level", .int(next.level.rawValue), .int(level.rawValue))
            next.level = level
        }
        if let rung = update.rung, rung != next.rung {
            record(rung > next.rung ? .caseEscalated : .caseDeescalated, "rung", .string(next.rung.rawValue), .string(rung.rawValue))
            next.rung = rung
        }
        if let team = update.teamID, team != next.teamID {
            record(.caseUpdated, "teamId", .optionalString(next.teamID?.text), .optionalString(team?.text))
            next.teamID = team
        }
        if let assignee = update.assigneeID, assignee != next.assigneeID {
            record(.caseAssigned, "assigneeId", .optionalString(next.assigneeID?.text), .optionalString(assignee?.text))
            next.assigneeID = assignee
        }
        if let raw = update.tags {
            let tags: [String]
            do { tags = try Case.normalizedTags(raw) } catch { throw CaseUpdateError.invalid(error) }
            if tags != next.tags {
                record(.caseUpdated, "tags", .array(next.tags.map(JSONValue.string)), .array(tags.map(JSONValue.string)))
                next.tags = tags
            }
        }
        if !events.isEmpty { next.updatedAt = now }
        return (next, events)
    }

    /// The status a case moves to when an interaction arrives on it, if any: a customer
    /// writing again reopens a pending or resolved case; the first staff reply opens a new one.
    public func statusAfter(interaction direction: Direction) -> CaseStatus? {
        switch (direction, status) {
        case (.inbound, .pending), (.inbound, .resolved): .open
        case (.outbound, .new): .open
        default: nil
        }
    }
}
