import Foundation
import SQLKit
import TouchpointCore

/// Per-brand service configuration, reloaded after a few seconds so that other nodes'
/// changes arrive; this node's own changes invalidate it at once.
final class ServiceConfigCache: @unchecked Sendable {
    private let lock = NSLock()
    private var entries: [BrandID: (config: ServiceConfig, loadedAt: Date)] = [:]
    let ttl: TimeInterval = 5

    func get(_ brand: BrandID, now: Date) -> ServiceConfig? {
        lock.lock()
        defer { lock.unlock() }
        guard let entry = entries[brand], now.timeIntervalSince(entry.loadedAt) < ttl else { return nil }
        return entry.config
    }

    func put(_ brand: BrandID, _ config: ServiceConfig, now: Date) {
        lock.lock()
        defer { lock.unlock() }
        entries[brand] = (config, now)
    }

    func invalidate(_ brand: BrandID) {
        lock.lock()
        defer { lock.unlock() }
        entries[brand] = nil
    }
}

enum SettingKey {
    static let rules = "segmentation"
    static let topics = "topics"
    static func policy(_ model: ServiceModel) -> String { "policy.\(model.rawValue)" }
}

extension Store {
    /// The brand's service configuration (defaults where nothing was stored).
    public func serviceConfig(brand: BrandID) async throws -> ServiceConfig {
        let now = environment.now()
        if let cached = configCache.get(brand, now: now) { return cached }
        let config = try await database.read { db in try await Store.loadServiceConfig(brand: brand, on: db) }
        configCache.put(brand, config, now: now)
        return config
    }

    static func loadServiceConfig(brand: BrandID, on db: any SQLDatabase) async throws -> ServiceConfig {
        let settings = try await db.raw("SELECT key, value FROM brand_settings WHERE brand_id = \(bind: brand.text)").all()
        var values: [String: String] = [:]
        for row in settings { values[try row.string("key")] = try row.string("value") }
        var policies: [ServiceModel: ServicePolicy] = [:]
        for model in ServiceModel.allCases {
            policies[model] = values[SettingKey.policy(model)].flatMap { Convert.decode(ServicePolicy.self, $0) } ?? ServicePolicy.defaults(model)
        }
        let rules = values[SettingKey.rules].flatMap { Convert.decode(RuleSet.self, $0) } ?? RuleSet.defaults
        let topics = values[SettingKey.topics].flatMap { Convert.decode([RoutingTopic].self, $0) } ?? []
        var calendars: [CalendarID: NamedCalendar] = [:]
        for row in try await db.raw("SELECT * FROM calendars WHERE brand_id = \(bind: brand.text)").all() {
            let named = try Store.calendar(from: row)
            calendars[named.id] = named
        }
        return ServiceConfig(policies: policies, rules: rules, topics: topics, calendars: calendars,
                             staff: try await Store.agentProfiles(brand: brand, counting: false, on: db),
                             teams: try await Store.teamProfiles(brand: brand, on: db), rosters: try await Store.rosters(brand: brand, on: db))
    }

    static func putSetting(_ key: String, value: String, brand: BrandID, now: Date, on db: any SQLDatabase) async throws {
        try await db.raw("""
            INSERT INTO brand_settings (brand_id, key, value, updated_at) VALUES (\(bind: brand.text), \(bind: key), \(bind: value), \(bind: Convert.ms(now)))
            ON CONFLICT (brand_id, key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at
            """).run()
    }

    // MARK: Policies

    /// Replaces a model's policy and moves the SLA deadlines of its open cases to the new
    /// targets and calendar. Returns the policy and how many cases were rescheduled.
    public func setPolicy(_ policy: ServicePolicy, brand: BrandID, actor: Actor) async throws -> (ServicePolicy, Int) {
        let validated = try policy.validated(as: policy.model)
        let environment = self.environment
        let result = try await database.write { db -> Int in
            if let calendar = validated.calendarId { try await Store.requireCalendar(calendar, brand: brand, field: "calendarId", on: db) }
            let now = environment.now()
            try await Store.putSetting(SettingKey.policy(validated.model), value: Convert.json(validated), brand: brand, now: now, on: db)
            try await Store.insert(events: self.events([EventDraft(type: .policyUpdated, payload: ["model": .string(validated.model.rawValue)])],
                                                       brand: brand, actor: actor, account: nil, contact: nil, caseID: nil, at: now), on: db)
            var config = try await Store.loadServiceConfig(brand: brand, on: db)
            config.policies[validated.model] = validated
            return try await Store.rescheduleSLAs(brand: brand, model: validated.model, config: config, on: db)
        }
        configCache.invalidate(brand)
        return (validated, result)
    }

    // MARK: Topics

    public func setTopics(_ topics: [RoutingTopic], brand: BrandID, actor: Actor) async throws -> [RoutingTopic] {
        guard topics.count <= 500 else { throw ValidationError(field: "topics", reason: "at most 500 topics") }
        var clean: [RoutingTopic] = []
        for (index, topic) in topics.enumerated() {
            let valid = try topic.validated(field: "topics[\(index)]")
            if clean.contains(where: { $0.name == valid.name }) {
                throw ValidationError(field: "topics[\(index)].name", reason: "another topic is already named '\(valid.name)'")
            }
            clean.append(valid)
        }
        let environment = self.environment
        let topics = clean
        try await database.write { db in
            for (index, topic) in topics.enumerated() {
                if let team = topic.teamId {
                    do { try await Store.requireTeam(team, brand: brand, on: db) } catch StoreError.invalid(_, let reason) {
                        throw StoreError.invalid(field: "topics[\(index)].teamId", reason: reason)
                    }
                }
            }
            try await Store.putSetting(SettingKey.topics, value: Convert.json(topics), brand: brand, now: environment.now(), on: db)
        }
        configCache.invalidate(brand)
        return clean
    }

