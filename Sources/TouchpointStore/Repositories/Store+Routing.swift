import Foundation
import SQLKit
import TouchpointCore

extension Store {
    // MARK: Teams and agents

    public func teamProfiles(brand: BrandID) async throws -> [TeamProfile] {
        try await database.read { db in try await Store.teamProfiles(brand: brand, on: db) }
    }

    static func teamProfiles(brand: BrandID, on db: any SQLDatabase) async throws -> [TeamProfile] {
        try await db.raw("SELECT * FROM teams WHERE brand_id = \(bind: brand.text) ORDER BY name").all().map(Store.teamProfile(from:))
    }

    static func teamProfile(from row: any SQLRow) throws -> TeamProfile {
        let team = Team(id: try row.uuid("id"), brandID: try row.uuid("brand_id"), name: try row.string("name"))
        let levels = try row.string("levels").compactMap { $0.wholeNumberValue.flatMap(SupportLevel.init(rawValue:)) }
        let routing = TeamRouting(id: team.id, name: team.name, skills: Set(Convert.strings(try row.string("skills"))),
                                  levels: Set(levels), strategy: AssignmentStrategy(rawValue: try row.string("strategy")) ?? .leastLoaded,
                                  lastAssigned: try row.optionalUUID("round_robin_cursor"))
        return TeamProfile(team: team, routing: routing, calendarID: try row.optionalUUID("calendar_id"),
                           averageHandleMinutes: try row.double("average_handle_minutes"))
    }

    public func updateTeam(_ id: TeamID, brand: BrandID, actor: Actor, changes: TeamChanges) async throws -> TeamProfile {
        let skills = try changes.skills.map { try RoutingTopic.skills($0, field: "skills") }
        if let aht = changes.averageHandleMinutes, !(0.5...480).contains(aht) {
            throw ValidationError(field: "averageHandleMinutes", reason: "must be between 0.5 and 480 minutes")
        }
        let environment = self.environment
        let profile = try await database.write { db in
            try await Store.requireTeam(id, brand: brand, on: db)
            if let calendar = changes.calendarID, let calendar { try await Store.requireCalendar(calendar, brand: brand, field: "calendarId", on: db) }
            var sql = SQLQueryString("UPDATE teams SET id = id")
            if let calendar = changes.calendarID { sql.appendLiteral(", calendar_id = "); sql.appendInterpolation(bind: calendar?.text) }
            if let strategy = changes.strategy { sql.appendLiteral(", strategy = "); sql.appendInterpolation(bind: strategy.rawValue) }
            if let skills { sql.appendLiteral(", skills = "); sql.appendInterpolation(bind: Convert.json(skills)) }
            if let levels = changes.levels { sql.appendLiteral(", levels = "); sql.appendInterpolation(bind: Convert.json(Set(levels).map(\.rawValue).sorted())) }
            if let aht = changes.averageHandleMinutes { sql.appendLiteral(", average_handle_minutes = "); sql.appendInterpolation(bind: aht) }
            sql.appendLiteral(" WHERE id = ")
            sql.appendInterpolation(bind: id.text)
            try await db.raw(sql).run()
            try await Store.insert(events: self.events([EventDraft(type: .teamUpdated, payload: ["teamId": .string(id.text)])],
                                                       brand: brand, actor: actor, account: nil, contact: nil, caseID: nil, at: environment.now()), on: db)
            guard let row = try await db.raw("SELECT * FROM teams WHERE id = \(bind: id.text)").first() else { throw StoreError.notFound("team \(id.text)") }
            return try Store.teamProfile(from: row)
        }
        configCache.invalidate(brand)
        return profile
    }

    public func agentProfiles(brand: BrandID) async throws -> [AgentProfile] {
        try await database.read { db in try await Store.agentProfiles(brand: brand, on: db) }
    }

