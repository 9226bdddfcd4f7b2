import Foundation
import SQLKit
import TouchpointCore

extension Store {
    /// The case of a visitor's conversation while it is still open.
    public func chatCase(brand: BrandID, visitor: String) async throws -> CaseID? {
        try await database.read { db in
            try await db.raw("""
                SELECT s.case_id FROM chat_sessions s JOIN cases c ON c.id = s.case_id
                WHERE s.brand_id = \(bind: brand.text) AND s.visitor = \(bind: visitor) AND c.status IN ('new', 'open', 'pending') AND c.merged_into IS NULL
                """).first()?.uuid("case_id")
        }
    }

    /// Records a visitor's chat message: on their open chat case, or a new webChat case.
    /// With an email or phone the visitor gave, the chat joins that customer's history. A
    /// message resent after a dropped connection (same client id) is recorded once.
    /// `leftMessage`: the visitor wrote while nobody could answer live, so the case is
    /// answered by email (tagged `left-message`, the console offers email first).
    /// `envelope`: the inbox envelope the message came in, marked processed in the
    /// transaction that writes the message.
    public func postChatMessage(brand: BrandID, visitor: String, clientID: String, text: String, identity given: Identity?, name: String?,
                                leftMessage: Bool = false, envelope: UUID? = nil) async throws
        -> (caseID: CaseID, caseNumber: Int, seq: Int) {
        let environment = self.environment
        let markEnvelope: @Sendable (Case, Interaction, any SQLDatabase) async throws -> Void = { item, interaction, db in
            guard let envelope else { return }
            try await Store.markEnvelopeProcessed(envelope, caseID: item.id, interactionID: interaction.id, at: environment.now(), on: db)
        }
        let identity = given ?? Identity(storedKind: .chatVisitor, value: visitor)
        let providerID = "chat:\(visitor):\(clientID)"
        var metadata = ["clientId": clientID]
        if leftMessage { metadata["answerBy"] = "email" }
        let caseID: CaseID
        let caseNumber: Int
        if let open = try await chatCase(brand: brand, visitor: visitor) {
            if let given { try await claimChatCase(open, for: given, brand: brand) }
            let (item, _) = try await addInteraction(caseID: open, brand: brand, actor: .system,
                                                     request: NewInteraction(direction: .inbound, contactPoint: .webChat, body: text, providerMessageID: providerID,
                                                                             metadata: metadata, from: identity, name: name),
                                                     also: markEnvelope)
            caseID = item.id
            caseNumber = item.number
        } else {
            let firstLine = text.split(whereSeparator: \.isNewline).first.map(String.init) ?? text
            let opened = try await openCase(
                brand: brand, actor: nil,
                request: OpenCase(contactPoint: .webChat, from: identity, name: name, subject: firstLine.count > 80 ? String(firstLine.prefix(79)) + "…" : firstLine,
                                  body: text, tags: leftMessage ? ["left-message"] : [], providerMessageID: providerID, metadata: metadata),
                also: { item, interaction, db in
                    try await markEnvelope(item, interaction, db)
                    try await db.raw("""
                        INSERT INTO chat_sessions (brand_id, visitor, case_id, contact_id, created_at)
                        VALUES (\(bind: brand.text), \(bind: visitor), \(bind: item.id.text), \(bind: item.contactID.text), \(bind: Convert.ms(environment.now())))
                        ON CONFLICT (brand_id, visitor) DO UPDATE SET case_id = excluded.case_id, contact_id = excluded.contact_id,
                        visitor_read_seq = 0, agent_read_seq = 0
                        """).run()
                })
            caseID = opened.case.id
            caseNumber = opened.case.number
        }
        let seq = try await chatMessages(caseID: caseID, brand: brand, after: 0).first { $0.clientID == clientID && $0.from == "visitor" }?.seq ?? 0
        return (caseID, caseNumber, seq)
    }

