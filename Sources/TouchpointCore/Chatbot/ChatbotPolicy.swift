import Foundation

/// What the assistant does for a service model's customers.
public enum ChatbotMode: String, WireEnum {
    /// The assistant answers first; a person only as `HumanHandOff` allows.
    case firstLine
    /// A person answers; the assistant offers articles to read while the customer waits.
    case suggests
    /// The assistant stays out.
    case off
}

/// When a conversation the assistant holds goes to a person.
public enum HumanHandOff: String, WireEnum {
    /// Never: this model has no people answering; the assistant says what else there is.
    case never
    /// When the customer asks for a person.
    case whenAsked
    /// When the customer asks, or when the assistant has no answer or failed twice.
    case whenAskedOrStuck
}

/// How the assistant serves one service model: where it answers, when a person takes over,
/// and how sure it must be before it answers on its own.
public struct ChatbotPolicy: Codable, Equatable, Sendable {
    public var mode: ChatbotMode
    public var handOff: HumanHandOff
    /// Where it answers: web chat, SMS, WhatsApp and email.
    public var contactPoints: [ContactPoint]
    /// From this confidence (0…1) an article is given as the answer.
    public var confidentAt: Double
    /// From this confidence up to three articles are offered to choose from; below it the
    /// assistant has no answer.
    public var unsureAt: Double
    /// Answers that did not help (or questions without an answer) before the assistant
    /// counts as stuck.
    public var failuresBeforeHandOff: Int

    public init(
        mode: ChatbotMode, handOff: HumanHandOff, contactPoints: [ContactPoint] = ChatbotPolicy.answeringPoints, confidentAt: Double = 0.7,
        unsureAt: Double = 0.35, failuresBeforeHandOff: Int = 2
    ) {
        self.mode = mode
        self.handOff = handOff
        self.contactPoints = contactPoints
        self.confidentAt = confidentAt
        self.unsureAt = unsureAt
        self.failuresBeforeHandOff = failuresBeforeHandOff
    }

    enum CodingKeys: String, CodingKey {
        case mode, handOff, contactPoints, confidentAt, unsureAt, failuresBeforeHandOff
    }

    /// Reads a policy; what is left out takes the shipped values.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let mode = try container.decode(ChatbotMode.self, forKey: .mode)
        let handOff = try container.decode(HumanHandOff.self, forKey: .handOff)
        self.init(
            mode: mode, handOff: handOff,
            contactPoints: try container.decodeIfPresent([ContactPoint].self, forKey: .contactPoints) ?? Self.answeringPoints,
            confidentAt: try container.decodeIfPresent(Double.self, forKey: .confidentAt) ?? 0.7,
            unsureAt: try container.decodeIfPresent(Double.self, forKey: .unsureAt) ?? 0.35,
            failuresBeforeHandOff: try container.decodeIfPresent(Int.self, forKey: .failuresBeforeHandOff) ?? 2)
    }

    /// The contact points the assistant can answer on.
    public static let answeringPoints: [ContactPoint] = [.email, .webChat, .sms, .whatsApp]

    /// Whether the assistant takes a new conversation on `point` before any person.
    public func answersFirst(on point: ContactPoint) -> Bool {
        mode == .firstLine && contactPoints.contains(point)
    }

    /// Checks an edited policy.
    public func validated() throws(ValidationError) -> ChatbotPolicy {
        var copy = self
        for point in contactPoints where !Self.answeringPoints.contains(point) {
            throw ValidationError(
                field: "chatbot.contactPoints",
                reason: "the assistant answers on \(Self.answeringPoints.map(\.rawValue).joined(separator: ", ")), not \(point.rawValue)")
        }
        copy.contactPoints = Self.answeringPoints.filter(contactPoints.contains)
        guard confidentAt.isFinite, (0.05...1).contains(confidentAt) else {
            throw ValidationError(field: "chatbot.confidentAt", reason: "must be between 0.05 and 1, got \(confidentAt)")
        }
        guard unsureAt.isFinite, unsureAt > 0, unsureAt < confidentAt else {
            throw ValidationError(field: "chatbot.unsureAt", reason: "must be above 0 and below confidentAt (\(confidentAt)), got \(unsureAt)")
        }
        guard (1...5).contains(failuresBeforeHandOff) else {
            throw ValidationError(field: "chatbot.failuresBeforeHandOff", reason: "must be between 1 and 5, got \(failuresBeforeHandOff)")
        }
        return copy
    }

    /// The shipped defaults: tech-touch is answered by the assistant (a person when asked),
    /// low-touch too (a person when asked or when the assistant is stuck); for mid- and
    /// high-touch a person answers and the assistant suggests reading while they wait.
    public static func defaults(_ model: ServiceModel) -> ChatbotPolicy {
        switch model {
        case .techTouch: ChatbotPolicy(mode: .firstLine, handOff: .whenAsked)
        case .lowTouch: ChatbotPolicy(mode: .firstLine, handOff: .whenAskedOrStuck, contactPoints: [.webChat, .sms, .whatsApp])
        case .midTouch, .highTouch: ChatbotPolicy(mode: .suggests, handOff: .whenAskedOrStuck, contactPoints: [.webChat])
        }
    }
}