    static func agentProfiles(brand: BrandID, counting: Bool = true, on db: any SQLDatabase) async throws -> [AgentProfile] {
        let rows = try await db.raw("SELECT * FROM staff_users WHERE brand_id = \(bind: brand.text) ORDER BY name").all()
        var active: [String: Int] = [:]
        if counting {
            let counts = try await db.raw("""
                SELECT assignee_id, COUNT(*) AS n FROM \(unsafeRaw: Store.activeCases(db)) WHERE brand_id = \(bind: brand.text)
                AND assignee_id IS NOT NULL AND status IN ('new', 'open', 'pending') GROUP BY assignee_id
                """).all()
            for row in counts { active[try row.string("assignee_id")] = try row.int("n") }
        }
        return try rows.map { row in
            let user = try Store.staffUser(from: row)
            return AgentProfile(user: user, skills: Convert.strings(try row.string("skills")), capacity: try row.int("capacity"),
                                presence: Presence(rawValue: try row.string("presence")) ?? .offline,
                                shiftCalendarID: try row.optionalUUID("shift_calendar_id"), activeCases: active[user.id.text] ?? 0,
                                phone: try row.optionalString("phone"), pageBy: PageBy(rawValue: try row.string("page_by")) ?? .email,
                                regions: Convert.strings(try row.string("regions")),
                                languages: Convert.strings(try row.string("languages")).compactMap(Language.init(rawValue:)))
        }
    }

    public func agentProfile(_ id: UserID, brand: BrandID) async throws -> AgentProfile {
        guard let profile = try await agentProfiles(brand: brand).first(where: { $0.user.id == id }) else {
            throw StoreError.notFound("staff user \(id.text)")
        }
        return profile
    }

    /// Changes an agent's skills, capacity, presence, shift or team. Becoming available
    /// hands them the waiting cases of their team they qualify for.
    public func updateAgent(_ id: UserID, brand: BrandID, actor: Actor, changes: AgentChanges) async throws -> AgentProfile {
        let skills = try changes.skills.map { try RoutingTopic.skills($0, field: "skills") }
        if let capacity = changes.capacity, !(0...1000).contains(capacity) {
            throw ValidationError(field: "capacity", reason: "must be between 0 and 1000 active cases")
        }
        let regions = try changes.regions.map { try CSMBook.regions($0, field: "regions") }
        let environment = self.environment
        try await database.write { db in
            try await Store.requireStaff(id, brand: brand, field: "id", on: db)
            var phone = changes.phone
            if let raw = changes.phone, let raw {
                let code = try await db.raw("SELECT default_calling_code FROM brands WHERE id = \(bind: brand.text)").first()?.optionalString("default_calling_code")
                phone = .some(try Identity.normalizePhone(raw, defaultCallingCode: code, field: "phone"))
            }
            let pageBy = try await Store.pageBy(changes.pageBy, phone: phone, user: id, on: db)
            if let calendar = changes.shiftCalendarID, let calendar { try await Store.requireCalendar(calendar, brand: brand, field: "shiftCalendarId", on: db) }
            if let team = changes.teamID, let team { try await Store.requireTeam(team, brand: brand, on: db) }
            var sql = SQLQueryString("UPDATE staff_users SET id = id")
            if let skills { sql.appendLiteral(", skills = "); sql.appendInterpolation(bind: Convert.json(skills)) }
            if let capacity = changes.capacity { sql.appendLiteral(", capacity = "); sql.appendInterpolation(bind: capacity) }
            if let presence = changes.presence { sql.appendLiteral(", presence = "); sql.appendInterpolation(bind: presence.rawValue) }
            if let calendar = changes.shiftCalendarID { sql.appendLiteral(", shift_calendar_id = "); sql.appendInterpolation(bind: calendar?.text) }
            if let team = changes.teamID { sql.appendLiteral(", team_id = "); sql.appendInterpolation(bind: team?.text) }
            if let phone { sql.appendLiteral(", phone = "); sql.appendInterpolation(bind: phone) }
            if let pageBy { sql.appendLiteral(", page_by = "); sql.appendInterpolation(bind: pageBy.rawValue) }
            if let regions { sql.appendLiteral(", regions = "); sql.appendInterpolation(bind: Convert.json(regions)) }
            if let languages = changes.languages {
                sql.appendLiteral(", languages = ")
                sql.appendInterpolation(bind: Convert.json(Language.allCases.filter(languages.contains).map(\.rawValue)))
            }
            sql.appendLiteral(" WHERE id = ")
            sql.appendInterpolation(bind: id.text)
            try await db.raw(sql).run()
            var payload: [String: JSONValue] = ["userId": .string(id.text)]
            if let presence = changes.presence { payload["presence"] = .string(presence.rawValue) }
            try await Store.insert(events: self.events([EventDraft(type: .staffUpdated, payload: payload)],
                                                       brand: brand, actor: actor, account: nil, contact: nil, caseID: nil, at: environment.now()), on: db)
        }
        configCache.invalidate(brand)
        if changes.presence == .available { _ = try await assignWaiting(brand: brand) }
        return try await agentProfile(id, brand: brand)
    }

