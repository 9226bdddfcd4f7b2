import Foundation
import SQLKit
import TouchpointCore

extension Store {
    public func createAccount(brand: BrandID, actor: Actor, name: String, profile: AccountProfile) async throws -> Account {
        let config = try await serviceConfig(brand: brand)
        let now = environment.now()
        let account = Account(id: environment.newID(), brandID: brand, name: try Check.text(name, field: "name", max: 300),
                              profile: try profile.validated(), createdAt: now, updatedAt: now)
        let event = events([EventDraft(type: .accountCreated, payload: ["name": .string(account.name)])],
                           brand: brand, actor: actor, account: account.id, contact: nil, caseID: nil, at: now)
        return try await database.write { db in
            var account = account
            if let csm = account.profile.ownerCSM { try await Store.requireCSM(csm, brand: brand, on: db) }
            try await db.raw("""
                INSERT INTO accounts (id, brand_id, name, annual_value, average_order_value, complexity, stage, goals, health_score, owner_csm_id,
                    renewal_on, churn_risk, time_zone, region, language, created_at, updated_at)
                VALUES (\(bind: account.id.text), \(bind: brand.text), \(bind: account.name), \(bind: account.profile.annualValue),
                \(bind: account.profile.averageOrderValue), \(bind: account.profile.complexity.rawValue), \(bind: account.profile.stage.rawValue),
                \(bind: Convert.json(account.profile.goals)), \(bind: account.profile.healthScore), \(bind: account.profile.ownerCSM?.text),
                \(bind: account.profile.renewalOn?.description), \(bind: account.profile.churnRisk.rawValue), \(bind: account.profile.timeZone),
                \(bind: account.profile.region), \(bind: account.profile.language?.rawValue), \(bind: Convert.ms(now)), \(bind: Convert.ms(now)))
                """).run()
            try await Store.insert(events: event, on: db)
            try await self.segment(&account, config: config, actor: actor, now: now, on: db)
            return account
        }
    }

    public func account(_ id: AccountID, brand: BrandID) async throws -> Account {
        try await database.read { db in try await Store.account(id, brand: brand, on: db) }
    }

    static func account(_ id: AccountID, brand: BrandID, on db: any SQLDatabase) async throws -> Account {
        guard let row = try await db.raw("SELECT * FROM accounts WHERE id = \(bind: id.text) AND brand_id = \(bind: brand.text)").first() else {
            throw StoreError.notFound("account \(id.text)")
        }
        return try account(from: row)
    }

    public func updateAccount(_ id: AccountID, brand: BrandID, actor: Actor, changes: AccountChanges) async throws -> Account {
        let name = try changes.name.map { try Check.text($0, field: "name", max: 300) }
        let environment = self.environment
        let config = try await serviceConfig(brand: brand)
        return try await database.write { db in
            var account = try await Store.account(id, brand: brand, on: db)
            let newProfile = try changes.applied(to: account.profile).validated()
            var fields = Account.changedFields(from: account.profile, to: newProfile)
            if let name, name != account.name { fields.insert("name", at: 0) }
            guard !fields.isEmpty else { return account }
            if let csm = newProfile.ownerCSM, csm != account.profile.ownerCSM { try await Store.requireCSM(csm, brand: brand, on: db) }
            let now = environment.now()
            var payload: [String: JSONValue] = ["fields": .array(fields.map(JSONValue.string))]
            payload["from"] = .object(Store.profileJSON(account.profile, name: account.name, fields: fields))
            account.name = name ?? account.name
            account.profile = newProfile
            account.updatedAt = now
            payload["to"] = .object(Store.profileJSON(account.profile, name: account.name, fields: fields))
            try await db.raw("""
                UPDATE accounts SET name = \(bind: account.name), annual_value = \(bind: newProfile.annualValue),
                average_order_value = \(bind: newProfile.averageOrderValue), complexity = \(bind: newProfile.complexity.rawValue),
                stage = \(bind: newProfile.stage.rawValue), goals = \(bind: Convert.json(newProfile.goals)), health_score = \(bind: newProfile.healthScore),
                owner_csm_id = \(bind: newProfile.ownerCSM?.text), renewal_on = \(bind: newProfile.renewalOn?.description),
                time_zone = \(bind: newProfile.timeZone), region = \(bind: newProfile.region), language = \(bind: newProfile.language?.rawValue),
                updated_at = \(bind: Convert.ms(now))
                WHERE id = \(bind: id.text)
                """).run()
            let event = DomainEvent(id: environment.newID(), brandID: brand, type: .accountUpdated, actor: actor, accountID: id,
                                    contactID: nil, caseID: nil, payload: payload, occurredAt: now)
            try await Store.insert(events: [event], on: db)
            try await self.segment(&account, config: config, actor: actor, now: now, on: db)
            return account
        }
    }

