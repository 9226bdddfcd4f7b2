import Foundation

/// What the assistant does with one customer message.
public enum BotAction: Equatable, Sendable {
    /// The article answers it: its summary and link, then "did this solve it?".
    case answer(Article)
    /// These may: the customer picks one.
    case choose([Article])
    /// Too little to go on: one question back.
    case clarify
    /// Not that one: ask again in other words.
    case rephrase
    /// To a person, for this reason.
    case handOff(HandOffReason)
    /// The model lets a person take over only when asked: say so.
    case offerPerson
    /// No person answers in this model: what the customer can do instead.
    case alternatives(HandOffReason)
    /// The customer said it helped.
    case resolved
}

/// One turn of the assistant: from the conversation so far, what the customer wrote and
/// what the search found, the action and the conversation after it. Pure: the same input
/// always gives the same turn, whichever contact point it came from.
public enum BotTurn {
    /// - Parameters:
    ///   - intent: what the message means (`BotIntent.read`).
    ///   - candidates: rated search results for the message, best first; for a `choice`, the
    ///     chosen article alone.
    ///   - words: how many searchable words the message had.
    ///   - email: the conversation is by email: one answer, and whatever comes back goes to a person.
    ///   - reach: how the customer's model lets them reach a person: with `onlyIfAsked` a
    ///     stuck assistant points to self-service instead of offering one.
    public static func decide(
        intent: BotIntent, candidates: [BotCandidate], words: Int, conversation: BotConversation, policy: ChatbotPolicy, email: Bool,
        reach: HumanReach = .onRequest, at now: Date
    ) -> (BotAction, BotConversation) {
        var next = conversation
        next.lastAt = now
        let action = choose(intent: intent, candidates: candidates, words: words, conversation: conversation, policy: policy, email: email,
                            offersPerson: reach.offersPerson)
        switch action {
        case .answer(let article):
            next.ask = .solved(article.id)
            next.answers += 1
            next.articleID = article.id
            next.articleVersion = article.version
            if !next.shown.contains(article.id) { next.shown.append(article.id) }
        case .choose(let articles):
            next.ask = .choose(articles.map(\.id))
            next.shown += articles.map(\.id).filter { !next.shown.contains($0) }
        case .clarify:
            next.ask = .clarify
        case .rephrase, .offerPerson:
            next.ask = .nothing
        case .handOff(let reason):
            next.ask = .nothing
            next.state = .waiting
            next.handedOffAt = now
            next.handOffReason = reason
        case .alternatives(let reason):
            next.ask = .nothing
            next.handOffReason = reason
        case .resolved:
            next.ask = .nothing
            next.state = .resolved
            next.endedAt = now
        }
        if case .no = intent, case .solved = conversation.ask { next.failures += 1 }
        if case .question = intent, candidates.first.map({ $0.confidence < policy.unsureAt }) ?? true, words > 0 { next.failures += 1 }
        return (action, next)
    }

    /// `offersPerson`: false where a person is never offered, only given when asked
    /// (`onlyIfAsked`): where the assistant would offer one, it points to what else there is.
    static func choose(
        intent: BotIntent, candidates: [BotCandidate], words: Int, conversation: BotConversation, policy: ChatbotPolicy, email: Bool,
        offersPerson: Bool = true
    ) -> BotAction {
        let pending = conversation.ask
        switch intent {
        case .person:
            return policy.handOff == .never ? .alternatives(.asked) : .handOff(.asked)
        case .yes:
            if case .solved = pending { return .resolved }
        case .no:
            if case .solved = pending {
                if email { return stuck(.notHelped, policy: policy, email: true) }
                return conversation.failures + 1 >= policy.failuresBeforeHandOff ? stuck(.stuck, policy: policy, email: false, offersPerson: offersPerson) : .rephrase
            }
        case .choice:
            if let chosen = candidates.first { return .answer(chosen.article) }
        case .question:
            break
        }
        // Whatever comes back to an automatic email (other than thanks) is for a person.
        if email, conversation.answers > 0 { return stuck(.notHelped, policy: policy, email: true) }
        guard words > 0 else { return .clarify }
        let fresh = candidates.filter { !(conversation.ask == .solved($0.article.id)) }
        guard let best = fresh.first, best.confidence >= policy.unsureAt else {
            if email { return stuck(.noAnswer, policy: policy, email: true) }
            let failures = conversation.failures + 1
            switch policy.handOff {
            case .never: return failures >= policy.failuresBeforeHandOff ? .alternatives(.noAnswer) : .rephrase
            case .whenAsked: return offersPerson ? .offerPerson : .alternatives(failures >= policy.failuresBeforeHandOff ? .stuck : .noAnswer)
            case .whenAskedOrStuck: return .handOff(.noAnswer)
            }
        }
        // One word that several articles answer as well says too little, however the
        // database happened to rank them.
        let ambiguous = words == 1 && fresh.dropFirst().contains { $0.confidence >= policy.confidentAt }
        if ambiguous, !email, pending != .clarify { return .clarify }
        if best.confidence >= policy.confidentAt, !ambiguous { return .answer(best.article) }
        // Unsure: an email gets no menu to reply to; a person reads it.
        if email { return stuck(.noAnswer, policy: policy, email: true) }
        if words == 1, pending != .clarify { return .clarify }
        let options = Array(fresh.filter { $0.confidence >= policy.unsureAt * 0.75 }.prefix(3).map(\.article))
        return options.count == 1 ? .answer(options[0]) : .choose(options)
    }

    /// Out of answers: a person where the model has people (offered, unless the model only
    /// gives one when asked), else what else there is.
    static func stuck(_ reason: HandOffReason, policy: ChatbotPolicy, email: Bool, offersPerson: Bool = true) -> BotAction {
        switch policy.handOff {
        case .never: return .alternatives(reason)
        case .whenAsked: return email ? .handOff(reason) : offersPerson ? .offerPerson : .alternatives(reason)
        case .whenAskedOrStuck: return .handOff(reason)
        }
    }
}
