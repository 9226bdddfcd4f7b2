import Foundation
import TouchpointCore
import TouchpointStore

/// The assistant: answers customers from the help articles on web chat, SMS, WhatsApp and
/// email, as the customer's service model says, and hands the conversation to a person
/// with everything it tried. Each of its messages is a `chatbot` interaction on the
/// customer's timeline, naming the article and version it used, sent through the outbox on
/// the contact point the customer wrote on.
public struct Chatbot: Sendable {
    let store: Store
    let knowledge: KnowledgeBase
    /// Where customers open the help pages and the portal (links in answers).
    let address: PublicAddress

    init(store: Store, knowledge: KnowledgeBase, address: PublicAddress) {
        self.store = store
        self.knowledge = knowledge
        self.address = address
    }

    var publicURL: String { address.url }

    /// How long a conversation the assistant holds may stay silent before it ends, by
    /// where it happens: a chat is left quickly, a text later, an email waits a week.
    public static func idleLimit(_ point: ContactPoint) -> TimeInterval {
        switch point {
        case .webChat: 30 * 60
        case .sms, .whatsApp: 24 * 3600
        default: 7 * 24 * 3600
        }
    }

    /// Answers the newest message of the customer on a case, if the assistant holds the
    /// conversation and has not answered it yet (the chat socket asks at once; the listener
    /// asks again for every message, which then finds it answered).
    @discardableResult
    public func answerLatest(caseID: CaseID, brand: BrandID) async throws -> BotAction? {
        let item = try await store.case(caseID, brand: brand)
        guard item.botState == .bot else { return nil }
        let messages = try await store.interactions(caseID: caseID, brand: brand)
        guard let message = messages.last(where: { $0.direction == .inbound }) else { return nil }
        return try await answer(message, on: item, history: messages)
    }

    /// Answers one message of the customer: held conversations get the assistant's turn.
    @discardableResult
    public func answer(_ messageID: InteractionID, caseID: CaseID, brand: BrandID) async throws -> BotAction? {
        let item = try await store.case(caseID, brand: brand)
        guard item.botState == .bot else { return nil }
        let messages = try await store.interactions(caseID: caseID, brand: brand)
        guard let message = messages.first(where: { $0.id == messageID && $0.direction == .inbound }) else { return nil }
        return try await answer(message, on: item, history: messages)
    }

