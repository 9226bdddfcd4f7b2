import Foundation

/// Where a promise to the customer stands.
public enum CommitmentStatus: String, WireEnum {
    case open, kept, broken, cancelled

    /// Only an open commitment can change; the other statuses are final.
    public func canMove(to next: CommitmentStatus) -> Bool { self == .open && next != .open }
}

/// Whose promise it is.
public enum CommitmentKind: String, WireEnum {
    /// We promised the customer something (a call back, a credit, a visit).
    case promise
    /// The customer promised to pay by a day.
    case promiseToPay
    /// One instalment of a payment plan agreed with the customer.
    case instalment

    /// The customer's promises are followed up by billing staff when they fall due unkept.
    public var followedUpByBilling: Bool { self != .promise }
}

/// A promise made to the customer — what, by when, by whom — recorded on the account and
/// shown wherever the account is shown, so two contact points never contradict each other.
public struct Commitment: Codable, Equatable, Sendable {
    public var id: CommitmentID
    public var brandID: BrandID
    public var accountID: AccountID
    public var caseID: CaseID?
    public var what: String
    public var dueAt: Date
    /// The staff member who keeps the promise.
    public var ownerID: UserID?
    /// The team that keeps it when no one person does (a playbook's task for a team).
    public var teamID: TeamID?
    public var status: CommitmentStatus
    public var kind: CommitmentKind
    public var createdAt: Date
    public var updatedAt: Date

    public init(id: CommitmentID, brandID: BrandID, accountID: AccountID, caseID: CaseID?, what: String, dueAt: Date,
                ownerID: UserID?, teamID: TeamID? = nil, status: CommitmentStatus = .open, kind: CommitmentKind = .promise, createdAt: Date,
                updatedAt: Date) {
        self.teamID = teamID
        self.kind = kind
        self.id = id
        self.brandID = brandID
        self.accountID = accountID
        self.caseID = caseID
        self.what = what
        self.dueAt = dueAt
        self.ownerID = ownerID
        self.status = status
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }

    /// An open commitment whose due time has passed.
    public func isOverdue(at now: Date) -> Bool { status == .open && dueAt < now }

    /// Moves the commitment to `next`, refusing changes to a settled one.
    public func moving(to next: CommitmentStatus, now: Date) throws(ValidationError) -> Commitment {
        guard status.canMove(to: next) else {
            throw ValidationError(field: "status", reason: "a commitment that is \(status.rawValue) cannot become \(next.rawValue)")
        }
        var copy = self
        copy.status = next
        copy.updatedAt = now
        return copy
    }
}
