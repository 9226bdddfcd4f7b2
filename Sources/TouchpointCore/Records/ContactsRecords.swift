import Foundation

/// Changes to a contact; `nil` keeps a field; `.some(nil)` clears an optional one.
public struct ContactChanges: Sendable {
    public var name: String??
    public var title: String??
    public var accountID: AccountID??
    public var preferredContactPoint: ContactPoint??
    public var addIdentities: [Identity]
    public var removeIdentities: [Identity]

    public init(
        name: String?? = nil, title: String?? = nil, accountID: AccountID?? = nil, preferredContactPoint: ContactPoint?? = nil,
        addIdentities: [Identity] = [], removeIdentities: [Identity] = []
    ) {
        self.name = name
        self.title = title
        self.accountID = accountID
        self.preferredContactPoint = preferredContactPoint
        self.addIdentities = addIdentities
        self.removeIdentities = removeIdentities
    }
}