    /// A visitor who chatted anonymously and then gave an email or phone: the anonymous
    /// contact joins the customer it names (merged into them, on both timelines, so an
    /// administrator can undo it), or takes that identity when it names nobody yet; the case
    /// moves to that customer and takes their service model — its SLA targets recomputed from
    /// the case's start and its level raised to the model's entry level — with the reason on
    /// the case's timeline. A chat already with a known customer is left as it is.
    func claimChatCase(_ caseID: CaseID, for identity: Identity, brand: BrandID) async throws {
        let config = try await serviceConfig(brand: brand)
        let environment = self.environment
        let dialect = self.dialect
        try await database.write { db in
            let item = try await Store.case(caseID, brand: brand, on: db)
            let kinds = try await db.raw("SELECT kind FROM identities WHERE contact_id = \(bind: item.contactID.text)").all().map { try $0.string("kind") }
            guard kinds.allSatisfy({ $0 == IdentityKind.chatVisitor.rawValue }) else { return }
            let now = environment.now()
            var events: [DomainEvent] = []
            func event(_ type: EventType, contact: ContactID, account: AccountID?, case: CaseID?, _ payload: [String: JSONValue]) {
                events.append(DomainEvent(id: environment.newID(), brandID: brand, type: type, actor: .system, accountID: account,
                                          contactID: contact, caseID: `case`, payload: payload, occurredAt: now))
            }
            let said = "\(identity.kind.rawValue):\(identity.value)"
            try await Store.lockIdentity(identity, brand: brand, dialect: dialect, on: db)
            let customer: (contact: ContactID, account: AccountID?, title: String?)
            if let known = try await Store.resolve(identity, brand: brand, on: db), known.contact != item.contactID {
                try await db.raw("""
                    UPDATE contacts SET merged_into = \(bind: known.contact.text), updated_at = \(bind: Convert.ms(now)) WHERE id = \(bind: item.contactID.text)
                    """).run()
                let payload: [String: JSONValue] = ["survivorId": .string(known.contact.text), "duplicateId": .string(item.contactID.text),
                                                    "reason": .string("the chat visitor identified as \(said)")]
                event(.contactMerged, contact: known.contact, account: known.account, case: nil, payload)
                event(.contactMerged, contact: item.contactID, account: nil, case: nil, payload)
                try await db.raw("""
                    UPDATE chat_sessions SET contact_id = \(bind: known.contact.text) WHERE brand_id = \(bind: brand.text) AND case_id = \(bind: caseID.text)
                    """).run()
                customer = (known.contact, known.account, known.title)
            } else {
                guard try await Store.resolve(identity, brand: brand, on: db) == nil else { return }
                try await Store.insertIdentity(identity, of: item.contactID, brand: brand, id: environment.newID(), at: now, on: db)
                event(.contactIdentityAdded, contact: item.contactID, account: nil, case: nil,
                      ["kind": .string(identity.kind.rawValue), "value": .string(identity.value)])
                customer = (item.contactID, nil, nil)
            }
            // The customer's model now decides the case.
            var profile: AccountProfile?
            if let account = customer.account { profile = try await Store.account(account, brand: brand, on: db).profile }
            try await db.raw("""
                UPDATE cases SET contact_id = \(bind: customer.contact.text), account_id = \(bind: customer.account?.text) WHERE id = \(bind: caseID.text)
                """).run()
            var theirs = item
            theirs.contactID = customer.contact
            theirs.accountID = customer.account
            if let change = try await Store.takeModel(theirs, profile: profile, title: customer.title, config: config, why: "the chat visitor identified as \(said)",
                                                      extra: ["contactId": .string(customer.contact.text)], now: now, environment: environment, on: db) {
                events.append(change)
            }
            try await Store.insert(events: events, on: db)
        }
    }

    /// The conversation's messages after `seq` (internal notes are never part of it).
    public func chatMessages(caseID: CaseID, brand: BrandID, after seq: Int) async throws -> [ChatMessage] {
        let all = try await database.read { db in
            try await db.raw("""
                SELECT * FROM interactions WHERE case_id = \(bind: caseID.text) AND brand_id = \(bind: brand.text) AND direction <> 'internal'
                ORDER BY occurred_at, id LIMIT 2000
                """).all().map(Store.interaction(from:))
        }
        return all.enumerated().compactMap { index, item in
            guard index + 1 > seq else { return nil }
            let bot = item.contactPoint == .chatbot
            return ChatMessage(seq: index + 1, from: item.direction == .inbound ? "visitor" : bot ? "bot" : "agent", text: item.text,
                               clientID: item.metadata["clientId"], authorID: item.direction == .outbound && !bot ? item.authorID : nil,
                               replies: bot ? (item.metadata["replies"]?.split(separator: "\n").map(String.init) ?? []) : [], at: item.occurredAt)
        }
    }

