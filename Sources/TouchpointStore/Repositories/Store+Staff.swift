import Crypto
import Foundation
import SQLKit
import TouchpointCore

extension Store {
    // MARK: Brands and teams

    /// Creates a brand (used by the demo data and administrators).
    public func createBrand(slug: String, name: String, casePrefix: String, defaultCallingCode: String?, language: Language = .en,
                            timeZone: String = "UTC") async throws -> Brand {
        let brand = Brand(id: environment.newID(), slug: slug.lowercased(), name: name, casePrefix: casePrefix, defaultCallingCode: defaultCallingCode,
                          language: language, timeZone: timeZone)
        let now = Convert.ms(environment.now())
        try await database.write { db in
            let existing = try await db.raw("SELECT id FROM brands WHERE slug = \(bind: brand.slug)").first()
            if existing != nil { throw StoreError.conflict("a brand with slug '\(brand.slug)' exists") }
            try await db.raw("""
                INSERT INTO brands (id, slug, name, case_prefix, default_calling_code, language, time_zone, created_at)
                VALUES (\(bind: brand.id.text), \(bind: brand.slug), \(bind: brand.name), \(bind: brand.casePrefix), \(bind: brand.defaultCallingCode),
                        \(bind: brand.language.rawValue), \(bind: brand.timeZone), \(bind: now))
                """).run()
        }
        brands.put(brand.id, brand)
        return brand
    }

    /// The brand with this id (cached after the first read).
    public func brand(_ id: BrandID) async throws -> Brand {
        if let cached = brands.get(id) { return cached }
        let brand = try await database.read { db -> Brand in
            guard let row = try await db.raw("SELECT * FROM brands WHERE id = \(bind: id.text)").first() else {
                throw StoreError.notFound("brand")
            }
            return try Store.brand(from: row)
        }
        brands.put(brand.id, brand)
        return brand
    }

    /// The brand with this slug, or nil.
    public func brand(slug: String) async throws -> Brand? {
        try await database.read { db in
            try await db.raw("SELECT * FROM brands WHERE slug = \(bind: slug.lowercased())").first().map(Store.brand(from:))
        }
    }

    public func brands() async throws -> [Brand] {
        try await database.read { db in
            try await db.raw("SELECT * FROM brands ORDER BY slug").all().map(Store.brand(from:))
        }
    }

    static func brand(from row: any SQLRow) throws -> Brand {
        Brand(id: try row.uuid("id"), slug: try row.string("slug"), name: try row.string("name"),
              casePrefix: try row.string("case_prefix"), defaultCallingCode: try row.optionalString("default_calling_code"),
              language: Language(rawValue: try row.string("language")) ?? .en, timeZone: try row.string("time_zone"))
    }

    /// Changes the language the brand writes to its customers in and the time zone its
    /// people read times in (either may stay as it is).
    public func updateBrand(_ id: BrandID, language: Language?, timeZone: String?, actor: Actor) async throws -> Brand {
        var brand = try await self.brand(id)
        if let language { brand.language = language }
        if let timeZone { brand.timeZone = timeZone }
        let environment = self.environment
        let changed = brand
        try await database.write { db in
            try await db.raw("UPDATE brands SET language = \(bind: changed.language.rawValue), time_zone = \(bind: changed.timeZone) WHERE id = \(bind: id.text)").run()
            var payload: [String: JSONValue] = [:]
            if let language { payload["language"] = .string(language.rawValue) }
            if let timeZone { payload["timeZone"] = .string(timeZone) }
            try await Store.insert(events: [DomainEvent(id: environment.newID(), brandID: id, type: .brandUpdated, actor: actor, accountID: nil, contactID: nil,
                                                        caseID: nil, payload: payload, occurredAt: environment.now())], on: db)
        }
        brands.put(id, brand)
        return brand
    }

    public func createTeam(brand: BrandID, name: String) async throws -> Team {
        let team = Team(id: environment.newID(), brandID: brand, name: try Check.text(name, field: "name", max: 200))
        let now = Convert.ms(environment.now())
        try await database.write { db in
            try await db.raw("INSERT INTO teams (id, brand_id, name, created_at) VALUES (\(bind: team.id.text), \(bind: brand.text), \(bind: team.name), \(bind: now))").run()
        }
        configCache.invalidate(brand)
        return team
    }

    // MARK: Staff

    public func createStaffUser(brand: BrandID, email: String, name: String, role: Role, team: TeamID?) async throws -> StaffUser {
        let user = StaffUser(id: environment.newID(), brandID: brand, email: try Identity.normalizeEmail(email),
                             name: try Check.text(name, field: "name", max: 200), role: role, teamID: team)
        let now = Convert.ms(environment.now())
        try await database.write { db in
            if try await db.raw("SELECT id FROM staff_users WHERE email = \(bind: user.email)").first() != nil {
                throw StoreError.conflict("a staff user with email \(user.email) exists")
            }
            try await db.raw("""
                INSERT INTO staff_users (id, brand_id, email, name, role, team_id, created_at)
                VALUES (\(bind: user.id.text), \(bind: brand.text), \(bind: user.email), \(bind: user.name), \(bind: role.rawValue), \(bind: team?.text), \(bind: now))
                """).run()
        }
        configCache.invalidate(brand)
        return user
    }

