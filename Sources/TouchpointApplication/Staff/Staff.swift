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

    /// Adds a team to the brand; a name the brand already uses (in any case) is refused.
    public func addTeam(name: String, brand: BrandID) async throws -> Team {
        let clean = try Check.text(name, field: "name", max: 200)
        if try await store.teamProfiles(brand: brand).contains(where: { $0.team.name.lowercased() == clean.lowercased() }) {
            throw StoreError.conflict("there is already a team named '\(clean)'")
        }
        return try await store.createTeam(brand: brand, name: clean)
    }

    /// Adds a staff member to the brand, in a team of the brand or none. With a password
    /// hash they can sign in at once; without one, once an administrator sets a password.
    public func addStaffMember(email: String, name: String, role: Role, team: TeamID?, passwordHash: String?, brand: BrandID,
                               actor: Actor) async throws -> StaffUser {
        if let team, try await !store.teamProfiles(brand: brand).contains(where: { $0.team.id == team }) {
            throw ValidationError(field: "teamId", reason: "no team \(team.text) in this brand")
        }
        let user = try await store.createStaffUser(brand: brand, email: email, name: name, role: role, team: team)
        if let passwordHash { try await store.setPasswordHash(passwordHash, userID: user.id, brand: brand, actor: actor) }
        return user
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
