import Foundation
import SQLKit
import TouchpointCore

extension Store {
    /// Opens a case with its first inbound message, resolving the sender to a contact (or
    /// creating one). A repeated provider message id returns the first result unchanged.
    /// `also` runs in the same transaction, after the case and its message are written
    /// (the mail intake marks its raw message processed there, so both commit together).
    public func openCase(brand brandID: BrandID, actor explicitActor: Actor?, request: OpenCase,
                         also: (@Sendable (Case, Interaction, any SQLDatabase) async throws -> Void)? = nil) async throws -> OpenedCase {
        let subject = try Case.validSubject(request.subject)
        let body = try Interaction.validBody(request.body)
        let tags = try Case.normalizedTags(request.tags)
        let metadata = try Interaction.validMetadata(request.metadata)
        let name = try request.name.map { try Check.text($0, field: "name", max: 200) }
        let brand = try await self.brand(brandID)
        let config = try await serviceConfig(brand: brandID)
        if let topic = request.topic, config.topic(topic) == nil {
            throw StoreError.invalid(field: "topic", reason: "no topic '\(topic)'; known: " + (config.topics.isEmpty ? "none" : config.topics.map(\.name).joined(separator: ", ")))
        }
        let environment = self.environment
        let dialect = self.dialect
        return try await database.write { db in
            if let providerID = request.providerMessageID,
               let existing = try await Store.interaction(providerID: providerID, contactPoint: request.contactPoint, brand: brandID, on: db),
               let caseID = existing.caseID {
                let existingCase = try await Store.case(caseID, brand: brandID, on: db)
                return OpenedCase(case: existingCase, interaction: existing, contactCreated: false, duplicate: true)
            }
            if let team = request.teamID { try await Store.requireTeam(team, brand: brandID, on: db) }
            let now = environment.now()
            let occurredAt = request.occurredAt ?? now
            var drafts: [DomainEvent] = []
            let sender = try await Store.resolveOrCreate(request.from, name: name, contactPoint: request.contactPoint, brand: brandID,
                                                         environment: environment, dialect: dialect, at: now, on: db)
            drafts += sender.events
            let (contactID, accountID, title, created) = (sender.contact, sender.account, sender.title, sender.created)
            let actor = explicitActor ?? .contact(contactID)
            // One need, one case: the customer's own message on another contact point
            // continues the case they were just in.
            if request.mayContinue, request.openedBy == nil, !created, explicitActor == nil || explicitActor?.kind == .contact,
               let (candidate, model) = try await Store.continuationCandidate(of: contactID, brand: brandID, on: db),
               case .continueCase(let caseID, let why) = CaseContinuation.decide(
                   candidate, contactPoint: request.contactPoint, topic: request.topic, at: now,
                   windowMinutes: config.policy(model ?? config.rules.defaultModel).continuationWindow) {
                let current = try await Store.case(caseID, brand: brandID, on: db)
                let caseModel = current.serviceModel ?? config.rules.defaultModel
                let offModel = config.policy(caseModel).offModelReason(request.contactPoint)
                let interaction = Interaction(id: environment.newID(), brandID: brandID, contactID: contactID, caseID: caseID,
                                              contactPoint: request.contactPoint, direction: .inbound, authorKind: .contact, authorID: contactID,
                                              text: body, html: request.html, attachments: request.attachments,
                                              providerMessageID: request.providerMessageID,
                                              metadata: Store.marking(metadata.merging(offModel.map { ["offModel": $0] } ?? [:]) { a, _ in a },
                                                                      sender: sender.own, filedUnder: contactID), occurredAt: occurredAt)
                let (next, moves) = try Store.rule { () throws(CaseInteractionError) in
                    try current.recording(interaction, automatic: false, now: now, availability: config.availability(caseModel),
                                          targets: config.policy(caseModel).sla[current.priority])
                }
                try await Store.insert(interaction: interaction, now: now, on: db)
                try await Store.index(text: subject + "\n" + body, brand: brandID, caseID: caseID, number: current.number, on: db)
                try await db.raw("""
                    UPDATE cases SET status = \(bind: next.status.rawValue), updated_at = \(bind: Convert.ms(now)),
                    sla = \(bind: next.sla?.storageText), sla_next_at = \(bind: next.sla?.nextWake.map(Convert.ms)),
                    sla_risk_at = \(bind: next.sla?.riskAt.map(Convert.ms)), deadline_key = \(bind: Store.deadlineKey(next))
                    WHERE id = \(bind: caseID.text)
                    """).run()
                drafts.append(DomainEvent(id: environment.newID(), brandID: brandID, type: .caseContinued, actor: actor, accountID: next.accountID,
                                          contactID: contactID, caseID: caseID,
                                          payload: ["contactPoint": .string(request.contactPoint.rawValue), "subject": .string(subject), "why": .string(why)]
                                            .merging(offModel.map { ["offModel": JSONValue.string($0)] } ?? [:]) { a, _ in a },
                                          occurredAt: occurredAt))
                try await Store.insert(events: drafts + self.events(moves, brand: brandID, actor: actor, account: next.accountID, contact: contactID,
                                                                    caseID: caseID, at: now), on: db)
                try await also?(next, interaction, db)
                return OpenedCase(case: next, interaction: interaction, contactCreated: false, duplicate: false, continued: true)
            }
            var newCase = Case(id: environment.newID(), brandID: brandID, number: 0, contactID: contactID, accountID: accountID,
                               subject: subject, priority: request.priority, level: request.level, teamID: request.teamID, tags: tags,
                               contactPoint: request.contactPoint, createdAt: occurredAt, updatedAt: now)
            // The service model decides the entry level, the SLA clocks and who gets the case.
            var profile: AccountProfile?
            if let accountID { profile = try await Store.account(accountID, brand: brandID, on: db).profile }
            let segmentation = config.rules.evaluateContact(profile: profile ?? AccountProfile(), role: title)
            let policy = config.policy(segmentation.model)
            let topic = config.topic(request.topic)
            let requested = max(request.level, topic?.level ?? .basic)
            let entry = EscalationLadder.entry(policy: policy, annualValue: profile?.annualValue, requested: requested)
            newCase.level = entry.step.level(keeping: requested)
            newCase.rung = entry.step.rung(keeping: .agent)
            newCase.serviceModel = segmentation.model
            newCase.topic = topic?.name
            newCase.sla = SLAState.start(at: occurredAt, targets: policy.sla[request.priority], atRiskShare: policy.atRiskShare,
                                         on: config.availability(segmentation.model))
            let need = RoutingNeed(level: newCase.level, skills: Set(topic?.skills ?? []), teamID: request.teamID ?? topic?.teamId,
                                   namedCSM: policy.namedCSM ? profile?.ownerCSM : nil, namedPersonFirst: policy.humanReach == .namedPerson,
                                   model: segmentation.model)
            // A contact on a contact point the model does not offer is served as the policy
            // says and recorded with the reason, so reports can count it.
            let offModel = explicitActor?.kind == .system ? nil : policy.offModelReason(request.contactPoint)
            if offModel != nil, !newCase.tags.contains("off-model") { newCase.tags.append("off-model") }
            // A conversation that came in on its own (not a case staff opened) goes to the
            // assistant first where the model says so and there are articles to answer from;
            // it reaches a queue only when the assistant hands it over.
            var held = explicitActor == nil && policy.assistant.answersFirst(on: request.contactPoint)
            if held { held = try await Store.hasPublishedArticles(brand: brandID, on: db) }
            let routing = held
                ? RoutingDecision(teamID: nil, assigneeID: nil, explanation: "the assistant answers first; a person gets it when the assistant hands it over")
                : try await self.route(need, brand: brandID, config: config, now: now, on: db)
            newCase.teamID = routing.teamID ?? request.teamID
            newCase.assigneeID = routing.assigneeID
            if held { newCase.botState = .bot }
            // Staff opening a case for the customer write its first entry as their own note.
            let first: (direction: Direction, kind: AuthorKind, author: UUID) = request.openedBy.map { (.internal, .staff, $0) } ?? (.inbound, .contact, contactID)
            let interaction = Interaction(id: environment.newID(), brandID: brandID, contactID: contactID, caseID: newCase.id,
                                          contactPoint: request.contactPoint, direction: first.direction, authorKind: first.kind, authorID: first.author,
                                          text: body, html: request.html, attachments: request.attachments,
                                          providerMessageID: request.providerMessageID,
                                          metadata: Store.marking(metadata.merging(offModel.map { ["offModel": $0] } ?? [:]) { a, _ in a },
                                                                  sender: sender.own, filedUnder: contactID), occurredAt: occurredAt)
            newCase.number = try await Store.insertNumbered(case: newCase, dialect: dialect, on: db)
            let number = newCase.number
            try await Store.insert(interaction: interaction, now: now, on: db)
            try await Store.index(text: subject + "\n" + body, brand: brandID, caseID: newCase.id, number: number, on: db)
            var opening: [String: JSONValue] = [
                "number": .int(number), "subject": .string(subject), "contactPoint": .string(request.contactPoint.rawValue),
                "reference": .string("\(brand.casePrefix) #\(number)"), "serviceModel": .string(segmentation.model.rawValue),
                "why": .string(segmentation.explanation), "entry": .string(entry.reason)]
            if let offModel { opening["offModel"] = .string(offModel) }
            drafts.append(DomainEvent(id: environment.newID(), brandID: brandID, type: .caseCreated, actor: actor, accountID: accountID,
                                      contactID: contactID, caseID: newCase.id, payload: opening, occurredAt: occurredAt))
            var routed: [String: JSONValue] = ["teamId": .optionalString(newCase.teamID?.text), "assigneeId": .optionalString(newCase.assigneeID?.text),
                                               "why": .string(routing.explanation)]
            if let topic { routed["topic"] = .string(topic.name) }
            drafts.append(DomainEvent(id: environment.newID(), brandID: brandID, type: .caseRouted, actor: .system, accountID: accountID,
                                      contactID: contactID, caseID: newCase.id, payload: routed, occurredAt: now))
            if let assignee = newCase.assigneeID, routing.onCall, let team = newCase.teamID {
                // The person on call is paged instead of told.
                drafts += self.events(try await Store.openPage(for: newCase, number: number, user: assignee, team: team, now: now, on: db),
                                      brand: brandID, actor: .system, account: accountID, contact: contactID, caseID: newCase.id, at: now)
            } else if let assignee = newCase.assigneeID {
                drafts.append(DomainEvent(id: environment.newID(), brandID: brandID, type: .staffNotified, actor: .system, accountID: accountID,
                                          contactID: contactID, caseID: newCase.id,
                                          payload: ["userId": .string(assignee.text), "reason": .string(NoticeReason.newCaseAssigned(number: number).text)], occurredAt: now))
            }
            drafts.append(DomainEvent(id: environment.newID(), brandID: brandID, type: .interactionAdded, actor: actor, accountID: accountID,
                                      contactID: contactID, caseID: newCase.id,
                                      payload: ["interactionId": .string(interaction.id.text), "direction": .string(first.direction.rawValue)], occurredAt: occurredAt))
            try await Store.insert(events: drafts, on: db)
            try await also?(newCase, interaction, db)
            return OpenedCase(case: newCase, interaction: interaction, contactCreated: created, duplicate: false)
        }
    }

