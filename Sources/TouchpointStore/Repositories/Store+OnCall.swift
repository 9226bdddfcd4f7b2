import Foundation
import SQLKit
import TouchpointCore

extension Store {
    // MARK: Rosters

    static func rosters(brand: BrandID, on db: any SQLDatabase) async throws -> [TeamID: OnCallRoster] {
        var found: [TeamID: OnCallRoster] = [:]
        for row in try await db.raw("SELECT team_id, roster FROM on_call_rosters WHERE brand_id = \(bind: brand.text)").all() {
            if let roster = Convert.decode(OnCallRoster.self, try row.string("roster")) { found[try row.uuid("team_id")] = roster }
        }
        return found
    }

    /// A team's on-call roster; nil when it has none.
    public func roster(team: TeamID, brand: BrandID) async throws -> OnCallRoster? {
        try await database.read { db in
            try await Store.requireRosterTeam(team, brand: brand, on: db)
            return try await Store.rosters(brand: brand, on: db)[team]
        }
    }

    /// Sets (or, with nil, removes) a team's roster, checked against the brand's staff.
    public func setRoster(_ roster: OnCallRoster?, team: TeamID, brand: BrandID, actor: Actor) async throws -> OnCallRoster? {
        let now = environment.now()
        let saved = try await database.write { db in
            try await Store.requireRosterTeam(team, brand: brand, on: db)
            guard let roster else {
                try await db.raw("DELETE FROM on_call_rosters WHERE team_id = \(bind: team.text)").run()
                try await Store.insert(events: self.events([EventDraft(type: .rosterUpdated, payload: ["teamId": .string(team.text), "removed": .bool(true)])],
                                                           brand: brand, actor: actor, account: nil, contact: nil, caseID: nil, at: now), on: db)
                return nil as OnCallRoster?
            }
            let members = Set(try await db.raw("SELECT id FROM staff_users WHERE brand_id = \(bind: brand.text)").all().map { try $0.uuid("id") })
            let checked = try roster.validated(members: members)
            try await db.raw("""
                INSERT INTO on_call_rosters (team_id, brand_id, roster, updated_at) VALUES (\(bind: team.text), \(bind: brand.text), \(bind: Convert.json(checked)), \(bind: Convert.ms(now)))
                ON CONFLICT (team_id) DO UPDATE SET roster = excluded.roster, updated_at = excluded.updated_at
                """).run()
            try await Store.insert(events: self.events([EventDraft(type: .rosterUpdated, payload: [
                "teamId": .string(team.text), "rotation": .int(checked.rotation.count), "overrides": .int(checked.overrides.count)])],
                                                       brand: brand, actor: actor, account: nil, contact: nil, caseID: nil, at: now), on: db)
            return checked
        }
        configCache.invalidate(brand)
        return saved
    }

    /// A team named in a roster's path: not one of the brand's is "not found".
    private static func requireRosterTeam(_ team: TeamID, brand: BrandID, on db: any SQLDatabase) async throws {
        if try await db.raw("SELECT id FROM teams WHERE id = \(bind: team.text) AND brand_id = \(bind: brand.text)").first() == nil {
            throw StoreError.notFound("team \(team.text)")
        }
    }

    // MARK: Pages

    /// Opens the page for a case routing gave to the person on call: the chain comes from
    /// the team's roster now, the first page goes out with the returned events (the
    /// `oncall.paged` event is what delivers it, by SMS or email, through the outbox).
    static func openPage(for item: Case, number: Int, user: UserID, team: TeamID, now: Date, on db: any SQLDatabase) async throws -> [EventDraft] {
        guard let row = try await db.raw("SELECT roster FROM on_call_rosters WHERE team_id = \(bind: team.text)").first(),
              let roster = Convert.decode(OnCallRoster.self, try row.string("roster")) else { return [] }
        var chain = roster.chain(at: now)
        if chain.first != user { chain = [user] + chain.filter { $0 != user } }
        let due = now.addingTimeInterval(Double(roster.acknowledgeWithinMinutes) * 60)
        try await db.raw("DELETE FROM on_call_pages WHERE case_id = \(bind: item.id.text)").run()
        try await db.raw("""
            INSERT INTO on_call_pages (case_id, brand_id, team_id, user_id, chain, pages, pages_per_person, acknowledge_within, paged_at, due_at, state)
            VALUES (\(bind: item.id.text), \(bind: item.brandID.text), \(bind: team.text), \(bind: user.text), \(bind: Convert.json(chain.map(\.text))),
            1, \(bind: roster.pagesPerPerson), \(bind: roster.acknowledgeWithinMinutes), \(bind: Convert.ms(now)), \(bind: Convert.ms(due)), 'open')
            """).run()
        return [try await pageDraft(user: user, number: number, page: 1, of: roster.pagesPerPerson, within: roster.acknowledgeWithinMinutes, on: db)]
    }

