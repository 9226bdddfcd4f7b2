import Foundation
import SQLKit
import TouchpointCore

/// An enrollment whose next step a runner holds the lease of, at the step count it read.
public struct ClaimedStep: Sendable {
    public var enrollment: Enrollment
    /// How many steps it had taken when claimed: the step runs only if it still has.
    public var seq: Int
}

/// What a runner decided for a claimed step, to be written in one transaction.
public struct StepDecision: Sendable {
    public var claim: ClaimedStep
    public var action: StepAction
    public var facts: EnrollmentFacts

    public init(claim: ClaimedStep, action: StepAction, facts: EnrollmentFacts) {
        self.claim = claim
        self.action = action
        self.facts = facts
    }
}

/// Where links in playbook messages point.
public struct PlaybookLinks: Sendable {
    /// `https://host/go/` (a token follows).
    public var go: String
    /// `https://host/unsubscribe/`.
    public var unsubscribe: String
    /// `https://host/survey/`.
    public var survey: String

    public init(base: String) {
        go = base + "/go/"
        unsubscribe = base + "/unsubscribe/"
        survey = base + "/survey/"
    }
}

extension Store {
    /// Takes up to `limit` enrollments whose next step is due, under a lease of `lease`
    /// seconds held by `owner`: on PostgreSQL rows another node holds are skipped (`SKIP
    /// LOCKED`); a lease that ran out (a crashed node) is taken over.
    public func claimDueSteps(owner: String, limit: Int, lease: TimeInterval) async throws -> [ClaimedStep] {
        let environment = self.environment
        let lock = dialect == .postgres ? " FOR UPDATE OF e SKIP LOCKED" : ""
        return try await database.write { db in
            let now = Convert.ms(environment.now())
            let rows = try await db.raw(
                """
                UPDATE playbook_enrollments SET lease_owner = \(bind: owner), lease_until = \(bind: now + Int(lease * 1000)) WHERE id IN (
                    SELECT e.id FROM playbook_enrollments e WHERE e.state = 'active' AND e.due_at <= \(bind: now)
                    AND (e.lease_until IS NULL OR e.lease_until < \(bind: now))
                    AND NOT EXISTS (SELECT 1 FROM playbooks p WHERE p.id = e.playbook_id AND p.status = 'paused')
                    ORDER BY e.due_at LIMIT \(bind: limit)\(unsafeRaw: lock))
                RETURNING *
                """
            ).all()
            return try rows.map { ClaimedStep(enrollment: try Store.enrollment(from: $0), seq: try $0.int("seq")) }
        }
    }

    /// When the next step of any enrollment falls due (for a runner's sleep).
    public func nextStepDue() async throws -> Date? {
        try await database.read { db in
            try await db.raw("SELECT MIN(due_at) AS next FROM playbook_enrollments WHERE state = 'active'").first()
                .flatMap { try $0.decode(column: "next", as: Int?.self) }.map(Convert.date)
        }
    }

    static func enrollment(from row: any SQLRow) throws -> Enrollment {
        Enrollment(
            id: try row.uuid("id"), brandID: try row.uuid("brand_id"), playbookID: try row.uuid("playbook_id"), version: try row.int("version"),
            accountID: try row.optionalUUID("account_id"), contactID: try row.uuid("contact_id"),
            state: try row.wire("state", as: EnrollmentState.self),
            stepIndex: try row.int("step_index"), dueAt: try row.optionalInt("due_at").map(Convert.date), reason: try row.string("reason"),
            exitReason: try row.optionalString("exit_reason"), startedAt: try row.date("started_at"),
            endedAt: try row.optionalInt("ended_at").map(Convert.date))
    }