    /// The customer's most recently active open case, with the contact points it has
    /// messages on and its model: what a new message of theirs may continue.
    static func continuationCandidate(of contact: ContactID, brand: BrandID, on db: any SQLDatabase) async throws
        -> (CaseContinuation.Candidate, ServiceModel?)? {
        guard let row = try await db.raw("""
            SELECT id, number, topic, service_model, updated_at FROM cases
            WHERE brand_id = \(bind: brand.text) AND contact_id = \(bind: contact.text) AND status IN ('new', 'open', 'pending') AND merged_into IS NULL
            ORDER BY updated_at DESC LIMIT 1
            """).first() else { return nil }
        let id = try row.uuid("id")
        let points = try await db.raw("SELECT contact_point FROM case_points WHERE case_id = \(bind: id.text)").all()
            .compactMap { try ContactPoint(rawValue: $0.string("contact_point")) }
        return (CaseContinuation.Candidate(caseID: id, number: try row.int("number"), topic: try row.optionalString("topic"),
                                           contactPoints: Set(points), lastActive: Convert.date(try row.int("updated_at"))),
                try row.optionalString("service_model").flatMap(ServiceModel.init(rawValue:)))
    }

    /// The contact an identity names, following merges, or a new contact for it (with its
    /// `contact.created` event, to be stored by the caller's transaction).
    static func resolveOrCreate(_ identity: Identity, name: String?, contactPoint: ContactPoint, brand: BrandID,
                                environment: TouchpointCore.Environment, dialect: SQLDialectKind, at now: Date, on db: any SQLDatabase) async throws
        -> (contact: ContactID, account: AccountID?, title: String?, created: Bool, events: [DomainEvent], own: ContactID) {
        try await lockIdentity(identity, brand: brand, dialect: dialect, on: db)
        if let resolved = try await resolve(identity, brand: brand, on: db) {
            return (resolved.contact, resolved.account, resolved.title, false, [], resolved.own)
        }
        let contactID: ContactID = environment.newID()
        let contact = Contact(id: contactID, brandID: brand, accountID: nil, name: name,
                              preferredContactPoint: contactPoint, identities: [identity], createdAt: now)
        try await insertContact(contact, on: db)
        // `resolve` just found the identity free, under the identity lock on PostgreSQL.
        try await insertIdentity(identity, of: contactID, brand: brand, id: environment.newID(), at: now, on: db)
        var payload: [String: JSONValue] = ["identities": .array([.string("\(identity.kind.rawValue):\(identity.value)")]),
                                            "source": .string(contactPoint.rawValue)]
        if let name { payload["name"] = .string(name) }
        let event = DomainEvent(id: environment.newID(), brandID: brand, type: .contactCreated, actor: .system,
                                accountID: nil, contactID: contactID, caseID: nil, payload: payload, occurredAt: now)
        return (contactID, nil, nil, true, [event], contactID)
    }

