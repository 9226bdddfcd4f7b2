import Foundation

/// How hard the customer's product is to use and support.
public enum ProductComplexity: String, WireEnum {
    case low, medium, high
}

/// Where the customer is in their journey with the company.
public enum JourneyStage: String, WireEnum {
    case onboarding, adoption, renewal, expansion, atRisk, churned
}

/// What decides an account's service model (segmentation reads these fields).
public struct AccountProfile: Codable, Equatable, Sendable {
    /// Annual contract value in the brand's currency.
    public var annualValue: Double
    public var averageOrderValue: Double
    public var complexity: ProductComplexity
    public var stage: JourneyStage
    public var goals: [String]
    /// 0 (about to leave) … 100 (thriving).
    public var healthScore: Int
    public var ownerCSM: UserID?
    /// The day the contract renews, when the company tracks it (churn risk looks ahead to it).
    public var renewalOn: CivilDate?
    /// Computed with the health score (segmentation rules may read it).
    public var churnRisk: ChurnRisk
    /// The customer's IANA time zone (automated messages keep to its daytime; nil: the brand's).
    public var timeZone: String?
    /// Where the customer is ("Mazowieckie", "North"): a CSM covering it is preferred.
    public var region: String?
    /// The language the customer speaks with us: a CSM who speaks it is preferred.
    public var language: Language?

    public init(annualValue: Double = 0, averageOrderValue: Double = 0, complexity: ProductComplexity = .low,
                stage: JourneyStage = .onboarding, goals: [String] = [], healthScore: Int = 50, ownerCSM: UserID? = nil,
                renewalOn: CivilDate? = nil, churnRisk: ChurnRisk = .low, timeZone: String? = nil, region: String? = nil, language: Language? = nil) {
        self.region = region
        self.language = language
        self.annualValue = annualValue
        self.averageOrderValue = averageOrderValue
        self.complexity = complexity
        self.stage = stage
        self.goals = goals
        self.healthScore = healthScore
        self.ownerCSM = ownerCSM
        self.renewalOn = renewalOn
        self.churnRisk = churnRisk
        self.timeZone = timeZone
    }

    /// Rejects values that cannot be right; returns the profile with goals trimmed.
    public func validated() throws(ValidationError) -> AccountProfile {
        var copy = self
        copy.annualValue = try Check.nonNegative(annualValue, field: "annualValue")
        copy.averageOrderValue = try Check.nonNegative(averageOrderValue, field: "averageOrderValue")
        guard (0...100).contains(healthScore) else {
            throw ValidationError(field: "healthScore", reason: "must be between 0 and 100, got \(healthScore)")
        }
        if let timeZone { try Check.timeZone(timeZone) }
        if let region { copy.region = try Check.text(region, field: "region", max: 100) }
        guard goals.count <= 50 else { throw ValidationError(field: "goals", reason: "at most 50 goals") }
        var trimmed: [String] = []
        for (index, goal) in goals.enumerated() {
            trimmed.append(try Check.text(goal, field: "goals[\(index)]", max: 500))
        }
        copy.goals = trimmed
        return copy
    }
}

/// A customer: a company or a person.
public struct Account: Codable, Equatable, Sendable {
    public var id: AccountID
    public var brandID: BrandID
    public var name: String
    public var profile: AccountProfile
    /// The model segmentation gave the account, and why (nil until first evaluated).
    public var serviceModel: ServiceModel?
    public var modelExplanation: String?
    public var createdAt: Date
    public var updatedAt: Date

    public init(id: AccountID, brandID: BrandID, name: String, profile: AccountProfile, serviceModel: ServiceModel? = nil,
                modelExplanation: String? = nil, createdAt: Date, updatedAt: Date) {
        self.id = id
        self.brandID = brandID
        self.name = name
        self.profile = profile
        self.serviceModel = serviceModel
        self.modelExplanation = modelExplanation
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }

    /// The names of the profile fields that differ between two profiles, for the event log.
    public static func changedFields(from old: AccountProfile, to new: AccountProfile) -> [String] {
        var fields: [String] = []
        if old.annualValue != new.annualValue { fields.append("annualValue") }
        if old.averageOrderValue != new.averageOrderValue { fields.append("averageOrderValue") }
        if old.complexity != new.complexity { fields.append("complexity") }
        if old.stage != new.stage { fields.append("stage") }
        if old.goals != new.goals { fields.append("goals") }
        if old.healthScore != new.healthScore { fields.append("healthScore") }
        if old.ownerCSM != new.ownerCSM { fields.append("ownerCSM") }
        if old.renewalOn != new.renewalOn { fields.append("renewalOn") }
        if old.churnRisk != new.churnRisk { fields.append("churnRisk") }
        if old.timeZone != new.timeZone { fields.append("timeZone") }
        if old.region != new.region { fields.append("region") }
        if old.language != new.language { fields.append("language") }
        return fields
    }
}

/// A person of an account, recognised on each contact point by their identities.
public struct Contact: Codable, Equatable, Sendable {
    public var id: ContactID
    public var brandID: BrandID
    public var accountID: AccountID?
    public var name: String?
    /// Free role text such as "decision maker", used by segmentation later.
    public var title: String?
    public var preferredContactPoint: ContactPoint?
    /// Set when this contact was merged into another; its history then shows there too.
    public var mergedInto: ContactID?
    public var identities: [Identity]
    public var createdAt: Date

    public init(id: ContactID, brandID: BrandID, accountID: AccountID?, name: String?, title: String? = nil,
                preferredContactPoint: ContactPoint? = nil, mergedInto: ContactID? = nil,
                identities: [Identity], createdAt: Date) {
        self.id = id
        self.brandID = brandID
        self.accountID = accountID
        self.name = name
        self.title = title
        self.preferredContactPoint = preferredContactPoint
        self.mergedInto = mergedInto
        self.identities = identities
        self.createdAt = createdAt
    }
}
