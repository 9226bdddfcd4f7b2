import Foundation
import SQLKit
import TouchpointCore

/// One turn of the assistant as it is written: the conversation after it, the customer's
/// message it answers, its reply, a note for staff, and whether the case goes to people now.
public struct BotTurnWrite: Sendable {
    public var conversation: BotConversation
    /// The message answered: a turn for a message already answered is not written again.
    public var answering: Interaction?
    public var reply: NewInteraction?
    public var note: String?
    public var handOff: Bool
    /// A change of the case's status that goes with the turn (resolved, waiting on the customer).
    public var status: CaseUpdate?

    public init(
        conversation: BotConversation, answering: Interaction?, reply: NewInteraction?, note: String? = nil, handOff: Bool = false, status: CaseUpdate? = nil
    ) {
        self.status = status
        self.conversation = conversation
        self.answering = answering
        self.reply = reply
        self.note = note
        self.handOff = handOff
    }
}

extension Store {
    /// The assistant's conversation on a case, if it had one.
    public func botConversation(caseID: CaseID, brand: BrandID) async throws -> BotConversation? {
        try await database.read { db in
            try await db.raw("SELECT * FROM bot_conversations WHERE case_id = \(bind: caseID.text) AND brand_id = \(bind: brand.text)")
                .first().map(Store.botConversation(from:))
        }
    }

    /// The assistant's state on those of `cases` that have one.
    public func botStates(_ cases: Set<CaseID>) async throws -> [CaseID: BotState] {
        guard !cases.isEmpty else { return [:] }
        return try await database.read { db in
            var states: [CaseID: BotState] = [:]
            let ids = Array(cases)
            for start in stride(from: 0, to: ids.count, by: 400) {
                var sql = SQLQueryString("SELECT id, bot_state FROM cases WHERE bot_state IS NOT NULL AND id IN (")
                for (index, id) in ids[start..<min(start + 400, ids.count)].enumerated() {
                    if index > 0 { sql.appendLiteral(", ") }
                    sql.appendInterpolation(bind: id.text)
                }
                sql.appendLiteral(")")
                for row in try await db.raw(sql).all() {
                    if let state = BotState(rawValue: try row.string("bot_state")) { states[try row.uuid("id")] = state }
                }
            }
            return states
        }
    }

    /// Whether the brand has a published article for the assistant to answer from.
    public func hasPublishedArticles(brand: BrandID) async throws -> Bool {
        try await database.read { db in try await Store.hasPublishedArticles(brand: brand, on: db) }
    }

    static func hasPublishedArticles(brand: BrandID, on db: any SQLDatabase) async throws -> Bool {
        try await db.raw("SELECT 1 AS found FROM kb_articles WHERE brand_id = \(bind: brand.text) AND status = 'published' LIMIT 1").first() != nil
    }

    /// Writes a turn in one transaction: the reply (through the outbox when it goes by
    /// email, SMS or WhatsApp), the conversation, the case's state and status, a note for
    /// staff and, on a hand-off, the routing to people. Returns false, writing nothing, when the
    /// message was answered already (the listener hands an event over again after a crash,
    /// and the chat socket answers at once as well).
    public func recordBotTurn(_ turn: BotTurnWrite) async throws -> Bool {
        let config = try await serviceConfig(brand: turn.conversation.brandID)
        let write: @Sendable (Case, any SQLDatabase) async throws -> Void = { current, db in
            try await self.writeBotTurn(turn, current: current, config: config, on: db)
        }
        do {
            if let reply = turn.reply {
                _ = try await addInteraction(caseID: turn.conversation.caseID, brand: turn.conversation.brandID, actor: .system, request: reply) {
                    current, _, db in try await write(current, db)
                }
            } else {
                try await database.write { db in
                    try await write(try await Store.case(turn.conversation.caseID, brand: turn.conversation.brandID, on: db), db)
                }
            }
            return true
        } catch BotTurnConflict.answered {
            return false
        }
    }