    /// The contact an identity belongs to (following merges) and its account; `own` is the
    /// contact the identity itself is on (another than `contact` while it is merged).
    static func resolve(_ identity: Identity, brand: BrandID, on db: any SQLDatabase) async throws
        -> (contact: ContactID, account: AccountID?, title: String?, own: ContactID)? {
        guard let row = try await db.raw("""
            SELECT c.id, c.account_id, c.merged_into, c.title FROM identities i JOIN contacts c ON c.id = i.contact_id
            WHERE i.brand_id = \(bind: brand.text) AND i.kind = \(bind: identity.kind.rawValue) AND i.value = \(bind: identity.value)
            """).first() else { return nil }
        var contact = try row.uuid("id")
        let own = contact
        var account = try row.optionalUUID("account_id")
        var title = try row.optionalString("title")
        var next = try row.optionalUUID("merged_into")
        var hops = 0
        while let target = next, hops < 32 {
            guard let parent = try await db.raw("SELECT id, account_id, merged_into, title FROM contacts WHERE id = \(bind: target.text)").first() else { break }
            contact = try parent.uuid("id")
            account = try parent.optionalUUID("account_id")
            title = try parent.optionalString("title")
            next = try parent.optionalUUID("merged_into")
            hops += 1
        }
        return (contact, account, title, own)
    }

    /// The metadata key that marks a message sent from an identity of a contact merged into
    /// the one it was filed under, so undoing the merge can give the message back.
    static let mergedContactKey = "mergedContact"

    /// `metadata` with the mark of a sender merged into another contact, when it was.
    static func marking(_ metadata: [String: String], sender own: ContactID, filedUnder contact: ContactID) -> [String: String] {
        guard own != contact else { return metadata }
        var marked = metadata
        marked[mergedContactKey] = own.text
        return marked
    }

    /// On PostgreSQL, concurrent first messages from one new sender would both create a
    /// contact; an advisory lock on the identity (held to commit) lets the second one find
    /// the first's contact. SQLite's single writer serializes them already.
    static func lockIdentity(_ identity: Identity, brand: BrandID, dialect: SQLDialectKind, on db: any SQLDatabase) async throws {
        guard dialect == .postgres else { return }
        let key = "\(brand.text)|\(identity.kind.rawValue)|\(identity.value)"
        try await db.raw("SELECT pg_advisory_xact_lock(hashtext(\(bind: key))) AS locked").run()
    }

    /// Inserts a new case under the brand's next number (one more than its highest, found
    /// through the (brand_id, number) index) and returns the number. SQLite's single writer
    /// serializes this; on PostgreSQL a per-brand advisory lock held to commit does.
    static func insertNumbered(case item: Case, dialect: SQLDialectKind, on db: any SQLDatabase) async throws -> Int {
        if dialect == .postgres {
            try await db.raw("SELECT pg_advisory_xact_lock(hashtext(\(bind: "case-number|" + item.brandID.text))) AS locked").run()
        }
        guard let row = try await db.raw("""
            INSERT INTO cases (id, brand_id, number, contact_id, account_id, subject, status, priority, level, rung, team_id, assignee_id, tags, contact_point,
            service_model, topic, sla, sla_next_at, sla_risk_at, deadline_key, bot_state, created_at, updated_at)
            VALUES (\(bind: item.id.text), \(bind: item.brandID.text),
            (SELECT COALESCE(MAX(number), 0) + 1 FROM cases WHERE brand_id = \(bind: item.brandID.text)),
            \(bind: item.contactID.text), \(bind: item.accountID?.text),
            \(bind: item.subject), \(bind: item.status.rawValue), \(bind: item.priority.rawValue), \(bind: item.level.rawValue), \(bind: item.rung.rawValue),
            \(bind: item.teamID?.text), \(bind: item.assigneeID?.text), \(bind: Convert.json(item.tags)), \(bind: item.contactPoint.rawValue),
            \(bind: item.serviceModel?.rawValue), \(bind: item.topic), \(bind: item.sla?.storageText), \(bind: item.sla?.nextWake.map(Convert.ms)), \(bind: item.sla?.riskAt.map(Convert.ms)),
            \(bind: Store.deadlineKey(item)), \(bind: item.botState?.rawValue), \(bind: Convert.ms(item.createdAt)), \(bind: Convert.ms(item.updatedAt)))
            RETURNING number
            """).first() else { throw StoreError.unavailable("the case insert returned no number") }
        return try row.int("number")
    }

    static func insert(interaction item: Interaction, now: Date, on db: any SQLDatabase) async throws {
        try await db.raw("""
            INSERT INTO interactions (id, brand_id, contact_id, case_id, contact_point, direction, author_kind, author_id, body, html, attachments, provider_message_id, metadata, occurred_at, created_at)
            VALUES (\(bind: item.id.text), \(bind: item.brandID.text), \(bind: item.contactID.text), \(bind: item.caseID?.text), \(bind: item.contactPoint.rawValue),
            \(bind: item.direction.rawValue), \(bind: item.authorKind.rawValue), \(bind: item.authorID?.text), \(bind: item.text), \(bind: item.html),
            \(bind: Convert.json(item.attachments)), \(bind: item.providerMessageID), \(bind: Convert.json(item.metadata)),
            \(bind: Convert.ms(item.occurredAt)), \(bind: Convert.ms(now)))
            """).run()
        if let caseID = item.caseID { try await notePoint(item.contactPoint, of: caseID, on: db) }
    }

    /// Records that a case was reached on a contact point (once), for lists by contact point.
    static func notePoint(_ point: ContactPoint, of caseID: CaseID, on db: any SQLDatabase) async throws {
        try await db.raw("""
            INSERT INTO case_points (case_id, contact_point, brand_id, created_at)
            SELECT id, \(bind: point.rawValue), brand_id, created_at FROM cases WHERE id = \(bind: caseID.text)
            ON CONFLICT (case_id, contact_point) DO NOTHING
            """).run()
    }

    /// How many texts of one case the SQLite index numbers under the case (see migration 32).
    static let caseSearchSlots: Int64 = 1 << 20

    /// The condition that picks a case's texts in the full-text index, read through an index
    /// on both databases (on SQLite the slot of the case's number).
    static func caseTexts(_ caseID: CaseID, on db: any SQLDatabase) async throws -> SQLQueryString {
        guard db.dialect.name == "sqlite" else { return "case_id = \(bind: caseID.text)" }
        guard let row = try await db.raw("SELECT number FROM cases WHERE id = \(bind: caseID.text)").first() else { return "0 = 1" }
        let slot = Int64(try row.int("number")) * caseSearchSlots
        // Case N of every brand shares slot N.
        return "rowid >= \(bind: slot) AND rowid < \(bind: slot + caseSearchSlots) AND case_id = \(bind: caseID.text)"
    }

