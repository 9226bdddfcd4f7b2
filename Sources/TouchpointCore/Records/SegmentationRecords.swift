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
    /// The accounts a named CSM serves (owned or waiting for one), riskiest first.
    public var accounts: [BookEntry]
    /// Who should take each account waiting for a CSM, largest first.
    public var owners: [OwnerSuggestion]

    public init(csms: [StaffUser], loads: [CSMLoad], unowned: [ServiceModel: Int], suggestions: [Rebalance], accounts: [BookEntry] = [],
                owners: [OwnerSuggestion] = []) {
        self.owners = owners
        self.csms = csms
        self.loads = loads
        self.unowned = unowned
        self.suggestions = suggestions
        self.accounts = accounts
    }
}

/// One account in the CSM book: who owns it, how it is doing and what is planned next.
public struct BookEntry: Sendable {
    public var id: AccountID
    public var name: String
    public var model: ServiceModel
    public var owner: UserID?
    public var annualValue: Double
    public var healthScore: Int
    public var churnRisk: ChurnRisk
    /// Nil until health was first computed.
    public var trend: HealthTrend.Direction?
    public var trendChange: Int?
    public var renewalOn: CivilDate?
    /// The earliest open promise to the account (a call back, a review, a payment plan).
    public var nextTouch: (at: Date, what: String)?

    public init(id: AccountID, name: String, model: ServiceModel, owner: UserID?, annualValue: Double, healthScore: Int, churnRisk: ChurnRisk,
                trend: HealthTrend.Direction?, trendChange: Int?, renewalOn: CivilDate?, nextTouch: (at: Date, what: String)?) {
        self.id = id
        self.name = name
        self.model = model
        self.owner = owner
        self.annualValue = annualValue
        self.healthScore = healthScore
        self.churnRisk = churnRisk
        self.trend = trend
        self.trendChange = trendChange
        self.renewalOn = renewalOn
        self.nextTouch = nextTouch
    }
}
