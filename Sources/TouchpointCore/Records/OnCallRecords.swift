import Foundation

/// A page waiting for, or given, its answer.
public struct OnCallPage: Sendable, Equatable {
    public var caseID: CaseID
    public var brandID: BrandID
    public var teamID: TeamID
    /// Who is paged now.
    public var userID: UserID
    /// Everyone who may be paged for the case, in order.
    public var chain: [UserID]
    /// How many times the current person was paged.
    public var pages: Int
    public var pagesPerPerson: Int
    public var acknowledgeWithinMinutes: Int
    public var pagedAt: Date
    public var dueAt: Date
    /// `open`, `acknowledged`, `unanswered` or `closed` (the case moved on without it).
    public var state: String
    public var acknowledgedAt: Date?

    public init(caseID: CaseID, brandID: BrandID, teamID: TeamID, userID: UserID, chain: [UserID], pages: Int, pagesPerPerson: Int,
                acknowledgeWithinMinutes: Int, pagedAt: Date, dueAt: Date, state: String, acknowledgedAt: Date?) {
        self.caseID = caseID
        self.brandID = brandID
        self.teamID = teamID
        self.userID = userID
        self.chain = chain
        self.pages = pages
        self.pagesPerPerson = pagesPerPerson
        self.acknowledgeWithinMinutes = acknowledgeWithinMinutes
        self.pagedAt = pagedAt
        self.dueAt = dueAt
        self.state = state
        self.acknowledgedAt = acknowledgedAt
    }
}

/// What one pass over the pages due did.
public struct PagePass: Sendable, Equatable {
    public var pagedAgain = 0
    public var handedOver = 0
    public var unanswered = 0
    /// Pages whose person had already worked on the case, or whose case moved on.
    public var settled = 0

    public init() {}
}
