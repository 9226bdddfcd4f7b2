import Foundation
import SQLKit
import TouchpointCore

extension SettingKey {
    static let surveys = "surveys"
}

extension Store {
    /// The brand's survey rules (the defaults until an admin sets them).
    public func surveySettings(brand: BrandID) async throws -> SurveySettings {
        try await database.read { db in
            let row = try await db.raw("SELECT value FROM brand_settings WHERE brand_id = \(bind: brand.text) AND key = \(bind: SettingKey.surveys)")
                .first()
            return try row.flatMap { Convert.decode(SurveySettings.self, try $0.string("value")) } ?? .defaults
        }
    }

    public func setSurveySettings(_ settings: SurveySettings, brand: BrandID) async throws -> SurveySettings {
        let valid = try settings.validated()
        let now = environment.now()
        try await database.write { db in try await Store.putSetting(SettingKey.surveys, value: Convert.json(valid), brand: brand, now: now, on: db) }
        return valid
    }

    /// Asks the contact of a resolved case how satisfied they are, on the contact point they
    /// last wrote on for it (`SurveyDelivery` decides, from what can reach them): the survey,
    /// its message (email with one link per answer, or a text answered with a number, through
    /// the outbox) and its event in one transaction. On web chat, the portal and the kiosk
    /// nothing is sent: the survey waits there for the customer. Nothing is asked twice for
    /// one case, nor more often than the settings allow per contact; what is sent respects
    /// opt-outs and the frequency cap shared with playbooks.
    /// Returns the token of the links, or why nothing was asked.
    public func sendCSAT(
        caseID: CaseID, brand brandID: BrandID, settings: SurveySettings, linkBase: String
    ) async throws -> Result<String, SurveySkip> {
        let environment = self.environment
        let brand = try await self.brand(brandID)
        let config = try await serviceConfig(brand: brandID)
        return try await database.write { db -> Result<String, SurveySkip> in
            let item = try await Store.case(caseID, brand: brandID, on: db)
            guard item.status == .resolved else { return .failure(.notResolved) }
            let model = item.serviceModel ?? config.rules.defaultModel
            guard settings.csatModels.contains(model) else { return .failure(.modelNotAsked) }
            let now = environment.now()
            if try await db.raw("SELECT 1 AS asked FROM surveys WHERE case_id = \(bind: caseID.text) AND kind = 'csat'").first() != nil {
                return .failure(.alreadyAsked)
            }
            let since = Convert.ms(now.addingTimeInterval(-Double(settings.csatEveryDays) * 86_400))
            if try await db.raw(
                """
                SELECT 1 AS asked FROM surveys WHERE contact_id = \(bind: item.contactID.text) AND kind = 'csat' AND sent_at > \(bind: since) LIMIT 1
                """
            ).first() != nil {
                return .failure(.askedRecently)
            }
            let reach = try await Store.surveyReach(contact: item.contactID, brand: brandID, at: now, on: db)
            // The contact point the customer last wrote on for this request, else the one it began on.
            let used =
                try await db.raw(
                    """
                    SELECT contact_point FROM interactions WHERE case_id = \(bind: caseID.text) AND direction = 'inbound'
                    ORDER BY occurred_at DESC, id DESC LIMIT 1
                    """
                ).first().map { try $0.wire("contact_point", as: ContactPoint.self) } ?? item.contactPoint
            guard let point = SurveyDelivery.contactPoint(used: used, reach: reach.reach) else { return .failure(.unreachable) }
            if SurveyDelivery.isSent(on: point) {
                // The frequency cap is shared with playbooks: one automated message a day by default.
                let automation = try await Store.automationSettings(brand: brandID, on: db)
                let recent = try await db.raw(
                    """
                    SELECT sent_at FROM automated_messages WHERE contact_id = \(bind: item.contactID.text)
                    AND sent_at > \(bind: Convert.ms(now.addingTimeInterval(-automation.per.timeInterval)))
                    """
                ).all().map { try $0.date("sent_at") }
                guard automation.capAllows(at: now, sent: recent) <= now else { return .failure(.frequencyCap) }
            }
            let (id, token) = try await Store.insertSurvey(
                .csat, brand: brandID, caseID: caseID, contact: item.contactID, account: item.accountID, on: point,
                expiresAfterDays: settings.expiresAfterDays, store: self, at: now, on: db)
            let reference = "\(brand.casePrefix)-\(item.number)"
            let words = CustomerMessages(try await Store.language(of: item.contactID, brand: brand, on: db))
            switch point {
            case .email:
                guard let email = reach.email, let mailbox = reach.mailbox else { return .failure(.unreachable) }
                let invitation = words.csatInvitation(brand: brand.name, reference: reference, subject: item.subject, days: settings.expiresAfterDays) {
                    "\(linkBase)\(token)?score=\($0)"
                }
                let domain = mailbox.address.split(separator: "@").last.map(String.init) ?? "localhost"
                let name =
                    try await db.raw("SELECT name FROM contacts WHERE id = \(bind: item.contactID.text)").first().map { try $0.optionalString("name") }
                    ?? nil
                let mail = OutboundMail(
                    from: MailAddress(name: brand.name, address: mailbox.address), to: [MailAddress(name: name, address: email)],
                    subject: invitation.subject, messageID: "survey-\(id.text)@\(domain)", date: now, text: invitation.text, automatic: true,
                    loopMarker: mailbox.address)
                try await Store.insertOutbox(
                    OutboxMessage(mail: mail, attachments: []), recipient: email, brand: brandID, caseID: caseID, interactionID: nil,
                    id: environment.newID(), at: now, on: db)
            case .sms, .whatsApp:
                guard let (integration, number) = point == .sms ? reach.sms : reach.whatsApp else { return .failure(.unreachable) }
                try await Store.insertTextOutbox(
                    TextContent(text: words.surveyText(.csat, brand: brand.name, reference: reference, link: linkBase + token)), recipient: number,
                    integration: integration, caseID: caseID, interactionID: nil, id: environment.newID(), at: now, on: db)
            default:
                break  // shown where the customer is: nothing to send
            }
            if SurveyDelivery.isSent(on: point) {
                try await db.raw(
                    """
                    INSERT INTO automated_messages (contact_id, sent_at, source, id)
                    VALUES (\(bind: item.contactID.text), \(bind: Convert.ms(now)), 'survey', \(bind: id.text))
                    """
                ).run()
            }
            return .success(token)
        }
    }

