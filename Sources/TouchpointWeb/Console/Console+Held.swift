import Foundation
import Hummingbird
import TouchpointApplication
import TouchpointCore

/// Messages that need an administrator: what came in but could not be taken into the history
/// (mail in quarantine; SMS, WhatsApp, chat and phone messages held with their stage and reason), and
/// what could not be delivered after every attempt. Each can be run again or sent again; what
/// came in can also be thrown away.
extension Console {
    /// How many of each list one page shows; the API and `touchpoint inbox|mail|outbox` page further.
    static let heldPageSize = 100

    func addHeldRoutes(to group: RouterGroup<TouchpointContext>) {
        group.get("admin/held") { request, context in try await heldPage(request, context) }
        group.post("admin/held") { _, context in
            let session = try requireAdmin(context)
            let form = context.form ?? HTMLForm(urlEncoded: "")
            let notice = try await act(on: form, brand: session.user.brandID, actor: .staff(session.user.id), say: context.language)
            return Pages.redirect("/console/admin/held?done=\(HTMLForm.encode(notice))")
        }
    }

    /// Carries out one button of the page and says what happened, in the words shown after the redirect.
    private func act(on form: HTMLForm, brand: BrandID, actor: Actor, say: Language) async throws -> String {
        let id = form.text("id").flatMap(UUID.init(text:))
        switch (form["action"] ?? "", id) {
        case ("rerun-mail", let id?):
            // The administrator looked at it: the per-sender limit that may have held it does not apply.
            let result = try await app.mailInbox.rerunMail(id, brand: brand, actor: actor, force: true)
            return result.outcome == .quarantined
                ? say.say("The email is still held: \(result.reason ?? "no reason given").", "E-mail nadal jest wstrzymany: \(result.reason ?? "nie podano przyczyny").")
                : say.say("The email was taken in.", "E-mail został przyjęty.")
        case ("discard-mail", let id?):
            try await app.mailInbox.discardMail(id, brand: brand, actor: actor)
            return say.say("The email was thrown away.", "E-mail został odrzucony.")
        case ("rerun-envelope", let id?):
            let envelope = try await inbox.rerun(id, brand: brand, actor: actor)
            return envelope.state == .processed ? say.say("The message was taken in.", "Wiadomość została przyjęta.")
                : say.say("The message is still held: \(envelope.reason ?? "no reason given").",
                          "Wiadomość nadal jest wstrzymana: \(envelope.reason ?? "nie podano przyczyny").")
        case ("discard-envelope", let id?):
            _ = try await app.envelopes.discardEnvelope(id, brand: brand, actor: actor)
            return say.say("The message was thrown away.", "Wiadomość została odrzucona.")
        case ("resend", let id?):
            _ = try await app.outbox.retryOutbox(id, brand: brand)
            return say.say("The message will be sent again.", "Wiadomość zostanie wysłana ponownie.")
        case ("resend-all", nil):
            let failed = try await app.outbox.outbox(brand: brand, state: .failed, limit: Self.heldPageSize, cursor: nil).items
            for item in failed { _ = try await app.outbox.retryOutbox(item.id, brand: brand) }
            return say.say(failed.count == 1 ? "1 message will be sent again." : "\(failed.count) messages will be sent again.",
                           "Ponowna wysyłka: " + say.count(failed.count, ("", ""), ("wiadomość", "wiadomości", "wiadomości")) + ".")
        default:
            throw Problem(.badRequest, "the form names no message or no known action")
        }
    }

    struct HeldView {
        var chrome: Chrome
        var notice: String?
        var mail: [HeldMail]
        var anyMail: Bool
        var messages: [HeldMessage]
        var anyMessages: Bool
        var undelivered: [Undelivered]
        var anyUndelivered: Bool
    }

    /// An email in quarantine.
    struct HeldMail {
        var id: String
        var received: TimeText
        var from: String
        var subject: String
        var mailbox: String
        var reason: String
        var attempts: Int
    }

    /// An SMS, WhatsApp or chat message, or a phone event, held at a stage of intake.
    struct HeldMessage {
        var id: String
        var received: TimeText
        var contactPoint: String
        var source: String
        var stage: String
        var reason: String
        var attempts: Int
    }

    /// A message that could not be delivered after every attempt.
    struct Undelivered {
        var id: String
        var created: TimeText
        var contactPoint: String
        var recipient: String
        var what: String
        var caseNumber: Int?
        var error: String
        var attempts: Int
    }

    func heldPage(_ request: Request, _ context: TouchpointContext) async throws -> Response {
        let session = try requireAdmin(context)
        let brand = session.user.brandID
        async let mail = app.mailInbox.inboundMail(brand: brand, state: .quarantined, limit: Self.heldPageSize, cursor: nil)
        async let envelopes = app.envelopes.envelopes(brand: brand, state: .quarantined, limit: Self.heldPageSize, cursor: nil)
        async let failed = app.outbox.outbox(brand: brand, state: .failed, limit: Self.heldPageSize, cursor: nil)
        let undelivered = try await failed.items
        let held = try await mail.items
        let heldMessages = try await envelopes.items
        let numbers = try await app.lookups.caseNumbers(Array(Set(undelivered.compactMap(\.caseID))), brand: brand)
        let say = context.language
        let reader = try await staffReader(brand, say)
        let view = HeldView(
            chrome: Chrome(title: say.say("Held and undelivered messages", "Wstrzymane i niedoręczone wiadomości"), session: session),
            notice: HTMLForm(urlEncoded: request.uri.query ?? "")["done"],
            mail: held.map {
                HeldMail(
                    id: $0.id.text, received: TimeText($0.receivedAt, reader), from: $0.sender ?? $0.envelopeFrom, subject: $0.subject ?? say.say("(no subject)", "(bez tematu)"),
                    mailbox: $0.mailbox, reason: $0.reason ?? "", attempts: $0.attempts)
            },
            anyMail: !held.isEmpty,
            messages: heldMessages.map {
                HeldMessage(
                    id: $0.id.text, received: TimeText($0.receivedAt, reader), contactPoint: $0.contactPoint.label(say), source: $0.source,
                    stage: $0.stage.map { Self.stageText($0, say) } ?? "", reason: $0.reason ?? "", attempts: $0.attempts)
            },
            anyMessages: !heldMessages.isEmpty,
            undelivered: undelivered.map {
                Undelivered(
                    id: $0.id.text, created: TimeText($0.createdAt, reader), contactPoint: $0.contactPoint.label(say), recipient: $0.recipient,
                    what: $0.email?.mail.subject ?? $0.text.map { Self.firstWords($0.text) } ?? "",
                    caseNumber: $0.caseID.flatMap { numbers[$0] }, error: $0.lastError ?? "", attempts: $0.attempts)
            },
            anyUndelivered: !undelivered.isEmpty)
        return pages.render("held", view)
    }

    /// Where intake stopped, as an administrator says it.
    static func stageText(_ stage: IntakeStage, _ say: Language) -> String {
        switch stage {
        case .normalize: say.say("reading the provider's message", "odczytywanie wiadomości od dostawcy")
        case .record: say.say("adding it to the history", "dodawanie do historii")
        }
    }

    /// The start of a text message, enough to recognise it in a list.
    static func firstWords(_ text: String) -> String {
        text.count > 60 ? String(text.prefix(59)) + "…" : text
    }
}