    /// How a person is to be paged after a change: SMS needs a phone number (the one sent, or
    /// the one on file); removing the number of someone paged by SMS pages them by email.
    static func pageBy(_ asked: PageBy?, phone: String??, user: UserID, on db: any SQLDatabase) async throws -> PageBy? {
        let row = try await db.raw("SELECT phone, page_by FROM staff_users WHERE id = \(bind: user.text)").first()
        let stored = try row?.optionalString("phone")
        let number = phone ?? stored
        let storedWay = try row.flatMap { PageBy(rawValue: try $0.string("page_by")) }
        let wanted = asked ?? storedWay ?? .email
        if wanted == .sms, number == nil {
            guard asked == nil else { throw ValidationError(field: "pageBy", reason: "paging by SMS needs a phone number") }
            return .email
        }
        return asked
    }

    /// The cases table for counting agents' active cases. SQLite has no statistics to
    /// choose by and would count through the status index, which grows with every new
    /// case; the partial index holds only assigned active cases, so it is named.
    static func activeCases(_ db: any SQLDatabase) -> String {
        db.dialect.name == "sqlite" ? "cases INDEXED BY cases_active_assignee" : "cases"
    }

    /// Agents as routing sees them now: presence, shift, room. Staff settings come from the
    /// brand's configuration; active cases are counted for the reachable agents only.
    /// `counting` limits the count to the agents that can matter (nil: every reachable one).
    static func agentStates(brand: BrandID, config: ServiceConfig, now: Date, counting: Set<UserID>? = nil,
                            on db: any SQLDatabase) async throws -> [AgentState] {
        // Shift calendars are asked once per agent.
        let onShift = Dictionary(uniqueKeysWithValues: config.staff.map {
            ($0.user.id, config.availability(calendar: $0.shiftCalendarID).isOpen(at: now))
        })
        var active: [UserID: Int] = [:]
        let reachable = config.staff.filter {
            $0.presence == .available && onShift[$0.user.id] == true && counting?.contains($0.user.id) != false
        }
        if !reachable.isEmpty {
            var sql = SQLQueryString("SELECT assignee_id, COUNT(*) AS n FROM \(unsafeRaw: Store.activeCases(db)) WHERE brand_id = \(bind: brand.text) AND assignee_id IN (")
            for (index, profile) in reachable.enumerated() {
                if index > 0 { sql.appendLiteral(", ") }
                sql.appendInterpolation(bind: profile.user.id.text)
            }
            sql.appendLiteral(") AND assignee_id IS NOT NULL AND status IN ('new', 'open', 'pending') GROUP BY assignee_id")
            for row in try await db.raw(sql).all() { active[try row.uuid("assignee_id")] = try row.int("n") }
        }
        return config.staff.map { profile in
            let role = profile.user.role
            return AgentState(id: profile.user.id, teamID: profile.user.teamID,
                              level: role.queueLevel, skills: Set(profile.skills), capacity: profile.capacity,
                              activeCases: active[profile.user.id] ?? 0, presence: profile.presence,
                              onShift: onShift[profile.user.id] ?? false)
        }
    }