    /// The `oncall.paged` event for one page: whom, how (their preferred contact point) and what to do.
    private static func pageDraft(user: UserID, number: Int, page: Int, of pages: Int, within minutes: Int, on db: any SQLDatabase) async throws -> EventDraft {
        let by = try await db.raw("SELECT page_by FROM staff_users WHERE id = \(bind: user.text)").first()?.string("page_by") ?? PageBy.email.rawValue
        let reason = (page == 1 ? NoticeReason.onCall(number: number) : .onCallReminder(page - 1, number: number)).text
        return EventDraft(type: .onCallPaged, payload: [
            "userId": .string(user.text), "caseNumber": .int(number), "page": .int(page), "pagesPerPerson": .int(pages), "by": .string(by),
            "acknowledgeWithinMinutes": .int(minutes), "reason": .string(reason), "what": .string(NoticeReason.acknowledge(within: minutes))])
    }

    static func page(from row: any SQLRow) throws -> OnCallPage {
        OnCallPage(caseID: try row.uuid("case_id"), brandID: try row.uuid("brand_id"), teamID: try row.uuid("team_id"), userID: try row.uuid("user_id"),
                   chain: Convert.strings(try row.string("chain")).compactMap(UUID.init(text:)), pages: try row.int("pages"),
                   pagesPerPerson: try row.int("pages_per_person"), acknowledgeWithinMinutes: try row.int("acknowledge_within"), pagedAt: Convert.date(try row.int("paged_at")), dueAt: Convert.date(try row.int("due_at")),
                   state: try row.string("state"), acknowledgedAt: try row.optionalInt("acknowledged_at").map(Convert.date))
    }

    /// The page of a case, if one was ever sent.
    public func onCallPage(case id: CaseID, brand: BrandID) async throws -> OnCallPage? {
        try await database.read { db in
            try await db.raw("SELECT * FROM on_call_pages WHERE case_id = \(bind: id.text) AND brand_id = \(bind: brand.text)").first().map(Store.page(from:))
        }
    }

    /// The paged person says they are on it: the page stops. Only the person paged now may.
    public func acknowledgePage(case id: CaseID, brand: BrandID, user: UserID) async throws -> OnCallPage {
        let now = environment.now()
        return try await database.write { db in
            let item = try await Store.case(id, brand: brand, on: db)
            guard var page = try await db.raw("SELECT * FROM on_call_pages WHERE case_id = \(bind: id.text)").first().map(Store.page(from:)),
                  page.state == "open" else {
                throw StoreError.conflict("no page is waiting for an answer on this case")
            }
            guard page.userID == user else {
                let name = try await db.raw("SELECT name FROM staff_users WHERE id = \(bind: page.userID.text)").first()?.string("name") ?? "someone else"
                throw StoreError.conflict("the page for this case went to \(name), not to you")
            }
            try await db.raw("""
                UPDATE on_call_pages SET state = 'acknowledged', acknowledged_at = \(bind: Convert.ms(now)) WHERE case_id = \(bind: id.text)
                """).run()
            let minutes = Int((now.timeIntervalSince(page.pagedAt) / 60).rounded())
            try await Store.insert(events: self.events([EventDraft(type: .onCallAcknowledged, payload: [
                "userId": .string(user.text), "how": .string("said they are on it"), "afterMinutes": .int(minutes)])],
                                                       brand: brand, actor: .staff(user), account: item.accountID, contact: item.contactID, caseID: id, at: now), on: db)
            page.state = "acknowledged"
            page.acknowledgedAt = now
            return page
        }
    }