    /// Accounts of a brand by name, optionally filtered by a name fragment and journey stage.
    public func accounts(brand: BrandID, query: String?, stage: JourneyStage?, limit: Int, cursor: Cursor?) async throws -> Page<Account> {
        try await database.read { db in
            var sql = SQLQueryString("SELECT * FROM accounts WHERE brand_id = \(bind: brand.text)")
            if let query, !query.isEmpty {
                sql.appendLiteral(" AND LOWER(name) LIKE ")
                sql.appendInterpolation(bind: "%" + Store.escapeLike(query.lowercased()) + "%")
                sql.appendLiteral(" ESCAPE '\\'")
            }
            if let stage { sql.appendLiteral(" AND stage = "); sql.appendInterpolation(bind: stage.rawValue) }
            Store.appendCursor(&sql, cursor, timeColumn: "created_at", descending: false)
            sql.appendLiteral(" ORDER BY created_at, id LIMIT ")
            sql.appendInterpolation(bind: limit + 1)
            let rows = try await db.raw(sql).all()
            let items = try rows.prefix(limit).map(Store.account(from:))
            let next = rows.count > limit ? items.last.map { Cursor(time: Convert.ms($0.createdAt), id: $0.id.text).token } : nil
            return Page(items: items, nextCursor: next)
        }
    }

    static func account(from row: any SQLRow) throws -> Account {
        Account(
            id: try row.uuid("id"), brandID: try row.uuid("brand_id"), name: try row.string("name"),
            profile: AccountProfile(
                annualValue: try row.double("annual_value"), averageOrderValue: try row.double("average_order_value"),
                complexity: try row.wire("complexity", as: ProductComplexity.self), stage: try row.wire("stage", as: JourneyStage.self),
                goals: Convert.strings(try row.string("goals")), healthScore: try row.int("health_score"),
                ownerCSM: try row.optionalUUID("owner_csm_id"), renewalOn: try row.optionalString("renewal_on").flatMap(CivilDate.init),
                churnRisk: try row.optionalString("churn_risk").flatMap(ChurnRisk.init(rawValue:)) ?? .low,
                timeZone: try row.optionalString("time_zone"), region: try row.optionalString("region"),
                language: try row.optionalString("language").flatMap(Language.init(rawValue:))),
            serviceModel: try row.optionalString("service_model").flatMap(ServiceModel.init(rawValue:)),
            modelExplanation: try row.optionalString("model_explanation"),
            createdAt: try row.date("created_at"), updatedAt: try row.date("updated_at"))
    }

    static func profileJSON(_ profile: AccountProfile, name: String, fields: [String]) -> [String: JSONValue] {
        var all: [String: JSONValue] = [
            "name": .string(name), "annualValue": .double(profile.annualValue), "averageOrderValue": .double(profile.averageOrderValue),
            "complexity": .string(profile.complexity.rawValue), "stage": .string(profile.stage.rawValue),
            "goals": .array(profile.goals.map(JSONValue.string)), "healthScore": .int(profile.healthScore),
            "ownerCSM": .optionalString(profile.ownerCSM?.text), "renewalOn": .optionalString(profile.renewalOn?.description),
            "churnRisk": .string(profile.churnRisk.rawValue), "timeZone": .optionalString(profile.timeZone),
            "region": .optionalString(profile.region), "language": .optionalString(profile.language?.rawValue),
        ]
        all = all.filter { fields.contains($0.key) }
        return all
    }

    static func requireCSM(_ id: UserID, brand: BrandID, on db: any SQLDatabase) async throws {
        guard let row = try await db.raw("SELECT role FROM staff_users WHERE id = \(bind: id.text) AND brand_id = \(bind: brand.text)").first() else {
            throw StoreError.invalid(field: "ownerCSM", reason: "no staff user \(id.text) in this brand")
        }
        let role = try row.string("role")
        guard role == Role.csm.rawValue || role == Role.manager.rawValue || role == Role.executive.rawValue else {
            throw StoreError.invalid(field: "ownerCSM", reason: "staff user \(id.text) is a \(role), not a CSM")
        }
    }

    static func escapeLike(_ text: String) -> String {
        text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "%", with: "\\%").replacingOccurrences(of: "_", with: "\\_")
    }

    /// Adds `AND (time, id) > (…)` (or `<` when descending) for keyset pagination.
    static func appendCursor(
        _ sql: inout SQLQueryString, _ cursor: Cursor?, timeColumn: String, descending: Bool, prefix: String = "", id: String = "id"
    ) {
        guard let cursor else { return }
        sql.appendLiteral(" AND (\(prefix)\(timeColumn), \(prefix)\(id)) \(descending ? "<" : ">") (")
        sql.appendInterpolation(bind: cursor.time)
        sql.appendLiteral(", ")
        sql.appendInterpolation(bind: cursor.id)
        sql.appendLiteral(")")
    }
}