    public func staffUser(email: String) async throws -> StaffUser {
        let normalized = try Identity.normalizeEmail(email)
        return try await database.read { db in
            guard let row = try await db.raw("SELECT * FROM staff_users WHERE email = \(bind: normalized)").first() else {
                throw StoreError.notFound("staff user \(normalized)")
            }
            return try Store.staffUser(from: row)
        }
    }

    /// A staff member of the brand by id.
    public func staffUser(_ id: UserID, brand: BrandID) async throws -> StaffUser {
        try await database.read { db in
            guard let row = try await db.raw("SELECT * FROM staff_users WHERE id = \(bind: id.text) AND brand_id = \(bind: brand.text)").first() else {
                throw StoreError.notFound("staff user \(id.text)")
            }
            return try Store.staffUser(from: row)
        }
    }

    static func staffUser(from row: any SQLRow) throws -> StaffUser {
        StaffUser(id: try row.uuid("id"), brandID: try row.uuid("brand_id"), email: try row.string("email"),
                  name: try row.string("name"), role: try row.wire("role", as: Role.self), teamID: try row.optionalUUID("team_id"),
                  language: try row.optionalString("language").flatMap(Language.init(rawValue:)))
    }

    // MARK: API tokens

    /// Creates an API token for a staff user and returns its plain text, which is shown
    /// once and stored only as a SHA-256 hash (tokens are 256 random bits, so a fast hash
    /// is enough: there is nothing to brute-force).
    public func createToken(email: String, name: String, scope: TokenScope) async throws -> (token: String, user: StaffUser) {
        let user = try await staffUser(email: email)
        let token = "tp_" + Store.randomToken()
        let id = environment.newID()
        let now = environment.now()
        let event = DomainEvent(id: environment.newID(), brandID: user.brandID, type: .tokenCreated, actor: .system,
                                accountID: nil, contactID: nil, caseID: nil,
                                payload: ["tokenId": .string(id.text), "userId": .string(user.id.text), "scope": .string(scope.rawValue)],
                                occurredAt: now)
        try await database.write { db in
            try await db.raw("""
                INSERT INTO api_tokens (id, user_id, token_hash, name, scope, created_at)
                VALUES (\(bind: id.text), \(bind: user.id.text), \(bind: Store.hash(token: token)), \(bind: name), \(bind: scope.rawValue), \(bind: Convert.ms(now)))
                """).run()
            try await Store.insert(events: [event], on: db)
        }
        return (token, user)
    }

    /// The brand's API tokens (never their values), newest first.
    public func apiTokens(brand: BrandID) async throws -> [APIToken] {
        try await database.read { db in
            try await db.raw("""
                SELECT t.id, t.name, t.scope, t.created_at, t.revoked_at, u.email FROM api_tokens t JOIN staff_users u ON u.id = t.user_id
                WHERE u.brand_id = \(bind: brand.text) ORDER BY t.created_at DESC, t.id DESC
                """).all().map { row in
                APIToken(id: try row.uuid("id"), name: try row.string("name"), email: try row.string("email"), scope: try row.wire("scope", as: TokenScope.self),
                         createdAt: try row.date("created_at"), revokedAt: try row.optionalInt("revoked_at").map(Convert.date))
            }
        }
    }

    /// Revokes a token of the brand; it stops working within the API's token cache time (10 s).
    public func revokeToken(_ id: UUID, brand: BrandID, actor: Actor) async throws {
        let now = environment.now()
        let environment = self.environment
        try await database.write { db in
            let rows = try await db.raw("""
                UPDATE api_tokens SET revoked_at = \(bind: Convert.ms(now)) WHERE id = \(bind: id.text) AND revoked_at IS NULL
                AND user_id IN (SELECT id FROM staff_users WHERE brand_id = \(bind: brand.text)) RETURNING id
                """).all()
            guard !rows.isEmpty else { throw StoreError.notFound("token") }
            try await Store.insert(events: [DomainEvent(id: environment.newID(), brandID: brand, type: .tokenRevoked, actor: actor, accountID: nil,
                                                        contactID: nil, caseID: nil, payload: ["tokenId": .string(id.text)], occurredAt: now)], on: db)
        }
    }

    /// The caller a bearer token stands for, or nil for an unknown or revoked token.
    public func principal(forToken token: String) async throws -> Principal? {
        let hash = Store.hash(token: token)
        return try await database.read { db in
            guard let row = try await db.raw("""
                SELECT u.id AS user_id, u.brand_id, u.role, t.scope FROM api_tokens t JOIN staff_users u ON u.id = t.user_id
                WHERE t.token_hash = \(bind: hash) AND t.revoked_at IS NULL
                """).first() else { return nil }
            return Principal(userID: try row.uuid("user_id"), brandID: try row.uuid("brand_id"),
                             role: try row.wire("role", as: Role.self), scope: try row.wire("scope", as: TokenScope.self))
        }
    }

    /// 256 random bits as URL-safe base64 without padding.
    static func randomToken() -> String {
        var bytes = [UInt8](repeating: 0, count: 32)
        var rng = SystemRandomNumberGenerator()
        for index in bytes.indices { bytes[index] = rng.next() }
        return Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }

    static func hash(token: String) -> String {
        SHA256.hash(data: Data(token.utf8)).map { String(format: "%02x", $0) }.joined()
    }
}