    /// A survey asked of `contact` on `point`: its row (found later by the hash of the returned
    /// token, or by its id where it is shown) and its `survey.sent` event.
    static func insertSurvey(
        _ kind: SurveyKind, brand: BrandID, caseID: CaseID?, contact: ContactID, account: AccountID?, on point: ContactPoint,
        expiresAfterDays: Int, store: Store, at now: Date, on db: any SQLDatabase
    ) async throws -> (id: UUID, token: String) {
        let token = Store.randomToken()
        let id = store.environment.newID()
        try await db.raw(
            """
            INSERT INTO surveys (id, brand_id, kind, case_id, contact_id, account_id, contact_point, token_hash, sent_at, expires_at)
            VALUES (\(bind: id.text), \(bind: brand.text), \(bind: kind.rawValue), \(bind: caseID?.text), \(bind: contact.text), \(bind: account?.text),
                    \(bind: point.rawValue), \(bind: Store.hash(token: token)), \(bind: Convert.ms(now)),
                    \(bind: Convert.ms(now.addingTimeInterval(Double(expiresAfterDays) * 86_400))))
            """
        ).run()
        try await Store.insert(
            events: store.events(
                [
                    EventDraft(
                        type: .surveySent,
                        payload: ["surveyId": .string(id.text), "kind": .string(kind.rawValue), "contactPoint": .string(point.rawValue)])
                ], brand: brand, actor: .system, account: account, contact: contact, caseID: caseID, at: now), on: db)
        return (id, token)
    }

