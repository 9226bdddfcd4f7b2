import Foundation
import SQLKit
import TouchpointCore

extension SettingKey {
    static let automation = "automation"
}

/// Someone a trigger or a schedule would start on a playbook.
public struct EnrollmentDraft: Sendable, Equatable {
    public var playbookID: UUID
    public var version: Int
    public var brandID: BrandID
    public var accountID: AccountID?
    public var contactID: ContactID
    /// Names the occurrence so it enrolls once (an event id, a scheduled run).
    public var entryKey: String
    public var reason: String

    public init(playbookID: UUID, version: Int, brandID: BrandID, accountID: AccountID?, contactID: ContactID, entryKey: String, reason: String) {
        self.playbookID = playbookID
        self.version = version
        self.brandID = brandID
        self.accountID = accountID
        self.contactID = contactID
        self.entryKey = entryKey
        self.reason = reason
    }
}

/// A contact as a playbook's audience sees it.
public struct AudienceMember: Sendable {
    public var contactID: ContactID
    public var contactName: String?
    public var role: String?
    public var account: Account?

    public init(contactID: ContactID, contactName: String?, role: String?, account: Account?) {
        self.contactID = contactID
        self.contactName = contactName
        self.role = role
        self.account = account
    }
}

extension Store {
    // MARK: definitions

    public func automationSettings(brand: BrandID) async throws -> AutomationSettings {
        try await database.read { db in try await Store.automationSettings(brand: brand, on: db) }
    }

    static func automationSettings(brand: BrandID, on db: any SQLDatabase) async throws -> AutomationSettings {
        let row = try await db.raw("SELECT value FROM brand_settings WHERE brand_id = \(bind: brand.text) AND key = \(bind: SettingKey.automation)")
            .first()
        return try row.flatMap { Convert.decode(AutomationSettings.self, try $0.string("value")) } ?? .defaults
    }

    public func setAutomationSettings(_ settings: AutomationSettings, brand: BrandID, actor: Actor) async throws -> AutomationSettings {
        let valid = try settings.validated()
        let now = environment.now()
        let event = events(
            [EventDraft(type: .automationSettingsUpdated)], brand: brand, actor: actor, account: nil, contact: nil, caseID: nil, at: now)
        try await database.write { db in
            try await Store.putSetting(SettingKey.automation, value: Convert.json(valid), brand: brand, now: now, on: db)
            try await Store.insert(events: event, on: db)
        }
        return valid
    }

    /// Saves a new playbook at version 1.
    public func createPlaybook(_ definition: PlaybookDefinition, status: PlaybookStatus, brand: BrandID, actor: Actor) async throws -> Playbook {
        let now = environment.now()
        let playbook = Playbook(
            id: environment.newID(), brandID: brand, version: 1, status: status, definition: definition, createdAt: now, updatedAt: now)
        let event = events(
            [
                EventDraft(
                    type: .playbookSaved, payload: ["playbookId": .string(playbook.id.text), "name": .string(definition.name), "version": .int(1)])
            ],
            brand: brand, actor: actor, account: nil, contact: nil, caseID: nil, at: now)
        try await database.write { db in
            try await Store.requirePlaybookReferences(definition, brand: brand, on: db)
            try await db.raw(
                """
                INSERT INTO playbooks (id, brand_id, name, status, version, definition, trigger_kind, created_at, updated_at)
                VALUES (\(bind: playbook.id.text), \(bind: brand.text), \(bind: definition.name), \(bind: status.rawValue), 1, \(bind: Convert.json(definition)),
                        \(bind: Store.triggerKind(definition.trigger)), \(bind: Convert.ms(now)), \(bind: Convert.ms(now)))
                """
            ).run()
            try await Store.insertPlaybookVersion(playbook.id, version: 1, definition: definition, author: actor, at: now, on: db)
            try await Store.insert(events: event, on: db)
        }
        return playbook
    }

