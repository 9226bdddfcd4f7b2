import Foundation
import Testing
@testable import TouchpointCore

/// Live chat or a message answered by email: the model first, then whether people are there.
struct ChatAvailabilityTests {
    let open = WaitEstimate.estimate(QueueSnapshot(waiting: 3, agents: 2, arrivalsPerHour: 10, averageHandleMinutes: 6, open: true, nextOpening: nil))
    let closed = WaitEstimate.estimate(QueueSnapshot(waiting: 0, agents: 2, arrivalsPerHour: 0, averageHandleMinutes: 6, open: false,
                                                     nextOpening: Date(timeIntervalSince1970: 1_800_000_000)))

    @Test func peopleThereMeansALiveChatWithTheWait() {
        let decided = ChatAvailability.decide(estimate: open, policy: .defaults(.midTouch))
        #expect(decided.mode == .live)
        // Three waiting ahead of two busy agents at six minutes each: the visitor is fourth, 4 × 6 / 2.
        #expect(decided.waitMinutes == 12 && decided.notice.contains("12 min"))
    }

    @Test func closedMeansAMessageAndSaysWhy() {
        let decided = ChatAvailability.decide(estimate: closed, policy: nil)
        #expect(decided.mode == .message && decided.waitMinutes == nil)
        #expect(decided.explanation.hasPrefix("closed until"))
        #expect(decided.notice.contains("email"))
    }

    @Test func aModelWithoutWebChatTakesAMessageEvenWhilePeopleAreFree() {
        let decided = ChatAvailability.decide(estimate: open, policy: .defaults(.techTouch))
        #expect(decided.mode == .message)
        #expect(decided.explanation.contains("techTouch") && !decided.notice.contains("techTouch"))
        // A model that offers web chat is decided by the people and hours alone.
        #expect(ChatAvailability.decide(estimate: open, policy: .defaults(.lowTouch)).mode == .live)
    }

    @Test func anAssistantThatAnswersFirstWinsAndEverythingIsSaidInTheVisitorsLanguage() {
        let assistant = ChatAvailability.decide(estimate: closed, policy: nil, assistant: .defaults(.lowTouch), language: .pl)
        #expect(assistant.mode == .assistant && assistant.notice.contains("konsultanta"))
        let nobody = ChatAvailability.decide(estimate: open, policy: nil, assistant: ChatbotPolicy(mode: .firstLine, handOff: .never), language: .en)
        #expect(nobody.mode == .assistant && !nobody.notice.contains("person"))
        // A model whose assistant only suggests leaves the decision to people and hours.
        #expect(ChatAvailability.decide(estimate: open, policy: .defaults(.midTouch), assistant: .defaults(.midTouch)).mode == .live)
        #expect(ChatAvailability.decide(estimate: closed, policy: nil, language: .pl).notice == "Teraz nikogo nie ma. Zostaw wiadomość, a odpowiemy e-mailem.")
        #expect(ChatAvailability.decide(estimate: open, policy: .defaults(.midTouch), language: .pl).notice.contains("12 min"))
    }
}
