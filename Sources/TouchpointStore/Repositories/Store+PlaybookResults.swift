import Foundation
import SQLKit
import TouchpointCore

extension Store {
    /// The enrollments of a playbook, newest first, optionally in one state.
    public func enrollments(playbook: UUID, brand: BrandID, state: EnrollmentState?, limit: Int, cursor: Cursor?) async throws -> Page<Enrollment> {
        try await database.read { db in
            var query = SQLQueryString(
                """
                SELECT e.*, c.name AS contact_name, a.name AS account_name FROM playbook_enrollments e JOIN contacts c ON c.id = e.contact_id
                LEFT JOIN accounts a ON a.id = e.account_id WHERE e.playbook_id = \(bind: playbook.text) AND e.brand_id = \(bind: brand.text)
                """)
            if let state { query.appendInterpolation(SQLQueryString(" AND e.state = \(bind: state.rawValue)")) }
            if let cursor {
                query.appendInterpolation(
                    SQLQueryString(
                        " AND (e.started_at < \(bind: cursor.time) OR (e.started_at = \(bind: cursor.time) AND e.id < \(bind: cursor.id)))"))
            }
            query.appendInterpolation(SQLQueryString(" ORDER BY e.started_at DESC, e.id DESC LIMIT \(bind: limit + 1)"))
            let items = try await db.raw(query).all().map(Store.namedEnrollment(from:))
            return Page(fetched: items, limit: limit) { Cursor(time: Convert.ms($0.startedAt), id: $0.id.text) }
        }
    }

    /// One enrollment with the names of its contact and account.
    public func enrollment(_ id: UUID, brand: BrandID) async throws -> Enrollment? {
        try await database.read { db in
            try await db.raw(
                """
                SELECT e.*, c.name AS contact_name, a.name AS account_name FROM playbook_enrollments e JOIN contacts c ON c.id = e.contact_id
                LEFT JOIN accounts a ON a.id = e.account_id WHERE e.id = \(bind: id.text) AND e.brand_id = \(bind: brand.text)
                """
            ).first().map(Store.namedEnrollment(from:))
        }
    }

    static func namedEnrollment(from row: any SQLRow) throws -> Enrollment {
        var enrollment = try Store.enrollment(from: row)
        enrollment.contactName = try row.optionalString("contact_name")
        enrollment.accountName = try row.optionalString("account_name")
        return enrollment
    }

    /// What each step did for one enrollment, in order.
    public func stepLog(enrollment: UUID, brand: BrandID) async throws -> [StepResult] {
        try await database.read { db in
            try await db.raw(
                """
                SELECT s.* FROM playbook_steps s JOIN playbook_enrollments e ON e.id = s.enrollment_id
                WHERE s.enrollment_id = \(bind: enrollment.text) AND e.brand_id = \(bind: brand.text) ORDER BY s.seq
                """
            ).all().map { row in
                StepResult(
                    enrollmentID: try row.uuid("enrollment_id"), stepIndex: try row.int("step_index"), stepID: try row.string("step_id"),
                    type: try row.wire("type", as: PlaybookStepType.self), outcome: try row.wire("outcome", as: StepOutcome.self),
                    detail: try row.string("detail"),
                    at: try row.date("at"), outboxID: try row.optionalUUID("outbox_id"))
            }
        }
    }

    /// Per step of the current version: how many enrollments it ran for, sent, delivered,
    /// skipped, and after how many the contact replied (the enrollment exited on a reply with
    /// this step as its last).
    public func stepFigures(playbook: Playbook) async throws -> [StepFigures] {
        try await database.read { db in
            var figures: [String: StepFigures] = [:]
            for row in try await db.raw(
                """
                SELECT s.step_id, s.outcome, COUNT(*) AS n, CAST(SUM(CASE WHEN o.state = 'sent' THEN 1 ELSE 0 END) AS BIGINT) AS delivered
                FROM playbook_enrollments e JOIN playbook_steps s ON s.enrollment_id = e.id LEFT JOIN outbox o ON o.id = s.outbox_id
                WHERE e.playbook_id = \(bind: playbook.id.text) GROUP BY s.step_id, s.outcome
                """
            ).all() {
                let id = try row.string("step_id")
                var item = figures[id] ?? StepFigures(stepID: id, type: .send)
                let count = try row.int("n")
                item.taken += count
                switch try row.wire("outcome", as: StepOutcome.self) {
                case .sent:
                    item.sent += count
                    item.delivered += try row.optionalInt("delivered") ?? 0
                case .skipped: item.skipped += count
                case .done: break
                }
                figures[id] = item
            }
            for row in try await db.raw(
                """
                SELECT s.step_id, COUNT(*) AS n FROM playbook_enrollments e JOIN playbook_steps s ON s.enrollment_id = e.id AND s.seq = e.seq - 1
                WHERE e.playbook_id = \(bind: playbook.id.text) AND e.state = 'exited' AND e.exit_reason LIKE 'replied%' GROUP BY s.step_id
                """
            ).all() {
                let id = try row.string("step_id")
                figures[id, default: StepFigures(stepID: id, type: .send)].replied += try row.int("n")
            }
            return playbook.definition.steps.map { step in
                var item = figures[step.id] ?? StepFigures(stepID: step.id, type: step.type)
                item.type = step.type
                return item
            }
        }
    }

    /// Counts of a playbook's enrollments by state.
    public func enrollmentCounts(playbook: UUID) async throws -> [EnrollmentState: Int] {
        try await database.read { db in
            var counts: [EnrollmentState: Int] = [:]
            for row in try await db.raw(
                "SELECT state, COUNT(*) AS n FROM playbook_enrollments WHERE playbook_id = \(bind: playbook.text) GROUP BY state"
            ).all() {
                counts[try row.wire("state", as: EnrollmentState.self)] = try row.int("n")
            }
            return counts
        }
    }