    /// Adds a text of a case (subject, message) to the full-text index. On SQLite its rowid
    /// is in the case's slot — `case number × 2^20` (case N of every brand shares slot N) — after
    /// the texts already there, so a search reads matches newest case first straight from the
    /// index. Inside a group-commit batch the text is held and written, sorted, at its commit
    /// (`PendingSearchTexts`). `number` spares a look-up where the caller has the case.
    static func index(text: String, brand: BrandID, caseID: CaseID, number: Int? = nil, on db: any SQLDatabase) async throws {
        guard db.dialect.name == "sqlite" else {
            try await db.raw("INSERT INTO case_search (body, brand_id, case_id) VALUES (\(bind: text), \(bind: brand.text), \(bind: caseID.text))").run()
            return
        }
        var known = number
        if known == nil {
            known = try await db.raw("SELECT number FROM cases WHERE id = \(bind: caseID.text)").first().map { try $0.int("number") }
        }
        guard let known else { return }
        let slot = Int64(known) * caseSearchSlots
        let pending = PendingSearchTexts.current
        let rowid: Int64
        if let held = pending?.last(inSlot: slot) {
            rowid = held + 1
        } else {
            // Not empty for a new case either: the same number of another brand shares the slot.
            let last = try await db.raw(
                "SELECT MAX(rowid) AS m FROM case_search WHERE rowid >= \(bind: slot) AND rowid < \(bind: slot + caseSearchSlots)"
            ).first().flatMap { try $0.optionalInt("m") }.map(Int64.init)
            rowid = last.map { $0 + 1 } ?? slot
        }
        // A case with a million texts keeps the first million searchable; no case comes near.
        guard rowid < slot + caseSearchSlots else { return }
        let row = PendingSearchTexts.Text(rowid: rowid, body: text, brand: brand.text, caseID: caseID.text)
        if let pending {
            pending.add(row, terms: FullText.terms(text))
        } else {
            try await PendingSearchTexts.write([row], terms: FullText.terms(text), on: db)
        }
    }

    static func requireTeam(_ team: TeamID, brand: BrandID, on db: any SQLDatabase) async throws {
        if try await db.raw("SELECT id FROM teams WHERE id = \(bind: team.text) AND brand_id = \(bind: brand.text)").first() == nil {
            throw StoreError.invalid(field: "teamId", reason: "no team \(team.text) in this brand")
        }
    }

    static func requireStaff(_ user: UserID, brand: BrandID, field: String, on db: any SQLDatabase) async throws {
        if try await db.raw("SELECT id FROM staff_users WHERE id = \(bind: user.text) AND brand_id = \(bind: brand.text)").first() == nil {
            throw StoreError.invalid(field: field, reason: "no staff user \(user.text) in this brand")
        }
    }

    static func interaction(providerID: String, contactPoint: ContactPoint, brand: BrandID, on db: any SQLDatabase) async throws -> Interaction? {
        try await db.raw("""
            SELECT * FROM interactions WHERE brand_id = \(bind: brand.text) AND contact_point = \(bind: contactPoint.rawValue) AND provider_message_id = \(bind: providerID)
            """).first().map(Store.interaction(from:))
    }

    public func `case`(_ id: CaseID, brand: BrandID) async throws -> Case {
        try await database.read { db in try await Store.case(id, brand: brand, on: db) }
    }

    /// A case by its human-friendly number.
    public func `case`(number: Int, brand: BrandID) async throws -> Case {
        try await database.read { db in
            guard let row = try await db.raw("SELECT * FROM cases WHERE brand_id = \(bind: brand.text) AND number = \(bind: number)").first() else {
                throw StoreError.notFound("case #\(number)")
            }
            return try Store.case(from: row)
        }
    }

    static func `case`(_ id: CaseID, brand: BrandID, on db: any SQLDatabase) async throws -> Case {
        guard let row = try await db.raw("SELECT * FROM cases WHERE id = \(bind: id.text) AND brand_id = \(bind: brand.text)").first() else {
            throw StoreError.notFound("case \(id.text)")
        }
        return try `case`(from: row)
    }

    static func `case`(from row: any SQLRow) throws -> Case {
        Case(id: try row.uuid("id"), brandID: try row.uuid("brand_id"), number: try row.int("number"), contactID: try row.uuid("contact_id"),
             accountID: try row.optionalUUID("account_id"), subject: try row.string("subject"), status: try row.wire("status", as: CaseStatus.self),
             priority: try row.wire("priority", as: Priority.self), level: SupportLevel(rawValue: try row.int("level")) ?? .basic,
             rung: try row.wire("rung", as: EscalationRung.self), teamID: try row.optionalUUID("team_id"), assigneeID: try row.optionalUUID("assignee_id"),
             tags: Convert.strings(try row.string("tags")), contactPoint: try row.wire("contact_point", as: ContactPoint.self),
             mergedInto: try row.optionalUUID("merged_into"),
             serviceModel: try row.optionalString("service_model").flatMap(ServiceModel.init(rawValue:)),
             topic: try row.optionalString("topic"), sla: try row.optionalString("sla").flatMap(SLAState.init(storageText:)),
             // Read where the query selected it (every `SELECT *`); a narrower select leaves it out.
             botState: ((try? row.optionalString("bot_state")) ?? nil).flatMap(BotState.init(rawValue:)),
             createdAt: try row.date("created_at"), updatedAt: try row.date("updated_at"))
    }

    static func interaction(from row: any SQLRow) throws -> Interaction {
        Interaction(id: try row.uuid("id"), brandID: try row.uuid("brand_id"), contactID: try row.uuid("contact_id"), caseID: try row.optionalUUID("case_id"),
                    contactPoint: try row.wire("contact_point", as: ContactPoint.self), direction: try row.wire("direction", as: Direction.self),
                    authorKind: try row.wire("author_kind", as: AuthorKind.self), authorID: try row.optionalUUID("author_id"),
                    text: try row.string("body"), html: try row.optionalString("html"),
                    attachments: Convert.attachments(try row.string("attachments")),
                    providerMessageID: try row.optionalString("provider_message_id"),
                    metadata: Convert.stringMap(try row.string("metadata")),
                    occurredAt: try row.date("occurred_at"))
    }

    /// Applies a validated update; each changed field becomes an event.
    public func updateCase(_ id: CaseID, brand: BrandID, actor: Actor, update: CaseUpdate) async throws -> Case {
        let config = try await serviceConfig(brand: brand)
        return try await database.write { db in
            try await self.updateCase(id, brand: brand, actor: actor, update: update, config: config, on: db)
        }
    }