    private func writeBotTurn(_ turn: BotTurnWrite, current: Case, config: ServiceConfig, on db: any SQLDatabase) async throws {
        let item = turn.conversation
        let now = environment.now()
        try await db.raw(
            """
            INSERT INTO bot_conversations (case_id, brand_id, contact_id, contact_point, service_model, language, state, ask, failures, answers, shown,
            started_at, last_at)
            VALUES (\(bind: item.caseID.text), \(bind: item.brandID.text), \(bind: item.contactID.text), \(bind: item.contactPoint.rawValue),
            \(bind: item.serviceModel?.rawValue), \(bind: item.language.rawValue), \(bind: item.state.rawValue), '', 0, 0, '[]',
            \(bind: Convert.ms(item.startedAt)), \(bind: Convert.ms(item.lastAt)))
            ON CONFLICT (case_id) DO NOTHING
            """
        ).run()
        let previous = try await db.raw("SELECT state FROM bot_conversations WHERE case_id = \(bind: item.caseID.text)").first()?.string("state")
        var update = SQLQueryString(
            """
            UPDATE bot_conversations SET state = \(bind: item.state.rawValue), ask = \(bind: item.ask.storageText), failures = \(bind: item.failures),
            answers = \(bind: item.answers), shown = \(bind: Convert.json(item.shown.map(\.text))), article_id = \(bind: item.articleID?.text),
            article_version = \(bind: item.articleVersion), language = \(bind: item.language.rawValue), last_at = \(bind: Convert.ms(item.lastAt)),
            handed_off_at = \(bind: item.handedOffAt.map(Convert.ms)), hand_off_reason = \(bind: item.handOffReason?.rawValue),
            ended_at = \(bind: item.endedAt.map(Convert.ms))
            """)
        if let message = turn.answering {
            // Not the message answered last, nor older than it: one answer per message, however
            // often it is handed over. (Ids of one millisecond are not in order, so only time orders.)
            let at = Convert.ms(message.occurredAt)
            update += SQLQueryString(
                """
                , answered_at = \(bind: at), answered_id = \(bind: message.id.text)
                WHERE case_id = \(bind: item.caseID.text) AND (answered_at IS NULL OR answered_at < \(bind: at)
                OR (answered_at = \(bind: at) AND answered_id <> \(bind: message.id.text))) RETURNING case_id
                """)
            guard try await db.raw(update).first() != nil else { throw BotTurnConflict.answered }
        } else {
            update += SQLQueryString(" WHERE case_id = \(bind: item.caseID.text)")
            try await db.raw(update).run()
        }
        try await db.raw("UPDATE cases SET bot_state = \(bind: item.state.rawValue) WHERE id = \(bind: item.caseID.text)").run()
        var drafts: [EventDraft] = []
        if previous != item.state.rawValue {
            var payload: [String: JSONValue] = ["from": .optionalString(previous), "to": .string(item.state.rawValue)]
            if let reason = item.handOffReason, item.state == .waiting { payload["reason"] = .string(reason.rawValue) }
            drafts.append(EventDraft(type: .assistantStateChanged, payload: payload))
        }
        if let note = turn.note {
            let interaction = Interaction(
                id: environment.newID(), brandID: item.brandID, contactID: current.contactID, caseID: item.caseID, contactPoint: .chatbot,
                direction: .internal, authorKind: .system, authorID: nil, text: note, metadata: ["assistant": "handOff"], occurredAt: now)
            try await Store.insert(interaction: interaction, now: now, on: db)
            drafts.append(
                EventDraft(type: .interactionAdded, payload: ["interactionId": .string(interaction.id.text), "direction": .string("internal")]))
        }
        try await Store.insert(
            events: events(
                drafts, brand: item.brandID, actor: .system, account: current.accountID, contact: current.contactID,
                caseID: item.caseID, at: now), on: db)
        if let status = turn.status {
            _ = try await updateCase(item.caseID, brand: item.brandID, actor: .system, update: status, config: config, on: db)
        }
        if turn.handOff, current.status.isActive {
            let need = Store.need(for: current, config: config, ownerCSM: try await Store.ownerCSM(account: current.accountID, on: db))
            let decision = try await route(need, brand: item.brandID, config: config, now: now, on: db)
            _ = try await applyRouting(decision, to: current, brand: item.brandID, actor: .system, now: now, on: db)
        }
    }

    /// Moves a conversation's state on from outside a turn (a person answered, the case was
    /// resolved); a conversation already there is left alone. Returns whether it moved.
    public func moveBotConversation(caseID: CaseID, brand: BrandID, from states: [BotState], to state: BotState) async throws -> Bool {
        let environment = self.environment
        return try await database.write { db in
            guard
                let row = try await db.raw("SELECT * FROM bot_conversations WHERE case_id = \(bind: caseID.text) AND brand_id = \(bind: brand.text)")
                    .first()
            else { return false }
            let item = try Store.botConversation(from: row)
            guard states.contains(item.state) else { return false }
            let now = environment.now()
            try await db.raw(
                """
                UPDATE bot_conversations SET state = \(bind: state.rawValue), last_at = \(bind: Convert.ms(now)),
                ended_at = \(bind: state == .resolved ? Convert.ms(now) : nil) WHERE case_id = \(bind: caseID.text)
                """
            ).run()
            try await db.raw("UPDATE cases SET bot_state = \(bind: state.rawValue) WHERE id = \(bind: caseID.text)").run()
            let current = try await Store.case(caseID, brand: brand, on: db)
            try await Store.insert(
                events: self.events(
                    [
                        EventDraft(
                            type: .assistantStateChanged,
                            payload: [
                                "from": .string(item.state.rawValue), "to": .string(state.rawValue),
                            ])
                    ],
                    brand: brand, actor: .system, account: current.accountID, contact: current.contactID, caseID: caseID, at: now), on: db)
            return true
        }
    }

