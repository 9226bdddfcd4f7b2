import Foundation

/// Changes to a commitment; `nil` keeps a field.
public struct CommitmentChanges: Sendable {
    public var status: CommitmentStatus?
    public var what: String?
    public var dueAt: Date?
    public var ownerID: UserID??

    public init(status: CommitmentStatus? = nil, what: String? = nil, dueAt: Date? = nil, ownerID: UserID?? = nil) {
        self.status = status
        self.what = what
        self.dueAt = dueAt
        self.ownerID = ownerID
    }
}
