import Foundation
import TouchpointCore
import TouchpointStore

/// The assistant follows the history: it answers every customer message on a conversation
/// it holds, offers reading on a new chat a person will answer, and moves the conversation's
/// state when a person answers or the case is resolved. The chat socket asks the assistant
/// at once for its own messages; this listener is what answers SMS, WhatsApp and email, and
/// anything a crash left unanswered (a message is answered once, however often it is handed
/// over).
public struct ChatbotListener: EventListener {
    let chatbot: Chatbot

    public init(chatbot: Chatbot) {
        self.chatbot = chatbot
    }

    public var name: String { "chatbot" }
    public var interests: Set<EventType> { [.caseCreated, .interactionAdded, .caseStatusChanged] }

    public func handle(_ events: [DomainEvent]) async throws {
        // Most events are of cases the assistant never had: one read finds the few it has.
        let held = try await chatbot.store.botStates(Set(events.compactMap(\.caseID)))
        for event in events {
            guard let caseID = event.caseID else { continue }
            if event.type != .caseCreated, held[caseID] == nil { continue }
            switch event.type {
            case .caseCreated:
                if event.payload["contactPoint"] == .string(ContactPoint.webChat.rawValue) {
                    try await chatbot.suggestWhileWaiting(caseID: caseID, brand: event.brandID)
                }
            case .interactionAdded:
                guard case .string(let raw)? = event.payload["interactionId"], let id = UUID(text: raw) else { continue }
                guard event.payload["automatic"] != .bool(true) else { continue }
                switch event.payload["direction"] {
                case .string("inbound"): try await chatbot.answer(id, caseID: caseID, brand: event.brandID)
                case .string("outbound") where event.actor.kind == .staff: try await chatbot.personAnswered(caseID: caseID, brand: event.brandID)
                default: break
                }
            case .caseStatusChanged:
                if case .string(let to)? = event.payload["to"], to == CaseStatus.resolved.rawValue || to == CaseStatus.closed.rawValue {
                    try await chatbot.caseResolved(caseID: caseID, brand: event.brandID)
                }
            default: break
            }
        }
    }
}
