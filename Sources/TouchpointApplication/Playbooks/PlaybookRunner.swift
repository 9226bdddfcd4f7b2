import Foundation
import TouchpointCore
import TouchpointStore

/// Runs the steps that are due: claims a batch under a lease, reads what the steps need,
/// lets the engine decide, and writes every decision in one transaction that also moves
/// each enrollment on (so a step runs once, even when a node dies between the claim and
/// the write: the lease runs out and another node takes the step from where it was).
public struct PlaybookRunner: Sendable {
    let store: Store
    let address: PublicAddress
    /// Names this runner's leases; unique per process.
    public let owner: String
    let lease: TimeInterval

    public init(store: Store, address: PublicAddress, owner: String = "node-\(UUID().uuidString.prefix(8))", lease: TimeInterval = 60) {
        self.store = store
        self.address = address
        self.owner = owner
        self.lease = lease
    }

    /// Runs up to `limit` due steps; returns how many ran.
    @discardableResult
    public func runDue(limit: Int = 200) async throws -> Int {
        let claims = try await store.claimDueSteps(owner: owner, limit: limit, lease: lease)
        guard !claims.isEmpty else { return 0 }
        let base = address.url
        let facts = try await store.enrollmentFacts(claims, portalBase: base)
        var settings: [BrandID: AutomationSettings] = [:]
        var decisions: [StepDecision] = []
        let now = store.environment.now()
        let byID = Dictionary(uniqueKeysWithValues: claims.map { ($0.enrollment.id, $0) })
        for fact in facts {
            guard let claim = byID[fact.enrollment.id] else { continue }
            let brand = fact.enrollment.brandID
            if settings[brand] == nil { settings[brand] = try await store.automationSettings(brand: brand) }
            decisions.append(
                StepDecision(claim: claim, action: PlaybookEngine.decide(fact, now: now, settings: settings[brand] ?? .defaults), facts: fact))
        }
        return try await store.applySteps(decisions, owner: owner, links: PlaybookLinks(base: base))
    }

    /// Runs until nothing is due (for tests and the CLI).
    @discardableResult
    public func drain(limit: Int = 200) async throws -> Int {
        var total = 0
        while true {
            let ran = try await runDue(limit: limit)
            total += ran
            if ran == 0 { return total }
        }
    }

    /// When the next step falls due.
    public func nextDue() async throws -> Date? { try await store.nextStepDue() }
}
