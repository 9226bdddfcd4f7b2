import Foundation
import TouchpointCore
import TouchpointStore

/// Which service model each account gets, the rules that decide it, and the CSM book.
public struct AccountModels: Sendable {
    let store: Store

    /// The rules that give accounts their service model.
    public func segmentationRules(brand: BrandID) async throws -> RuleSet {
        try await store.segmentationRules(brand: brand)
    }

    /// Replaces the rules and re-evaluates every account of the brand in the same
    /// transaction. Returns the rules and the accounts whose model changed.
    public func setSegmentationRules(_ rules: RuleSet, brand: BrandID, actor: Actor) async throws -> (RuleSet, Int) {
        try await store.setSegmentationRules(rules, brand: brand, actor: actor)
    }

    /// What `rules` would do, without changing anything.
    public func dryRun(_ rules: RuleSet, brand: BrandID) async throws -> DryRun {
        try await store.dryRun(rules, brand: brand)
    }

    /// The service model an account gets, why, and its contacts' own ones.
    public func accountModel(_ id: AccountID, brand: BrandID) async throws -> AccountModelView {
        try await store.accountModel(id, brand: brand)
    }

    /// Each CSM's accounts, their value and health.
    public func csmBook(brand: BrandID) async throws -> CSMBookReport {
        try await store.csmBook(brand: brand)
    }

    /// Makes `csm` (or, when nil, the CSM with the most room) the account's owner, within
    /// the capacity of the account's model.
    public func assignCSM(account id: AccountID, csm: UserID?, brand: BrandID, actor: Actor) async throws -> Account {
        try await store.assignCSM(account: id, csm: csm, brand: brand, actor: actor)
    }
}
