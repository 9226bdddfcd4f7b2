import Foundation
import SQLKit
import TouchpointCore

extension Store {
    /// Evaluates an account's model inside a command; a change is stored with an event that
    /// carries the old model, the new one and why.
    func segment(_ account: inout Account, config: ServiceConfig, actor: Actor, now: Date, on db: any SQLDatabase) async throws {
        let result = config.rules.evaluate(SegmentSubject(profile: account.profile))
        guard result.model != account.serviceModel || result.explanation != account.modelExplanation else { return }
        let previous = account.serviceModel
        try await db.raw("""
            UPDATE accounts SET service_model = \(bind: result.model.rawValue), model_explanation = \(bind: result.explanation) WHERE id = \(bind: account.id.text)
            """).run()
        account.serviceModel = result.model
        account.modelExplanation = result.explanation
        guard previous != result.model else { return }
        try await Store.insert(events: events([EventDraft(type: .accountModelChanged, payload: [
            "from": .optionalString(previous?.rawValue), "to": .string(result.model.rawValue), "why": .string(result.explanation),
            "because": result.payload])],
            brand: account.brandID, actor: actor, account: account.id, contact: nil, caseID: nil, at: now), on: db)
        // A new account has no cases yet; only a change reaches work in progress.
        if previous != nil {
            let (owners, events) = try await giveCSMs(to: [account], config: config, brand: account.brandID, now: now, on: db)
            if let owner = owners[account.id] { account.profile.ownerCSM = owner }
            try await Store.insert(events: events + (try await retargetOpenCases(of: account, config: config, from: previous, now: now, on: db)), on: db)
        }
    }

    /// Accounts that came to a model with a named CSM and have none get the CSM with the most
    /// room for that model (within every book's capacity), each with an `account.updated`
    /// event saying why; an account no CSM has room for stays unowned (the CSM book lists it).
    func giveCSMs(to accounts: [Account], config: ServiceConfig, brand: BrandID, now: Date, on db: any SQLDatabase) async throws
        -> (owners: [AccountID: UserID], events: [DomainEvent]) {
        let needing = accounts.filter { account in
            account.profile.ownerCSM == nil && account.serviceModel.map { config.policy($0).namedCSM } == true
        }.sorted { ($0.profile.annualValue, $0.id.uuidString) > ($1.profile.annualValue, $1.id.uuidString) }
        guard !needing.isEmpty else { return ([:], []) }
        let (csms, reach) = try await Store.csmReach(brand: brand, on: db)
        guard !csms.isEmpty else { return ([:], []) }
        let book = CSMBook(policies: config.policies, reach: reach)
        // The accounts' new models are written already, so the books count them as they are now.
        var loads = book.loads(csms: csms, accounts: try await Store.bookAccounts(brand: brand, on: db))
        var owners: [AccountID: UserID] = [:]
        var events: [DomainEvent] = []
        for account in needing {
            guard let model = account.serviceModel,
                  let picked = book.pick(for: BookAccount(id: account.id, name: account.name, model: model, owner: nil, annualValue: account.profile.annualValue,
                                                          region: account.profile.region, language: account.profile.language), among: loads),
                  let index = loads.firstIndex(where: { $0.csm == picked.csm }) else { continue }
            let (pick, why) = (picked.csm, picked.why)
            loads[index].utilization += book.weight(model)
            owners[account.id] = pick
            try await db.raw("UPDATE accounts SET owner_csm_id = \(bind: pick.text), updated_at = \(bind: Convert.ms(now)) WHERE id = \(bind: account.id.text)").run()
            events.append(DomainEvent(id: environment.newID(), brandID: brand, type: .accountUpdated, actor: .system, accountID: account.id,
                                      contactID: nil, caseID: nil, payload: [
                                          "fields": .array([.string("ownerCSM")]), "from": .object(["ownerCSM": .null]),
                                          "to": .object(["ownerCSM": .string(pick.text)]),
                                          "why": .string("\(model.words) accounts have a named CSM: \(why)")], occurredAt: now))
        }
        return (owners, events)
    }