    /// `updateCase` inside the caller's transaction.
    func updateCase(_ id: CaseID, brand: BrandID, actor: Actor, update: CaseUpdate, config: ServiceConfig, on db: any SQLDatabase) async throws -> Case {
        let environment = self.environment
        let current = try await Store.case(id, brand: brand, on: db)
        if let team = update.teamID, let team { try await Store.requireTeam(team, brand: brand, on: db) }
        if let assignee = update.assigneeID, let assignee { try await Store.requireStaff(assignee, brand: brand, field: "assigneeId", on: db) }
        let now = environment.now()
        var (next, drafts) = try Store.apply(update, to: current, now: now)
        guard !drafts.isEmpty else { return current }
        let model = next.serviceModel ?? config.rules.defaultModel
        let policy = config.policy(model)
        if next.step > current.step, next.step > policy.escalationCeiling {
            throw StoreError.invalid(field: update.rung != nil ? "rung" : "level",
                                     reason: "\(model.words) cases escalate no higher than \(policy.escalationCeiling.words)")
        }
        if var sla = next.sla {
            let availability = config.availability(model)
            if next.status != current.status { sla.statusChanged(from: current.status, to: next.status, at: now, on: availability) }
            if next.priority != current.priority { sla.retarget(policy.sla[next.priority], atRiskShare: policy.atRiskShare, on: availability) }
            next.sla = sla
        }
        try await db.raw("""
            UPDATE cases SET subject = \(bind: next.subject), status = \(bind: next.status.rawValue), priority = \(bind: next.priority.rawValue),
            level = \(bind: next.level.rawValue), rung = \(bind: next.rung.rawValue), team_id = \(bind: next.teamID?.text),
            assignee_id = \(bind: next.assigneeID?.text), tags = \(bind: Convert.json(next.tags)), updated_at = \(bind: Convert.ms(now)),
            sla = \(bind: next.sla?.storageText), sla_next_at = \(bind: next.sla?.nextWake.map(Convert.ms)), sla_risk_at = \(bind: next.sla?.riskAt.map(Convert.ms)),
            deadline_key = \(bind: Store.deadlineKey(next))
            WHERE id = \(bind: id.text)
            """).run()
        if next.subject != current.subject { try await Store.index(text: next.subject, brand: brand, caseID: id, number: next.number, on: db) }
        try await Store.insert(events: self.events(drafts, brand: brand, actor: actor, account: next.accountID,
                                                   contact: next.contactID, caseID: id, at: now), on: db)
        return next
    }

    static func apply(_ update: CaseUpdate, to current: Case, now: Date) throws -> (Case, [EventDraft]) {
        do {
            return try current.applying(update, now: now)
        } catch let error as CaseUpdateError {
            switch error {
            case .invalid(let validation): throw validation
            case .transitionNotAllowed(let from, let to):
                throw StoreError.invalid(field: "status", reason: "a \(from.rawValue) case cannot become \(to.rawValue); allowed: "
                    + (from.allowedNext.isEmpty ? "none (closed is final)" : CaseStatus.allCases.filter(from.allowedNext.contains).map(\.rawValue).joined(separator: ", ")))
            case .caseMerged(let into): throw StoreError.conflict("case was merged into \(into.text); change that case instead")
            }
        }
    }

    /// Adds a reply, a note or an inbound message to a case, moving its status where the
    /// interaction calls for it (a customer writing again reopens it).
    /// `also` runs in the same transaction once a new interaction is written (not for a
    /// repeated provider message id).
    public func addInteraction(caseID: CaseID, brand: BrandID, actor: Actor, request given: NewInteraction,
                               also: (@Sendable (Case, Interaction, any SQLDatabase) async throws -> Void)? = nil) async throws -> (Case, Interaction) {
        var prepared = given
        if prepared.template != nil, prepared.direction != .outbound {
            throw ValidationError(field: "template", reason: "only replies are sent as templates")
        }
        let environment = self.environment
        let config = try await serviceConfig(brand: brand)
        // An outbound email needs its mailbox and a signed Message-ID, both found before the
        // transaction; the outbox entry is written inside it.
        var outgoing: (brand: Brand, mailbox: Mailbox, lastSender: String?, messageID: String)?
        // A text reply needs its integration and number, and may be refused (opt-out, the
        // WhatsApp window) before anything is written.
        var texting: TextRoute?
        if prepared.direction == .outbound {
            let target = try await self.case(caseID, brand: brand)
            let point = prepared.deliverVia ?? prepared.contactPoint ?? target.contactPoint
            // Only email carries files to the customer; texts and chat would drop them unseen.
            if !prepared.attachments.isEmpty, point != .email {
                throw ValidationError(field: "attachment", reason: "files reach the customer by email only: reply on Email, or add them to an internal note")
            }
            if point == .email, let route = try await replyRoute(caseID: caseID, brand: brand) {
                outgoing = (try await self.brand(brand), route.mailbox, route.lastSender,
                            try await outboundMessageID(caseNumber: target.number, brand: brand, domain: route.mailbox.domain))
            }
            if point == .sms || point == .whatsApp, prepared.providerMessageID == nil {
                let routed = try await textRoute(caseID: caseID, contactPoint: point, brand: brand, template: prepared.template, by: actor)
                texting = routed?.route
                if prepared.template != nil, routed == nil {
                    throw ValidationError(field: "template", reason: "this brand has no WhatsApp integration to send it through")
                }
                if let filled = routed?.text, let template = routed?.route.template {
                    prepared.body = filled
                    prepared.metadata["template"] = template.name
                }
            } else if prepared.template != nil {
                throw ValidationError(field: "template", reason: "templates are for WhatsApp messages")
            }
        }
        let request = prepared
        let body = try Interaction.validBody(request.body)
        let metadata = try Interaction.validMetadata(request.metadata)
        let email = outgoing
        let text = texting
        return try await database.write { db in
            let current = try await Store.case(caseID, brand: brand, on: db)
            if let providerID = request.providerMessageID,
               let existing = try await Store.interaction(providerID: providerID, contactPoint: request.contactPoint ?? current.contactPoint, brand: brand, on: db) {
                return (current, existing)
            }
            let now = environment.now()
            let authorKind: AuthorKind = request.direction == .inbound ? .contact : actor.kind
            // An inbound message from someone else (a colleague in copy) is theirs: it goes
            // on their timeline and on this case.
            var writer = current.contactID
            var contactEvents: [DomainEvent] = []
            var metadata = metadata
            if request.direction == .inbound, let from = request.from {
                let sender = try await Store.resolveOrCreate(from, name: request.name, contactPoint: request.contactPoint ?? current.contactPoint,
                                                             brand: brand, environment: environment, dialect: self.dialect, at: now, on: db)
                writer = sender.contact
                contactEvents = sender.events
                metadata = Store.marking(metadata, sender: sender.own, filedUnder: writer)
            }
            let interaction = Interaction(id: environment.newID(), brandID: brand, contactID: writer, caseID: caseID,
                                          contactPoint: request.contactPoint ?? current.contactPoint, direction: request.direction,
                                          authorKind: authorKind, authorID: request.direction == .inbound ? writer : actor.id,
                                          text: body, html: request.html, attachments: request.attachments,
                                          providerMessageID: request.providerMessageID ?? email?.messageID, metadata: metadata,
                                          occurredAt: request.occurredAt ?? now)
            let model = current.serviceModel ?? config.rules.defaultModel
            let (next, drafts) = try Store.rule { () throws(CaseInteractionError) in
                try current.recording(interaction, automatic: request.automatic, now: now, availability: config.availability(model),
                                      targets: config.policy(model).sla[current.priority])
            }
            try await Store.insert(interaction: interaction, now: now, on: db)
            if let text {
                try await Store.queueText(interaction, route: text, id: environment.newID(), at: now, on: db)
            }
            if let email {
                try await Store.queueEmail(for: current, interaction: interaction, brand: email.brand, mailbox: email.mailbox, lastSender: email.lastSender,
                                           automatic: request.automatic,
                                           environment: environment, at: now, on: db)
            }
            if !request.automatic {
                try await Store.index(text: body, brand: brand, caseID: caseID, number: current.number, on: db)
                try await db.raw("""
                    UPDATE cases SET status = \(bind: next.status.rawValue), updated_at = \(bind: Convert.ms(now)),
                    sla = \(bind: next.sla?.storageText), sla_next_at = \(bind: next.sla?.nextWake.map(Convert.ms)),
                    sla_risk_at = \(bind: next.sla?.riskAt.map(Convert.ms)), deadline_key = \(bind: Store.deadlineKey(next))
                    WHERE id = \(bind: caseID.text)
                    """).run()
            }
            let notices = request.notices.map { notice in
                var payload: [String: JSONValue] = ["userId": .string(notice.userID.text), "reason": .string(notice.reason),
                                                    "interactionId": .string(interaction.id.text), "caseNumber": .int(current.number)]
                if let what = notice.what { payload["what"] = .string(what) }
                return EventDraft(type: .staffNotified, payload: payload)
            }
            try await Store.insert(events: contactEvents + self.events(drafts + notices, brand: brand, actor: actor, account: next.accountID,
                                                                       contact: next.contactID, caseID: caseID, at: now), on: db)
            try await also?(next, interaction, db)
            return (next, interaction)
        }
    }