    /// Everything the next steps of `claims` need to know, read together.
    public func enrollmentFacts(_ claims: [ClaimedStep], portalBase: String) async throws -> [EnrollmentFacts] {
        guard !claims.isEmpty else { return [] }
        var brands: [BrandID: (brand: Brand, config: ServiceConfig)] = [:]
        for id in Set(claims.map(\.enrollment.brandID)) { brands[id] = (try await brand(id), try await serviceConfig(brand: id)) }
        let now = environment.now()
        let brandInfo = brands
        return try await database.read { db in
            var definitions: [String: PlaybookDefinition] = [:]
            for key in Set(claims.map { "\($0.enrollment.playbookID.text)|\($0.enrollment.version)" }) {
                let parts = key.split(separator: "|")
                if let row = try await db.raw(
                    "SELECT definition FROM playbook_versions WHERE playbook_id = \(bind: String(parts[0])) AND version = \(bind: Int(parts[1]) ?? 0)"
                ).first() {
                    definitions[key] = try Store.definition(try row.string("definition"))
                }
            }
            var settings: [BrandID: AutomationSettings] = [:]
            for id in brandInfo.keys { settings[id] = try await Store.automationSettings(brand: id, on: db) }
            let contactIDs = Array(Set(claims.map(\.enrollment.contactID.text)))
            var contacts: [String: (name: String?, title: String?)] = [:]
            for row in try await db.raw("SELECT id, name, title FROM contacts WHERE \(Store.inList("id", contactIDs))").all() {
                contacts[try row.string("id")] = (try row.optionalString("name"), try row.optionalString("title"))
            }
            var addresses: [String: [IdentityKind: String]] = [:]
            for row in try await db.raw(
                "SELECT contact_id, kind, value FROM identities WHERE \(Store.inList("contact_id", contactIDs)) ORDER BY created_at DESC"
            ).all() {
                guard let kind = IdentityKind(rawValue: try row.string("kind")) else { continue }
                addresses[try row.string("contact_id"), default: [:]][kind] = try row.string("value")
            }
            let accountIDs = Array(Set(claims.compactMap(\.enrollment.accountID?.text)))
            var accounts: [String: Account] = [:]
            if !accountIDs.isEmpty {
                for row in try await db.raw("SELECT * FROM accounts WHERE \(Store.inList("id", accountIDs))").all() {
                    let account = try Store.account(from: row)
                    accounts[account.id.text] = account
                }
            }
            var optedOut: Set<String> = []
            let allAddresses = Array(Set(addresses.values.flatMap(\.values)))
            if !allAddresses.isEmpty {
                // The key's order (brand, contact point, address) lets each lookup use it.
                var query = SQLQueryString("SELECT brand_id, contact_point, address FROM opt_outs WHERE ")
                query.appendInterpolation(Store.inList("brand_id", brandInfo.keys.map(\.text).sorted()))
                query.appendLiteral(" AND ")
                query.appendInterpolation(Store.inList("contact_point", PlaybookStep.sendable.map(\.rawValue)))
                query.appendLiteral(" AND ")
                query.appendInterpolation(Store.inList("address", allAddresses))
                for row in try await db.raw(query).all() {
                    optedOut.insert("\(try row.string("brand_id"))|\(try row.string("contact_point"))|\(try row.string("address"))")
                }
            }
            let window = Convert.ms(now.addingTimeInterval(-Double(settings.values.map(\.per.seconds).max() ?? 86_400)))
            var recent: [String: [Date]] = [:]
            for row in try await db.raw(
                "SELECT contact_id, sent_at FROM automated_messages WHERE \(Store.inList("contact_id", contactIDs)) AND sent_at > \(bind: window)"
            ).all() {
                recent[try row.string("contact_id"), default: []].append(try row.date("sent_at"))
            }
            var out: [EnrollmentFacts] = []
            for claim in claims {
                let enrollment = claim.enrollment
                guard let definition = definitions["\(enrollment.playbookID.text)|\(enrollment.version)"], let info = brandInfo[enrollment.brandID]
                else { continue }
                let config = info.config
                let setting = settings[enrollment.brandID] ?? .defaults
                let account = enrollment.accountID.flatMap { accounts[$0.text] }
                let contact = contacts[enrollment.contactID.text]
                var points: [ContactPoint: String] = [:]
                var out_: Set<ContactPoint> = []
                for point in PlaybookStep.sendable {
                    guard let value = addresses[enrollment.contactID.text]?[point.identityKind] else { continue }
                    points[point] = value
                    if optedOut.contains("\(enrollment.brandID.text)|\(point.rawValue)|\(value)") { out_.insert(point) }
                }
                let csm = account?.profile.ownerCSM.flatMap { id in config.staff.first { $0.user.id == id } }
                let step = definition.steps.indices.contains(enrollment.stepIndex) ? definition.steps[enrollment.stepIndex] : nil
                var facts = EnrollmentFacts(
                    enrollment: enrollment, definition: definition, playbookName: definition.name, brandName: info.brand.name,
                    language: account?.profile.language ?? info.brand.language,
                    contactName: contact?.name, addresses: points, optedOut: out_, accountName: account?.name, profile: account?.profile,
                    model: account?.serviceModel ?? config.rules.defaultModel, csm: csm?.user,
                    csmHours: config.availability(calendar: csm?.shiftCalendarID),
                    csmBusy: [], zone: TimeZone(identifier: account?.profile.timeZone ?? setting.timeZone) ?? .gmt,
                    calendars: Dictionary(uniqueKeysWithValues: config.calendars.map { ($0.key, Availability.calendar($0.value.calendar)) }),
                    replied: false, openedLink: false, lastSurveyScore: nil, caseOpen: false, recentMessages: recent[enrollment.contactID.text] ?? [],
                    portalLink: "\(portalBase)/portal/\(info.brand.slug)")
                if step?.type == .branch { try await Store.branchFacts(&facts, on: db) }
                if step?.type == .meeting, let csm {
                    facts.csmBusy = try await db.raw(
                        "SELECT start_at, end_at FROM meetings WHERE owner_id = \(bind: csm.user.id.text) AND end_at > \(bind: Convert.ms(now)) ORDER BY start_at"
                    ).all().map { (try $0.date("start_at"), try $0.date("end_at")) }
                }
                out.append(facts)
            }
            return out
        }
    }