    /// Changes a playbook: a changed definition becomes the next version (running enrollments
    /// keep theirs); a status change pauses or resumes it.
    public func updatePlaybook(
        _ id: UUID, definition: PlaybookDefinition?, status: PlaybookStatus?, brand: BrandID, actor: Actor
    ) async throws -> Playbook {
        let environment = self.environment
        let store = self
        return try await database.write { db in
            var playbook = try await Store.playbook(id, brand: brand, on: db)
            let now = environment.now()
            var payload: [String: JSONValue] = ["playbookId": .string(id.text), "name": .string(playbook.definition.name)]
            if let definition, definition != playbook.definition {
                try await Store.requirePlaybookReferences(definition, brand: brand, on: db)
                playbook.version += 1
                playbook.definition = definition
                try await Store.insertPlaybookVersion(id, version: playbook.version, definition: definition, author: actor, at: now, on: db)
                payload["version"] = .int(playbook.version)
            }
            if let status, status != playbook.status {
                playbook.status = status
                payload["status"] = .string(status.rawValue)
            }
            guard payload.count > 2 else { return playbook }
            playbook.updatedAt = now
            try await db.raw(
                """
                UPDATE playbooks SET name = \(bind: playbook.definition.name), status = \(bind: playbook.status.rawValue), version = \(bind: playbook.version),
                definition = \(bind: Convert.json(playbook.definition)), trigger_kind = \(bind: Store.triggerKind(playbook.definition.trigger)),
                updated_at = \(bind: Convert.ms(now)) WHERE id = \(bind: id.text)
                """
            ).run()
            try await Store.insert(
                events: store.events(
                    [EventDraft(type: .playbookSaved, payload: payload)], brand: brand, actor: actor, account: nil, contact: nil, caseID: nil, at: now
                ),
                on: db)
            return playbook
        }
    }

    public func playbook(_ id: UUID, brand: BrandID) async throws -> Playbook {
        try await database.read { db in try await Store.playbook(id, brand: brand, on: db) }
    }

    public func playbooks(brand: BrandID) async throws -> [Playbook] {
        try await database.read { db in
            try await db.raw("SELECT * FROM playbooks WHERE brand_id = \(bind: brand.text) ORDER BY name, id").all().map(Store.playbook(from:))
        }
    }

    /// The running playbooks of every brand that start on `kind` ("event" or "schedule").
    public func activePlaybooks(triggerKind kind: String) async throws -> [Playbook] {
        try await database.read { db in
            try await db.raw("SELECT * FROM playbooks WHERE trigger_kind = \(bind: kind) AND status = 'active' ORDER BY brand_id, name")
                .all().map(Store.playbook(from:))
        }
    }

    /// One saved version of a playbook.
    public func playbookVersion(_ id: UUID, version: Int) async throws -> PlaybookDefinition? {
        try await database.read { db in
            try await db.raw("SELECT definition FROM playbook_versions WHERE playbook_id = \(bind: id.text) AND version = \(bind: version)").first()
                .map { try Store.definition(try $0.string("definition")) }
        }
    }

    static func playbook(_ id: UUID, brand: BrandID, on db: any SQLDatabase) async throws -> Playbook {
        guard let row = try await db.raw("SELECT * FROM playbooks WHERE id = \(bind: id.text) AND brand_id = \(bind: brand.text)").first() else {
            throw StoreError.notFound("playbook")
        }
        return try playbook(from: row)
    }

    static func playbook(from row: any SQLRow) throws -> Playbook {
        Playbook(
            id: try row.uuid("id"), brandID: try row.uuid("brand_id"), version: try row.int("version"),
            status: try row.wire("status", as: PlaybookStatus.self),
            definition: try Store.definition(try row.string("definition")), createdAt: try row.date("created_at"),
            updatedAt: try row.date("updated_at"))
    }

