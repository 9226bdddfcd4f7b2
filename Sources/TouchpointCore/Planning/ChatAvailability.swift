import Foundation

/// Whether a web chat is answered live by a person or taken as a message answered by email,
/// and what the widget tells the visitor about it.
public struct ChatAvailability: Sendable, Equatable {
    public enum Mode: String, Sendable, Equatable {
        /// A person is there: the chat is answered in the widget.
        case live
        /// Nobody can answer now (closed, nobody qualified, or chat with a person is not part
        /// of the customer's service model): the visitor leaves a message answered by email.
        case message
        /// The assistant answers in the widget at once, from the help articles; a person
        /// takes over where the customer's model allows.
        case assistant
    }

    public var mode: Mode
    /// The expected wait in whole minutes when live (nil when nobody waits or when not live).
    public var waitMinutes: Int?
    /// Said to the visitor; never names the model (customers do not see their tier).
    public var notice: String
    /// Why, for staff and logs (model, hours, queue).
    public var explanation: String

    public init(mode: Mode, waitMinutes: Int?, notice: String, explanation: String) {
        self.mode = mode
        self.waitMinutes = waitMinutes
        self.notice = notice
        self.explanation = explanation
    }

    /// Decides from the wait estimate and, for a known customer, their model's policy: a
    /// model that does not offer web chat (tech-touch by default) is served by a message
    /// answered by email even while agents are free, which is the model deciding the support
    /// level rather than whoever happens to be online.
    ///
    /// `assistant` is the policy of the assistant that would take the chat (the visitor's
    /// model's, or the default model's for a visitor not known yet), given only when the
    /// brand has articles to answer from: an assistant that answers first wins over both.
    /// `assistantReach` is that model's way to a person: the notice offers one only where
    /// the model does.
    public static func decide(
        estimate: WaitEstimate, policy: ServicePolicy?, assistant: ChatbotPolicy? = nil, assistantReach: HumanReach = .onRequest, language: Language = .en
    ) -> ChatAvailability {
        if let assistant, assistant.answersFirst(on: .webChat) {
            let words = ChatbotWords(language)
            return ChatAvailability(
                mode: .assistant, waitMinutes: nil,
                notice: words.assistantNotice(personOnRequest: assistant.handOff != .never && assistantReach.offersPerson),
                explanation: "the assistant answers first (\(assistant.handOff.rawValue))")
        }
        let says = CustomerMessages(language)
        if let policy, !policy.offeredContactPoints.contains(.webChat) {
            return ChatAvailability(
                mode: .message, waitMinutes: nil,
                notice: says.chatByEmail,
                explanation: "the \(policy.model.rawValue) model does not offer web chat")
        }
        guard estimate.humanAvailable else {
            return ChatAvailability(
                mode: .message, waitMinutes: nil,
                notice: says.chatNobodyOnline,
                explanation: estimate.explanation)
        }
        let minutes = estimate.minutes.map { Int($0.rounded(.up)) }.flatMap { $0 > 0 ? $0 : nil }
        return ChatAvailability(
            mode: .live, waitMinutes: minutes,
            notice: says.chatHere(waitMinutes: minutes),
            explanation: estimate.explanation)
    }
}