    /// What a branch asks: a reply since entering, an opened link, the latest survey answer
    /// since entering, an open case.
    static func branchFacts(_ facts: inout EnrollmentFacts, on db: any SQLDatabase) async throws {
        let enrollment = facts.enrollment
        let since = Convert.ms(enrollment.startedAt)
        let contact = enrollment.contactID.text
        facts.replied =
            try await db.raw(
                "SELECT 1 AS hit FROM interactions WHERE contact_id = \(bind: contact) AND occurred_at >= \(bind: since) AND direction = 'inbound' LIMIT 1"
            ).first() != nil
        facts.openedLink =
            try await db.raw(
                "SELECT 1 AS hit FROM playbook_links WHERE enrollment_id = \(bind: enrollment.id.text) AND kind = 'link' AND opened_at IS NOT NULL LIMIT 1"
            ).first() != nil
        facts.lastSurveyScore = try await db.raw(
            """
            SELECT score FROM surveys WHERE contact_id = \(bind: contact) AND answered_at >= \(bind: since) AND score IS NOT NULL
            ORDER BY answered_at DESC LIMIT 1
            """
        ).first().flatMap { try $0.optionalInt("score") }
        facts.caseOpen =
            try await db.raw(
                """
                SELECT 1 AS hit FROM cases WHERE brand_id = \(bind: enrollment.brandID.text) AND contact_id = \(bind: contact)
                AND status IN ('new', 'open', 'pending') LIMIT 1
                """
            ).first() != nil
    }
}