    /// A stored definition (written by this code, so unreadable means a damaged row).
    static func definition(_ text: String) throws -> PlaybookDefinition {
        guard let definition = Convert.decode(PlaybookDefinition.self, text) else { throw StoreError.unavailable("unreadable playbook definition") }
        return definition
    }

    static func triggerKind(_ trigger: PlaybookTrigger) -> String {
        if trigger.event == .invoiceOverdue { return "schedule" }
        return trigger.event != nil ? "event" : "schedule"
    }

    static func insertPlaybookVersion(
        _ id: UUID, version: Int, definition: PlaybookDefinition, author: Actor, at now: Date, on db: any SQLDatabase
    ) async throws {
        try await db.raw(
            """
            INSERT INTO playbook_versions (playbook_id, version, definition, author_id, created_at)
            VALUES (\(bind: id.text), \(bind: version), \(bind: Convert.json(definition)), \(bind: author.id?.text), \(bind: Convert.ms(now)))
            """
        ).run()
    }

    /// Teams and calendars a definition names must be the brand's.
    static func requirePlaybookReferences(_ definition: PlaybookDefinition, brand: BrandID, on db: any SQLDatabase) async throws {
        for (index, step) in definition.steps.enumerated() {
            if let team = step.teamId,
                try await db.raw("SELECT id FROM teams WHERE id = \(bind: team.text) AND brand_id = \(bind: brand.text)").first() == nil
            {
                throw StoreError.invalid(field: "steps[\(index)].teamId", reason: "no team of this brand has the id \(team.text)")
            }
            if let calendar = step.calendarId,
                try await db.raw("SELECT id FROM calendars WHERE id = \(bind: calendar.text) AND brand_id = \(bind: brand.text)").first() == nil
            {
                throw StoreError.invalid(field: "steps[\(index)].calendarId", reason: "no calendar of this brand has the id \(calendar.text)")
            }
        }
    }

    // MARK: entering and leaving

    /// Starts each draft once (per entry key), and never a second time for a contact who is
    /// still running through the same playbook. Returns the enrollments made.
    @discardableResult
    public func enroll(_ drafts: [EnrollmentDraft]) async throws -> [UUID] {
        guard !drafts.isEmpty else { return [] }
        let environment = self.environment
        let store = self
        var made: [UUID] = []
        for chunk in stride(from: 0, to: drafts.count, by: 500).map({ Array(drafts[$0..<min($0 + 500, drafts.count)]) }) {
            made += try await database.write { db in
                let now = environment.now()
                var ids: [UUID] = []
                var events: [DomainEvent] = []
                for draft in chunk {
                    let running = try await db.raw(
                        """
                        SELECT id FROM playbook_enrollments WHERE contact_id = \(bind: draft.contactID.text) AND state = 'active'
                        AND playbook_id = \(bind: draft.playbookID.text) LIMIT 1
                        """
                    ).first()
                    guard running == nil else { continue }
                    let id = environment.newID()
                    let inserted = try await db.raw(
                        """
                        INSERT INTO playbook_enrollments (id, brand_id, playbook_id, version, account_id, contact_id, entry_key, reason, state, step_index, seq,
                            due_at, started_at, updated_at)
                        VALUES (\(bind: id.text), \(bind: draft.brandID.text), \(bind: draft.playbookID.text), \(bind: draft.version), \(bind: draft.accountID?.text),
                            \(bind: draft.contactID.text), \(bind: draft.entryKey), \(bind: draft.reason), 'active', 0, 0, \(bind: Convert.ms(now)),
                            \(bind: Convert.ms(now)), \(bind: Convert.ms(now)))
                        ON CONFLICT (playbook_id, entry_key) DO NOTHING RETURNING id
                        """
                    ).all()
                    guard !inserted.isEmpty else { continue }
                    ids.append(id)
                    events += store.events(
                        [
                            EventDraft(
                                type: .playbookEntered,
                                payload: [
                                    "playbookId": .string(draft.playbookID.text), "version": .int(draft.version), "enrollmentId": .string(id.text),
                                    "reason": .string(draft.reason),
                                ])
                        ], brand: draft.brandID, actor: .system, account: draft.accountID, contact: draft.contactID, caseID: nil, at: now)
                }
                try await Store.insert(events: events, on: db)
                return ids
            }
        }
        return made
    }