    /// The interactions of a case, oldest first.
    public func interactions(caseID: CaseID, brand: BrandID, limit: Int = 500) async throws -> [Interaction] {
        try await database.read { db in
            try await db.raw("""
                SELECT * FROM interactions WHERE case_id = \(bind: caseID.text) AND brand_id = \(bind: brand.text)
                ORDER BY occurred_at, id LIMIT \(bind: limit)
                """).all().map(Store.interaction(from:))
        }
    }

    /// Cases matching `filter`, newest first.
    public func cases(brand: BrandID, filter: CaseFilter, limit: Int, cursor: Cursor?) async throws -> Page<Case> {
        let dialect = self.dialect
        if dialect == .sqlite, let text = filter.text.map(FullText.searchable), !text.isEmpty {
            let match = try await FullText.sqliteQuery(text) { prefix in try await self.caseTerms(beginning: prefix) }
            return try await searchCases(match, brand: brand, filter: filter, limit: limit, cursor: cursor)
        }
        return try await database.read { db in
            var sql = SQLQueryString("SELECT c.* FROM ")
            if let point = filter.contactPoint, filter.order == .newest, filter.text.map(FullText.searchable)?.isEmpty ?? true {
                // Read from that contact point's cases, newest first, rather than checking every case.
                sql.appendLiteral("case_points p JOIN cases c ON c.id = p.case_id WHERE p.brand_id = ")
                sql.appendInterpolation(bind: brand.text)
                sql.appendLiteral(" AND p.contact_point = ")
                sql.appendInterpolation(bind: point.rawValue)
                Store.appendCursor(&sql, cursor, timeColumn: "created_at", descending: true, prefix: "p.", id: "case_id")
                var others = filter
                others.contactPoint = nil
                sql.appendLiteral(" AND ")
                Store.appendWhere(&sql, others, brand: brand, dialect: dialect)
                sql.appendLiteral(" ORDER BY p.created_at DESC, p.case_id DESC LIMIT ")
                sql.appendInterpolation(bind: limit + 1)
                let rows = try await db.raw(sql).all()
                let items = try rows.prefix(limit).map(Store.case(from:))
                let next = rows.count > limit ? items.last.map { Cursor(time: Convert.ms($0.createdAt), id: $0.id.text).token } : nil
                return Page(items: items, nextCursor: next)
            }
            sql.appendLiteral("cases c WHERE ")
            Store.appendWhere(&sql, filter, brand: brand, dialect: dialect)
            // The key each order reads its index by, which the cursor carries.
            let (column, descending) = switch filter.order {
            case .newest: ("created_at", true)
            case .oldest: ("created_at", false)
            case .deadline: ("deadline_key", false)
            }
            Store.appendCursor(&sql, cursor, timeColumn: column, descending: descending, prefix: "c.")
            let direction = descending ? "DESC" : "ASC"
            sql.appendLiteral(" ORDER BY c.\(column) \(direction), c.id \(direction) LIMIT ")
            sql.appendInterpolation(bind: limit + 1)
            let rows = try await db.raw(sql).all()
            let items = try rows.prefix(limit).map(Store.case(from:))
            let next = rows.count > limit ? try rows[limit - 1].int(column) : nil
            return Page(items: items, nextCursor: next.flatMap { key in items.last.map { Cursor(time: key, id: $0.id.text).token } })
        }
    }

    /// Cases matching a full-text search and the rest of `filter`, newest first, on SQLite:
    /// the index gives the matching texts newest case first (see `index(text:)`), each joined
    /// to its case and checked against the filter, until a page of distinct cases is found —
    /// so the cost follows the page, not how many cases hold the words.
    func searchCases(_ match: String, brand: BrandID, filter: CaseFilter, limit: Int, cursor: Cursor?) async throws -> Page<Case> {
        var others = filter
        others.text = nil
        let rest = others
        let batch = max(64, (limit + 1) * 2)
        return try await database.read { db in
            var below: Int64?
            if let cursor {
                // Cases after the last one shown: below its slot.
                guard let row = try await db.raw("SELECT number FROM cases WHERE id = \(bind: cursor.id)").first() else {
                    return Page(items: [], nextCursor: nil)
                }
                below = Int64(try row.int("number")) * Store.caseSearchSlots
            }
            var items: [Case] = []
            var seen = Set<CaseID>()
            while items.count <= limit {
                var sql = SQLQueryString("SELECT s.rowid AS srid, c.* FROM case_search s JOIN cases c ON c.id = s.case_id WHERE case_search MATCH ")
                sql.appendInterpolation(bind: match)
                sql.appendLiteral(" AND s.brand_id = ")
                sql.appendInterpolation(bind: brand.text)
                if let below {
                    sql.appendLiteral(" AND s.rowid < ")
                    sql.appendInterpolation(bind: below)
                }
                sql.appendLiteral(" AND ")
                Store.appendWhere(&sql, rest, brand: brand, dialect: .sqlite)
                sql.appendLiteral(" ORDER BY s.rowid DESC LIMIT ")
                sql.appendInterpolation(bind: batch)
                let rows = try await db.raw(sql).all()
                for row in rows {
                    let item = try Store.case(from: row)
                    if seen.insert(item.id).inserted { items.append(item) }
                }
                guard rows.count == batch, let last = rows.last else { break }
                below = Int64(try last.int("srid"))
            }
            let page = Array(items.prefix(limit))
            let next = items.count > limit ? page.last.map { Cursor(time: Convert.ms($0.createdAt), id: $0.id.text).token } : nil
            return Page(items: page, nextCursor: next)
        }
    }

    /// Up to `FullText.expansionLimit + 1` words of the case index that begin with `prefix`.
    func caseTerms(beginning prefix: String) async throws -> [String] {
        try await database.read { db in
            try await db.raw(
                """
                SELECT term FROM case_terms WHERE term >= \(bind: prefix) AND term < \(bind: prefix + "\u{10FFFF}")
                ORDER BY term LIMIT \(literal: FullText.expansionLimit + 1)
                """
            ).all().map { try $0.string("term") }
        }
    }