extension Store {
    /// Writes what the runner decided, all in one transaction: for each step still at the
    /// count it was claimed at and still leased to `owner`, its effect (a message in the
    /// outbox, a survey, a task, a meeting, a field), its line in the step log, its event on
    /// the customer's timeline and the move to the next step. A step another node already
    /// took is left alone, so each runs once. Messages re-check the frequency cap under a
    /// per-contact lock. Returns how many steps ran (postponed ones do not count).
    @discardableResult
    public func applySteps(_ decisions: [StepDecision], owner: String, links: PlaybookLinks) async throws -> Int {
        guard !decisions.isEmpty else { return 0 }
        let environment = self.environment
        let dialect = self.dialect
        let store = self
        var brands: [BrandID: Brand] = [:]
        for id in Set(decisions.map(\.claim.enrollment.brandID)) { brands[id] = try await brand(id) }
        let brandByID = brands
        return try await database.write { db in
            let now = environment.now()
            var ran = 0
            var mailboxes: [BrandID: Mailbox?] = [:]
            var settings: [BrandID: (automation: AutomationSettings, surveys: SurveySettings)] = [:]
            for decision in decisions {
                let enrollment = decision.claim.enrollment
                let brandID = enrollment.brandID
                guard let brand = brandByID[brandID] else { continue }
                // The guard: still at the step it was claimed at, still ours. On PostgreSQL this
                // also locks the row until commit.
                guard
                    try await db.raw(
                        """
                        UPDATE playbook_enrollments SET updated_at = \(bind: Convert.ms(now)) WHERE id = \(bind: enrollment.id.text)
                        AND seq = \(bind: decision.claim.seq) AND state = 'active' AND lease_owner = \(bind: owner) RETURNING id
                        """
                    ).first() != nil
                else { continue }
                if settings[brandID] == nil {
                    let surveys =
                        try await db.raw(
                            "SELECT value FROM brand_settings WHERE brand_id = \(bind: brandID.text) AND key = \(bind: SettingKey.surveys)"
                        ).first().flatMap { Convert.decode(SurveySettings.self, try $0.string("value")) } ?? .defaults
                    settings[brandID] = (try await Store.automationSettings(brand: brandID, on: db), surveys)
                }
                let rules = settings[brandID] ?? (.defaults, .defaults)
                var action = decision.action
                if action.isMessage {
                    if dialect == .postgres {
                        try await db.raw("SELECT pg_advisory_xact_lock(hashtext(\(bind: "contact|" + enrollment.contactID.text))) AS locked").run()
                    }
                    let sent = try await db.raw(
                        """
                        SELECT sent_at FROM automated_messages WHERE contact_id = \(bind: enrollment.contactID.text)
                        AND sent_at > \(bind: Convert.ms(now.addingTimeInterval(-rules.automation.per.timeInterval)))
                        """
                    ).all().map { try $0.date("sent_at") }
                    let allowed = rules.automation.capAllows(at: now, sent: sent)
                    if allowed > now {
                        action = .postpone(
                            until: rules.automation.afterQuietHours(allowed, zone: decision.facts.zone),
                            reason: "at most \(rules.automation.maxMessages) automated message(s) per \(rules.automation.per.text)")
                    }
                }
                if case .postpone(let until, _) = action {
                    try await db.raw(
                        """
                        UPDATE playbook_enrollments SET due_at = \(bind: Convert.ms(until)), lease_owner = NULL, lease_until = NULL WHERE id = \(bind: enrollment.id.text)
                        """
                    ).run()
                    continue
                }
                if mailboxes[brandID] == nil {
                    mailboxes[brandID] = .some(
                        try await db.raw("SELECT * FROM mailboxes WHERE brand_id = \(bind: brandID.text) ORDER BY created_at, address LIMIT 1")
                            .first()
                            .map(Store.mailbox(from:)))
                }
                let context = StepContext(
                    store: store, db: db, brand: brand, mailbox: mailboxes[brandID] ?? nil, facts: decision.facts, links: links,
                    surveys: rules.surveys, now: now)
                let (outcome, detail, outboxID) = try await context.perform(action)
                let definition = decision.facts.definition
                let index = enrollment.stepIndex
                let step = definition.steps[index]
                try await db.raw(
                    """
                    INSERT INTO playbook_steps (enrollment_id, seq, step_index, step_id, type, outcome, detail, outbox_id, at)
                    VALUES (\(bind: enrollment.id.text), \(bind: decision.claim.seq), \(bind: index), \(bind: step.id), \(bind: step.type.rawValue),
                            \(bind: outcome.rawValue), \(bind: detail), \(bind: outboxID?.text), \(bind: Convert.ms(now)))
                    """
                ).run()
                try await Store.insert(
                    events: store.events(
                        [
                            EventDraft(
                                type: .playbookStep,
                                payload: [
                                    "playbookId": .string(enrollment.playbookID.text), "playbook": .string(definition.name),
                                    "version": .int(enrollment.version),
                                    "enrollmentId": .string(enrollment.id.text), "step": .string(step.id), "stepType": .string(step.type.rawValue),
                                    "outcome": .string(outcome.rawValue), "detail": .string(detail),
                                ])
                        ], brand: brandID, actor: .system, account: enrollment.accountID, contact: enrollment.contactID, caseID: nil, at: now), on: db
                )
                if let next = PlaybookEngine.advance(definition, from: index, after: action, now: now) {
                    try await db.raw(
                        """
                        UPDATE playbook_enrollments SET step_index = \(bind: next.index), seq = seq + 1, due_at = \(bind: Convert.ms(next.due)),
                        lease_owner = NULL, lease_until = NULL WHERE id = \(bind: enrollment.id.text)
                        """
                    ).run()
                } else {
                    try await db.raw("UPDATE playbook_enrollments SET seq = seq + 1 WHERE id = \(bind: enrollment.id.text)").run()
                    try await Store.endEnrollment(
                        enrollment.id, state: .completed, reason: nil, playbook: enrollment.playbookID, version: enrollment.version, brand: brandID,
                        account: enrollment.accountID, contact: enrollment.contactID, store: store, at: now, on: db)
                }
                ran += 1
            }
            return ran
        }
    }
}