    /// Routes with the brand's teams and agents now, and moves the team's round-robin turn.
    func route(_ need: RoutingNeed, brand: BrandID, config: ServiceConfig, now: Date, on db: any SQLDatabase) async throws -> RoutingDecision {
        guard !config.teams.isEmpty else { return RoutingDecision(teamID: nil, assigneeID: nil, explanation: RoutingReason.noTeams.text) }
        let teams = withTurns(config.teams.map(\.routing))
        // Only qualified members of the teams that could own the case, and the named CSM,
        // can get it: their active cases are the only ones worth counting.
        let named = teams.filter { $0.id == need.teamID }
        let teamIDs = Set((named.isEmpty ? CaseRouter.candidates(for: need, among: teams) : named).map(\.id))
        var candidates = Set(config.staff.filter { profile in
            profile.user.teamID.map(teamIDs.contains) == true
                && profile.user.role.queueLevel.map { $0 >= need.level } == true
                && need.skills.isSubset(of: profile.skills)
        }.map(\.user.id))
        if let csm = need.namedCSM { candidates.insert(csm) }
        let agents = try await Store.agentStates(brand: brand, config: config, now: now, counting: candidates, on: db)
        let decision = CaseRouter.route(need, teams: teams, agents: agents, onCall: need.model.map { config.onCall(at: now, for: $0) } ?? [:])
        try await recordTurn(decision, on: db)
        return decision
    }

    /// The teams with this node's latest round-robin turns. Each node keeps its own rotation
    /// (a turn is a matter of fairness, not of correctness); the last turn is also stored on
    /// the team for restarts.
    func withTurns(_ teams: [TeamRouting]) -> [TeamRouting] {
        teams.map { team in
            var copy = team
            if let turn = turns.get(team.id) { copy.lastAssigned = turn }
            return copy
        }
    }

    /// Remembers a round-robin turn: in memory for the next case, and in the team row so
    /// a restart continues where it left off.
    func recordTurn(_ decision: RoutingDecision, on db: any SQLDatabase) async throws {
        guard let cursor = decision.roundRobinCursor, let team = decision.teamID else { return }
        turns.put(team, cursor)
        try await db.raw("UPDATE teams SET round_robin_cursor = \(bind: cursor.text) WHERE id = \(bind: team.text)").run()
    }

    /// What routing needs to know about a case.
    static func need(for item: Case, config: ServiceConfig, ownerCSM: UserID?) -> RoutingNeed {
        let topic = config.topic(item.topic)
        let policy = config.policy(item.serviceModel ?? config.rules.defaultModel)
        return RoutingNeed(level: item.level, skills: Set(topic?.skills ?? []), teamID: item.teamID ?? topic?.teamId,
                           namedCSM: policy.namedCSM ? ownerCSM : nil, namedPersonFirst: policy.humanReach == .namedPerson, model: policy.model)
    }

    static func ownerCSM(account: AccountID?, on db: any SQLDatabase) async throws -> UserID? {
        guard let account else { return nil }
        return try await db.raw("SELECT owner_csm_id FROM accounts WHERE id = \(bind: account.text)").first()?.optionalUUID("owner_csm_id")
    }

    /// Routes a case again (when it waits unassigned, or after its level changed).
    public func routeCase(_ id: CaseID, brand: BrandID, actor: Actor) async throws -> (Case, RoutingDecision) {
        let config = try await serviceConfig(brand: brand)
        let environment = self.environment
        return try await database.write { db in
            let current = try await Store.case(id, brand: brand, on: db)
            guard current.status.isActive, current.mergedInto == nil else { throw StoreError.conflict("only active cases are routed") }
            let now = environment.now()
            var need = Store.need(for: current, config: config, ownerCSM: try await Store.ownerCSM(account: current.accountID, on: db))
            need.teamID = nil
            let decision = try await self.route(need, brand: brand, config: config, now: now, on: db)
            let updated = try await self.applyRouting(decision, to: current, brand: brand, actor: actor, now: now, on: db)
            return (updated, decision)
        }
    }