    /// Follows a tracked link: the address it stands for; the first opening is recorded with
    /// an event on the customer's timeline. Nil for an unknown token.
    public func openPlaybookLink(token: String) async throws -> String? {
        let environment = self.environment
        let store = self
        return try await database.write { db in
            guard
                let row = try await db.raw(
                    """
                    SELECT l.url, l.opened_at, l.step_index, e.id, e.brand_id, e.playbook_id, e.version, e.account_id, e.contact_id
                    FROM playbook_links l JOIN playbook_enrollments e ON e.id = l.enrollment_id
                    WHERE l.token_hash = \(bind: Store.hash(token: token)) AND l.kind = 'link'
                    """
                ).first()
            else { return nil }
            let url = try row.string("url")
            if try row.optionalInt("opened_at") == nil {
                let now = environment.now()
                try await db.raw(
                    "UPDATE playbook_links SET opened_at = \(bind: Convert.ms(now)) WHERE token_hash = \(bind: Store.hash(token: token)) AND opened_at IS NULL"
                ).run()
                try await Store.insert(
                    events: store.events(
                        [
                            EventDraft(
                                type: .playbookLinkOpened,
                                payload: [
                                    "playbookId": .string(try row.string("playbook_id")), "version": .int(try row.int("version")),
                                    "enrollmentId": .string(try row.string("id")), "url": .string(url),
                                ])
                        ], brand: try row.uuid("brand_id"), actor: .system, account: try row.optionalUUID("account_id"),
                        contact: try row.uuid("contact_id"),
                        caseID: nil, at: now), on: db)
            }
            return url
        }
    }

    /// Who an unsubscribe link stops messages for, nil for an unknown one.
    public func unsubscribeTarget(token: String) async throws -> UnsubscribeTarget? {
        try await database.read { db in try await Store.unsubscribeTarget(token: token, on: db) }
    }

    static func unsubscribeTarget(token: String, on db: any SQLDatabase) async throws -> UnsubscribeTarget? {
        guard
            let row = try await db.raw(
                """
                SELECT l.url, e.contact_id, e.brand_id, b.name, COALESCE(a.language, b.language) AS language
                FROM playbook_links l JOIN playbook_enrollments e ON e.id = l.enrollment_id JOIN brands b ON b.id = e.brand_id
                LEFT JOIN contacts k ON k.id = e.contact_id LEFT JOIN accounts a ON a.id = k.account_id WHERE l.token_hash = \(bind: Store.hash(token: token)) AND l.kind = 'unsubscribe'
                """
            ).first(), let point = ContactPoint(rawValue: try row.string("url"))
        else { return nil }
        guard
            let address = try await db.raw(
                """
                SELECT value FROM identities WHERE contact_id = \(bind: try row.string("contact_id")) AND kind = \(bind: point.identityKind.rawValue)
                ORDER BY created_at DESC LIMIT 1
                """
            ).first().map({ try $0.string("value") })
        else { return nil }
        let done =
            try await db.raw(
                """
                SELECT 1 AS hit FROM opt_outs WHERE brand_id = \(bind: try row.string("brand_id")) AND contact_point = \(bind: point.rawValue)
                AND address = \(bind: address)
                """
            ).first() != nil
        return UnsubscribeTarget(
            brandName: try row.string("name"), language: try row.optionalString("language").flatMap(Language.init(rawValue:)) ?? .en,
            address: address,
            contactPoint: point, done: done)
    }

    /// Records the opt-out an unsubscribe link asks for (once), with its event, which ends the
    /// contact's enrollments that exit on opting out.
    public func unsubscribe(token: String) async throws -> UnsubscribeTarget? {
        let environment = self.environment
        let store = self
        return try await database.write { db in
            guard var target = try await Store.unsubscribeTarget(token: token, on: db) else { return nil }
            guard !target.done else { return target }
            let row = try await db.raw(
                """
                SELECT e.contact_id, e.account_id, e.brand_id FROM playbook_links l JOIN playbook_enrollments e ON e.id = l.enrollment_id
                WHERE l.token_hash = \(bind: Store.hash(token: token))
                """
            ).first()
            guard let row else { return nil }
            let now = environment.now()
            let brand = try row.uuid("brand_id")
            try await Store.recordOptOut(
                brand: brand, contactPoint: target.contactPoint, address: target.address, keyword: "unsubscribe link",
                contact: try row.uuid("contact_id"),
                account: try row.optionalUUID("account_id"), store: store, at: now, on: db)
            target.done = true
            return target
        }
    }

    /// Records an opt-out and its event (an opt-out already recorded changes nothing).
    static func recordOptOut(
        brand: BrandID, contactPoint: ContactPoint, address: String, keyword: String, contact: ContactID, account: AccountID?, store: Store,
        at now: Date,
        on db: any SQLDatabase
    ) async throws {
        let inserted = try await db.raw(
            """
            INSERT INTO opt_outs (brand_id, contact_point, address, keyword, created_at)
            VALUES (\(bind: brand.text), \(bind: contactPoint.rawValue), \(bind: address), \(bind: keyword), \(bind: Convert.ms(now)))
            ON CONFLICT (brand_id, contact_point, address) DO NOTHING RETURNING address
            """
        ).all()
        guard !inserted.isEmpty else { return }
        try await Store.insert(
            events: store.events(
                [EventDraft(type: .contactOptedOut, payload: ["contactPoint": .string(contactPoint.rawValue), "keyword": .string(keyword)])],
                brand: brand,
                actor: .system, account: account, contact: contact, caseID: nil, at: now), on: db)
    }
}