/// One step's effect, inside the transaction that records it.
struct StepContext {
    let store: Store
    let db: any SQLDatabase
    let brand: Brand
    let mailbox: Mailbox?
    let facts: EnrollmentFacts
    let links: PlaybookLinks
    let surveys: SurveySettings
    let now: Date

    var enrollment: Enrollment { facts.enrollment }
    var words: CustomerMessages { CustomerMessages(facts.language) }

    /// Does `action`; returns the outcome, the sentence for the log and the outbox row.
    func perform(_ action: StepAction) async throws -> (StepOutcome, String, UUID?) {
        switch action {
        case .send(let point, let recipient, let subject, let body):
            if point == .email {
                guard let mailbox else { return (.skipped, "no mailbox to send from", nil) }
                let text = try await tracked(body) + "\n\n-- \n" + words.automatedFooter(brand: brand.name, stop: try await unsubscribeLink(.email))
                let id = try await email(from: mailbox, to: recipient, subject: subject ?? facts.playbookName, text: text, attachments: [])
                try await counted()
                return (.sent, "email to \(recipient): \(subject ?? "")", id)
            }
            guard
                let row = try await db.raw(
                    "SELECT * FROM integrations WHERE brand_id = \(bind: brand.id.text) AND kind = \(bind: point == .sms ? "sms" : "whatsApp") ORDER BY id LIMIT 1"
                ).first()
            else { return (.skipped, "no \(point.rawValue) provider is set up", nil) }
            let integration = try Store.integration(from: row)
            let id = store.environment.newID()
            try await Store.insertTextOutbox(
                TextContent(text: body), recipient: recipient, integration: integration, caseID: nil, interactionID: nil, id: id, at: now, on: db)
            try await counted()
            return (.sent, "\(point.rawValue) to \(recipient): \(body.prefix(80))", id)
        case .survey(let kind, let point, let recipient):
            return try await survey(kind, on: point, recipient: recipient)
        case .wait(let until):
            return (.done, "waits until \(ISO8601DateFormatter().string(from: until))", nil)
        case .branch(let answer, let detail):
            return (.done, "\(answer ? "yes" : "no"): \(detail)", nil)
        case .task(let owner, let team, let title, let due):
            guard let account = enrollment.accountID else { return (.skipped, "the contact has no account", nil) }
            let commitment = try await Store.insertCommitment(
                brand: brand.id, actor: .system, accountID: account, caseID: nil, what: title, dueAt: due, ownerID: owner, kind: .promise,
                environment: store.environment, on: db)
            if let team { try await db.raw("UPDATE commitments SET team_id = \(bind: team.text) WHERE id = \(bind: commitment.id.text)").run() }
            let who = owner.flatMap { id in facts.csm?.id == id ? facts.csm?.name : nil } ?? "the team"
            return (.done, "task for \(who): \(title)", nil)
        case .meeting(let csm, let recipient, let title, let start, let end):
            return try await meeting(csm: csm, recipient: recipient, title: title, start: start, end: end)
        case .set(let field, let value):
            return try await set(field, value)
        case .skip(let reason):
            return (.skipped, reason, nil)
        case .end, .postpone:
            return (.done, "end", nil)
        }
    }

    /// Counts a message against the contact's frequency cap.
    func counted() async throws {
        try await db.raw(
            """
            INSERT INTO automated_messages (contact_id, sent_at, source, id)
            VALUES (\(bind: enrollment.contactID.text), \(bind: Convert.ms(now)), 'playbook', \(bind: store.environment.newID().text))
            """
        ).run()
    }

