import Foundation
import Logging
import Testing
import TouchpointApplication
import TouchpointCore
import TouchpointStore
import TouchpointTestSupport

/// The assistant on both databases, over the demo articles: confident, unsure and no
/// answer; hand-off with the transcript and the SLA counted from the first message; a model
/// without people; email answered automatically and then "it did not help"; the state
/// following people; and deflection counted over seven days.
struct ChatbotTests {
    /// A brand with the demo articles, a clock the test moves, and a visitor's chat.
    struct Scene {
        let store: Store
        let app: UseCases
        let inbox: Inbox
        let fixture: Fixture
        let clock: TestClock
        let written: [String: [Language: Article]]

        static func make(_ store: Store, clock: TestClock) async throws -> Scene {
            let fixture = try await Fixture.make(store)
            let app = UseCases(store: store, publicURL: "https://help.example")
            let written = try await app.knowledge.importFiles(try KnowledgeBaseTests.demoArticles(), brand: fixture.brand.id, author: nil)
            return Scene(
                store: store, app: app, inbox: Inbox(store: store, logger: .quiet("inbox")), fixture: fixture, clock: clock, written: written)
        }

        /// A visitor's chat message, taken in and answered as the socket does.
        @discardableResult
        func chat(_ text: String, visitor: String = "visitor-0000000000000001") async throws -> (CaseID, BotAction?) {
            // A second between messages, as between people typing: the history is in time order.
            clock.set(clock.now.addingTimeInterval(1))
            let receipt = try await inbox.receiveChatMessage(
                ChatPayload(visitor: visitor, clientId: UUID().uuidString, text: text, identity: nil, name: nil, leftMessage: false),
                brand: fixture.brand.id)
            let caseID = try #require(receipt.caseID)
            return (caseID, try await app.chatbot.answerLatest(caseID: caseID, brand: fixture.brand.id))
        }

        func lastBotMessage(_ caseID: CaseID) async throws -> Interaction {
            try #require(
                try await store.interactions(caseID: caseID, brand: fixture.brand.id).last {
                    $0.contactPoint == .chatbot && $0.direction == .outbound
                })
        }

        func setAssistant(_ model: ServiceModel, _ change: (inout ChatbotPolicy) -> Void) async throws {
            var policy = try await store.serviceConfig(brand: fixture.brand.id).policy(model)
            var bot = policy.assistant
            change(&bot)
            policy.chatbot = bot
            _ = try await store.setPolicy(policy, brand: fixture.brand.id, actor: .system)
        }

