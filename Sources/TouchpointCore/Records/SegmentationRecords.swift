import Foundation

/// An account's model with its explanation, the policy it brings, and the contacts whose
/// role gives them another model.
public struct AccountModelView: Sendable {
    public struct ContactOverride: Sendable {
        public var contactID: ContactID
        public var name: String?
        public var title: String?
        public var segmentation: Segmentation

        public init(contactID: ContactID, name: String?, title: String?, segmentation: Segmentation) {
            self.contactID = contactID
            self.name = name
            self.title = title
            self.segmentation = segmentation
        }
    }

    public var account: Account
    public var segmentation: Segmentation
    public var policy: ServicePolicy
    public var contactOverrides: [ContactOverride]

    public init(account: Account, segmentation: Segmentation, policy: ServicePolicy, contactOverrides: [ContactOverride]) {
        self.account = account
        self.segmentation = segmentation
        self.policy = policy
        self.contactOverrides = contactOverrides
    }
}

/// A CSM's book: load by model and the suggested moves when someone is over capacity.
public struct CSMBookReport: Sendable {
    public var csms: [StaffUser]
    public var loads: [CSMLoad]
    public var unowned: [ServiceModel: Int]
    public var suggestions: [Rebalance]

    public init(csms: [StaffUser], loads: [CSMLoad], unowned: [ServiceModel: Int], suggestions: [Rebalance]) {
        self.csms = csms
        self.loads = loads
        self.unowned = unowned
        self.suggestions = suggestions
    }
}