    func email(from mailbox: Mailbox, to recipient: String, subject: String, text: String, attachments: [AttachmentRef]) async throws -> UUID {
        let id = store.environment.newID()
        let domain = mailbox.address.split(separator: "@").last.map(String.init) ?? "localhost"
        let mail = OutboundMail(
            from: MailAddress(name: brand.name, address: mailbox.address), to: [MailAddress(name: facts.contactName, address: recipient)],
            subject: subject,
            messageID: "playbook-\(id.text)@\(domain)", date: now, text: text, automatic: true, loopMarker: mailbox.address)
        try await Store.insertOutbox(
            OutboxMessage(mail: mail, attachments: attachments), recipient: recipient, brand: brand.id, caseID: nil, interactionID: nil, id: id,
            at: now, on: db)
        return id
    }

    /// The text with each web address replaced by a link that records the click first.
    func tracked(_ text: String) async throws -> String {
        var out = ""
        var rest = Substring(text)
        while let start = rest.range(of: "http", options: .caseInsensitive),
            rest[start.lowerBound...].lowercased().hasPrefix("https://") || rest[start.lowerBound...].lowercased().hasPrefix("http://")
        {
            out += rest[..<start.lowerBound]
            let tail = rest[start.lowerBound...]
            var end = tail.firstIndex { $0.isWhitespace || $0 == "<" || $0 == ">" || $0 == "\"" } ?? tail.endIndex
            // A sentence's full stop or comma after the address is not part of it.
            while end > tail.startIndex, let last = tail[..<end].last, ".,;:!?)".contains(last) { end = tail.index(before: end) }
            let url = String(tail[..<end])
            out += links.go + (try await token(kind: "link", url: url))
            rest = tail[end...]
        }
        return out + rest
    }

    func unsubscribeLink(_ point: ContactPoint) async throws -> String {
        links.unsubscribe + (try await token(kind: "unsubscribe", url: point.rawValue))
    }

    func token(kind: String, url: String) async throws -> String {
        let token = Store.randomToken()
        try await db.raw(
            """
            INSERT INTO playbook_links (token_hash, enrollment_id, step_index, kind, url)
            VALUES (\(bind: Store.hash(token: token)), \(bind: enrollment.id.text), \(bind: enrollment.stepIndex), \(bind: kind), \(bind: url))
            """
        ).run()
        return token
    }

    func survey(_ kind: SurveyKind, on point: ContactPoint, recipient: String) async throws -> (StepOutcome, String, UUID?) {
        let every = kind == .nps ? surveys.npsEveryDays : surveys.csatEveryDays
        let since = Convert.ms(now.addingTimeInterval(-Double(every) * 86_400))
        if try await db.raw(
            """
            SELECT 1 AS asked FROM surveys WHERE contact_id = \(bind: enrollment.contactID.text) AND kind = \(bind: kind.rawValue) AND sent_at > \(bind: since) LIMIT 1
            """
        ).first() != nil {
            return (.skipped, "asked within the last \(every) days", nil)
        }
        var integration: Integration?
        if point == .email {
            guard mailbox != nil else { return (.skipped, "no mailbox to send from", nil) }
        } else {
            guard
                let row = try await db.raw(
                    "SELECT * FROM integrations WHERE brand_id = \(bind: brand.id.text) AND kind = \(bind: point == .sms ? "sms" : "whatsApp") ORDER BY id LIMIT 1"
                ).first()
            else { return (.skipped, "no \(point.rawValue) provider is set up", nil) }
            integration = try Store.integration(from: row)
        }
        let (_, token) = try await Store.insertSurvey(
            kind, brand: brand.id, caseID: nil, contact: enrollment.contactID, account: enrollment.accountID, on: point,
            expiresAfterDays: surveys.expiresAfterDays, store: store, at: now, on: db)
        let outbox: UUID
        if let integration {
            // Answered by replying with a number; text intake takes the reply as the answer.
            outbox = store.environment.newID()
            try await Store.insertTextOutbox(
                TextContent(text: words.surveyText(kind, brand: brand.name, reference: nil, link: links.survey + token)), recipient: recipient,
                integration: integration, caseID: nil, interactionID: nil, id: outbox, at: now, on: db)
        } else if let mailbox {
            let link: (Int) -> String = { "\(links.survey)\(token)?score=\($0)" }
            let invitation =
                kind == .nps
                ? words.npsInvitation(brand: brand.name, days: surveys.expiresAfterDays, link: link)
                : words.csatInvitation(brand: brand.name, reference: brand.name, subject: facts.playbookName, days: surveys.expiresAfterDays, link: link)
            outbox = try await email(from: mailbox, to: recipient, subject: invitation.subject, text: invitation.text, attachments: [])
        } else {
            return (.skipped, "no mailbox to send from", nil)
        }
        try await counted()
        return (.sent, "\(kind == .nps ? "recommendation" : "satisfaction") survey by \(point.label) to \(recipient)", outbox)
    }