    /// Records an agent's chat message as an outbound web-chat reply on the case (so it
    /// answers the customer: status and SLA clocks move as for any reply). Resent after a
    /// dropped connection (same client id), it is recorded once.
    public func postAgentChatMessage(caseID: CaseID, brand: BrandID, staff: UserID, clientID: String, text: String) async throws -> Int {
        let (_, item) = try await addInteraction(caseID: caseID, brand: brand, actor: .staff(staff),
                                                 request: NewInteraction(direction: .outbound, contactPoint: .webChat, body: text,
                                                                         providerMessageID: "chat-agent:\(caseID.text):\(clientID)", metadata: ["clientId": clientID]))
        return try await chatMessages(caseID: caseID, brand: brand, after: 0).first { $0.clientID == clientID && $0.from == "agent" && $0.authorID == item.authorID }?.seq ?? 0
    }

    /// The web-chat conversation on a case, if the case came from the widget.
    public func chatSession(caseID: CaseID, brand: BrandID) async throws -> ChatSession? {
        try await database.read { db in
            guard let row = try await db.raw("""
                SELECT visitor, case_id, contact_id, visitor_read_seq, agent_read_seq FROM chat_sessions
                WHERE case_id = \(bind: caseID.text) AND brand_id = \(bind: brand.text)
                """).first() else { return nil }
            return ChatSession(visitor: try row.string("visitor"), caseID: try row.uuid("case_id"), contactID: try row.uuid("contact_id"),
                               visitorRead: try row.int("visitor_read_seq"), agentRead: try row.int("agent_read_seq"))
        }
    }

    /// Notes that one side has seen the conversation up to `seq` (never backwards); returns
    /// the mark now stored.
    @discardableResult
    public func markChatRead(caseID: CaseID, brand: BrandID, side: ChatSide, seq: Int) async throws -> Int {
        let column = side == .visitor ? "visitor_read_seq" : "agent_read_seq"
        return try await database.write { db in
            try await db.raw("""
                UPDATE chat_sessions SET \(unsafeRaw: column) = CASE WHEN \(unsafeRaw: column) < \(bind: seq) THEN \(bind: seq) ELSE \(unsafeRaw: column) END
                WHERE case_id = \(bind: caseID.text) AND brand_id = \(bind: brand.text)
                """).run()
            return try await db.raw("""
                SELECT \(unsafeRaw: column) AS seq FROM chat_sessions WHERE case_id = \(bind: caseID.text) AND brand_id = \(bind: brand.text)
                """).first()?.int("seq") ?? 0
        }
    }

    /// Whether a person answers a chat now, for this visitor: the customer is found by the
    /// identity they gave, or by the contact their earlier chat joined; their account's model
    /// decides whether web chat is offered and whose hours count.
    /// With `model` (a conversation the assistant hands over), whether a person answers now
    /// for that model, the assistant left out.
    /// `language`: the visitor's (their page's); the brand's when not given.
    public func chatAvailability(
        brand: BrandID, visitor: String?, identity: Identity?, model given: ServiceModel? = nil, language: Language? = nil
    ) async throws -> ChatAvailability {
        let account: AccountID? = try await database.read { db in
            if let identity, let row = try await db.raw("""
                SELECT c.account_id FROM identities i JOIN contacts c ON c.id = i.contact_id
                WHERE i.brand_id = \(bind: brand.text) AND i.kind = \(bind: identity.kind.rawValue) AND i.value = \(bind: identity.value)
                """).first() {
                return try row.optionalUUID("account_id")
            }
            if let visitor, let row = try await db.raw("""
                SELECT c.account_id FROM chat_sessions s JOIN contacts c ON c.id = s.contact_id
                WHERE s.brand_id = \(bind: brand.text) AND s.visitor = \(bind: visitor)
                """).first() {
                return try row.optionalUUID("account_id")
            }
            return nil
        }
        let (estimate, _, model) = try await waitEstimate(brand: brand, contactPoint: .webChat, teamID: nil, topic: nil, account: account)
        let config = try await serviceConfig(brand: brand)
        // The assistant takes the chat as it would the case: by the visitor's model, or the
        // default model for someone not known yet, when there are articles to answer from.
        var assistant: ChatbotPolicy?
        let assistantModel = config.policy(model ?? config.rules.defaultModel)
        if given == nil, try await hasPublishedArticles(brand: brand) { assistant = assistantModel.assistant }
        var speaks = language ?? .en
        if language == nil { speaks = try await self.brand(brand).language }
        return ChatAvailability.decide(estimate: estimate, policy: (given ?? model).map(config.policy), assistant: assistant,
                                       assistantReach: assistantModel.humanReach, language: speaks)
    }
}
