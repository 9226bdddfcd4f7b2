import Foundation
import TouchpointCore

/// Recomputes an account's health as soon as something that counts happens to it, so the
/// CSM book and segmentation do not wait for the daily pass. Idempotent: a recomputation
/// handed over twice computes the same thing.
public struct HealthListener: EventListener {
    let health: AccountHealth

    public init(health: AccountHealth) {
        self.health = health
    }

    public var name: String { "health" }
    public var interests: Set<EventType> {
        [
            .accountCreated, .caseCreated, .caseStatusChanged, .caseMerged, .slaBreached, .caseEscalated, .billingUpdated, .accountUpdated,
            .accountModelChanged, .surveyAnswered,
        ]
    }

    public func handle(_ events: [DomainEvent]) async throws {
        var byBrand: [BrandID: Set<AccountID>] = [:]
        for event in events {
            guard let account = event.accountID else { continue }
            // The pass's own model changes need no second pass.
            if event.type == .accountModelChanged, event.actor.kind == .system { continue }
            byBrand[event.brandID, default: []].insert(account)
        }
        for (brand, accounts) in byBrand {
            try await health.recompute(brand: brand, accounts: accounts.sorted { $0.uuidString < $1.uuidString })
        }
    }
}