    /// Writes a routing decision: team and assignee where they changed, one `case.routed`
    /// event with the explanation and a notification for the new assignee.
    /// With `keepAssignee` false, a decision without an agent leaves the case waiting in
    /// the queue (an escalated case must not stay with someone below its new level).
    func applyRouting(_ decision: RoutingDecision, to current: Case, brand: BrandID, actor: Actor, now: Date, keepAssignee: Bool = true,
                      on db: any SQLDatabase) async throws -> Case {
        var next = current
        next.teamID = decision.teamID ?? current.teamID
        next.assigneeID = decision.assigneeID ?? (keepAssignee && decision.teamID == current.teamID ? current.assigneeID : nil)
        var drafts = [EventDraft(type: .caseRouted, payload: [
            "teamId": .optionalString(next.teamID?.text), "assigneeId": .optionalString(next.assigneeID?.text), "why": .string(decision.explanation)])]
        if next.assigneeID != current.assigneeID {
            drafts.append(EventDraft(type: .caseAssigned, payload: ["field": .string("assigneeId"), "from": .optionalString(current.assigneeID?.text),
                                                                    "to": .optionalString(next.assigneeID?.text), "reason": .string(decision.explanation)]))
            if let assignee = next.assigneeID, decision.onCall, let team = next.teamID {
                // The person on call is paged instead of told.
                drafts += try await Store.openPage(for: next, number: next.number, user: assignee, team: team, now: now, on: db)
            } else if let assignee = next.assigneeID {
                drafts.append(EventDraft(type: .staffNotified, payload: ["userId": .string(assignee.text), "reason": .string(NoticeReason.caseAssigned(why: decision.explanation).text)]))
            }
        }
        next.updatedAt = now
        try await db.raw("""
            UPDATE cases SET team_id = \(bind: next.teamID?.text), assignee_id = \(bind: next.assigneeID?.text), updated_at = \(bind: Convert.ms(now))
            WHERE id = \(bind: current.id.text)
            """).run()
        try await Store.insert(events: events(drafts, brand: brand, actor: actor, account: next.accountID, contact: next.contactID,
                                              caseID: next.id, at: now), on: db)
        return next
    }

    /// Hands waiting (unassigned, active) cases to agents with room, oldest first.
    /// Returns how many were assigned.
    public func assignWaiting(brand: BrandID, limit: Int = 200) async throws -> Int {
        let config = try await serviceConfig(brand: brand)
        let environment = self.environment
        let now = environment.now()
        // Nothing to do unless someone is at work with room: checked on a reader first, so an
        // idle pass costs the writer nothing.
        // Someone on call takes the waiting cases their roster covers, too.
        let onCall = Dictionary(uniqueKeysWithValues: ServiceModel.allCases.map { ($0, config.onCall(at: now, for: $0)) })
        let idle = try await database.read { db in
            try await Store.agentStates(brand: brand, config: config, now: now, on: db).allSatisfy { !($0.isReachable && $0.hasRoom && $0.level != nil) }
        }
        if idle && onCall.values.allSatisfy(\.isEmpty) { return 0 }
        return try await database.write { db in
            let rows = try await db.raw("""
                SELECT * FROM cases WHERE brand_id = \(bind: brand.text) AND assignee_id IS NULL AND status IN ('new', 'open') AND (bot_state IS NULL OR bot_state <> 'bot')
                AND merged_into IS NULL ORDER BY created_at LIMIT \(bind: limit)
                """).all()
            guard !rows.isEmpty else { return 0 }
            var agents = try await Store.agentStates(brand: brand, config: config, now: now, on: db)
            var assigned = 0
            for row in rows {
                let item = try Store.case(from: row)
                let need = Store.need(for: item, config: config, ownerCSM: try await Store.ownerCSM(account: item.accountID, on: db))
                let covered = need.model.flatMap { onCall[$0] } ?? [:]
                guard covered.isEmpty == false || agents.contains(where: { $0.isReachable && $0.hasRoom }) else { continue }
                let decision = CaseRouter.route(need, teams: self.withTurns(config.teams.map(\.routing)), agents: agents, onCall: covered)
                guard let assignee = decision.assigneeID else { continue }
                try await self.recordTurn(decision, on: db)
                if let index = agents.firstIndex(where: { $0.id == assignee }) { agents[index].activeCases += 1 }
                _ = try await self.applyRouting(decision, to: item, brand: brand, actor: .system, now: now, on: db)
                assigned += 1
            }
            return assigned
        }
    }

    // MARK: Escalation