    // MARK: Calendars

    public func calendars(brand: BrandID) async throws -> [NamedCalendar] {
        try await serviceConfig(brand: brand).calendars.values.sorted { $0.name < $1.name }
    }

    public func calendar(_ id: CalendarID, brand: BrandID) async throws -> NamedCalendar {
        try await database.read { db in
            guard let row = try await db.raw("SELECT * FROM calendars WHERE id = \(bind: id.text) AND brand_id = \(bind: brand.text)").first() else {
                throw StoreError.notFound("calendar \(id.text)")
            }
            return try Store.calendar(from: row)
        }
    }

    /// Creates a calendar, or replaces the one with `id`; replacing reschedules the SLA
    /// deadlines of every open case whose model runs on it.
    public func saveCalendar(id: CalendarID?, name: String, calendar: BusinessCalendar, brand: BrandID, actor: Actor) async throws -> NamedCalendar {
        let cleanName = try Check.text(name, field: "name", max: 120)
        let environment = self.environment
        let saved = try await database.write { db -> NamedCalendar in
            let now = environment.now()
            let definition = Convert.json(CalendarDefinition(calendar))
            let clash = try await db.raw("SELECT id FROM calendars WHERE brand_id = \(bind: brand.text) AND name = \(bind: cleanName)").first()
            let named: NamedCalendar
            if let id {
                try await Store.requireCalendar(id, brand: brand, field: "id", on: db)
                if let clash, try clash.uuid("id") != id { throw StoreError.conflict("another calendar is named '\(cleanName)'") }
                try await db.raw("UPDATE calendars SET name = \(bind: cleanName), definition = \(bind: definition), updated_at = \(bind: Convert.ms(now)) WHERE id = \(bind: id.text)").run()
                named = NamedCalendar(id: id, name: cleanName, calendar: calendar)
            } else {
                if clash != nil { throw StoreError.conflict("another calendar is named '\(cleanName)'") }
                named = NamedCalendar(id: environment.newID(), name: cleanName, calendar: calendar)
                try await db.raw("""
                    INSERT INTO calendars (id, brand_id, name, definition, created_at, updated_at)
                    VALUES (\(bind: named.id.text), \(bind: brand.text), \(bind: cleanName), \(bind: definition), \(bind: Convert.ms(now)), \(bind: Convert.ms(now)))
                    """).run()
            }
            try await Store.insert(events: self.events([EventDraft(type: .calendarUpdated, payload: ["calendarId": .string(named.id.text), "name": .string(cleanName)])],
                                                       brand: brand, actor: actor, account: nil, contact: nil, caseID: nil, at: now), on: db)
            if id != nil {
                let config = try await Store.loadServiceConfig(brand: brand, on: db)
                for model in ServiceModel.allCases where config.policy(model).calendarId == named.id {
                    _ = try await Store.rescheduleSLAs(brand: brand, model: model, config: config, on: db)
                }
            }
            return named
        }
        configCache.invalidate(brand)
        return saved
    }

    /// Deletes a calendar nothing points at.
    public func deleteCalendar(_ id: CalendarID, brand: BrandID) async throws {
        try await database.write { db in
            try await Store.requireCalendar(id, brand: brand, field: "id", on: db)
            let config = try await Store.loadServiceConfig(brand: brand, on: db)
            if let model = ServiceModel.allCases.first(where: { config.policy($0).calendarId == id }) {
                throw StoreError.conflict("the \(model.rawValue) policy runs on this calendar")
            }
            let team = try await db.raw("SELECT id FROM teams WHERE calendar_id = \(bind: id.text)").first()
            let shift = try await db.raw("SELECT id FROM staff_users WHERE shift_calendar_id = \(bind: id.text)").first()
            if team != nil || shift != nil {
                throw StoreError.conflict("a team or a staff shift uses this calendar")
            }
            try await db.raw("DELETE FROM calendars WHERE id = \(bind: id.text)").run()
        }
        configCache.invalidate(brand)
    }

    static func calendar(from row: any SQLRow) throws -> NamedCalendar {
        guard let definition = Convert.decode(CalendarDefinition.self, try row.string("definition")),
              let calendar = try? definition.calendar() else {
            throw StoreError.unavailable("calendar \(try row.string("id")) has an unreadable definition")
        }
        return NamedCalendar(id: try row.uuid("id"), name: try row.string("name"), calendar: calendar)
    }

    static func requireCalendar(_ id: CalendarID, brand: BrandID, field: String, on db: any SQLDatabase) async throws {
        if try await db.raw("SELECT id FROM calendars WHERE id = \(bind: id.text) AND brand_id = \(bind: brand.text)").first() == nil {
            throw field == "id" ? StoreError.notFound("calendar \(id.text)") : StoreError.invalid(field: field, reason: "no calendar \(id.text) in this brand")
        }
    }
}