    private func answer(_ message: Interaction, on item: Case, history: [Interaction]) async throws -> BotAction? {
        let config = try await store.serviceConfig(brand: item.brandID)
        let model = item.serviceModel ?? config.rules.defaultModel
        let policy = config.policy(model).assistant
        let now = store.environment.now()
        let guessed = LanguageGuess.of(message.text)
        let brand = try await store.brand(item.brandID)
        var conversation =
            try await store.botConversation(caseID: item.id, brand: item.brandID)
            ?? BotConversation(
                caseID: item.id, brandID: item.brandID, contactID: item.contactID, contactPoint: item.contactPoint, serviceModel: item.serviceModel,
                language: guessed ?? brand.language, startedAt: item.createdAt, lastAt: now)
        // Answered already (the socket did, and the listener comes round): nothing to search.
        guard conversation.state == .bot, !conversation.hasAnswered(message) else { return nil }
        if let guessed { conversation.language = guessed }
        let offered: [ArticleID] = if case .choose(let ids) = conversation.ask { ids } else { [] }
        let intent = BotIntent.read(message.text, offered: offered.count)
        let reader = try await reader(for: item)
        let filter = ArticleFilter(reader: reader, language: guessed, statuses: [.published])
        var candidates: [BotCandidate] = []
        var words = 0
        if case .choice(let pick) = intent, let article = try await knowledge.article(offered[pick - 1], brand: item.brandID, reader: reader) {
            candidates = [BotCandidate(article: article, confidence: 1)]
            words = 1
        } else if intent != .person {
            // An email's first message comes with its subject, which says what it is about.
            let subject = item.contactPoint == .email && history.first(where: { $0.direction == .inbound })?.id == message.id ? item.subject : ""
            let found = try await knowledge.search(
                String((subject + "\n" + message.text).prefix(2000)), brand: item.brandID, filter: filter, limit: 5, countMiss: true,
                // Articles holding every word are the ones to rate; others only when they are too few to compare.
                widenBelow: 2)
            words = found.terms.count
            let focus = SearchAnalyzer.queryTerms(subject, language: guessed).map { term in found.terms.first { $0.word == term.word } ?? term }
            candidates = BotConfidence.rate(found.hits.map { ($0.article, $0.score) }, terms: found.terms, unknown: found.unknown, focus: focus)
        }
        let email = item.contactPoint == .email
        let reach = config.policy(model).humanReach
        let (action, next) = BotTurn.decide(
            intent: intent, candidates: candidates, words: words, conversation: conversation, policy: policy, email: email, reach: reach, at: now)
        let said = try await compose(action, conversation: next, item: item, brand: brand, policy: policy, reach: reach)
        var metadata = said.metadata
        metadata["assistant"] = Self.name(action)
        // The message answered, for the audit trail (and the kill -9 test: one answer each).
        metadata["inReplyTo"] = message.id.text
        let reply = NewInteraction(
            direction: .outbound, contactPoint: .chatbot, body: said.text, metadata: metadata, automatic: true,
            deliverVia: item.contactPoint == .webChat ? nil : item.contactPoint)
        var note: String?
        if case .handOff(let reason) = action {
            note = ChatbotWords.handOffNote(
                reason: reason, tried: try await titles(next.shown, brand: item.brandID),
                transcript: Self.transcript(history + [Interaction.said(said.text, on: item, at: now)]))
        }
        // The case's status moves with the turn, in its transaction.
        let status: CaseUpdate? = switch action {
        case .resolved: CaseUpdate(status: .resolved, reason: "the customer said the assistant's answer solved it")
        case .answer where email: CaseUpdate(status: .pending, reason: "answered automatically; waiting for the customer")
        default: nil
        }
        let written = try await store.recordBotTurn(
            BotTurnWrite(conversation: next, answering: message, reply: reply, note: note, handOff: action.handsOff, status: status))
        return written ? action : nil
    }

    /// For a model where a person answers: articles to read while the customer waits, said
    /// once, on a new web chat. The conversation is then waiting for that person.
    @discardableResult
    public func suggestWhileWaiting(caseID: CaseID, brand: BrandID) async throws -> Bool {
        let item = try await store.case(caseID, brand: brand)
        guard item.botState == nil, item.contactPoint == .webChat, item.status.isActive else { return false }
        let config = try await store.serviceConfig(brand: brand)
        let policy = config.policy(item.serviceModel ?? config.rules.defaultModel).assistant
        guard policy.mode == .suggests, policy.contactPoints.contains(.webChat) else { return false }
        guard let first = try await store.interactions(caseID: caseID, brand: brand, limit: 5).first(where: { $0.direction == .inbound }) else {
            return false
        }
        let owner = try await store.brand(brand)
        let language = LanguageGuess.of(first.text) ?? owner.language
        let found = try await knowledge.search(
            item.subject + "\n" + first.text.prefix(2000), brand: brand,
            filter: ArticleFilter(reader: try await reader(for: item), statuses: [.published]), limit: 3)
        let rated = BotConfidence.rate(
            found.hits.map { ($0.article, $0.score) }, terms: found.terms, unknown: found.unknown,
            focus: SearchAnalyzer.queryTerms(item.subject, language: nil)
        ).filter { $0.confidence >= policy.unsureAt }
        guard !rated.isEmpty else { return false }
        let slug = owner.slug
        let now = store.environment.now()
        var conversation = BotConversation(
            caseID: item.id, brandID: brand, contactID: item.contactID, contactPoint: item.contactPoint, serviceModel: item.serviceModel,
            language: language, state: .waiting, shown: rated.map(\.article.id), startedAt: item.createdAt, lastAt: now, handedOffAt: item.createdAt,
            handOffReason: .personAnswers)
        conversation.ask = .nothing
        let text = ChatbotWords(language).whileWaiting(rated.map { ($0.article.content.title, link($0.article, slug: slug)) })
        let reply = NewInteraction(
            direction: .outbound, contactPoint: .chatbot, body: text,
            metadata: ["assistant": "suggest", "articles": rated.map { $0.article.id.text }.joined(separator: ",")], automatic: true)
        return try await store.recordBotTurn(BotTurnWrite(conversation: conversation, answering: first, reply: reply))
    }