    /// Moves a case up the ladder for `trigger` (within its model's ceiling), hands it to
    /// the owner of the new step and notifies them.
    public func escalate(_ id: CaseID, brand: BrandID, actor: Actor, trigger: EscalationTrigger) async throws -> (Case, EscalationDecision) {
        let config = try await serviceConfig(brand: brand)
        let environment = self.environment
        return try await database.write { db in
            let current = try await Store.case(id, brand: brand, on: db)
            guard current.status.isActive, current.mergedInto == nil else { throw StoreError.conflict("only active cases escalate") }
            let model = current.serviceModel ?? config.rules.defaultModel
            let policy = config.policy(model)
            let decision: EscalationDecision
            switch EscalationLadder.escalate(level: current.level, rung: current.rung, trigger: trigger, ceiling: policy.escalationCeiling, model: model) {
            case .success(let made): decision = made
            case .failure(.reasonRequired): throw StoreError.invalid(field: "reason", reason: "a reason is required")
            case .failure(let refusal): throw StoreError.conflict(refusal.message)
            }
            let updated = try await self.apply(decision, to: current, brand: brand, actor: actor, config: config, now: environment.now(), on: db)
            return (updated, decision)
        }
    }

    public func deescalate(_ id: CaseID, brand: BrandID, actor: Actor, to target: EscalationStep?, reason: String) async throws -> (Case, EscalationDecision) {
        let config = try await serviceConfig(brand: brand)
        let environment = self.environment
        return try await database.write { db in
            let current = try await Store.case(id, brand: brand, on: db)
            guard current.mergedInto == nil else { throw StoreError.conflict("a merged case does not move") }
            let decision: EscalationDecision
            switch EscalationLadder.deescalate(level: current.level, rung: current.rung, to: target, reason: reason) {
            case .success(let made): decision = made
            case .failure(.reasonRequired): throw StoreError.invalid(field: "reason", reason: "a reason is required")
            case .failure(let refusal): throw StoreError.conflict(refusal.message)
            }
            let updated = try await self.apply(decision, to: current, brand: brand, actor: actor, config: config, now: environment.now(), on: db)
            return (updated, decision)
        }
    }

    /// Writes a ladder move: level and rung, the event with its reason, and the new owner
    /// (a manager or executive of the brand, or an agent of the right level by routing).
    func apply(_ decision: EscalationDecision, to current: Case, brand: BrandID, actor: Actor, config: ServiceConfig, now: Date,
               on db: any SQLDatabase) async throws -> Case {
        var next = current
        next.level = decision.level
        next.rung = decision.rung
        next.updatedAt = now
        var payload: [String: JSONValue] = ["field": .string("step"), "from": .string(decision.from.rawValue), "to": .string(decision.to.rawValue),
                                            "reason": .string(decision.reason), "level": .int(decision.level.rawValue), "rung": .string(decision.rung.rawValue)]
        if decision.capped { payload["capped"] = .bool(true) }
        try await db.raw("""
            UPDATE cases SET level = \(bind: next.level.rawValue), rung = \(bind: next.rung.rawValue), updated_at = \(bind: Convert.ms(now))
            WHERE id = \(bind: current.id.text)
            """).run()
        try await Store.insert(events: events([EventDraft(type: decision.isUp ? .caseEscalated : .caseDeescalated, payload: payload)],
                                              brand: brand, actor: actor, account: next.accountID, contact: next.contactID, caseID: next.id, at: now), on: db)
        let decisionForOwner: RoutingDecision
        if let role = decision.to.ownerRole {
            // The least busy manager (or executive), preferring the case's team.
            let agents = try await Store.agentProfiles(brand: brand, on: db).filter { $0.user.role == role }
            let pick = agents.min { a, b in
                let sameA = a.user.teamID == current.teamID ? 0 : 1, sameB = b.user.teamID == current.teamID ? 0 : 1
                return (sameA, a.activeCases, a.user.id.uuidString) < (sameB, b.activeCases, b.user.id.uuidString)
            }
            decisionForOwner = RoutingDecision(teamID: current.teamID, assigneeID: pick?.user.id,
                                               explanation: pick.map { "\(decision.to.rawValue) step: \($0.user.name)" } ?? "no \(role.rawValue) in this brand")
        } else {
            var need = Store.need(for: next, config: config, ownerCSM: try await Store.ownerCSM(account: next.accountID, on: db))
            need.teamID = nil
            decisionForOwner = try await self.route(need, brand: brand, config: config, now: now, on: db)
        }
        return try await applyRouting(decisionForOwner, to: next, brand: brand, actor: actor, now: now, keepAssignee: !decision.isUp, on: db)
    }

