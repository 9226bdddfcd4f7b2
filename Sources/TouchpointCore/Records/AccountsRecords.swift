import Foundation

/// Changes to an account; `nil` keeps a field. `ownerCSM` uses `.some(nil)` to clear.
public struct AccountChanges: Sendable {
    public var name: String?
    public var annualValue: Double?
    public var averageOrderValue: Double?
    public var complexity: ProductComplexity?
    public var stage: JourneyStage?
    public var goals: [String]?
    public var healthScore: Int?
    public var ownerCSM: UserID??
    /// `.some(nil)` clears the renewal day.
    public var renewalOn: CivilDate??
    /// `.some(nil)` goes back to the brand's time zone.
    public var timeZone: String??
    /// `.some(nil)` clears the region (or the language).
    public var region: String??
    public var language: Language??

    public init(
        name: String? = nil, annualValue: Double? = nil, averageOrderValue: Double? = nil, complexity: ProductComplexity? = nil,
        stage: JourneyStage? = nil, goals: [String]? = nil, healthScore: Int? = nil, ownerCSM: UserID?? = nil, renewalOn: CivilDate?? = nil,
        timeZone: String?? = nil, region: String?? = nil, language: Language?? = nil
    ) {
        self.region = region
        self.language = language
        self.name = name
        self.annualValue = annualValue
        self.averageOrderValue = averageOrderValue
        self.complexity = complexity
        self.stage = stage
        self.goals = goals
        self.healthScore = healthScore
        self.ownerCSM = ownerCSM
        self.renewalOn = renewalOn
        self.timeZone = timeZone
    }

    public func applied(to profile: AccountProfile) -> AccountProfile {
        var next = profile
        if let annualValue { next.annualValue = annualValue }
        if let averageOrderValue { next.averageOrderValue = averageOrderValue }
        if let timeZone { next.timeZone = timeZone }
        if let region { next.region = region }
        if let language { next.language = language }
        if let complexity { next.complexity = complexity }
        if let stage { next.stage = stage }
        if let goals { next.goals = goals }
        if let healthScore { next.healthScore = healthScore }
        if let ownerCSM { next.ownerCSM = ownerCSM }
        if let renewalOn { next.renewalOn = renewalOn }
        return next
    }
}