    /// How many cases match each filter, read in one transaction (the console's queue counts),
    /// exact up to `countBound`.
    /// Counts are exact up to this many; beyond it a count says `countBound + 1` ("10,000+"),
    /// so a queue's count costs the same at a million cases as at ten thousand.
    public static let countBound = 10_000

    public func caseCounts(brand: BrandID, filters: [CaseFilter]) async throws -> [Int] {
        let dialect = self.dialect
        return try await database.read { db in
            var counts: [Int] = []
            for filter in filters {
                var sql = SQLQueryString("SELECT COUNT(*) AS n FROM (SELECT 1 FROM cases c WHERE ")
                Store.appendWhere(&sql, filter, brand: brand, dialect: dialect)
                sql.appendLiteral(" LIMIT ")
                sql.appendInterpolation(bind: Store.countBound + 1)
                sql.appendLiteral(") AS bounded")
                counts.append(try await db.raw(sql).first()?.int("n") ?? 0)
            }
            return counts
        }
    }

    static func appendWhere(_ sql: inout SQLQueryString, _ filter: CaseFilter, brand: BrandID, dialect: SQLDialectKind) {
        sql.appendLiteral("c.brand_id = ")
        sql.appendInterpolation(bind: brand.text)
        // The assistant's cases are few: read from their own partial indexes, not by status,
        // which SQLite without table statistics would prefer (a unary + keeps it off the
        // status index; PostgreSQL plans by its statistics).
        let status = filter.withAssistant == true && dialect == .sqlite ? "+c.status" : "c.status"
        if Set(filter.statuses) == Set(CaseStatus.allCases.filter(\.isActive)) {
            // Written out, as the partial indexes over the backlog say it (cases_active).
            sql.appendLiteral(" AND " + status + " IN ('new', 'open', 'pending')")
        } else if !filter.statuses.isEmpty {
            sql.appendLiteral(" AND " + status + " IN (")
            for (index, status) in filter.statuses.enumerated() {
                if index > 0 { sql.appendLiteral(", ") }
                sql.appendInterpolation(bind: status.rawValue)
            }
            sql.appendLiteral(")")
        }
        if let team = filter.teamID { sql.appendLiteral(" AND c.team_id = "); sql.appendInterpolation(bind: team.text) }
        if let assignee = filter.assigneeID { sql.appendLiteral(" AND c.assignee_id = "); sql.appendInterpolation(bind: assignee.text) }
        if filter.unassigned { sql.appendLiteral(" AND c.assignee_id IS NULL") }
        switch filter.withAssistant {
        case true?: sql.appendLiteral(" AND c.bot_state = 'bot'")
        case false?: sql.appendLiteral(" AND (c.bot_state IS NULL OR c.bot_state <> 'bot')")
        case nil: break
        }
        if let level = filter.level { sql.appendLiteral(" AND c.level = "); sql.appendInterpolation(bind: level.rawValue) }
        if let priority = filter.priority { sql.appendLiteral(" AND c.priority = "); sql.appendInterpolation(bind: priority.rawValue) }
        if let model = filter.serviceModel { sql.appendLiteral(" AND c.service_model = "); sql.appendInterpolation(bind: model.rawValue) }
        // Only the backlog has a place in the deadline order (see cases_deadline).
        if filter.order == .deadline { sql.appendLiteral(" AND c.deadline_key IS NOT NULL") }
        if let contact = filter.contactID { sql.appendLiteral(" AND c.contact_id = "); sql.appendInterpolation(bind: contact.text) }
        if let account = filter.accountID { sql.appendLiteral(" AND c.account_id = "); sql.appendInterpolation(bind: account.text) }
        if let risk = filter.slaAtRiskBy {
            // Matches the partial index cases_sla_risk: active cases only.
            sql.appendLiteral(" AND c.status IN ('new', 'open', 'pending') AND c.sla_risk_at IS NOT NULL AND c.sla_risk_at <= ")
            sql.appendInterpolation(bind: Convert.ms(risk))
        }
        if let point = filter.contactPoint {
            sql.appendLiteral(" AND EXISTS (SELECT 1 FROM case_points p WHERE p.case_id = c.id AND p.contact_point = ")
            sql.appendInterpolation(bind: point.rawValue)
            sql.appendLiteral(")")
        }
        if let text = filter.text.map(FullText.searchable), !text.isEmpty {
            sql.appendLiteral(" AND c.id IN (SELECT case_id FROM case_search WHERE ")
            switch dialect {
            case .sqlite:
                sql.appendLiteral("case_search MATCH ")
                sql.appendInterpolation(bind: FullText.sqliteQuery(text))
            case .postgres:
                // Every word whole but the last, which matches as a prefix, as on SQLite.
                let words = text.split(whereSeparator: { $0.isWhitespace }).prefix(16)
                let head = words.dropLast().joined(separator: " ")
                let last = (words.last.map { FullText.pieces(String($0)) } ?? []).map { "'\($0)':*" }.joined(separator: " & ")
                sql.appendLiteral("tsv @@ (")
                if !head.isEmpty {
                    sql.appendLiteral("plainto_tsquery('simple', ")
                    sql.appendInterpolation(bind: head)
                    sql.appendLiteral(")")
                }
                if !last.isEmpty {
                    if !head.isEmpty { sql.appendLiteral(" && ") }
                    sql.appendLiteral("to_tsquery('simple', ")
                    sql.appendInterpolation(bind: last)
                    sql.appendLiteral(")")
                }
                if head.isEmpty && last.isEmpty { sql.appendLiteral("plainto_tsquery('simple', '')") }
                sql.appendLiteral(")")
            }
            sql.appendLiteral(" AND brand_id = ")
            sql.appendInterpolation(bind: brand.text)
            sql.appendLiteral(")")
        }
    }

    /// Links two cases of a brand as related (both directions).
    public func linkCases(_ id: CaseID, to other: CaseID, brand: BrandID, actor: Actor) async throws {
        let environment = self.environment
        try await database.write { db in
            guard id != other else { throw StoreError.invalid(field: "caseId", reason: "a case cannot be linked to itself") }
            let first = try await Store.case(id, brand: brand, on: db)
            let second = try await Store.case(other, brand: brand, on: db)
            let now = environment.now()
            for (a, b) in [(first, second), (second, first)] {
                try await db.raw("""
                    INSERT INTO case_links (case_id, other_case_id, kind, created_at) VALUES (\(bind: a.id.text), \(bind: b.id.text), 'related', \(bind: Convert.ms(now)))
                    ON CONFLICT (case_id, other_case_id) DO NOTHING
                    """).run()
            }
            try await Store.insert(events: [(first, second), (second, first)].map { a, b in
                DomainEvent(id: environment.newID(), brandID: brand, type: .caseLinked, actor: actor, accountID: a.accountID, contactID: a.contactID,
                            caseID: a.id, payload: ["otherCaseId": .string(b.id.text), "otherNumber": .int(b.number)], occurredAt: now)
            }, on: db)
        }
    }