    // MARK: Wait estimates

    /// The expected wait for a new contact on `contactPoint`, for a topic or team (and, when
    /// an account is named, under its service model).
    public func waitEstimate(brand: BrandID, contactPoint: ContactPoint, teamID: TeamID?, topic: String?, account: AccountID?) async throws
        -> (estimate: WaitEstimate, team: TeamProfile?, model: ServiceModel?) {
        let config = try await serviceConfig(brand: brand)
        let now = environment.now()
        return try await database.read { db in
            if let topic, config.topic(topic) == nil { throw StoreError.invalid(field: "topic", reason: "no topic '\(topic)' in this brand") }
            let routingTopic = config.topic(topic)
            var model: ServiceModel?
            var level = routingTopic?.level ?? .basic
            if let account {
                let found = try await Store.account(account, brand: brand, on: db)
                let segmentation = config.rules.evaluate(SegmentSubject(profile: found.profile))
                model = segmentation.model
                level = max(level, EscalationLadder.entry(policy: config.policy(segmentation.model), annualValue: found.profile.annualValue,
                                                          requested: level).step.level(keeping: .basic))
            }
            let teams = config.teams
            let need = RoutingNeed(level: level, skills: Set(routingTopic?.skills ?? []), teamID: teamID ?? routingTopic?.teamId)
            if let teamID, !teams.contains(where: { $0.team.id == teamID }) { throw StoreError.invalid(field: "teamId", reason: "no team \(teamID.text) in this brand") }
            let agents = try await Store.agentStates(brand: brand, config: config, now: now, on: db)
            let decision = CaseRouter.route(need, teams: teams.map(\.routing), agents: agents, onCall: model.map { config.onCall(at: now, for: $0) } ?? [:])
            guard let team = teams.first(where: { $0.team.id == decision.teamID }) else {
                return (WaitEstimate(humanAvailable: false, minutes: nil, probabilityOfWaiting: nil, explanation: decision.explanation), nil, model)
            }
            // Nobody is at work, but the person on call answers within the roster's time.
            if decision.onCall, let roster = config.rosters[team.team.id] {
                let minutes = Double(roster.acknowledgeWithinMinutes)
                return (WaitEstimate(humanAvailable: true, minutes: minutes, probabilityOfWaiting: 1,
                                     explanation: "nobody is at work now; the person on call is paged and answers within \(roster.acknowledgeWithinMinutes) min"),
                        team, model)
            }
            let qualified = agents.filter { $0.teamID == team.team.id && $0.isReachable && $0.qualifies(skills: need.skills, level: need.level) }
            let waiting = try await db.raw("""
                SELECT COUNT(*) AS n FROM cases WHERE brand_id = \(bind: brand.text) AND team_id = \(bind: team.team.id.text)
                AND assignee_id IS NULL AND status IN ('new', 'open')
                """).first()?.int("n") ?? 0
            // Arrivals over the same scope as the waiting cases and the agents: the team's cases
            // on every contact point, since the same people answer them all.
            let arrivals = try await db.raw("""
                SELECT COUNT(*) AS n FROM cases WHERE brand_id = \(bind: brand.text) AND team_id = \(bind: team.team.id.text)
                AND created_at >= \(bind: Convert.ms(now.addingTimeInterval(-3600)))
                """).first()?.int("n") ?? 0
            var hours = config.availability(calendar: team.calendarID)
            var open = hours.isOpen(at: now)
            // Both the team and the customer's model must be open for a person to answer.
            if let model, open {
                hours = config.availability(model)
                open = hours.isOpen(at: now)
            }
            // On chat one agent holds several conversations at once, as the model's policy says.
            let concurrency = contactPoint == .webChat ? config.policy(model ?? config.rules.defaultModel).chatConcurrency : 1
            let snapshot = QueueSnapshot(waiting: waiting, agents: qualified.count, arrivalsPerHour: Double(arrivals),
                                         averageHandleMinutes: team.averageHandleMinutes, open: open,
                                         nextOpening: open ? nil : hours.nextOpening(atOrAfter: now), sessionsPerAgent: concurrency)
            return (WaitEstimate.estimate(snapshot), team, model)
        }
    }
}