    func meeting(csm: StaffUser, recipient: String, title: String, start: Date, end: Date) async throws -> (StepOutcome, String, UUID?) {
        guard let mailbox else { return (.skipped, "no mailbox to send from", nil) }
        let id = store.environment.newID()
        try await db.raw(
            """
            INSERT INTO meetings (id, brand_id, owner_id, account_id, contact_id, title, start_at, end_at, enrollment_id, created_at)
            VALUES (\(bind: id.text), \(bind: brand.id.text), \(bind: csm.id.text), \(bind: enrollment.accountID?.text), \(bind: enrollment.contactID.text),
                    \(bind: title), \(bind: Convert.ms(start)), \(bind: Convert.ms(end)), \(bind: enrollment.id.text), \(bind: Convert.ms(now)))
            """
        ).run()
        let domain = mailbox.address.split(separator: "@").last.map(String.init) ?? "touchpoint"
        let when = ReaderTime(zone: facts.zone, language: facts.language).span(start, end)
        let body = words.meetingProposal(title: title, advisor: csm.name, when: when, timeZone: facts.zone.identifier)
        let calendar = ICalendar.render(
            ICalendar.Event(
                uid: "meeting-\(id.text)@\(domain)", sequence: 0, start: start, end: end, summary: title, description: body, location: nil,
                organizer: (csm.name, csm.email), attendee: (facts.contactName, recipient), stamp: now), method: .request)
        let attachment = try await Store.storeAttachment(
            name: "meeting.ics", contentType: "text/calendar; method=REQUEST; charset=utf-8", data: Array(calendar.utf8), brand: brand.id, at: now,
            on: db)
        let outbox = try await email(
            from: mailbox, to: recipient, subject: title,
            text: body + "\n\n-- \n" + words.automatedFooter(brand: brand.name, stop: try await unsubscribeLink(.email)),
            attachments: [attachment])
        try await counted()
        if let account = enrollment.accountID {
            _ = try await Store.insertCommitment(
                brand: brand.id, actor: .system, accountID: account, caseID: nil, what: "\(title) with \(facts.contactName ?? recipient), \(when)",
                dueAt: start,
                ownerID: csm.id, kind: .promise, environment: store.environment, on: db)
        }
        return (.sent, "meeting proposed for \(when) with \(csm.name)", outbox)
    }

    func set(_ field: PlaybookField, _ value: String) async throws -> (StepOutcome, String, UUID?) {
        guard let accountID = enrollment.accountID else { return (.skipped, "the contact has no account", nil) }
        switch field {
        case .tag:
            try await db.raw(
                """
                INSERT INTO account_tags (account_id, tag, brand_id, created_at) VALUES (\(bind: accountID.text), \(bind: value), \(bind: brand.id.text), \(bind: Convert.ms(now)))
                ON CONFLICT (account_id, tag) DO NOTHING
                """
            ).run()
            return (.done, "tagged \(value)", nil)
        case .stage:
            guard let stage = JourneyStage(rawValue: value) else { return (.skipped, "unknown stage \(value)", nil) }
            guard let row = try await db.raw("SELECT stage FROM accounts WHERE id = \(bind: accountID.text)").first() else {
                return (.skipped, "the account is gone", nil)
            }
            let before = try row.string("stage")
            guard before != stage.rawValue else { return (.done, "stage already \(value)", nil) }
            try await db.raw(
                "UPDATE accounts SET stage = \(bind: stage.rawValue), updated_at = \(bind: Convert.ms(now)) WHERE id = \(bind: accountID.text)"
            ).run()
            try await Store.insert(
                events: store.events(
                    [
                        EventDraft(
                            type: .accountUpdated,
                            payload: [
                                "fields": .array([.string("stage")]), "from": .object(["stage": .string(before)]),
                                "to": .object(["stage": .string(stage.rawValue)]),
                            ])
                    ], brand: brand.id, actor: .system, account: accountID, contact: nil, caseID: nil, at: now), on: db)
            return (.done, "stage \(before) → \(value)", nil)
        }
    }
}
