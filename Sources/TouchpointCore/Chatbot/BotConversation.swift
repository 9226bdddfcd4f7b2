import Foundation

/// Where a conversation stands between the assistant and the people of the brand:
/// bot → waiting for a person → with a person → resolved.
public enum BotState: String, WireEnum {
    /// The assistant holds it; no person has it in a queue.
    case bot
    /// Handed off: in the routed queue, nobody has answered yet.
    case waiting
    /// A person has answered.
    case human
    /// Over: solved by the assistant, by a person, or ended.
    case resolved
}

/// Why the assistant handed a conversation to a person (or would have, where no person answers).
public enum HandOffReason: String, WireEnum {
    /// The customer asked for a person.
    case asked
    /// Answers did not help, as often as the policy allows.
    case stuck
    /// The assistant found nothing to answer with.
    case noAnswer
    /// The customer answered an automatic email: it did not solve it.
    case notHelped
    /// The model's people answer; the assistant only suggested reading.
    case personAnswers
}

/// What the assistant is waiting to hear after its last message.
public enum BotAsk: Equatable, Sendable {
    case nothing
    /// Whether the article it gave solved it.
    case solved(ArticleID)
    /// Which of these articles fits.
    case choose([ArticleID])
    /// More words about the question.
    case clarify

    /// As stored: `solved:<id>`, `choose:<id>,<id>`, `clarify` or empty.
    public var storageText: String {
        switch self {
        case .nothing: ""
        case .solved(let id): "solved:" + id.uuidString.lowercased()
        case .choose(let ids): "choose:" + ids.map { $0.uuidString.lowercased() }.joined(separator: ",")
        case .clarify: "clarify"
        }
    }

    public init(storageText: String) {
        let parts = storageText.split(separator: ":", maxSplits: 1).map(String.init)
        switch parts.first {
        case "solved": self = parts.count == 2 ? UUID(uuidString: parts[1]).map(BotAsk.solved) ?? .nothing : .nothing
        case "choose":
            let ids = parts.count == 2 ? parts[1].split(separator: ",").compactMap { UUID(uuidString: String($0)) } : []
            self = ids.isEmpty ? .nothing : .choose(ids)
        case "clarify": self = .clarify
        default: self = .nothing
        }
    }
}

/// One conversation of the assistant with a customer: a case on one contact point, its
/// state, what the assistant asked last, and what it tried.
public struct BotConversation: Sendable, Equatable {
    public var caseID: CaseID
    public var brandID: BrandID
    public var contactID: ContactID
    /// Where the customer wrote (web chat, SMS, WhatsApp, email).
    public var contactPoint: ContactPoint
    public var serviceModel: ServiceModel?
    public var language: Language
    public var state: BotState
    public var ask: BotAsk
    /// Answers that did not help and questions without an answer.
    public var failures: Int
    /// Articles the assistant gave as the answer.
    public var answers: Int
    /// Every article shown so far, in order.
    public var shown: [ArticleID]
    /// The article of the last answer and its version.
    public var articleID: ArticleID?
    public var articleVersion: Int?
    /// The customer's first message.
    public var startedAt: Date
    /// The last message either way.
    public var lastAt: Date
    public var handedOffAt: Date?
    public var handOffReason: HandOffReason?
    public var endedAt: Date?
    /// The customer's message the assistant answered last (its time and id).
    public var answeredAt: Date?
    public var answeredID: InteractionID?

    public init(
        caseID: CaseID, brandID: BrandID, contactID: ContactID, contactPoint: ContactPoint, serviceModel: ServiceModel?, language: Language,
        state: BotState = .bot, ask: BotAsk = .nothing, failures: Int = 0, answers: Int = 0, shown: [ArticleID] = [], articleID: ArticleID? = nil,
        articleVersion: Int? = nil, startedAt: Date, lastAt: Date, handedOffAt: Date? = nil, handOffReason: HandOffReason? = nil, endedAt: Date? = nil
    ) {
        self.caseID = caseID
        self.brandID = brandID
        self.contactID = contactID
        self.contactPoint = contactPoint
        self.serviceModel = serviceModel
        self.language = language
        self.state = state
        self.ask = ask
        self.failures = failures
        self.answers = answers
        self.shown = shown
        self.articleID = articleID
        self.articleVersion = articleVersion
        self.startedAt = startedAt
        self.lastAt = lastAt
        self.handedOffAt = handedOffAt
        self.handOffReason = handOffReason
        self.endedAt = endedAt
    }

    /// Whether `message` was answered already (it is the last one answered, or older).
    public func hasAnswered(_ message: Interaction) -> Bool {
        guard let answeredAt else { return false }
        return answeredAt > message.occurredAt || (answeredAt == message.occurredAt && answeredID == message.id)
    }
}