    /// A person answered a handed-off conversation, or the case was resolved: the state follows.
    public func personAnswered(caseID: CaseID, brand: BrandID) async throws {
        _ = try await store.moveBotConversation(caseID: caseID, brand: brand, from: [.waiting], to: .human)
    }

    public func caseResolved(caseID: CaseID, brand: BrandID) async throws {
        _ = try await store.moveBotConversation(caseID: caseID, brand: brand, from: [.bot, .waiting, .human], to: .resolved)
    }

    /// Ends the conversations the assistant holds that went silent (`idleLimit`): the case is
    /// resolved, the conversation over. Returns how many ended.
    @discardableResult
    public func endIdle() async throws -> Int {
        let now = store.environment.now()
        var ended = 0
        for item in try await store.idleBotConversations(before: now.addingTimeInterval(-Self.idleLimit(.webChat)))
        where now.timeIntervalSince(item.lastAt) >= Self.idleLimit(item.contactPoint) {
            // The case first: should the process stop in between, its status event moves the
            // conversation on through the listener all the same.
            let current = try await store.case(item.caseID, brand: item.brandID)
            if current.status.isActive {
                _ = try await store.updateCase(
                    item.caseID, brand: item.brandID, actor: .system,
                    update: CaseUpdate(status: .resolved, reason: "the customer did not write again after the assistant's answer"))
            }
            guard try await store.moveBotConversation(caseID: item.caseID, brand: item.brandID, from: [.bot], to: .resolved) else { continue }
            ended += 1
        }
        return ended
    }

    /// The conversation the assistant had on a case, for the case page and the API.
    public func conversation(caseID: CaseID, brand: BrandID) async throws -> BotConversation? {
        try await store.botConversation(caseID: caseID, brand: brand)
    }

    /// Deflection per contact point, model and article over conversations started in
    /// [`from`, `to`): see `Store.deflection`. The window is seven days.
    public func deflection(brand: BrandID, from: Date, to: Date) async throws -> [DeflectionRow] {
        try await store.deflection(brand: brand, from: from, to: to, window: Self.deflectionWindow, now: store.environment.now())
    }

    /// A conversation counts as solved by self-service only if its contact has no human
    /// contact this long afterwards.
    public static let deflectionWindow: TimeInterval = 7 * 24 * 3600

    // MARK: Composing

