import Foundation
import TouchpointCore
import TouchpointStore

/// Brands, staff members, API tokens and who a token belongs to.
public struct Staff: Sendable {
    let store: Store

    /// The brand with this id (cached after the first read).
    public func brand(_ id: BrandID) async throws -> Brand {
        try await store.brand(id)
    }

    /// The brand with this slug, or nil.
    public func brand(slug: String) async throws -> Brand? {
        try await store.brand(slug: slug)
    }

    /// Every brand on this installation.
    public func brands() async throws -> [Brand] {
        try await store.brands()
    }

    /// Changes the language the brand writes to its customers in and the time zone its
    /// people read times in; nil keeps what is set. An unknown zone is refused by name.
    public func updateBrand(_ id: BrandID, language: Language?, timeZone: String?, actor: Actor) async throws -> Brand {
        if let timeZone { try Check.timeZone(timeZone) }
        return try await store.updateBrand(id, language: language, timeZone: timeZone, actor: actor)
    }

    /// The staff member with this email address.
    public func staffUser(email: String) async throws -> StaffUser {
        try await store.staffUser(email: email)
    }

    /// A staff member of the brand by id.
    public func staffUser(_ id: UserID, brand: BrandID) async throws -> StaffUser {
        try await store.staffUser(id, brand: brand)
    }

    /// Creates an API token for a staff user and returns its plain text, which is shown
    /// once and stored only as a SHA-256 hash (tokens are 256 random bits, so a fast hash
    /// is enough: there is nothing to brute-force).
    public func createToken(email: String, name: String, scope: TokenScope) async throws -> (token: String, user: StaffUser) {
        try await store.createToken(email: email, name: name, scope: scope)
    }

    /// The brand's API tokens (never their values), newest first.
    public func apiTokens(brand: BrandID) async throws -> [APIToken] {
        try await store.apiTokens(brand: brand)
    }

    /// Revokes a token of the brand; it stops working within the API's token cache time (10 s).
    public func revokeToken(_ id: UUID, brand: BrandID, actor: Actor) async throws {
        try await store.revokeToken(id, brand: brand, actor: actor)
    }

    /// The caller a bearer token stands for, or nil for an unknown or revoked token.
    public func principal(forToken token: String) async throws -> Principal? {
        try await store.principal(forToken: token)
    }
}