    /// The account's open cases take the policy of the model their customer has now: SLA
    /// targets recomputed from each case's start, the model's entry level, and — for a model
    /// with a named advisor — the account's CSM on a case nobody holds yet; each with the
    /// reason on its timeline. Returns those events.
    func retargetOpenCases(of account: Account, config: ServiceConfig, from previous: ServiceModel?, now: Date, on db: any SQLDatabase) async throws -> [DomainEvent] {
        let rows = try await db.raw("""
            SELECT c.*, k.title AS contact_title FROM cases c JOIN contacts k ON k.id = c.contact_id
            WHERE c.brand_id = \(bind: account.brandID.text) AND c.account_id = \(bind: account.id.text)
            AND c.status IN ('new', 'open', 'pending') AND c.merged_into IS NULL
            """).all()
        var events: [DomainEvent] = []
        let why = "the account's model changed from \(previous?.words ?? "none") to \(account.serviceModel?.words ?? "none")"
        for row in rows {
            let item = try Store.case(from: row)
            if let event = try await Store.takeModel(item, profile: account.profile, title: try row.optionalString("contact_title"), config: config,
                                                    why: why, now: now, environment: environment, on: db) {
                events.append(event)
            }
        }
        return events
    }

    /// Gives one open case the model its customer has under `config`: the model, SLA targets
    /// recomputed from the case's start, the level raised to the model's entry level, and the
    /// account's CSM on an unassigned case where the model promises a named person. Returns
    /// the `case.updated` event saying so (with `extra` in it), or nil when nothing changed and
    /// there is nothing extra to say.
    static func takeModel(_ item: Case, profile: AccountProfile?, title: String?, config: ServiceConfig, why: String,
                          extra: [String: JSONValue] = [:], now: Date, environment: TouchpointCore.Environment, on db: any SQLDatabase) async throws -> DomainEvent? {
        let segmentation = config.rules.evaluateContact(profile: profile ?? AccountProfile(), role: title)
        let policy = config.policy(segmentation.model)
        var sla = item.sla
        sla?.retarget(policy.sla[item.priority], atRiskShare: policy.atRiskShare, on: config.availability(segmentation.model))
        let level = max(item.level, EscalationLadder.entry(policy: policy, annualValue: profile?.annualValue, requested: item.level).step.level(keeping: item.level))
        let csm = item.assigneeID == nil && policy.namedCSM && policy.humanReach == .namedPerson ? profile?.ownerCSM : nil
        var change = extra
        if segmentation.model != item.serviceModel {
            change["serviceModel"] = .object(["from": .optionalString(item.serviceModel?.rawValue), "to": .string(segmentation.model.rawValue)])
            change["modelExplanation"] = .string(segmentation.explanation)
        }
        if level != item.level { change["level"] = .object(["from": .int(item.level.rawValue), "to": .int(level.rawValue)]) }
        if let csm { change["assigneeId"] = .string(csm.text) }
        guard !change.isEmpty else { return nil }
        change["why"] = .string(why)
        try await db.raw("""
            UPDATE cases SET service_model = \(bind: segmentation.model.rawValue), level = \(bind: level.rawValue), sla = \(bind: sla?.storageText),
            sla_next_at = \(bind: sla?.nextWake.map(Convert.ms)), sla_risk_at = \(bind: sla?.riskAt.map(Convert.ms)),
            deadline_key = \(bind: Store.deadlineKey(status: item.status, sla: sla, createdAt: item.createdAt)),
            assignee_id = \(bind: (csm ?? item.assigneeID)?.text), updated_at = \(bind: Convert.ms(now))
            WHERE id = \(bind: item.id.text)
            """).run()
        return DomainEvent(id: environment.newID(), brandID: item.brandID, type: .caseUpdated, actor: .system, accountID: item.accountID,
                           contactID: item.contactID, caseID: item.id, payload: change, occurredAt: now)
    }

    static func segmentedAccounts(brand: BrandID, on db: any SQLDatabase) async throws -> [Account] {
        try await db.raw("SELECT * FROM accounts WHERE brand_id = \(bind: brand.text) ORDER BY name, id").all().map(Store.account(from:))
    }

    public func segmentationRules(brand: BrandID) async throws -> RuleSet {
        try await serviceConfig(brand: brand).rules
    }