    /// Ends the running enrollments of a contact (or of every contact of an account) whose
    /// version exits on `rule`, begun before `before`, saying why. Returns how many ended.
    @discardableResult
    public func exitEnrollments(
        contact: ContactID?, account: AccountID?, rule: PlaybookExit, reason: String, before: Date, brand: BrandID
    ) async throws -> Int {
        guard contact != nil || account != nil else { return 0 }
        let environment = self.environment
        let store = self
        return try await database.write { db in
            let filter: SQLQueryString =
                contact.map { SQLQueryString("contact_id = \(bind: $0.text)") } ?? SQLQueryString("account_id = \(bind: account?.text ?? "")")
            let rows = try await db.raw(
                """
                SELECT e.id, e.playbook_id, e.version, e.account_id, e.contact_id, e.step_index, v.definition FROM playbook_enrollments e
                JOIN playbook_versions v ON v.playbook_id = e.playbook_id AND v.version = e.version
                WHERE e.\(filter) AND e.state = 'active' AND e.started_at < \(bind: Convert.ms(before))
                """
            ).all()
            let now = environment.now()
            var ended = 0
            for row in rows {
                let definition = try Store.definition(try row.string("definition"))
                guard definition.exitOn.contains(rule) else { continue }
                let id = try row.uuid("id")
                try await Store.endEnrollment(
                    id, state: .exited, reason: reason, playbook: try row.uuid("playbook_id"), version: try row.int("version"), brand: brand,
                    account: try row.optionalUUID("account_id"), contact: try row.uuid("contact_id"), store: store, at: now, on: db)
                ended += 1
            }
            return ended
        }
    }

    /// Stops one enrollment by hand.
    public func stopEnrollment(_ id: UUID, brand: BrandID, actor: Actor, reason: String) async throws -> Bool {
        let environment = self.environment
        let store = self
        return try await database.write { db in
            guard
                let row = try await db.raw(
                    "SELECT * FROM playbook_enrollments WHERE id = \(bind: id.text) AND brand_id = \(bind: brand.text) AND state = 'active'"
                ).first()
            else { return false }
            try await Store.endEnrollment(
                id, state: .exited, reason: reason, playbook: try row.uuid("playbook_id"), version: try row.int("version"), brand: brand,
                account: try row.optionalUUID("account_id"), contact: try row.uuid("contact_id"), store: store, at: environment.now(), on: db)
            return true
        }
    }

    static func endEnrollment(
        _ id: UUID, state: EnrollmentState, reason: String?, playbook: UUID, version: Int, brand: BrandID, account: AccountID?, contact: ContactID,
        store: Store, at now: Date, on db: any SQLDatabase
    ) async throws {
        try await db.raw(
            """
            UPDATE playbook_enrollments SET state = \(bind: state.rawValue), exit_reason = \(bind: reason), ended_at = \(bind: Convert.ms(now)),
            due_at = NULL, lease_owner = NULL, lease_until = NULL, updated_at = \(bind: Convert.ms(now)) WHERE id = \(bind: id.text)
            """
        ).run()
        var payload: [String: JSONValue] = [
            "playbookId": .string(playbook.text), "version": .int(version), "enrollmentId": .string(id.text), "state": .string(state.rawValue),
        ]
        if let reason { payload["reason"] = .string(reason) }
        try await Store.insert(
            events: store.events(
                [EventDraft(type: .playbookEnded, payload: payload)], brand: brand, actor: .system, account: account, contact: contact, caseID: nil,
                at: now),
            on: db)
    }

    // MARK: audiences

