import Foundation
import TouchpointCore
import TouchpointStore

/// Accounts: their profile, value and health, and who looks after them.
public struct Accounts: Sendable {
    let store: Store

    /// Creates an account; its service model follows from the profile and the rules.
    public func createAccount(brand: BrandID, actor: Actor, name: String, profile: AccountProfile) async throws -> Account {
        try await store.createAccount(brand: brand, actor: actor, name: name, profile: profile)
    }

    /// One account of the brand.
    public func account(_ id: AccountID, brand: BrandID) async throws -> Account {
        try await store.account(id, brand: brand)
    }

    /// Changes an account; a changed profile may move it to another service model.
    public func updateAccount(_ id: AccountID, brand: BrandID, actor: Actor, changes: AccountChanges) async throws -> Account {
        try await store.updateAccount(id, brand: brand, actor: actor, changes: changes)
    }

    /// Accounts of a brand by name, optionally filtered by a name fragment and journey stage.
    public func accounts(brand: BrandID, query: String?, stage: JourneyStage?, limit: Int, cursor: Cursor?) async throws -> Page<Account> {
        try await store.accounts(brand: brand, query: query, stage: stage, limit: limit, cursor: cursor)
    }
}