        func article(_ key: String, _ language: Language) throws -> Article {
            try #require(written[key]?[language])
        }
    }

    static let start = Date(timeIntervalSince1970: 1_800_000_000)

    func withScene(_ backend: Backend, _ body: (Scene) async throws -> Void) async throws {
        let clock = TestClock(Self.start)
        try await withStore(backend, environment: clock.environment) { store in
            try await body(try await Scene.make(store, clock: clock))
        }
    }

    @Test(arguments: Backend.available)
    func aConfidentAnswerIsGivenWithItsArticleAndTheCustomerSaysItHelped(_ backend: Backend) async throws {
        try await withScene(backend) { scene in
            let (caseID, action) = try await scene.chat("How do I read my electricity meter?")
            let expected = try scene.article("meter-reading", .en)
            #expect(action == .answer(expected))
            var item = try await scene.store.case(caseID, brand: scene.fixture.brand.id)
            #expect(item.botState == .bot)
            #expect(item.assigneeID == nil && item.teamID == nil, "a conversation the assistant holds is in nobody's queue")
            let said = try await scene.lastBotMessage(caseID)
            #expect(said.metadata["articleId"] == expected.id.text && said.metadata["articleVersion"] == "1")
            #expect(said.text.contains("https://help.example/portal/acme/help/\(expected.id.text)"))
            #expect(said.text.contains(expected.content.summary))
            #expect(said.metadata["replies"]?.contains("Yes, solved") == true)
            // The queues people work from leave it out; the assistant's own queue has it.
            let unassigned = try await scene.store.cases(
                brand: scene.fixture.brand.id, filter: CaseFilter(statuses: [.new, .open], unassigned: true, withAssistant: false), limit: 10,
                cursor: nil)
            #expect(!unassigned.items.contains { $0.id == caseID })
            let held = try await scene.store.cases(brand: scene.fixture.brand.id, filter: CaseFilter(withAssistant: true), limit: 10, cursor: nil)
            #expect(held.items.map(\.id) == [caseID])
            #expect(try await scene.store.assignWaiting(brand: scene.fixture.brand.id) == 0)

            let (_, thanks) = try await scene.chat("Yes, solved")
            #expect(thanks == .resolved)
            item = try await scene.store.case(caseID, brand: scene.fixture.brand.id)
            #expect(item.status == .resolved && item.botState == .resolved)
            let conversation = try #require(try await scene.app.chatbot.conversation(caseID: caseID, brand: scene.fixture.brand.id))
            #expect(conversation.handedOffAt == nil && conversation.answers == 1 && conversation.articleID == expected.id)
            // Answered once: asking again for the same message writes nothing.
            #expect(try await scene.app.chatbot.answerLatest(caseID: caseID, brand: scene.fixture.brand.id) == nil)
        }
    }

    @Test(arguments: Backend.available)
    func anUnsureAnswerOffersArticlesToChooseFromAndAChoiceIsAnswered(_ backend: Backend) async throws {
        try await withScene(backend) { scene in
            let (caseID, action) = try await scene.chat("faktura")
            #expect(action == .clarify, "one word is too little to go on: \(String(describing: action))")
            let (_, offered) = try await scene.chat("faktura termin płatności")
            guard case .choose(let articles)? = offered else {
                Issue.record("expected a choice, got \(String(describing: offered))")
                return
            }
            #expect((2...3).contains(articles.count))
            let said = try await scene.lastBotMessage(caseID)
            #expect(said.text.contains("1. \(articles[0].content.title)"))
            #expect(said.metadata["replies"]?.hasPrefix("1\n2") == true)
            let (_, chosen) = try await scene.chat("2")
            #expect(chosen == .answer(articles[1]))
            #expect(try await scene.lastBotMessage(caseID).metadata["articleId"] == articles[1].id.text)
        }
    }

    @Test(arguments: Backend.available)
    func withNoAnswerTheCaseGoesToAPersonWithTheTranscriptAndTheSLAOfTheFirstMessage(_ backend: Backend) async throws {
        try await withScene(backend) { scene in
            try await scene.setAssistant(.techTouch) { $0.handOff = .whenAskedOrStuck }
            let (caseID, first) = try await scene.chat("How do I read my electricity meter?")
            #expect(first == .answer(try scene.article("meter-reading", .en)))
            let opened = try await scene.store.case(caseID, brand: scene.fixture.brand.id)
            let firstDue = try #require(opened.sla?.clocks.first { $0.kind == .firstResponse }?.dueAt)
            scene.clock.set(Self.start.addingTimeInterval(600))
            let (_, second) = try await scene.chat("No")
            #expect(second == .rephrase)
            scene.clock.set(Self.start.addingTimeInterval(900))
            let (_, third) = try await scene.chat("my solar inverter xq7 firmware keeps rebooting")
            #expect(third == .handOff(.noAnswer))
            let item = try await scene.store.case(caseID, brand: scene.fixture.brand.id)
            #expect(item.botState == .waiting)
            // Its clock still runs from the first message, not from the hand-off.
            #expect(item.sla?.clocks.first { $0.kind == .firstResponse }?.dueAt == firstDue)
            #expect(firstDue == opened.createdAt.addingTimeInterval(Double(ServicePolicy.defaults(.techTouch).sla.normal.firstResponseMinutes) * 60))
            let handedOffAt = scene.clock.now
            let history = try await scene.store.interactions(caseID: caseID, brand: scene.fixture.brand.id)
            let note = try #require(history.first { $0.direction == .internal && $0.contactPoint == .chatbot })
            #expect(note.text.contains("The assistant found no answer."))
            #expect(note.text.contains("How to read your electricity meter"))
            #expect(note.text.contains("Customer: my solar inverter xq7 firmware keeps rebooting"))
            #expect(note.text.contains("Assistant: "))
            let events = try await scene.store.auditLog(brand: scene.fixture.brand.id, caseID: caseID, limit: 100, cursor: nil).items
            #expect(events.contains { $0.type == .caseRouted && $0.occurredAt == handedOffAt })
            #expect(
                events.contains {
                    $0.type == .assistantStateChanged && $0.payload["to"] == .string("waiting") && $0.payload["reason"] == .string("noAnswer")
                })
            // Now it is people's: the unassigned queue shows it, and the assistant is silent.
            let unassigned = try await scene.store.cases(
                brand: scene.fixture.brand.id, filter: CaseFilter(statuses: [.new, .open], unassigned: true, withAssistant: false), limit: 10,
                cursor: nil)
            #expect(unassigned.items.contains { $0.id == caseID } || item.assigneeID != nil)
            let (_, after) = try await scene.chat("hello?")
            #expect(after == nil)
            // A person answers: the conversation is theirs; resolving it ends it.
            _ = try await scene.store.addInteraction(
                caseID: caseID, brand: scene.fixture.brand.id, actor: .staff(scene.fixture.agent.id),
                request: NewInteraction(direction: .outbound, body: "Let me check the inverter for you."))
            try await catchUp(scene)
            #expect(try await scene.store.case(caseID, brand: scene.fixture.brand.id).botState == .human)
            _ = try await scene.store.updateCase(
                caseID, brand: scene.fixture.brand.id, actor: .staff(scene.fixture.agent.id), update: CaseUpdate(status: .resolved))
            try await catchUp(scene)
            #expect(try await scene.store.case(caseID, brand: scene.fixture.brand.id).botState == .resolved)
        }
    }

    @Test(arguments: Backend.available)
    func askingForAPersonInPolishHandsOverAtOnce(_ backend: Backend) async throws {
        try await withScene(backend) { scene in
            let (caseID, action) = try await scene.chat("Chcę rozmawiać z konsultantem")
            #expect(action == .handOff(.asked))
            let said = try await scene.lastBotMessage(caseID)
            #expect(said.text.contains("konsultant"), "answered in Polish: \(said.text)")
            #expect(try await scene.store.case(caseID, brand: scene.fixture.brand.id).botState == .waiting)
        }
    }

    @Test(arguments: Backend.available)
    func aModelWithoutPeopleSaysWhatElseThereIsAndNeverThatSomeoneIsComing(_ backend: Backend) async throws {
        try await withScene(backend) { scene in
            try await scene.setAssistant(.techTouch) { $0.handOff = .never }
            _ = try await scene.store.saveMailbox(
                address: "help@acme.example", brand: scene.fixture.brand.id, teamID: nil, forwardsOpenForSender: false, actor: .system)
            let (caseID, action) = try await scene.chat("I want to talk to a person")
            #expect(action == .alternatives(.asked))
            let said = try await scene.lastBotMessage(caseID).text
            #expect(said.contains("https://help.example/portal/acme/help") && said.contains("help@acme.example"))
            #expect(!said.localizedCaseInsensitiveContains("passing you") && !said.contains("will answer here"))
            let item = try await scene.store.case(caseID, brand: scene.fixture.brand.id)
            #expect(item.botState == .bot && item.teamID == nil && item.assigneeID == nil)
            let (_, again) = try await scene.chat("quantum flux capacitor warranty")
            #expect(again == .rephrase)
            let (_, stuck) = try await scene.chat("zebra helicopter voucher")
            #expect(stuck == .alternatives(.noAnswer))
            #expect(try await scene.store.case(caseID, brand: scene.fixture.brand.id).assigneeID == nil)
        }
    }

    @Test(arguments: Backend.available)
    func anEmailIsAnsweredAutomaticallyAndAReplyThatItDidNotHelpGoesToAPerson(_ backend: Backend) async throws {
        try await withScene(backend) { scene in
            let brand = scene.fixture.brand.id
            _ = try await scene.store.saveMailbox(
                address: "help@acme.example", brand: brand, teamID: nil, forwardsOpenForSender: false, actor: .system)
            let opened = try await scene.store.openCase(
                brand: brand, actor: nil,
                request: try scene.fixture.email(
                    "jan@example.com", subject: "Overdue notice", body: "I received an overdue notice but I think I paid."))
            #expect(opened.case.botState == .bot)
            try await catchUp(scene)
            let expected = try scene.article("overdue-notice", .en)
            let answer = try await scene.lastBotMessage(opened.case.id)
            #expect(answer.metadata["articleId"] == expected.id.text && answer.metadata["assistant"] == "answer")
            #expect(answer.text.contains("reply to this email"))
            let queued = try await scene.store.outbox(brand: brand, state: nil, contactPoints: [.email], limit: 10, cursor: nil).items
            #expect(queued.contains { $0.interactionID == answer.id }, "the answer goes out through the outbox")
            var item = try await scene.store.case(opened.case.id, brand: brand)
            #expect(item.status == .pending && item.botState == .bot)
            // Handed over again by the dispatcher: still one answer.
            try await catchUp(scene)
            #expect(try await scene.store.interactions(caseID: opened.case.id, brand: brand).filter { $0.contactPoint == .chatbot }.count == 1)

            scene.clock.set(Self.start.addingTimeInterval(3600))
            _ = try await scene.store.addInteraction(
                caseID: opened.case.id, brand: brand, actor: .system,
                request: NewInteraction(
                    direction: .inbound, contactPoint: .email, body: "That did not help, I paid on time.",
                    from: try Identity(kind: .email, raw: "jan@example.com")))
            try await catchUp(scene)
            item = try await scene.store.case(opened.case.id, brand: brand)
            #expect(item.botState == .waiting && item.status == .open)
            let conversation = try #require(try await scene.app.chatbot.conversation(caseID: item.id, brand: brand))
            #expect(conversation.handOffReason == .notHelped)
            let note = try #require(try await scene.store.interactions(caseID: item.id, brand: brand).first { $0.direction == .internal })
            #expect(note.text.contains(expected.content.title) && note.text.contains("Customer: That did not help"))
        }
    }

    @Test(arguments: Backend.available)
    func aConversationTheAssistantHoldsRecordsItsBreachButIsNotEscalatedByTime(_ backend: Backend) async throws {
        try await withScene(backend) { scene in
            let brand = scene.fixture.brand.id
            var policy = try await scene.store.serviceConfig(brand: brand).policy(.techTouch)
            policy.escalateOnRisk = true
            _ = try await scene.store.setPolicy(policy, brand: brand, actor: .system)
            let (caseID, _) = try await scene.chat("How do I read my electricity meter?")
            scene.clock.set(Self.start.addingTimeInterval(Double(policy.sla.normal.resolutionMinutes + 60) * 60))
            let pass = try await scene.store.fireDueSLAs(now: scene.clock.now)
            #expect(pass.breaches >= 1 && pass.escalations == 0)
            let item = try await scene.store.case(caseID, brand: brand)
            #expect(item.botState == .bot && item.assigneeID == nil && item.teamID == nil && item.step == .level1)
            let events = try await scene.store.auditLog(brand: brand, caseID: caseID, limit: 100, cursor: nil).items
            #expect(events.contains { $0.type == .slaBreached } && !events.contains { $0.type == .caseEscalated })
        }
    }

    @Test(arguments: Backend.available)
    func anSMSIsAnsweredByTextThroughTheOutboxAndAskingForAPersonHandsOver(_ backend: Backend) async throws {
        try await withScene(backend) { scene in
            let brand = scene.fixture.brand
            let integration = try await scene.store.createIntegration(id: "test-sms", brand: brand.id, kind: .sms, name: "SMS", secret: "s")
            func text(_ id: String, _ words: String) async throws {
                scene.clock.set(scene.clock.now.addingTimeInterval(60))
                _ = try await scene.inbox.accept(try InboxTests.sms(id, text: words, integration: integration, brand: brand))
                try await scene.inbox.processPending()
                try await catchUp(scene)
            }
            try await text("m1", "Jak zapłacić fakturę?")
            let caseID = try #require(try await scene.store.cases(brand: brand.id, filter: CaseFilter(contactPoint: .sms), limit: 1, cursor: nil).items.first?.id)
            let answer = try await scene.lastBotMessage(caseID)
            #expect(answer.metadata["articleId"] == (try scene.article("pay-invoice", .pl)).id.text)
            #expect(answer.text.contains("Czy to rozwiązało sprawę?"), "answered in Polish: \(answer.text)")
            let sent = try await scene.store.outbox(brand: brand.id, state: nil, contactPoints: [.sms], limit: 10, cursor: nil).items
            #expect(sent.count == 1 && sent.first?.interactionID == answer.id && sent.first?.recipient == "+48600100200")
            // The provider retries the webhook and the dispatcher reads back: still one answer.
            _ = try await scene.inbox.accept(try InboxTests.sms("m1", text: "Jak zapłacić fakturę?", integration: integration, brand: brand))
            try await catchUp(scene)
            #expect(try await scene.store.interactions(caseID: caseID, brand: brand.id).filter { $0.contactPoint == .chatbot }.count == 1)
            try await text("m2", "konsultant")
            let item = try await scene.store.case(caseID, brand: brand.id)
            #expect(item.botState == .waiting)
            #expect(try await scene.store.outbox(brand: brand.id, state: nil, contactPoints: [.sms], limit: 10, cursor: nil).items.count == 2)
        }
    }

    @Test(arguments: Backend.available)
    func aWhatsAppMessageIsAnsweredOnWhatsApp(_ backend: Backend) async throws {
        try await withScene(backend) { scene in
            let brand = scene.fixture.brand
            let integration = try await scene.store.createIntegration(id: "test-wa", brand: brand.id, kind: .whatsApp, name: "WhatsApp", secret: "s")
            _ = try await scene.inbox.accept(try InboxTests.sms("w1", from: "+48600300400", text: "How do I pay an invoice?", integration: integration, brand: brand))
            try await scene.inbox.processPending()
            try await catchUp(scene)
            let caseID = try #require(try await scene.store.cases(brand: brand.id, filter: CaseFilter(contactPoint: .whatsApp), limit: 1, cursor: nil).items.first?.id)
            let answer = try await scene.lastBotMessage(caseID)
            #expect(answer.metadata["articleId"] == (try scene.article("pay-invoice", .en)).id.text)
            let sent = try await scene.store.outbox(brand: brand.id, state: nil, contactPoints: [.whatsApp], limit: 10, cursor: nil).items
            #expect(sent.count == 1 && sent.first?.interactionID == answer.id)
        }
    }

    @Test(arguments: Backend.available)
    func deflectionCountsOnlyConversationsWithoutHumanContactForSevenDays(_ backend: Backend) async throws {
        try await withScene(backend) { scene in
            let brand = scene.fixture.brand.id
            // Two visitors get an answer; one of them phones an agent three days later.
            let (solved, _) = try await scene.chat("How do I read my electricity meter?", visitor: "visitor-aaaaaaaaaaaaaaaa")
            let (comesBack, _) = try await scene.chat("How do I read my electricity meter?", visitor: "visitor-bbbbbbbbbbbbbbbb")
            let (handed, _) = try await scene.chat("I want to talk to a person", visitor: "visitor-cccccccccccccccc")
            let returning = try await scene.store.case(comesBack, brand: brand).contactID
            scene.clock.set(Self.start.addingTimeInterval(3 * 86400))
            let call = try await scene.store.openCase(
                brand: brand, actor: .staff(scene.fixture.agent.id),
                request: OpenCase(
                    contactPoint: .phone, from: try await identity(of: returning, scene), subject: "Meter", body: "Called about the meter"))
            _ = try await scene.store.addInteraction(
                caseID: call.case.id, brand: brand, actor: .staff(scene.fixture.agent.id),
                request: NewInteraction(direction: .outbound, contactPoint: .phone, body: "Explained the meter"))
            let range = (Self.start.addingTimeInterval(-60), Self.start.addingTimeInterval(86400))
            var report = try await scene.app.chatbot.deflection(brand: brand, from: range.0, to: range.1)
            #expect(report.reduce(0) { $0 + $1.inWindow } == 2, "within the week nothing is counted either way")
            #expect(report.reduce(0) { $0 + $1.deflected } == 0)
            scene.clock.set(Self.start.addingTimeInterval(8 * 86400))
            report = try await scene.app.chatbot.deflection(brand: brand, from: range.0, to: range.1)
            let chat = report.filter { $0.contactPoint == .webChat }
            #expect(chat.reduce(0) { $0 + $1.conversations } == 3)
            #expect(chat.reduce(0) { $0 + $1.selfService } == 2)
            #expect(chat.reduce(0) { $0 + $1.handedOff } == 1)
            #expect(chat.reduce(0) { $0 + $1.deflected } == 1, "the visitor who phoned is not deflected: \(chat)")
            #expect(chat.first { $0.articleID == (try? scene.article("meter-reading", .en).id) }?.deflected == 1)
            _ = (solved, handed)
        }
    }

    @Test(arguments: Backend.available)
    func aSilentConversationEndsAndASuggestingModelOffersReadingWhileAPersonComes(_ backend: Backend) async throws {
        try await withScene(backend) { scene in
            let brand = scene.fixture.brand.id
            let (caseID, _) = try await scene.chat("How do I pay an invoice?")
            scene.clock.set(Self.start.addingTimeInterval(20 * 60))
            #expect(try await scene.app.chatbot.endIdle() == 0)
            scene.clock.set(Self.start.addingTimeInterval(31 * 60))
            #expect(try await scene.app.chatbot.endIdle() == 1)
            let ended = try await scene.store.case(caseID, brand: brand)
            #expect(ended.status == .resolved && ended.botState == .resolved)

            // Everyone on mid-touch: a person answers, the assistant only suggests.
            var rules = try await scene.store.segmentationRules(brand: brand)
            rules.defaultModel = .midTouch
            _ = try await scene.store.setSegmentationRules(rules, brand: brand, actor: .system)
            let (other, action) = try await scene.chat("How do I pay an invoice?", visitor: "visitor-dddddddddddddddd")
            #expect(action == nil)
            try await catchUp(scene)
            let item = try await scene.store.case(other, brand: brand)
            #expect(item.botState == .waiting)
            let said = try await scene.lastBotMessage(other)
            let title = try scene.article("pay-invoice", .en).content.title
            #expect(said.metadata["assistant"] == "suggest" && said.text.contains(title))
        }
    }

    /// The assistant's answers over the relevance set: how often it answers, how often the
    /// answer is the right article, and how often the right one is among those it offers.
    @Test(arguments: Backend.available)
    func theAssistantAnswersTheRelevanceSetWithTheRightArticle(_ backend: Backend) async throws {
        try await withScene(backend) { scene in
            let queries = try KnowledgeBaseTests.relevanceQueries()
            var answered = 0, right = 0, offeredRight = 0, offered = 0
            var wrong: [String] = []
            for (index, (language, query, key)) in queries.enumerated() {
                let (_, action) = try await scene.chat(query, visitor: String(format: "visitor-%016d", index))
                let want = try scene.article(key, language).translationGroup
                switch action {
                case .answer(let article)?:
                    answered += 1
                    if article.translationGroup == want { right += 1 } else { wrong.append("'\(query)' → \(article.content.title)") }
                case .choose(let articles)?:
                    offered += 1
                    if articles.contains(where: { $0.translationGroup == want }) { offeredRight += 1 }
                default: break
                }
            }
            let precision = Double(right) / Double(max(answered, 1))
            print(
                "assistant on \(backend): \(queries.count) questions, answered \(answered), right \(right) (precision \(precision)), "
                    + "offered a choice \(offered) (right one among them \(offeredRight))")
            for line in wrong { print("  wrong answer: \(line)") }
            #expect(precision >= 0.9, "\(wrong)")
            #expect(Double(right + offeredRight) / Double(queries.count) >= 0.8)
        }
    }

    func catchUp(_ scene: Scene) async throws {
        await EventDispatcher(store: scene.store, listeners: [ChatbotListener(chatbot: scene.app.chatbot)], logger: .quiet("listeners")).catchUp()
    }

    func identity(of contact: ContactID, _ scene: Scene) async throws -> Identity {
        try #require(try await scene.store.contact(contact, brand: scene.fixture.brand.id).identities.first)
    }
}