    private func compose(
        _ action: BotAction, conversation: BotConversation, item: Case, brand: Brand, policy: ChatbotPolicy, reach: HumanReach
    ) async throws
        -> (text: String, metadata: [String: String])
    {
        let words = ChatbotWords(conversation.language)
        // The way to a person is shown only where the model offers one; asking still works.
        let person = policy.handOff != .never && reach.offersPerson
        switch action {
        case .answer(let article):
            let content = article.content
            let url = link(article, slug: brand.slug)
            let metadata = [
                "articleId": article.id.text, "articleVersion": String(article.version),
                "replies": (words.solvedReplies + (person ? [words.personReply] : [])).joined(separator: "\n"),
            ]
            if item.contactPoint == .email {
                return (
                    words.emailAnswer(title: content.title, summary: content.summary, link: url, reference: "\(brand.casePrefix) #\(item.number)"),
                    metadata
                )
            }
            return (words.answer(title: content.title, summary: content.summary, link: url, personOnRequest: person), metadata)
        case .choose(let articles):
            let options = articles.map { ($0.content.title, link($0, slug: brand.slug)) }
            return (
                words.choose(options),
                [
                    "articles": articles.map(\.id.text).joined(separator: ","),
                    "replies": (articles.indices.map { String($0 + 1) } + (person ? [words.personReply] : [])).joined(separator: "\n"),
                ]
            )
        case .clarify:
            let reader = try await reader(for: item)
            let topics = try await knowledge.categories(
                brand: item.brandID, filter: ArticleFilter(reader: reader, language: conversation.language, statuses: [.published]))
            return (words.clarify(topics: topics.map(\.name)), [:])
        case .rephrase:
            return (words.rephrase, person ? ["replies": words.personReply] : [:])
        case .offerPerson:
            return (words.offerPerson, ["replies": words.personReply])
        case .handOff:
            if item.contactPoint == .webChat {
                let available = try await store.chatAvailability(brand: item.brandID, visitor: nil, identity: nil, model: item.serviceModel)
                return (words.handOff(live: available.mode == .live, waitMinutes: available.waitMinutes, byEmail: false), [:])
            }
            return (words.handOff(live: false, waitMinutes: nil, byEmail: item.contactPoint == .email), [:])
        case .alternatives:
            let mailbox = try await store.mailboxes(brand: item.brandID).first?.address
            return (
                words.alternatives(help: "\(publicURL)/portal/\(brand.slug)/help", portal: "\(publicURL)/portal/\(brand.slug)", email: mailbox,
                                   personIfAsked: policy.handOff != .never), [:]
            )
        case .resolved:
            return (words.resolved, [:])
        }
    }

    func link(_ article: Article, slug: String) -> String {
        "\(publicURL)/portal/\(slug)/help/\(article.id.text)"
    }

    /// Who the customer is as a reader: a chat visitor has proved nothing and reads what
    /// everyone may; a sender by email or number reads what their account may.
    private func reader(for item: Case) async throws -> ArticleReader {
        guard item.contactPoint != .webChat else { return .anonymous }
        return try await knowledge.reader(for: try await store.contact(item.contactID, brand: item.brandID))
    }

    private func titles(_ ids: [ArticleID], brand: BrandID) async throws -> [String] {
        var titles: [String] = []
        for id in ids {
            if let article = try await store.article(id, brand: brand) { titles.append(article.content.title) }
        }
        return titles
    }

    /// The conversation as staff read it in the hand-off note.
    static func transcript(_ messages: [Interaction]) -> [String] {
        messages.filter { $0.direction != .internal }.suffix(20).map { message in
            let who = message.direction == .inbound ? "Customer" : message.contactPoint == .chatbot ? "Assistant" : "Staff"
            let text = message.text.count > 600 ? String(message.text.prefix(599)) + "…" : message.text
            return "\(who): \(text)"
        }
    }

    static func name(_ action: BotAction) -> String {
        switch action {
        case .answer: "answer"
        case .choose: "choose"
        case .clarify: "clarify"
        case .rephrase: "rephrase"
        case .handOff(let reason): "handOff:" + reason.rawValue
        case .offerPerson: "offerPerson"
        case .alternatives(let reason): "alternatives:" + reason.rawValue
        case .resolved: "resolved"
        }
    }
}

extension BotAction {
    /// Whether the case goes to people with this action.
    var handsOff: Bool {
        if case .handOff = self { return true }
        return false
    }
}

extension Interaction {
    /// What the assistant is about to say, as a line of the transcript.
    static func said(_ text: String, on item: Case, at now: Date) -> Interaction {
        Interaction(
            id: UUID(), brandID: item.brandID, contactID: item.contactID, caseID: item.id, contactPoint: .chatbot, direction: .outbound,
            authorKind: .system, authorID: nil, text: text, occurredAt: now)
    }
}