    /// Merges `source` into `target`: the source's interactions move to the target, the
    /// source is closed and points at the target.
    public func mergeCase(_ source: CaseID, into target: CaseID, brand: BrandID, actor: Actor) async throws -> Case {
        let environment = self.environment
        let config = try await serviceConfig(brand: brand)
        return try await database.write { db in
            guard source != target else { throw StoreError.invalid(field: "targetId", reason: "a case cannot be merged into itself") }
            let from = try await Store.case(source, brand: brand, on: db)
            var into = try await Store.case(target, brand: brand, on: db)
            if from.mergedInto != nil { throw StoreError.conflict("case #\(from.number) is already merged") }
            if into.mergedInto != nil { throw StoreError.conflict("case #\(into.number) was merged itself; merge into the case it went to") }
            let now = environment.now()
            try await db.raw("UPDATE interactions SET case_id = \(bind: target.text) WHERE case_id = \(bind: source.text)").run()
            for row in try await db.raw("SELECT contact_point FROM case_points WHERE case_id = \(bind: source.text)").all() {
                try await Store.notePoint(try row.wire("contact_point", as: ContactPoint.self), of: target, on: db)
            }
            // The source's texts become the target's: on SQLite re-numbered under the target's slot.
            // Texts of this batch still held must be in the index before it is read.
            try await PendingSearchTexts.current?.flush(on: db)
            let ofSource = try await Store.caseTexts(source, on: db)
            let texts = try await db.raw("SELECT body FROM case_search WHERE \(ofSource)").all().map { try $0.string("body") }
            try await db.raw("DELETE FROM case_search WHERE \(ofSource)").run()
            for text in texts { try await Store.index(text: text, brand: brand, caseID: target, number: into.number, on: db) }
            // The merged case is closed: its SLA clocks stop with it.
            var stopped = from.sla
            stopped?.statusChanged(from: from.status, to: .closed, at: now, on: config.availability(from.serviceModel ?? config.rules.defaultModel))
            try await db.raw("""
                UPDATE cases SET status = 'closed', merged_into = \(bind: target.text), updated_at = \(bind: Convert.ms(now)),
                sla = \(bind: stopped?.storageText), sla_next_at = NULL, sla_risk_at = NULL, deadline_key = NULL WHERE id = \(bind: source.text)
                """).run()
            if into.status == .resolved || into.status == .closed, from.status.isActive, into.status == .resolved {
                into.status = .open
            }
            try await db.raw("""
                UPDATE cases SET status = \(bind: into.status.rawValue), updated_at = \(bind: Convert.ms(now)), deadline_key = \(bind: Store.deadlineKey(into))
                WHERE id = \(bind: target.text)
                """).run()
            for (a, b, kind) in [(from, into, "mergedInto"), (into, from, "merged")] {
                try await db.raw("""
                    INSERT INTO case_links (case_id, other_case_id, kind, created_at) VALUES (\(bind: a.id.text), \(bind: b.id.text), \(bind: kind), \(bind: Convert.ms(now)))
                    ON CONFLICT (case_id, other_case_id) DO UPDATE SET kind = excluded.kind
                    """).run()
            }
            try await Store.insert(events: [(from, into), (into, from)].map { a, b in
                DomainEvent(id: environment.newID(), brandID: brand, type: .caseMerged, actor: actor, accountID: a.accountID, contactID: a.contactID,
                            caseID: a.id, payload: ["sourceId": .string(source.text), "targetId": .string(target.text),
                                                    "sourceNumber": .int(from.number), "targetNumber": .int(into.number)], occurredAt: now)
            }, on: db)
            into.updatedAt = now
            return into
        }
    }

    public func links(caseID: CaseID, brand: BrandID) async throws -> [CaseLink] {
        // The links of the case first, then their cases by id: without table statistics SQLite
        // otherwise walked every case of the brand in number order (697 ms at a million cases).
        // CROSS JOIN fixes that order in SQLite; PostgreSQL plans it the same either way.
        try await database.read { db in
            try await db.raw("""
                SELECT l.kind, c.id, c.number, c.subject, c.status FROM case_links l CROSS JOIN cases c
                WHERE c.id = l.other_case_id AND l.case_id = \(bind: caseID.text) AND c.brand_id = \(bind: brand.text) ORDER BY c.number
                """).all().map {
                CaseLink(caseID: try $0.uuid("id"), number: try $0.int("number"), subject: try $0.string("subject"),
                         status: try $0.wire("status", as: CaseStatus.self), kind: try $0.string("kind"))
            }
        }
    }
}

/// Dialect details of full-text search.
enum FullText {
    /// What a user typed, as a search can take it: control characters (a NUL from a URL's
    /// `%00`, a tab) become spaces, since neither database accepts a NUL in a query and no
    /// indexed text contains one; then trimmed.
    static func searchable(_ text: String) -> String {
        String(String.UnicodeScalarView(text.unicodeScalars.map { $0.properties.generalCategory == .control ? " " : $0 })).trimmedWhitespace
    }

    /// Turns user text into an FTS5 query that cannot be a syntax error: every word is a
    /// quoted phrase (so `AND`, `"` or `*` typed by a user are just text), all must match,
    /// and the last one matches as a prefix.
    static func sqliteQuery(_ text: String) -> String {
        let words = text.split(whereSeparator: { $0.isWhitespace }).prefix(16)
        return words.enumerated().map { index, word in
            let quoted = quote(word)
            return index == words.count - 1 ? quoted + "*" : quoted
        }.joined(separator: " ")
    }

    static func quote(_ word: some StringProtocol) -> String {
        "\"" + word.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    /// A prefix with more words than this in the index stays an FTS5 prefix query.
    static let expansionLimit = 32

    /// `sqliteQuery` with the last word read through `words` (the index's words beginning
    /// with it): an OR of those words when they are few, else the FTS5 prefix query (also
    /// when none is found: a word this folding spells differently from FTS5's still matches,
    /// and a prefix of no word costs nothing).
    static func sqliteQuery(_ text: String, words: (String) async throws -> [String]) async throws -> String {
        let all = text.split(whereSeparator: { $0.isWhitespace }).prefix(16)
        guard let last = all.last else { return sqliteQuery(text) }
        let head = all.dropLast().map(quote)
        // Only a word FTS5 reads as one token is expanded ("e-mail" is a phrase: left to FTS5).
        let tokens = terms(String(last))
        guard tokens.count == 1, let prefix = tokens.first else { return sqliteQuery(text) }
        let found = try await words(prefix)
        guard (1...expansionLimit).contains(found.count) else { return sqliteQuery(text) }
        // FTS5 takes a group only with an explicit AND.
        return (head + ["(" + found.map(quote).joined(separator: " OR ") + ")"]).joined(separator: " AND ")
    }

    /// The words FTS5's `unicode61 remove_diacritics 2` makes of a text: runs of letters and
    /// digits, lower-cased, without diacritics.
    static func terms(_ text: String) -> Set<String> {
        Set(pieces(text).map { $0.folding(options: .diacriticInsensitive, locale: nil) })
    }

    /// Runs of letters and digits, lower-cased (PostgreSQL's `simple` configuration keeps
    /// diacritics); nothing else, so each is safe inside a tsquery's quotes.
    static func pieces(_ text: String) -> [String] {
        text.split(whereSeparator: { !($0.isLetter || $0.isNumber) }).map { $0.lowercased() }
    }
}