    /// Replaces the rules and re-evaluates every account of the brand in the same
    /// transaction. Returns the rules and the accounts whose model changed.
    public func setSegmentationRules(_ rules: RuleSet, brand: BrandID, actor: Actor) async throws -> (RuleSet, Int) {
        let valid = try rules.validated()
        let environment = self.environment
        var config = try await serviceConfig(brand: brand)
        config.rules = valid
        let changed = try await database.write { [config] db -> Int in
            let now = environment.now()
            try await Store.putSetting(SettingKey.rules, value: Convert.json(valid), brand: brand, now: now, on: db)
            try await Store.insert(events: self.events([EventDraft(type: .segmentationUpdated, payload: ["rules": .int(valid.rules.count)])],
                                                       brand: brand, actor: actor, account: nil, contact: nil, caseID: nil, at: now), on: db)
            return try await self.reevaluate(brand: brand, config: config, actor: actor, now: now, on: db)
        }
        configCache.invalidate(brand)
        return (valid, changed)
    }

    /// Gives every account of the brand its model under `config`'s rules, writing the changes in
    /// bulk; returns how many accounts changed model.
    func reevaluate(brand: BrandID, config: ServiceConfig, actor: Actor, now: Date, on db: any SQLDatabase) async throws -> Int {
        try await applyModels(try await Store.segmentedAccounts(brand: brand, on: db), brand: brand, config: config, actor: actor, now: now, on: db)
    }

    /// Gives `accounts` (as they are now, possibly changed in this transaction) their model
    /// under `rules`, writing only what changed; returns how many changed model.
    func applyModels(_ accounts: [Account], brand: BrandID, config: ServiceConfig, actor: Actor, now: Date, on db: any SQLDatabase) async throws -> Int {
        var updates: [(id: String, values: [String?])] = []
        var changes: [DomainEvent] = []
        // Accounts that moved from one model to another, with the model they had.
        var moved: [(account: Account, from: ServiceModel)] = []
        for account in accounts {
            let result = config.rules.evaluate(SegmentSubject(profile: account.profile))
            guard result.model != account.serviceModel || result.explanation != account.modelExplanation else { continue }
            updates.append((account.id.text, [result.model.rawValue, result.explanation]))
            if result.model != account.serviceModel {
                changes.append(DomainEvent(id: environment.newID(), brandID: brand, type: .accountModelChanged, actor: actor, accountID: account.id,
                                           contactID: nil, caseID: nil, payload: [
                                               "from": .optionalString(account.serviceModel?.rawValue), "to": .string(result.model.rawValue),
                                               "why": .string(result.explanation), "because": result.payload], occurredAt: now))
                if let previous = account.serviceModel {
                    var changed = account
                    changed.serviceModel = result.model
                    moved.append((changed, previous))
                }
            }
        }
        try await Store.updateByID("accounts", set: [("service_model", nil), ("model_explanation", nil)], rows: updates, on: db)
        let count = changes.count
        let (owners, ownerEvents) = try await giveCSMs(to: moved.map(\.account), config: config, brand: brand, now: now, on: db)
        changes += ownerEvents
        for (moving, previous) in moved {
            var account = moving
            if let owner = owners[account.id] { account.profile.ownerCSM = owner }
            changes += try await retargetOpenCases(of: account, config: config, from: previous, now: now, on: db)
        }
        try await Store.insert(events: changes, on: db)
        return count
    }

    /// Evaluates accounts that have no model yet (after an upgrade, or demo data).
    public func segmentUnevaluated(brand: BrandID) async throws -> Int {
        let config = try await serviceConfig(brand: brand)
        return try await database.write { db in
            let rows = try await db.raw("SELECT * FROM accounts WHERE brand_id = \(bind: brand.text) AND service_model IS NULL").all()
            let now = self.environment.now()
            for row in rows {
                var account = try Store.account(from: row)
                try await self.segment(&account, config: config, actor: .system, now: now, on: db)
            }
            return rows.count
        }
    }

    /// What `rules` would do, without changing anything.
    public func dryRun(_ rules: RuleSet, brand: BrandID) async throws -> DryRun {
        let valid = try rules.validated()
        let current = try await serviceConfig(brand: brand).rules
        let (accounts, contacts) = try await database.read { db in
            // Only contacts with a role can have a model of their own (contact rules match roles).
            let contacts = try await db.raw("""
                SELECT id, name, title, account_id FROM contacts WHERE brand_id = \(bind: brand.text) AND merged_into IS NULL
                AND account_id IS NOT NULL AND title IS NOT NULL AND title <> '' ORDER BY name, id
                """).all().map {
                SegmentedContact(id: try $0.uuid("id"), name: try $0.optionalString("name"), title: try $0.string("title"), accountID: try $0.uuid("account_id"))
            }
            return (try await Store.segmentedAccounts(brand: brand, on: db), contacts)
        }
        return DryRun.run(valid, current: current, accounts: accounts.map {
            SegmentedAccount(id: $0.id, name: $0.name, profile: $0.profile, current: $0.serviceModel)
        }, contacts: contacts)
    }