    /// Conversations the assistant still holds whose last message is older than `before`.
    public func idleBotConversations(before: Date, limit: Int = 200) async throws -> [BotConversation] {
        try await database.read { db in
            try await db.raw(
                """
                SELECT * FROM bot_conversations WHERE state = 'bot' AND last_at < \(bind: Convert.ms(before)) ORDER BY last_at LIMIT \(literal: limit)
                """
            ).all().map(Store.botConversation(from:))
        }
    }

    /// Deflection per contact point, model and article: of the assistant's conversations
    /// started in [`from`, `to`), those that never reached a person, and of those the ones
    /// whose contact had no human contact on any contact point within `window` after the
    /// conversation's last message: no message from staff, and no message of theirs on a
    /// case that a person handled (a conversation the assistant kept is not one). A
    /// conversation whose window is still open at `now` counts as `inWindow`.
    public func deflection(brand: BrandID, from: Date, to: Date, window: TimeInterval, now: Date) async throws -> [DeflectionRow] {
        let windowMS = Int(window * 1000)
        let cutoff = Convert.ms(now) - windowMS
        return try await database.read { db in
            let rows = try await db.raw(
                """
                SELECT b.contact_point, b.service_model, b.article_id, COUNT(*) AS conversations,
                SUM(CASE WHEN b.handed_off_at IS NULL AND b.answers > 0 THEN 1 ELSE 0 END) AS self_service,
                SUM(CASE WHEN b.handed_off_at IS NULL AND b.answers > 0 AND b.last_at > \(bind: cutoff) THEN 1 ELSE 0 END) AS in_window,
                SUM(CASE WHEN b.handed_off_at IS NOT NULL THEN 1 ELSE 0 END) AS handed_off,
                SUM(CASE WHEN b.handed_off_at IS NULL AND b.answers > 0 AND b.last_at <= \(bind: cutoff) AND NOT EXISTS (
                    SELECT 1 FROM interactions i JOIN cases c ON c.id = i.case_id
                    WHERE i.contact_id = b.contact_id AND i.occurred_at > b.last_at AND i.occurred_at <= b.last_at + \(bind: windowMS)
                    AND i.case_id <> b.case_id AND i.direction <> 'internal' AND i.contact_point <> 'chatbot'
                    AND (i.author_kind = 'staff' OR (i.direction = 'inbound' AND NOT EXISTS (
                        SELECT 1 FROM bot_conversations o WHERE o.case_id = i.case_id AND o.handed_off_at IS NULL)))
                ) THEN 1 ELSE 0 END) AS deflected
                FROM bot_conversations b
                WHERE b.brand_id = \(bind: brand.text) AND b.started_at >= \(bind: Convert.ms(from)) AND b.started_at < \(bind: Convert.ms(to))
                GROUP BY b.contact_point, b.service_model, b.article_id
                ORDER BY conversations DESC
                """
            ).all()
            return try rows.map { row in
                DeflectionRow(
                    contactPoint: try row.wire("contact_point", as: ContactPoint.self),
                    serviceModel: try row.optionalString("service_model").flatMap(ServiceModel.init(rawValue:)),
                    articleID: try row.optionalUUID("article_id"), conversations: try row.int("conversations"),
                    selfService: try row.int("self_service"), deflected: try row.int("deflected"), inWindow: try row.int("in_window"),
                    handedOff: try row.int("handed_off"))
            }
        }
    }

    static func botConversation(from row: any SQLRow) throws -> BotConversation {
        var conversation = BotConversation(
            caseID: try row.uuid("case_id"), brandID: try row.uuid("brand_id"), contactID: try row.uuid("contact_id"),
            contactPoint: try row.wire("contact_point", as: ContactPoint.self),
            serviceModel: try row.optionalString("service_model").flatMap(ServiceModel.init(rawValue:)),
            language: Language(rawValue: try row.string("language")) ?? .en, state: try row.wire("state", as: BotState.self),
            ask: BotAsk(storageText: try row.string("ask")), failures: try row.int("failures"), answers: try row.int("answers"),
            shown: Convert.strings(try row.string("shown")).compactMap { UUID(text: $0) }, articleID: try row.optionalUUID("article_id"),
            articleVersion: try row.optionalInt("article_version"), startedAt: try row.date("started_at"), lastAt: try row.date("last_at"),
            handedOffAt: try row.optionalInt("handed_off_at").map(Convert.date),
            handOffReason: try row.optionalString("hand_off_reason").flatMap(HandOffReason.init(rawValue:)),
            endedAt: try row.optionalInt("ended_at").map(Convert.date))
        conversation.answeredAt = try row.optionalInt("answered_at").map(Convert.date)
        conversation.answeredID = try row.optionalUUID("answered_id")
        return conversation
    }
}

/// A turn for a message the assistant has answered already.
enum BotTurnConflict: Error {
    case answered
}