    /// What can carry a survey to a contact now, with the addresses and providers to use.
    static func surveyReach(contact: ContactID, brand: BrandID, at now: Date, on db: any SQLDatabase) async throws -> (
        reach: SurveyReach, email: String?, mailbox: Mailbox?, sms: (Integration, String)?, whatsApp: (Integration, String)?
    ) {
        var addresses: [IdentityKind: String] = [:]
        for row in try await db.raw("SELECT kind, value FROM identities WHERE contact_id = \(bind: contact.text) ORDER BY created_at").all() {
            guard let kind = IdentityKind(rawValue: try row.string("kind")), addresses[kind] == nil else { continue }
            addresses[kind] = try row.string("value")
        }
        func optedOut(_ point: ContactPoint, _ address: String) async throws -> Bool {
            try await db.raw(
                """
                SELECT 1 AS hit FROM opt_outs WHERE brand_id = \(bind: brand.text) AND contact_point = \(bind: point.rawValue) AND address = \(bind: address)
                """
            ).first() != nil
        }
        func provider(_ kind: IntegrationKind, _ address: String?) async throws -> (Integration, String)? {
            guard let address, try await !optedOut(kind.contactPoint, address),
                let row = try await db.raw(
                    "SELECT * FROM integrations WHERE brand_id = \(bind: brand.text) AND kind = \(bind: kind.rawValue) ORDER BY created_at, id LIMIT 1"
                ).first()
            else { return nil }
            return (try Store.integration(from: row), address)
        }
        var email = addresses[.email]
        if let address = email, try await optedOut(.email, address) { email = nil }
        let mailbox = try await db.raw("SELECT * FROM mailboxes WHERE brand_id = \(bind: brand.text) ORDER BY created_at, address LIMIT 1").first()
            .map { try Store.mailbox(from: $0) }
        let sms = try await provider(.sms, addresses[.phone])
        var whatsApp = try await provider(.whatsApp, addresses[.whatsApp])
        if whatsApp != nil {
            // WhatsApp allows a free message only within 24 hours of the customer's last one.
            let last = try await db.raw(
                """
                SELECT occurred_at FROM interactions WHERE contact_id = \(bind: contact.text) AND contact_point = 'whatsApp' AND direction = 'inbound'
                ORDER BY occurred_at DESC LIMIT 1
                """
            ).first().map { try $0.date("occurred_at") }
            if last.map({ now.timeIntervalSince($0) > Store.whatsAppCareWindow }) ?? true { whatsApp = nil }
        }
        let reach = SurveyReach(
            email: email != nil && mailbox != nil, sms: sms != nil, whatsApp: whatsApp != nil,
            kiosk: addresses[.customerNumber] != nil || addresses[.phone] != nil)
        return (reach, email, mailbox, sms, whatsApp)
    }

    /// The newest survey waiting for `contact`'s answer on `point` (web chat, portal, kiosk,
    /// or a text the contact may answer with a number), nil when none is open.
    public func waitingSurvey(contact: ContactID, brand: BrandID, on point: ContactPoint) async throws -> SurveyPrompt? {
        let now = Convert.ms(environment.now())
        return try await database.read { db in
            try await db.raw(
                """
                SELECT s.id, s.kind, s.expires_at, b.case_prefix, c.number, c.subject FROM surveys s JOIN brands b ON b.id = s.brand_id
                LEFT JOIN cases c ON c.id = s.case_id
                WHERE s.contact_id = \(bind: contact.text) AND s.brand_id = \(bind: brand.text) AND s.contact_point = \(bind: point.rawValue)
                AND s.answered_at IS NULL AND s.expires_at > \(bind: now)
                ORDER BY s.sent_at DESC LIMIT 1
                """
            ).first().map { row in
                SurveyPrompt(
                    id: try row.uuid("id"), contactID: contact, kind: try row.wire("kind", as: SurveyKind.self),
                    caseReference: try row.optionalInt("number").map { "\(try row.string("case_prefix"))-\($0)" },
                    caseSubject: try row.optionalString("subject"), expiresAt: try row.date("expires_at"))
            }
        }
    }

    /// The contact a chat visitor, or the sender of a text, is known as.
    public func surveyContact(visitor: String? = nil, identity: Identity? = nil, brand: BrandID) async throws -> ContactID? {
        try await database.read { db in
            if let visitor {
                return try await db.raw(
                    "SELECT contact_id FROM chat_sessions WHERE brand_id = \(bind: brand.text) AND visitor = \(bind: visitor)"
                ).first().map { try $0.uuid("contact_id") }
            }
            guard let identity else { return nil }
            return try await Store.resolve(identity, brand: brand, on: db)?.contact
        }
    }