    public func accountModel(_ id: AccountID, brand: BrandID) async throws -> AccountModelView {
        let config = try await serviceConfig(brand: brand)
        return try await database.read { db in
            let account = try await Store.account(id, brand: brand, on: db)
            let segmentation = config.rules.evaluate(SegmentSubject(profile: account.profile))
            let contacts = try await db.raw("""
                SELECT id, name, title FROM contacts WHERE account_id = \(bind: id.text) AND merged_into IS NULL ORDER BY created_at, id LIMIT 1000
                """).all()
            var overrides: [AccountModelView.ContactOverride] = []
            for row in contacts {
                let title = try row.optionalString("title")
                let own = config.rules.evaluateContact(profile: account.profile, role: title)
                if own.model != segmentation.model {
                    overrides.append(.init(contactID: try row.uuid("id"), name: try row.optionalString("name"), title: title, segmentation: own))
                }
            }
            return AccountModelView(account: account, segmentation: segmentation, policy: config.policy(segmentation.model), contactOverrides: overrides)
        }
    }

    // MARK: CSM book of business

    public func csmBook(brand: BrandID) async throws -> CSMBookReport {
        let config = try await serviceConfig(brand: brand)
        let (csms, accounts, reach) = try await database.read { db in
            let csms = try await db.raw("SELECT * FROM staff_users WHERE brand_id = \(bind: brand.text) AND role = 'csm' ORDER BY name").all().map(Store.staffUser(from:))
            let accounts = try await Store.bookAccounts(brand: brand, on: db)
            return (csms, accounts, try await Store.csmReach(brand: brand, on: db).reach)
        }
        let book = CSMBook(policies: config.policies, reach: reach)
        var unowned: [ServiceModel: Int] = [:]
        for account in accounts where account.owner == nil && config.policy(account.model).namedCSM { unowned[account.model, default: 0] += 1 }
        let named = Set(ServiceModel.allCases.filter { config.policy($0).namedCSM })
        let entries = try await database.read { db in try await Store.bookEntries(brand: brand, models: named, on: db) }
        let loads = book.loads(csms: csms.map(\.id), accounts: accounts)
        return CSMBookReport(csms: csms, loads: loads, unowned: unowned, suggestions: book.rebalance(csms: csms.map(\.id), accounts: accounts),
                             accounts: entries, owners: book.suggestOwners(for: accounts.filter { $0.owner == nil }, loads: loads))
    }

    /// The accounts of the named-CSM models with their health, renewal and next open promise.
    static func bookEntries(brand: BrandID, models: Set<ServiceModel>, on db: any SQLDatabase) async throws -> [BookEntry] {
        guard !models.isEmpty else { return [] }
        var touches: [AccountID: (at: Date, what: String)] = [:]
        for row in try await db.raw("""
            SELECT account_id, due_at, what FROM commitments WHERE brand_id = \(bind: brand.text) AND status = 'open' ORDER BY due_at
            """).all() {
            let id = try row.uuid("account_id")
            if touches[id] == nil { touches[id] = (try row.date("due_at"), try row.string("what")) }
        }
        var sql = SQLQueryString("""
            SELECT id, name, service_model, owner_csm_id, annual_value, health_score, churn_risk, health_trend, health_change, renewal_on
            FROM accounts WHERE brand_id = \(bind: brand.text) AND service_model IN (
            """)
        for (index, model) in models.sorted().enumerated() {
            if index > 0 { sql.appendLiteral(", ") }
            sql.appendInterpolation(bind: model.rawValue)
        }
        sql.appendLiteral(")")
        let entries = try await db.raw(sql).all().map { row in
            let id = try row.uuid("id")
            return BookEntry(id: id, name: try row.string("name"), model: try row.wire("service_model", as: ServiceModel.self),
                             owner: try row.optionalUUID("owner_csm_id"), annualValue: try row.double("annual_value"),
                             healthScore: try row.int("health_score"), churnRisk: try row.wire("churn_risk", as: ChurnRisk.self),
                             trend: try row.optionalString("health_trend").flatMap(HealthTrend.Direction.init(rawValue:)),
                             trendChange: try row.optionalInt("health_change"), renewalOn: try row.optionalString("renewal_on").flatMap(CivilDate.init),
                             nextTouch: touches[id])
        }
        return entries.sorted { ($1.churnRisk, $0.healthScore, $0.name) < ($0.churnRisk, $1.healthScore, $1.name) }
    }

