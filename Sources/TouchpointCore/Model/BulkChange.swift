import Foundation

/// One change applied to many cases at once from the inbox: each field left nil stays as
/// each case has it; a tag is added to the tags a case already has.
public struct BulkChange: Sendable, Equatable {
    /// `.some(nil)`: unassign.
    public var assigneeID: UserID??
    public var teamID: TeamID??
    public var status: CaseStatus?
    public var priority: Priority?
    public var addTag: String?

    public init(assigneeID: UserID?? = nil, teamID: TeamID?? = nil, status: CaseStatus? = nil, priority: Priority? = nil, addTag: String? = nil) {
        self.assigneeID = assigneeID
        self.teamID = teamID
        self.status = status
        self.priority = priority
        self.addTag = addTag
    }

    /// Whether the change would change anything at all.
    public var isEmpty: Bool { self == BulkChange() }

    /// The update this change makes to one case: only what differs from the case, so a
    /// case already as asked records no event.
    public func update(for item: Case) -> CaseUpdate {
        var update = CaseUpdate()
        if let assignee = assigneeID, assignee != item.assigneeID { update.assigneeID = .some(assignee) }
        if let team = teamID, team != item.teamID { update.teamID = .some(team) }
        if let status, status != item.status { update.status = status }
        if let priority, priority != item.priority { update.priority = priority }
        if let tag = addTag, !item.tags.contains(tag.lowercased()) { update.tags = item.tags + [tag] }
        return update
    }
}

/// What a bulk change did: the cases it changed, those already as asked, and those it could
/// not change, each with the reason (a closed case cannot be set back to pending, say).
public struct BulkOutcome: Sendable, Equatable {
    public var changed: [Int] = []
    public var unchanged: [Int] = []
    public var refused: [Refusal] = []

    public struct Refusal: Sendable, Equatable {
        public var number: Int
        public var reason: String

        public init(number: Int, reason: String) {
            self.number = number
            self.reason = reason
        }
    }

    public init() {}
}