    /// The survey a link opens, nil for an unknown link.
    public func survey(token: String) async throws -> SurveyView? {
        let now = Convert.ms(environment.now())
        return try await database.read { db in
            guard
                let row = try await db.raw(
                    """
                    SELECT s.kind, s.score, s.comment, s.expires_at, s.answered_at, b.name AS brand_name, COALESCE(a.language, b.language) AS language,
                           b.case_prefix, c.number, c.subject
                    FROM surveys s JOIN brands b ON b.id = s.brand_id LEFT JOIN cases c ON c.id = s.case_id
                    LEFT JOIN accounts a ON a.id = s.account_id
                    WHERE s.token_hash = \(bind: Store.hash(token: token))
                    """
                ).first()
            else { return nil }
            let number = try row.optionalInt("number")
            return SurveyView(
                kind: try row.wire("kind", as: SurveyKind.self), brandName: try row.string("brand_name"),
                language: try row.optionalString("language").flatMap(Language.init(rawValue:)) ?? .en,
                caseReference: try number.map { "\(try row.string("case_prefix"))-\($0)" }, caseSubject: try row.optionalString("subject"),
                score: try row.optionalInt("score"), comment: try row.optionalString("comment"),
                expired: try row.optionalInt("answered_at") == nil && (try row.int("expires_at")) <= now)
        }
    }

    /// Records an answer once: the score (and a comment when one comes with it) and its event
    /// on the case, marked `followUp` for a low score (the survey listener follows up from the
    /// event, so a crash after the answer loses no follow-up). `answeredOn`: the contact point
    /// the answer came by, when not the one the survey went on (a link opened from an email
    /// or a text answers on the contact point that carried it).
    public func answerSurvey(_ key: SurveyKey, score: Int, comment: String?, settings: SurveySettings, answeredOn: ContactPoint? = nil) async throws
        -> SurveyAnswerOutcome
    {
        let store = self
        return try await database.write { db in
            try await Store.recordSurveyAnswer(key, score: score, comment: comment, settings: settings, answeredOn: answeredOn, store: store, on: db).outcome
        }
    }

    /// A text message that answers the survey `id` waiting for `contact`: the answer, a
    /// thank-you text to the sender through `integration`, and the inbox envelope marked
    /// processed, in one transaction. Returns nil when the survey was answered or closed in
    /// the meantime (the message is then an ordinary one).
    public func answerSurveyByText(
        id: UUID, contact: ContactID, score: Int, comment: String?, settings: SurveySettings, integration: Integration, sender: String,
        thanks: @escaping @Sendable (_ low: Bool) -> String, envelope: UUID
    ) async throws -> SurveyAnswerOutcome? {
        let store = self
        return try await database.write { db -> SurveyAnswerOutcome? in
            let (outcome, caseID) = try await Store.recordSurveyAnswer(
                .shown(id: id, contact: contact), score: score, comment: comment, settings: settings, answeredOn: integration.kind.contactPoint,
                store: store, on: db)
            guard case .recorded(let low) = outcome else { return nil }
            let now = store.environment.now()
            try await Store.insertTextOutbox(
                TextContent(text: thanks(low)), recipient: sender, integration: integration, caseID: caseID, interactionID: nil,
                id: store.environment.newID(), at: now, on: db)
            try await Store.markEnvelopeProcessed(envelope, caseID: caseID, note: "survey answer", at: now, on: db)
            return outcome
        }
    }

    static func recordSurveyAnswer(
        _ key: SurveyKey, score: Int, comment: String?, settings: SurveySettings, answeredOn: ContactPoint?, store: Store, on db: any SQLDatabase
    ) async throws -> (outcome: SurveyAnswerOutcome, caseID: CaseID?) {
        let text = try comment.map { try Check.text($0, field: "comment", max: 4000) }.flatMap { $0.isEmpty ? nil : $0 }
        let now = store.environment.now()
        let which: SQLQueryString =
            switch key {
            case .token(let token): "token_hash = \(bind: Store.hash(token: token))"
            case .shown(let id, let contact): "id = \(bind: id.text) AND contact_id = \(bind: contact.text)"
            }
        guard
            let row = try await db.raw(
                "SELECT id, kind, brand_id, case_id, contact_id, account_id, contact_point, answered_at, expires_at FROM surveys WHERE \(which)"
            ).first()
        else { return (.unknown, nil) }
        let kind = try row.wire("kind", as: SurveyKind.self)
        guard kind.scores.contains(score) else {
            throw StoreError.invalid(
                field: "score", reason: "must be between \(kind.scores.lowerBound) and \(kind.scores.upperBound), got \(score)")
        }
        let caseID = try row.optionalUUID("case_id")
        if try row.optionalInt("answered_at") != nil { return (.alreadyAnswered, caseID) }
        guard try row.int("expires_at") > Convert.ms(now) else { return (.expired, caseID) }
        let brand = try row.uuid("brand_id")
        let accountID = try row.optionalUUID("account_id")
        // The condition makes a double click (or two tabs) record one answer.
        let updated = try await db.raw(
            """
            UPDATE surveys SET score = \(bind: score), comment = \(bind: text), answered_at = \(bind: Convert.ms(now))
            WHERE id = \(bind: try row.string("id")) AND answered_at IS NULL RETURNING id
            """
        ).all()
        guard !updated.isEmpty else { return (.alreadyAnswered, caseID) }
        let point = try answeredOn?.rawValue ?? row.string("contact_point")
        var payload: [String: JSONValue] = [
            "surveyId": .string(try row.string("id")), "kind": .string(kind.rawValue), "score": .int(score), "contactPoint": .string(point),
        ]
        if let text { payload["comment"] = .string(text) }
        let low = settings.isLow(score, kind: kind)
        if low { payload["followUp"] = .bool(true) }
        try await Store.insert(
            events: store.events(
                [EventDraft(type: .surveyAnswered, payload: payload)], brand: brand, actor: .system,
                account: accountID, contact: try row.optionalUUID("contact_id"), caseID: caseID, at: now), on: db)
        return (.recorded(lowScore: low), caseID)
    }

