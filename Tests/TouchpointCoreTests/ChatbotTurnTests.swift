import Foundation
import Testing
import TouchpointCore

/// The assistant's reading of messages and its turns, without a database.
struct ChatbotTurnTests {
    static let now = Date(timeIntervalSince1970: 1_800_000_000)

    static func article(_ title: String) -> Article {
        Article(
            id: UUID(), brandID: UUID(), translationOf: nil,
            content: ArticleDraft(
                title: title, summary: "About \(title.lowercased()).", body: "Body of \(title).", language: .en, status: .published),
            html: "", plainText: "Body of \(title).", version: 3, createdAt: now, updatedAt: now)
    }

    static func conversation(_ point: ContactPoint = .webChat) -> BotConversation {
        BotConversation(
            caseID: UUID(), brandID: UUID(), contactID: UUID(), contactPoint: point, serviceModel: .lowTouch, language: .en, startedAt: now,
            lastAt: now)
    }

    static let policy = ChatbotPolicy(mode: .firstLine, handOff: .whenAskedOrStuck)

    @Test
    func messagesAreReadInEnglishAndPolish() {
        #expect(BotIntent.read("I want to talk to a person", offered: 0) == .person)
        #expect(BotIntent.read("human please", offered: 0) == .person)
        #expect(BotIntent.read("Poproszę konsultanta", offered: 0) == .person)
        #expect(BotIntent.read("chcę porozmawiać z człowiekiem", offered: 0) == .person)
        #expect(BotIntent.read("Talk to a person", offered: 0) == .person)
        #expect(BotIntent.read("Porozmawiam z konsultantem", offered: 0) == .person)
        // A long question that mentions an agent is still a question.
        #expect(
            BotIntent.read("the estate agent says the previous tenant never paid the last electricity bill at this address", offered: 0) == .question)
        #expect(BotIntent.read("Yes, solved", offered: 0) == .yes)
        #expect(BotIntent.read("Tak, pomogło, dzięki", offered: 0) == .yes)
        #expect(BotIntent.read("No", offered: 0) == .no)
        #expect(BotIntent.read("nie pomogło", offered: 0) == .no)
        #expect(BotIntent.read("thanks but it didn't help", offered: 0) == .no)
        #expect(BotIntent.read("2", offered: 3) == .choice(2))
        #expect(BotIntent.read("the second one", offered: 3) == .choice(2))
        #expect(BotIntent.read("trzeci", offered: 3) == .choice(3))
        #expect(BotIntent.read("4", offered: 3) == .question, "there is no fourth")
        #expect(BotIntent.read("2", offered: 0) == .question)
        #expect(BotIntent.read("", offered: 0) == .question)
        #expect(LanguageGuess.of("Jak zapłacić fakturę?") == .pl)
        #expect(LanguageGuess.of("jak zaplacic fakture") == .pl)
        #expect(LanguageGuess.of("How do I pay my invoice?") == .en)
        #expect(LanguageGuess.of("12345") == nil)
    }

    /// `onlyIfAsked` and `onRequest` differ: a stuck assistant offers a person only where the
    /// model offers one; elsewhere it points to self-service, and asking still hands over.
    @Test
    func aPersonIsOfferedOnRequestAndGivenOnlyWhenAskedOtherwise() {
        let whenAsked = ChatbotPolicy(mode: .firstLine, handOff: .whenAsked)
        let nothing = [BotCandidate]()
        let (offered, _) = BotTurn.decide(intent: .question, candidates: nothing, words: 3, conversation: Self.conversation(), policy: whenAsked,
                                          email: false, reach: .onRequest, at: Self.now)
        #expect(offered == .offerPerson)
        let (selfHelp, after) = BotTurn.decide(intent: .question, candidates: nothing, words: 3, conversation: Self.conversation(), policy: whenAsked,
                                               email: false, reach: .onlyIfAsked, at: Self.now)
        #expect(selfHelp == .alternatives(.noAnswer) && after.state == .bot)
        let (asked, handed) = BotTurn.decide(intent: .person, candidates: nothing, words: 0, conversation: Self.conversation(), policy: whenAsked,
                                             email: false, reach: .onlyIfAsked, at: Self.now)
        #expect(asked == .handOff(.asked) && handed.state == .waiting)
        #expect(!HumanReach.onlyIfAsked.offersPerson && HumanReach.onRequest.offersPerson)
        // The chat widget's notice says a person can be asked for only where one is offered.
        let estimate = WaitEstimate(humanAvailable: true, minutes: 2, probabilityOfWaiting: 0.1, demandExceedsCapacity: false, explanation: "")
        let onRequest = ChatAvailability.decide(estimate: estimate, policy: nil, assistant: whenAsked, assistantReach: .onRequest)
        let onlyIfAsked = ChatAvailability.decide(estimate: estimate, policy: nil, assistant: whenAsked, assistantReach: .onlyIfAsked)
        #expect(onRequest.notice.contains("Ask for a person") && !onlyIfAsked.notice.contains("person"))
        #expect(ChatbotWords(.en).alternatives(help: "h", portal: "p", email: nil, personIfAsked: true).hasPrefix("I cannot answer this. What you can do:"))
    }

    @Test
    func aConfidentAnswerAsksWhetherItSolvedItAndYesResolves() {
        let meter = Self.article("Reading the meter")
        let (answer, asked) = BotTurn.decide(
            intent: .question, candidates: [BotCandidate(article: meter, confidence: 0.9)], words: 3, conversation: Self.conversation(),
            policy: Self.policy,
            email: false, at: Self.now)
        #expect(answer == .answer(meter))
        #expect(asked.ask == .solved(meter.id) && asked.answers == 1 && asked.articleVersion == 3 && asked.shown == [meter.id])
        let (done, resolved) = BotTurn.decide(
            intent: .yes, candidates: [], words: 0, conversation: asked, policy: Self.policy, email: false, at: Self.now)
        #expect(done == .resolved && resolved.state == .resolved && resolved.endedAt == Self.now)
    }

    @Test
    func unsureOffersUpToThreeAndNothingFoundFollowsTheHandOffRules() {
        let articles = (1...4).map { Self.article("Article \($0)") }
        let unsure = articles.map { BotCandidate(article: $0, confidence: 0.5) }
        let (choose, offered) = BotTurn.decide(
            intent: .question, candidates: unsure, words: 3, conversation: Self.conversation(), policy: Self.policy, email: false, at: Self.now)
        #expect(choose == .choose(Array(articles.prefix(3))))
        #expect(offered.ask == .choose(articles.prefix(3).map(\.id)))
        // One vague word: a question back first.
        let (clarify, _) = BotTurn.decide(
            intent: .question, candidates: unsure, words: 1, conversation: Self.conversation(), policy: Self.policy, email: false, at: Self.now)
        #expect(clarify == .clarify)
        // Nothing above the threshold: by the policy's hand-off rule.
        let weak = [BotCandidate(article: articles[0], confidence: 0.1)]
        for (handOff, expected) in [(HumanHandOff.whenAskedOrStuck, BotAction.handOff(.noAnswer)), (.whenAsked, .offerPerson), (.never, .rephrase)] {
            var policy = Self.policy
            policy.handOff = handOff
            let (action, next) = BotTurn.decide(
                intent: .question, candidates: weak, words: 4, conversation: Self.conversation(), policy: policy, email: false, at: Self.now)
            #expect(action == expected, "\(handOff)")
            #expect(next.failures == 1)
        }
        // The thresholds are the policy's: the same candidate is an answer under a lower bar.
        var lenient = Self.policy
        lenient.confidentAt = 0.45
        let (answer, _) = BotTurn.decide(
            intent: .question, candidates: unsure, words: 3, conversation: Self.conversation(), policy: lenient, email: false, at: Self.now)
        #expect(answer == .answer(articles[0]))
    }

    @Test
    func failingTwiceOrAskingHandsOverExceptWhereNoPersonAnswers() {
        let meter = Self.article("Reading the meter")
        var conversation = Self.conversation()
        conversation.ask = .solved(meter.id)
        let (first, once) = BotTurn.decide(
            intent: .no, candidates: [], words: 0, conversation: conversation, policy: Self.policy, email: false, at: Self.now)
        #expect(first == .rephrase && once.failures == 1)
        var again = once
        again.ask = .solved(meter.id)
        let (second, twice) = BotTurn.decide(
            intent: .no, candidates: [], words: 0, conversation: again, policy: Self.policy, email: false, at: Self.now)
        #expect(second == .handOff(.stuck) && twice.state == .waiting && twice.handedOffAt == Self.now && twice.handOffReason == .stuck)
        let (asked, _) = BotTurn.decide(
            intent: .person, candidates: [], words: 0, conversation: Self.conversation(), policy: Self.policy, email: false, at: Self.now)
        #expect(asked == .handOff(.asked))
        var nobody = Self.policy
        nobody.handOff = .never
        let (alternatives, stays) = BotTurn.decide(
            intent: .person, candidates: [], words: 0, conversation: Self.conversation(), policy: nobody, email: false, at: Self.now)
        #expect(alternatives == .alternatives(.asked) && stays.state == .bot && stays.handedOffAt == nil)
    }

    @Test
    func emailGetsOneAnswerAndWhateverComesBackGoesToAPerson() {
        let notice = Self.article("Overdue notice")
        let techTouch = ChatbotPolicy.defaults(.techTouch)
        let (answer, answered) = BotTurn.decide(
            intent: .question, candidates: [BotCandidate(article: notice, confidence: 0.8)], words: 5, conversation: Self.conversation(.email),
            policy: techTouch,
            email: true, at: Self.now)
        #expect(answer == .answer(notice))
        let (back, handed) = BotTurn.decide(
            intent: .question, candidates: [BotCandidate(article: notice, confidence: 0.9)], words: 8, conversation: answered, policy: techTouch,
            email: true,
            at: Self.now)
        #expect(back == .handOff(.notHelped) && handed.state == .waiting)
        let (thanks, _) = BotTurn.decide(intent: .yes, candidates: [], words: 0, conversation: answered, policy: techTouch, email: true, at: Self.now)
        #expect(thanks == .resolved)
        // No menu by email: unsure goes to a person.
        let (unsure, _) = BotTurn.decide(
            intent: .question, candidates: [BotCandidate(article: notice, confidence: 0.5)], words: 5, conversation: Self.conversation(.email),
            policy: techTouch,
            email: true, at: Self.now)
        #expect(unsure == .handOff(.noAnswer))
    }

    @Test
    func policiesAreCheckedAndOldStoredPoliciesReadWithTheDefaults() throws {
        #expect(ChatbotPolicy.defaults(.techTouch).answersFirst(on: .email))
        #expect(!ChatbotPolicy.defaults(.lowTouch).answersFirst(on: .email) && ChatbotPolicy.defaults(.lowTouch).answersFirst(on: .webChat))
        #expect(ChatbotPolicy.defaults(.highTouch).mode == .suggests)
        var bad = ChatbotPolicy.defaults(.techTouch)
        bad.unsureAt = 0.9
        #expect(throws: ValidationError.self) { try bad.validated() }
        bad = ChatbotPolicy.defaults(.techTouch)
        bad.contactPoints = [.phone]
        #expect(throws: ValidationError.self) { try bad.validated() }
        // A policy stored before the assistant existed reads with the model's defaults.
        var old = ServicePolicy.defaults(.lowTouch)
        old.chatbot = nil
        let stored = try JSONEncoder().encode(old)
        #expect((try JSONSerialization.jsonObject(with: stored) as? [String: Any])?["chatbot"] == nil)
        let read = try JSONDecoder().decode(ServicePolicy.self, from: stored)
        #expect(read.assistant == ChatbotPolicy.defaults(.lowTouch))
        let partial = try JSONDecoder().decode(ChatbotPolicy.self, from: Data(#"{"mode":"firstLine","handOff":"never"}"#.utf8))
        #expect(partial.contactPoints == ChatbotPolicy.answeringPoints && partial.confidentAt == 0.7)
        for text in ["", "solved:nonsense", "choose:", "clarify"] {
            #expect(BotAsk(storageText: BotAsk(storageText: text).storageText) == BotAsk(storageText: text))
        }
        let ids = [UUID(), UUID()]
        #expect(BotAsk(storageText: BotAsk.choose(ids).storageText) == .choose(ids))
    }
}