    static func bookAccounts(brand: BrandID, on db: any SQLDatabase) async throws -> [BookAccount] {
        try await db.raw("""
            SELECT id, name, service_model, owner_csm_id, annual_value, region, language FROM accounts
            WHERE brand_id = \(bind: brand.text) AND service_model IS NOT NULL
            """).all().map {
            BookAccount(id: try $0.uuid("id"), name: try $0.string("name"), model: try $0.wire("service_model", as: ServiceModel.self),
                        owner: try $0.optionalUUID("owner_csm_id"), annualValue: try $0.double("annual_value"), region: try $0.optionalString("region"),
                        language: try $0.optionalString("language").flatMap(Language.init(rawValue:)))
        }
    }

    /// The brand's CSMs with the regions they cover and the languages they speak.
    static func csmReach(brand: BrandID, on db: any SQLDatabase) async throws -> (ids: [UserID], reach: [UserID: CSMReach]) {
        let rows = try await db.raw("SELECT id, regions, languages FROM staff_users WHERE brand_id = \(bind: brand.text) AND role = 'csm'").all()
        var reach: [UserID: CSMReach] = [:]
        for row in rows {
            reach[try row.uuid("id")] = CSMReach(regions: Convert.strings(try row.string("regions")),
                                                 languages: Convert.strings(try row.string("languages")).compactMap(Language.init(rawValue:)))
        }
        return (try rows.map { try $0.uuid("id") }, reach)
    }

    /// Makes `csm` (or, when nil, the CSM with the most room) the account's owner, within
    /// the capacity of the account's model.
    public func assignCSM(account id: AccountID, csm: UserID?, brand: BrandID, actor: Actor) async throws -> Account {
        let config = try await serviceConfig(brand: brand)
        let environment = self.environment
        return try await database.write { db in
            var account = try await Store.account(id, brand: brand, on: db)
            let model = account.serviceModel ?? config.rules.evaluate(SegmentSubject(profile: account.profile)).model
            let policy = config.policy(model)
            guard policy.namedCSM else {
                throw StoreError.conflict("\(model.rawValue) accounts have no named CSM; they are served by the pool")
            }
            let (csms, reach) = try await Store.csmReach(brand: brand, on: db)
            let book = CSMBook(policies: config.policies, reach: reach)
            let others = try await Store.bookAccounts(brand: brand, on: db).filter { $0.id != id }
            let loads = book.loads(csms: csms, accounts: others)
            let chosen: UserID
            if let csm {
                try await Store.requireCSM(csm, brand: brand, on: db)
                if let load = loads.first(where: { $0.csm == csm }), load.utilization + book.weight(model) > 1 + 1e-9 {
                    throw StoreError.conflict("that CSM's book is full: \(model.rawValue) allows \(policy.csmCapacity ?? 0) accounts per CSM")
                }
                chosen = csm
            } else {
                guard let pick = book.pick(for: BookAccount(id: id, name: account.name, model: model, owner: nil, annualValue: account.profile.annualValue,
                                                            region: account.profile.region, language: account.profile.language), among: loads)?.csm else {
                    throw StoreError.conflict("every CSM's book is full for \(model.rawValue) accounts")
                }
                chosen = pick
            }
            guard chosen != account.profile.ownerCSM else { return account }
            let now = environment.now()
            try await db.raw("UPDATE accounts SET owner_csm_id = \(bind: chosen.text), updated_at = \(bind: Convert.ms(now)) WHERE id = \(bind: id.text)").run()
            try await Store.insert(events: self.events([EventDraft(type: .accountUpdated, payload: [
                "fields": .array([.string("ownerCSM")]), "from": .object(["ownerCSM": .optionalString(account.profile.ownerCSM?.text)]),
                "to": .object(["ownerCSM": .string(chosen.text)])])], brand: brand, actor: actor, account: id, contact: nil, caseID: nil, at: now), on: db)
            account.profile.ownerCSM = chosen
            account.updatedAt = now
            return account
        }
    }
}
