import Foundation
import TouchpointCore
import TouchpointStore

/// Surveys asked by SMS or WhatsApp, answered by replying with a number: text intake asks
/// here first, and takes the message into the history as usual when it is not an answer.
struct TextSurveyAnswers: Sendable {
    let store: Store

    /// A text message that answers the survey its sender was asked by SMS or WhatsApp ("4",
    /// "4 quick and kind"): recorded with a thank-you text, and true. False when no survey
    /// waits on that contact point for the sender or the text is not a number on its scale:
    /// the message is then an ordinary one.
    func answer(_ message: InboundText, integration: Integration, envelope: UUID) async throws -> Bool {
        let point = integration.kind.contactPoint
        guard !message.text.isBlank, TextKeyword.of(message.text, extraOptOut: Set(integration.optOutKeywords)) == nil else { return false }
        let brand = try await store.brand(integration.brandID)
        guard
            let identity = try? Identity(
                kind: point == .whatsApp ? .whatsApp : .phone, raw: message.from, defaultCallingCode: brand.defaultCallingCode, field: "from"),
            let contact = try await store.surveyContact(identity: identity, brand: brand.id),
            let prompt = try await store.waitingSurvey(contact: contact, brand: brand.id, on: point),
            let reply = SurveyReply.parse(message.text, kind: prompt.kind)
        else { return false }
        let settings = try await store.surveySettings(brand: brand.id)
        let words = CustomerMessages(brand.language)
        let outcome = try await store.answerSurveyByText(
            id: prompt.id, contact: contact, score: reply.score, comment: reply.comment, settings: settings, integration: integration,
            sender: identity.value, thanks: { words.surveyThanks(brand: brand.name, low: $0) }, envelope: envelope)
        return outcome != nil
    }
}
