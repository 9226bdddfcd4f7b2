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

    /// Asks the contact of a resolved case how satisfied they are: the survey, its email
    /// (one link per answer, through the outbox) and its event in one transaction. Nothing
    /// is sent twice for one case, nor more often than the settings allow per contact.
    /// Returns the token of the links, or why nothing was sent.
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
            guard
                let email = try await db.raw(
                    """
                    SELECT value FROM identities WHERE contact_id = \(bind: item.contactID.text) AND kind = 'email' ORDER BY created_at LIMIT 1
                    """
                ).first().map({ try $0.string("value") })
            else { return .failure(.noEmail) }
            if try await db.raw(
                "SELECT 1 AS hit FROM opt_outs WHERE brand_id = \(bind: brandID.text) AND contact_point = 'email' AND address = \(bind: email)"
            ).first() != nil {
                return .failure(.optedOut)
            }
            // The frequency cap is shared with playbooks: one automated message a day by default.
            let automation = try await Store.automationSettings(brand: brandID, on: db)
            let recent = try await db.raw(
                """
                SELECT sent_at FROM automated_messages WHERE contact_id = \(bind: item.contactID.text)
                AND sent_at > \(bind: Convert.ms(now.addingTimeInterval(-automation.per.timeInterval)))
                """
            ).all().map { try $0.date("sent_at") }
            guard automation.capAllows(at: now, sent: recent) <= now else { return .failure(.frequencyCap) }
            guard
                let box = try await db.raw("SELECT * FROM mailboxes WHERE brand_id = \(bind: brandID.text) ORDER BY created_at, address LIMIT 1")
                    .first()
            else { return .failure(.noMailbox) }
            let mailbox = try Store.mailbox(from: box)
            let token = Store.randomToken()
            let id = environment.newID()
            try await db.raw(
                """
                INSERT INTO surveys (id, brand_id, kind, case_id, contact_id, account_id, contact_point, token_hash, sent_at, expires_at)
                VALUES (\(bind: id.text), \(bind: brandID.text), 'csat', \(bind: caseID.text), \(bind: item.contactID.text), \(bind: item.accountID?.text),
                        'email', \(bind: Store.hash(token: token)), \(bind: Convert.ms(now)),
                        \(bind: Convert.ms(now.addingTimeInterval(Double(settings.expiresAfterDays) * 86_400))))
                """
            ).run()
            try await db.raw(
                """
                INSERT INTO automated_messages (contact_id, sent_at, source, id)
                VALUES (\(bind: item.contactID.text), \(bind: Convert.ms(now)), 'survey', \(bind: id.text))
                """
            ).run()
            let reference = "\(brand.casePrefix)-\(item.number)"
            let words = CustomerMessages(brand.language).csatInvitation(
                brand: brand.name, reference: reference, subject: item.subject,
                days: settings.expiresAfterDays
            ) { "\(linkBase)\(token)?score=\($0)" }
            let domain = mailbox.address.split(separator: "@").last.map(String.init) ?? "localhost"
            let name =
                try await db.raw("SELECT name FROM contacts WHERE id = \(bind: item.contactID.text)").first().map { try $0.optionalString("name") }
                ?? nil
            let mail = OutboundMail(
                from: MailAddress(name: brand.name, address: mailbox.address), to: [MailAddress(name: name, address: email)], subject: words.subject,
                messageID: "survey-\(id.text)@\(domain)", date: now, text: words.text, automatic: true, loopMarker: mailbox.address)
            try await Store.insertOutbox(
                OutboxMessage(mail: mail, attachments: []), recipient: email, brand: brandID, caseID: caseID, interactionID: nil,
                id: environment.newID(), at: now, on: db)
            try await Store.insert(
                events: self.events(
                    [
                        EventDraft(
                            type: .surveySent,
                            payload: [
                                "surveyId": .string(id.text), "kind": .string(SurveyKind.csat.rawValue),
                                "contactPoint": .string(ContactPoint.email.rawValue),
                            ])
                    ],
                    brand: brandID, actor: .system, account: item.accountID, contact: item.contactID, caseID: caseID, at: now), on: db)
            return .success(token)
        }
    }

    /// The survey a link opens, nil for an unknown link.
    public func survey(token: String) async throws -> SurveyView? {
        let now = Convert.ms(environment.now())
        return try await database.read { db in
            guard
                let row = try await db.raw(
                    """
                    SELECT s.kind, s.score, s.comment, s.expires_at, s.answered_at, b.name AS brand_name, b.language, b.case_prefix, c.number, c.subject
                    FROM surveys s JOIN brands b ON b.id = s.brand_id LEFT JOIN cases c ON c.id = s.case_id
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
    /// on the case, marked `followUp` for a low satisfaction score (the survey listener
    /// follows up from the event, so a crash after the answer loses no follow-up).
    public func answerSurvey(token: String, score: Int, comment: String?, settings: SurveySettings) async throws -> SurveyAnswerOutcome {
        let text = try comment.map { try Check.text($0, field: "comment", max: 4000) }.flatMap { $0.isEmpty ? nil : $0 }
        let environment = self.environment
        return try await database.write { db -> SurveyAnswerOutcome in
            let now = environment.now()
            guard
                let row = try await db.raw(
                    """
                    SELECT id, kind, brand_id, case_id, contact_id, account_id, answered_at, expires_at FROM surveys WHERE token_hash = \(bind: Store.hash(token: token))
                    """
                ).first()
            else { return .unknown }
            let kind = try row.wire("kind", as: SurveyKind.self)
            guard kind.scores.contains(score) else {
                throw StoreError.invalid(
                    field: "score", reason: "must be between \(kind.scores.lowerBound) and \(kind.scores.upperBound), got \(score)")
            }
            if try row.optionalInt("answered_at") != nil { return .alreadyAnswered }
            guard try row.int("expires_at") > Convert.ms(now) else { return .expired }
            let brand = try row.uuid("brand_id")
            let caseID = try row.optionalUUID("case_id")
            let accountID = try row.optionalUUID("account_id")
            // The condition makes a double click (or two tabs) record one answer.
            let updated = try await db.raw(
                """
                UPDATE surveys SET score = \(bind: score), comment = \(bind: text), answered_at = \(bind: Convert.ms(now))
                WHERE id = \(bind: try row.string("id")) AND answered_at IS NULL RETURNING id
                """
            ).all()
            guard !updated.isEmpty else { return .alreadyAnswered }
            var payload: [String: JSONValue] = ["surveyId": .string(try row.string("id")), "kind": .string(kind.rawValue), "score": .int(score)]
            if let text { payload["comment"] = .string(text) }
            // A dissatisfied answer, or a detractor (0–6) on the recommendation scale.
            let low = kind == .csat ? score <= settings.lowCSAT : score <= 6
            if low { payload["followUp"] = .bool(true) }
            try await Store.insert(
                events: self.events(
                    [EventDraft(type: .surveyAnswered, payload: payload)], brand: brand, actor: .system,
                    account: accountID, contact: try row.optionalUUID("contact_id"), caseID: caseID, at: now), on: db)
            return .recorded(lowScore: low)
        }
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