    /// Adds the comment to an answered survey that has none yet.
    public func commentSurvey(token: String, comment: String) async throws -> Bool {
        let text = try Check.text(comment, field: "comment", max: 4000)
        guard !text.isEmpty else { return false }
        let now = environment.now()
        let environment = self.environment
        return try await database.write { db in
            guard
                let row = try await db.raw(
                    """
                    UPDATE surveys SET comment = \(bind: text) WHERE token_hash = \(bind: Store.hash(token: token)) AND answered_at IS NOT NULL AND comment IS NULL
                    RETURNING id, kind, brand_id, case_id, contact_id, account_id, score
                    """
                ).first()
            else { return false }
            try await Store.insert(
                events: [
                    DomainEvent(
                        id: environment.newID(), brandID: try row.uuid("brand_id"), type: .surveyAnswered, actor: .system,
                        accountID: try row.optionalUUID("account_id"),
                        contactID: try row.optionalUUID("contact_id"), caseID: try row.optionalUUID("case_id"),
                        payload: [
                            "surveyId": .string(try row.string("id")), "kind": .string(try row.string("kind")), "score": .int(try row.int("score")),
                            "comment": .string(text),
                        ], occurredAt: now)
                ], on: db)
            return true
        }
    }

    /// The brand a survey link belongs to.
    public func surveyBrand(token: String) async throws -> BrandID? {
        try await database.read { db in
            try await db.raw("SELECT brand_id FROM surveys WHERE token_hash = \(bind: Store.hash(token: token))").first().map {
                try $0.uuid("brand_id")
            }
        }
    }
}

extension Store {
    /// Surveys of `kind` sent in [`from`, `to`), counted by the group `by` names, the day
    /// they were sent (UTC) and the score (nil: unanswered).
    public func surveyRows(brand: BrandID, kind: SurveyKind, from: Date, to: Date, by: SurveyGrouping) async throws -> [SurveyResults.Row] {
        let key: String =
            switch by {
            case .contactPoint: "s.contact_point"
            case .model: "COALESCE(c.service_model, a.service_model, '')"
            case .team: "COALESCE(c.team_id, '')"
            case .agent: "COALESCE(c.assignee_id, '')"
            case .week, .month: "s.kind"  // one value: PostgreSQL refuses a constant in GROUP BY
            }
        return try await database.read { db in
            try await db.raw(
                """
                SELECT \(unsafeRaw: key) AS k, s.sent_at / 86400000 AS day, s.score, COUNT(*) AS n
                FROM surveys s LEFT JOIN cases c ON c.id = s.case_id LEFT JOIN accounts a ON a.id = s.account_id
                WHERE s.brand_id = \(bind: brand.text) AND s.kind = \(bind: kind.rawValue) AND s.sent_at >= \(bind: Convert.ms(from))
                AND s.sent_at < \(bind: Convert.ms(to))
                GROUP BY \(unsafeRaw: key), s.sent_at / 86400000, s.score
                """
            ).all().map { row in
                SurveyResults.Row(
                    key: try row.optionalString("k") ?? "", day: CivilDate(Date(timeIntervalSince1970: Double(try row.int("day")) * 86_400), timeZone: .gmt),
                    score: try row.optionalInt("score"), count: try row.int("n"))
            }
        }
    }
}