    /// The brand's accounts with their contacts (not merged ones), a page at a time after
    /// `afterAccount`; contacts without an account are not part of account audiences.
    public func audience(brand: BrandID, afterAccount: AccountID?, limit: Int) async throws -> (members: [AudienceMember], last: AccountID?) {
        try await database.read { db in
            let after = afterAccount?.text ?? ""
            let accounts = try await db.raw(
                "SELECT * FROM accounts WHERE brand_id = \(bind: brand.text) AND id > \(bind: after) ORDER BY id LIMIT \(bind: limit)"
            ).all().map(Store.account(from:))
            guard !accounts.isEmpty else { return ([], nil) }
            let byID = Dictionary(uniqueKeysWithValues: accounts.map { ($0.id, $0) })
            var query = SQLQueryString("SELECT id, name, title, account_id FROM contacts WHERE ")
            query.appendInterpolation(Store.inList("account_id", accounts.map(\.id.text)))
            query.appendLiteral(" AND merged_into IS NULL ORDER BY account_id, created_at, id")
            let members = try await db.raw(query).all().map { row in
                AudienceMember(
                    contactID: try row.uuid("id"), contactName: try row.optionalString("name"), role: try row.optionalString("title"),
                    account: try row.optionalUUID("account_id").flatMap { byID[$0] })
            }
            return (members, accounts.last?.id)
        }
    }

    /// The contacts of one account (or the one contact) as an audience sees them.
    public func audience(contacts: [ContactID], account: AccountID?, brand: BrandID) async throws -> [AudienceMember] {
        try await database.read { db in
            var owner: Account?
            if let account {
                owner = try await db.raw("SELECT * FROM accounts WHERE id = \(bind: account.text) AND brand_id = \(bind: brand.text)").first().map(
                    Store.account(from:))
            }
            let account = owner
            let filter: SQLQueryString
            if contacts.isEmpty, let account {
                filter = SQLQueryString("account_id = \(bind: account.id.text)")
            } else {
                guard !contacts.isEmpty else { return [] }
                filter = Store.inList("id", contacts.map(\.text))
            }
            var members: [AudienceMember] = []
            for row in try await db.raw(
                "SELECT id, name, title, account_id, brand_id FROM contacts WHERE \(filter) AND merged_into IS NULL ORDER BY created_at, id"
            ).all()
            where try row.uuid("brand_id") == brand {
                var owner = account
                if owner == nil, let accountID = try row.optionalUUID("account_id") {
                    owner = try await db.raw("SELECT * FROM accounts WHERE id = \(bind: accountID.text)").first().map(Store.account(from:))
                }
                members.append(
                    AudienceMember(
                        contactID: try row.uuid("id"), contactName: try row.optionalString("name"), role: try row.optionalString("title"),
                        account: owner))
            }
            return members
        }
    }

    /// The contact's newest address on each contact point a playbook sends on.
    public func contactAddresses(_ contact: ContactID) async throws -> [ContactPoint: String] {
        try await database.read { db in
            var out: [ContactPoint: String] = [:]
            for row in try await db.raw("SELECT kind, value FROM identities WHERE contact_id = \(bind: contact.text) ORDER BY created_at").all() {
                for point in PlaybookStep.sendable where point.identityKind.rawValue == (try row.string("kind")) {
                    out[point] = try row.string("value")
                }
            }
            return out
        }
    }

    /// Unpaid invoices that fell due before `today`, with the account (for `invoiceOverdue`).
    public func overdueInvoices(brand: BrandID, today: CivilDate, limit: Int) async throws -> [(invoice: String, account: AccountID)] {
        try await database.read { db in
            try await db.raw(
                """
                SELECT id, account_id FROM invoices
                WHERE brand_id = \(bind: brand.text) AND due_on < \(bind: today.description) AND paid_minor < amount_minor
                ORDER BY due_on DESC LIMIT \(bind: limit)
                """
            ).all().map { (try $0.string("id"), try $0.uuid("account_id")) }
        }
    }
}
