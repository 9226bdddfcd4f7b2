import Foundation
import TouchpointCore
import TouchpointStore

/// An account's health as a CSM reads it: the score with its components, the trend and the
/// churn risk with its reasons.
public struct AccountHealthView: Sendable, Equatable {
    public var accountID: AccountID
    public var report: HealthReport
    public var trend: HealthTrend
    public var churn: ChurnAssessment
    public var computedAt: Date
    public var renewalOn: CivilDate?
}

/// What one pass did.
public struct HealthPass: Sendable, Equatable {
    public var accounts = 0
    /// Accounts whose churn risk is now different.
    public var riskChanged = 0
    /// Accounts whose segmentation moved them to another service model.
    public var modelChanged = 0
}

/// Computed health and churn risk: daily for every account and at once when something that
/// counts happens (a case opened or resolved, a response time missed, an escalation, an
/// invoice, imported product use).
public struct AccountHealth: Sendable {
    let store: Store

    /// Accounts computed and written per transaction, so a pass over a large brand never
    /// holds the writer for long.
    static let chunk = 2_000

    /// Snapshot days are UTC days, one per account.
    func today() -> CivilDate { CivilDate(store.environment.now(), timeZone: .gmt) }

    public func settings(brand: BrandID) async throws -> HealthSettings {
        try await store.healthSettings(brand: brand)
    }

    /// Stores new weights and expectations and recomputes every account of the brand with them.
    public func setSettings(_ settings: HealthSettings, brand: BrandID, actor: Actor) async throws -> (HealthSettings, HealthPass) {
        let saved = try await store.setHealthSettings(settings, brand: brand, actor: actor)
        return (saved, try await recompute(brand: brand))
    }

    /// Computes and stores the health of every account of the brand, or only of `accounts`.
    @discardableResult
    public func recompute(brand: BrandID, accounts: [AccountID]? = nil) async throws -> HealthPass {
        try await recomputed(brand: brand, accounts: accounts).pass
    }

    func recomputed(brand: BrandID, accounts: [AccountID]?) async throws -> (pass: HealthPass, writes: [HealthWrite]) {
        let settings = try await store.healthSettings(brand: brand)
        let today = today()
        let facts = try await store.healthFacts(brand: brand, accounts: accounts, settings: settings, today: today)
        var pass = HealthPass()
        var all: [HealthWrite] = []
        for start in stride(from: 0, to: facts.count, by: Self.chunk) {
            let writes = facts[start..<min(start + Self.chunk, facts.count)].map { Self.compute($0, settings: settings, today: today) }
            pass.accounts += writes.count
            pass.riskChanged += writes.filter { $0.churn.risk != $0.facts.account.profile.churnRisk }.count
            pass.modelChanged += try await store.saveHealth(writes, brand: brand, today: today, actor: .system)
            // A whole brand's reports are not kept; one account's are answered.
            if accounts != nil { all += writes }
        }
        return (pass, all)
    }

    /// Recomputes every brand whose daily pass has not run today; returns how many accounts
    /// it computed.
    public func dailyPass() async throws -> Int {
        let today = today()
        var computed = 0
        for brand in try await store.brands() where try await store.healthDue(brand: brand.id, today: today) {
            computed += try await recompute(brand: brand.id).accounts
            try await store.markHealthPass(brand: brand.id, today: today)
        }
        return computed
    }

    /// The pure part of a pass for one account.
    static func compute(_ facts: HealthFacts, settings: HealthSettings, today: CivilDate) -> HealthWrite {
        let report = HealthScore.compute(facts.inputs, settings: settings)
        let trend = HealthTrend.of(score: report.score, today: today, history: facts.base.map { [$0] } ?? [])
        let churn = ChurnAssessment.assess(
            score: report.score, trend: trend, renewalOn: facts.account.profile.renewalOn, today: today,
            stage: facts.account.profile.stage, inputs: facts.inputs)
        return HealthWrite(facts: facts, report: report, churn: churn, trend: trend)
    }

    /// The account's health now, computed from its history at the moment of asking (and
    /// stored, so the account's score is what this says), with the daily scores of the last
    /// 90 days as its trend.
    public func health(account: AccountID, brand: BrandID) async throws -> AccountHealthView {
        guard let write = try await recomputed(brand: brand, accounts: [account]).writes.first else {
            throw StoreError.notFound("account \(account.text)")
        }
        let today = today()
        let history = try await store.healthHistory(account: account, brand: brand, since: today.adding(days: -90))
        let trend = HealthTrend.of(score: write.report.score, today: today, history: history)
        return AccountHealthView(
            accountID: account, report: write.report, trend: trend, churn: write.churn, computedAt: store.environment.now(),
            renewalOn: write.facts.account.profile.renewalOn)
    }

    /// Stores imported product use and recomputes the account's health with it.
    public func importUsage(_ days: [UsageDay], account: AccountID, brand: BrandID) async throws -> AccountHealthView {
        guard !days.isEmpty, days.count <= 366 else {
            throw ValidationError(field: "days", reason: "send 1 to 366 days at a time, got \(days.count)")
        }
        for (index, day) in days.enumerated() {
            guard (0...10_000_000).contains(day.activeUsers) else {
                throw ValidationError(field: "days[\(index)].activeUsers", reason: "must be between 0 and 10,000,000, got \(day.activeUsers)")
            }
            guard (1...10_000_000).contains(day.licensedUsers) else {
                throw ValidationError(field: "days[\(index)].licensedUsers", reason: "must be between 1 and 10,000,000, got \(day.licensedUsers)")
            }
            guard day.day <= today().adding(days: 1) else {
                throw ValidationError(field: "days[\(index)].date", reason: "\(day.day) is in the future")
            }
        }
        try await store.recordUsage(days, account: account, brand: brand)
        return try await health(account: account, brand: brand)
    }
}