    /// One pass over the pages nobody answered in time: the same person is paged again, then
    /// the case goes to the next in the chain, and when everyone was paged the brand's
    /// managers are told. A person who worked on the case since their page counts as having
    /// answered. Rows another node holds are skipped on PostgreSQL.
    public func fireDuePages(now: Date, limit: Int = 100) async throws -> PagePass {
        let dialect = self.dialect
        let due = try await database.read { db in
            try await db.raw("SELECT case_id FROM on_call_pages WHERE state = 'open' AND due_at <= \(bind: Convert.ms(now)) LIMIT 1").first() != nil
        }
        guard due else { return PagePass() }
        return try await database.write { db in
            var sql = SQLQueryString("SELECT * FROM on_call_pages WHERE state = 'open' AND due_at <= \(bind: Convert.ms(now)) ORDER BY due_at LIMIT \(bind: limit)")
            if dialect == .postgres { sql.appendLiteral(" FOR UPDATE SKIP LOCKED") }
            var pass = PagePass()
            for page in try await db.raw(sql).all().map(Store.page(from:)) {
                let item = try await Store.case(page.caseID, brand: page.brandID, on: db)
                func settle(_ state: String) async throws {
                    try await db.raw("UPDATE on_call_pages SET state = \(bind: state) WHERE case_id = \(bind: page.caseID.text)").run()
                }
                guard item.status.isActive, item.mergedInto == nil, item.assigneeID == page.userID else {
                    try await settle("closed")
                    pass.settled += 1
                    continue
                }
                var drafts: [EventDraft] = []
                let worked = try await db.raw("""
                    SELECT id FROM events WHERE case_id = \(bind: page.caseID.text) AND actor_kind = 'staff' AND actor_id = \(bind: page.userID.text)
                    AND occurred_at >= \(bind: Convert.ms(page.pagedAt)) LIMIT 1
                    """).first() != nil
                if worked {
                    try await db.raw("UPDATE on_call_pages SET state = 'acknowledged', acknowledged_at = \(bind: Convert.ms(now)) WHERE case_id = \(bind: page.caseID.text)").run()
                    drafts.append(EventDraft(type: .onCallAcknowledged, payload: ["userId": .string(page.userID.text), "how": .string("worked on the case")]))
                    pass.settled += 1
                } else {
                    let minutes = page.acknowledgeWithinMinutes
                    let next = now.addingTimeInterval(Double(minutes) * 60)
                    switch OnCallPaging.next(chain: page.chain, current: page.userID, pages: page.pages, pagesPerPerson: page.pagesPerPerson) {
                    case .pageAgain(let user, let number):
                        try await db.raw("""
                            UPDATE on_call_pages SET pages = \(bind: number), due_at = \(bind: Convert.ms(next)) WHERE case_id = \(bind: page.caseID.text)
                            """).run()
                        drafts.append(try await Store.pageDraft(user: user, number: item.number, page: number, of: page.pagesPerPerson, within: minutes, on: db))
                        pass.pagedAgain += 1
                    case .handOver(let user):
                        try await db.raw("""
                            UPDATE on_call_pages SET user_id = \(bind: user.text), pages = 1, paged_at = \(bind: Convert.ms(now)), due_at = \(bind: Convert.ms(next))
                            WHERE case_id = \(bind: page.caseID.text)
                            """).run()
                        try await db.raw("""
                            UPDATE cases SET assignee_id = \(bind: user.text), updated_at = \(bind: Convert.ms(now)) WHERE id = \(bind: page.caseID.text)
                            """).run()
                        drafts.append(EventDraft(type: .caseAssigned, payload: [
                            "field": .string("assigneeId"), "from": .string(page.userID.text), "to": .string(user.text),
                            "reason": .string("no answer to \(page.pages) page\(page.pages == 1 ? "" : "s"): the next person on the rota takes it")]))
                        drafts.append(try await Store.pageDraft(user: user, number: item.number, page: 1, of: page.pagesPerPerson, within: minutes, on: db))
                        pass.handedOver += 1
                    case .nobodyAnswered:
                        try await settle("unanswered")
                        drafts.append(EventDraft(type: .onCallUnanswered, payload: ["paged": .int(page.chain.count)]))
                        let managers = try await db.raw("""
                            SELECT id FROM staff_users WHERE brand_id = \(bind: item.brandID.text) AND role = 'manager' ORDER BY id
                            """).all()
                        for manager in managers {
                            drafts.append(EventDraft(type: .staffNotified, payload: [
                                "userId": .string(try manager.string("id")), "caseNumber": .int(item.number),
                                "reason": .string(NoticeReason.onCallUnanswered(number: item.number).text)]))
                        }
                        pass.unanswered += 1
                    }
                }
                try await Store.insert(events: self.events(drafts, brand: item.brandID, actor: .system, account: item.accountID, contact: item.contactID,
                                                           caseID: item.id, at: now), on: db)
            }
            return pass
        }
    }
}
