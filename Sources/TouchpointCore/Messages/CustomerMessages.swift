import Foundation

/// A language customers are written to in. A brand chooses one; the kiosk lets the customer
/// choose.
public enum Language: String, WireEnum {
    case en, pl
}

/// Every text the product sends to customers, in one place and in each language: the
/// acknowledgement of new mail, sign-in links, kiosk codes, the walk-in queue by text, and
/// appointment invitations. The words are written for people reading them on a phone:
/// what happened, what to do next.
public struct CustomerMessages: Sendable, Spoken {
    public let language: Language

    public init(_ language: Language) {
        self.language = language
    }

    // MARK: Where things stand

    /// Where a request stands, as the customer reads it (never the internal status name):
    /// "pending" means waiting for the customer.
    public func caseStatus(_ status: CaseStatus) -> String {
        switch status {
        case .new: say("received", "przyjęta")
        case .open: say("being worked on", "w realizacji")
        case .pending: say("waiting for your answer", "czeka na Twoją odpowiedź")
        case .resolved: say("solved", "rozwiązana")
        case .closed: say("closed", "zamknięta")
        }
    }

    /// When a person will answer a new request, from the wait estimate for the customer's
    /// model and the team that would take it.
    public func waitForPerson(_ estimate: WaitEstimate) -> String {
        guard estimate.humanAvailable, let minutes = estimate.minutes else {
            return say("Nobody can answer right now: a person will reply as soon as the team is back.",
                       "Teraz nikt nie może odpowiedzieć: odpowiemy, gdy tylko zespół wróci.")
        }
        let rounded = max(1, Int(minutes.rounded(.up)))
        if estimate.demandExceedsCapacity {
            return say("Many requests right now: expect to wait at least \(rounded) min for a person.",
                       "Teraz mamy wiele zgłoszeń: odpowiedź zajmie co najmniej \(rounded) min.")
        }
        if minutes < 1 { return say("A person can answer a new request right away.", "Ktoś może od razu odpowiedzieć na nowe zgłoszenie.") }
        return say("A person usually answers a new request within about \(rounded) min.",
                   "Na nowe zgłoszenie odpowiadamy zwykle w ciągu około \(rounded) min.")
    }

    /// Where a walk-in number stands, as the customer reads it.
    public func ticketState(_ state: Ticket.State) -> String {
        switch state {
        case .waiting: say("waiting", "oczekuje")
        case .called: say("called to a desk", "wezwany do stanowiska")
        case .serving: say("at a desk", "przy stanowisku")
        case .done: say("served", "obsłużony")
        case .noShow: say("missed", "nieobecny")
        case .cancelled: say("cancelled", "anulowany")
        }
    }

    // MARK: Web chat

    /// The widget's line when the customer's model answers chats by email.
    public var chatByEmail: String {
        say("Leave us a message and we will answer by email.", "Zostaw wiadomość, a odpowiemy e-mailem.")
    }

    public var chatNobodyOnline: String {
        say("No one is online now. Leave us a message and we will answer by email.", "Teraz nikogo nie ma. Zostaw wiadomość, a odpowiemy e-mailem.")
    }

    public func chatHere(waitMinutes: Int?) -> String {
        waitMinutes.map { say("We are here — about \($0) min wait.", "Jesteśmy — czekasz około \($0) min.") } ?? say("We are here.", "Jesteśmy tutaj.")
    }

    // MARK: Email

    /// The answer to a person's first message, which opened `reference`.
    public func mailAcknowledgement(reference: String, subject: String) -> String {
        say(
            "Thank you for your message. We have opened case \(reference) about \"\(subject)\" and will answer as soon as we can.\n\n"
                + "To add to it, reply to this email and keep \(reference) in the subject.",
            "Dziękujemy za wiadomość. Założyliśmy sprawę \(reference) w temacie „\(subject)” i odpowiemy najszybciej, jak to możliwe.\n\n"
                + "Aby coś dopisać, odpowiedz na ten e-mail i zostaw \(reference) w temacie.")
    }

    /// The customer portal's sign-in link: the subject and the text.
    public func portalLink(brand: String, link: String) -> (subject: String, text: String) {
        (
            say("Your sign-in link for \(brand)", "Twój link do logowania w \(brand)"),
            say(
                "Open this link within 15 minutes to see your requests with \(brand):\n\n\(link)\n\n"
                    + "If you did not ask for it, ignore this message; nobody can sign in without it.",
                "Otwórz ten link w ciągu 15 minut, aby zobaczyć swoje sprawy w \(brand):\n\n\(link)\n\n"
                    + "Jeśli to nie Ty o niego prosiłeś, zignoruj tę wiadomość; bez linku nikt się nie zaloguje.")
        )
    }

    /// The satisfaction question after a resolved case: one link per answer, each records it
    /// with a click.
    public func csatInvitation(brand: String, reference: String, subject: String, days: Int, link: (Int) -> String) -> (subject: String, text: String) {
        let answers = [
            (5, say("Very satisfied", "Bardzo zadowolony")), (4, say("Satisfied", "Zadowolony")), (3, say("Neither", "Trudno powiedzieć")),
            (2, say("Dissatisfied", "Niezadowolony")), (1, say("Very dissatisfied", "Bardzo niezadowolony")),
        ].map { "  \($0.0) — \($0.1): \(link($0.0))" }.joined(separator: "\n")
        return (
            say("How did we do? \(reference)", "Jak nam poszło? \(reference)"),
            say("Your request \"\(subject)\" (\(reference)) is resolved. How satisfied are you with how \(brand) handled it? One click answers:",
                "Twoja sprawa „\(subject)” (\(reference)) została rozwiązana. Jak oceniasz, jak \(brand) się nią zajął? Wystarczy jedno kliknięcie:")
                + "\n\n" + answers + "\n\n"
                + say("You may add a comment after you answer. The links work once, for \(days) days.",
                      "Po odpowiedzi możesz dodać komentarz. Linki działają raz, przez \(days) dni.")
        )
    }

    /// The recommendation question (0–10), each answer one link.
    public func npsInvitation(brand: String, days: Int, link: (Int) -> String) -> (subject: String, text: String) {
        let answers = (0...10).reversed().map { "  \($0): \(link($0))" }.joined(separator: "\n")
        return (
            say("How likely are you to recommend \(brand)?", "Czy poleciłbyś \(brand)?"),
            say("On a scale from 0 (not at all likely) to 10 (extremely likely), how likely are you to recommend \(brand) to a friend or colleague? One click answers:",
                "W skali od 0 (na pewno nie) do 10 (na pewno tak): jak chętnie poleciłbyś \(brand) znajomym? Wystarczy jedno kliknięcie:")
                + "\n\n" + answers + "\n\n"
                + say("You may add a comment after you answer. The links work once, for \(days) days.",
                      "Po odpowiedzi możesz dodać komentarz. Linki działają raz, przez \(days) dni.")
        )
    }

    /// The page an unsubscribe link opens: what it stops, the button, and the answers.
    public func unsubscribePage(brand: String, address: String) -> (title: String, question: String, button: String, done: String, unknown: String) {
        (say("Stop messages", "Rezygnacja z wiadomości"),
         say("Stop automated messages from \(brand) to \(address)? Replies to your own requests still reach you.",
             "Czy zrezygnować z automatycznych wiadomości od \(brand) na adres \(address)? Odpowiedzi na Twoje zgłoszenia nadal będą docierać."),
         say("Stop these messages", "Rezygnuję"),
         say("Done — \(brand) will send no more automated messages to \(address).",
             "Gotowe — \(brand) nie będzie już wysyłać automatycznych wiadomości na adres \(address)."),
         say("We could not find this link; it may be incomplete.", "Nie znaleźliśmy tego linku; może być niepełny."))
    }

    /// The line under every automated message that lets the customer stop them.
    public func automatedFooter(brand: String, stop: String) -> String {
        say("You receive this from \(brand)'s customer care programme. To stop these messages: \(stop)",
            "Otrzymujesz tę wiadomość w ramach programu opieki \(brand). Aby zrezygnować z takich wiadomości: \(stop)")
    }

    /// A meeting the customer's advisor proposes, with the invitation attached.
    public func meetingProposal(title: String, advisor: String, when: String, timeZone: String) -> String {
        say("\(advisor) would like to meet you: \(title), \(when) (\(timeZone)). The invitation is attached; accept it in your calendar, "
                + "or reply to this message to choose another time.",
            "\(advisor) zaprasza na spotkanie: \(title), \(when) (\(timeZone)). Zaproszenie jest w załączniku; przyjmij je w kalendarzu "
                + "albo odpowiedz na tę wiadomość, aby wybrać inny termin.")
    }

    /// The words of the survey page.
    public func surveyPage(_ kind: SurveyKind) -> SurveyPageWords {
        SurveyPageWords(
            question: kind == .csat
                ? say("How satisfied are you with how we handled your request?", "Jak oceniasz, jak zajęliśmy się Twoją sprawą?")
                : say("How likely are you to recommend us to a friend or colleague?", "Jak chętnie poleciłbyś nas znajomym?"),
            low: kind == .csat ? say("Very dissatisfied", "Bardzo niezadowolony") : say("Not at all likely", "Na pewno nie"),
            high: kind == .csat ? say("Very satisfied", "Bardzo zadowolony") : say("Extremely likely", "Na pewno tak"),
            thanks: say("Thank you — your answer is recorded.", "Dziękujemy — Twoja odpowiedź została zapisana."),
            commentLabel: say("Anything you would like to add? (optional)", "Chcesz coś dodać? (nieobowiązkowe)"),
            send: say("Send", "Wyślij"),
            commentThanks: say("Thank you for your comment.", "Dziękujemy za komentarz."),
            expired: say("This survey link has expired. Thank you all the same.", "Ten link do ankiety wygasł. Mimo to dziękujemy."),
            unknown: say("We could not find this survey; the link may be incomplete.", "Nie znaleźliśmy tej ankiety; link może być niepełny."),
            title: say("Your opinion", "Twoja opinia"))
    }

    /// What became of a technician's visit, as the email carrying its invitation says it.
    public enum VisitChange: Sendable { case booked, moved, cancelled }

    /// A technician's visit, booked, moved or called off; `when` is the visit's time as the
    /// customer reads it ("piątek 4 grudnia, 15:00–17:00").
    public func visit(_ change: VisitChange, when: String, address: String?) -> String {
        switch change {
        case .booked:
            say("A technician will visit you on \(when)\(address.map { " at \($0)" } ?? ""). The invitation is attached for your calendar.",
                "Technik odwiedzi Cię: \(when)\(address.map { ", \($0)" } ?? ""). Zaproszenie do kalendarza jest w załączniku.")
        case .moved:
            say("Your technician's visit has moved to \(when). The updated invitation is attached.",
                "Wizyta technika została przeniesiona na: \(when). Zaktualizowane zaproszenie jest w załączniku.")
        case .cancelled:
            say("Your technician's visit on \(when) is cancelled. We will be in touch about a new date.",
                "Wizyta technika (\(when)) została odwołana. Skontaktujemy się w sprawie nowego terminu.")
        }
    }

    /// An appointment at a service point, booked (with the invitation attached) or cancelled.
    public func deskAppointment(place: String, when: String, timeZone: String, cancelled: Bool) -> String {
        cancelled
            ? say("Your appointment at \(place) on \(when) is cancelled.", "Twoja wizyta w \(place) w dniu \(when) została odwołana.")
            : say(
                "Your appointment at \(place) is booked for \(when) (\(timeZone)). When you arrive, check in at the kiosk with your customer number "
                    + "or phone, or at the desk. The invitation is attached for your calendar.",
                "Twoja wizyta w \(place) jest umówiona na \(when) (\(timeZone)). Po przyjściu zgłoś się w kiosku, podając numer klienta lub telefon, "
                    + "albo przy stanowisku. Zaproszenie do kalendarza jest w załączniku.")
    }

    // MARK: Text messages

    /// A survey by SMS or WhatsApp: answered by replying with a number; the link is for
    /// those who would rather tap.
    public func surveyText(_ kind: SurveyKind, brand: String, reference: String?, link: String) -> String {
        switch kind {
        case .csat:
            let about = reference.map { say(" with how we handled \($0)", " obsługi sprawy \($0)") } ?? ""
            return say(
                "\(brand): how satisfied are you\(about)? Reply with a number from 1 (very dissatisfied) to 5 (very satisfied), and a comment if you like. Or answer here: \(link)",
                "\(brand): jak oceniasz naszą pracę\(about)? Odpowiedz cyfrą od 1 (bardzo źle) do 5 (bardzo dobrze), możesz dopisać komentarz. Albo odpowiedz tutaj: \(link)")
        case .nps:
            return say(
                "\(brand): how likely are you to recommend us to a friend or colleague? Reply with a number from 0 (not at all) to 10 (extremely), and a comment if you like. Or answer here: \(link)",
                "\(brand): jak chętnie poleciłbyś nas znajomym? Odpowiedz liczbą od 0 (na pewno nie) do 10 (na pewno tak), możesz dopisać komentarz. Albo odpowiedz tutaj: \(link)")
        }
    }

    /// The answer to a survey answered by text.
    public func surveyThanks(brand: String, low: Bool) -> String {
        say("\(brand): thank you for your answer.", "\(brand): dziękujemy za odpowiedź.")
            + (low ? say(" We are sorry it was not better; we will get back to you.", " Przykro nam, że nie było lepiej; odezwiemy się.") : "")
    }

    /// The one-time code a kiosk sends to sign a customer in by phone.
    public func kioskCode(brand: String, code: String) -> String {
        say("\(brand): your kiosk code is \(code). It expires in 5 minutes.", "\(brand): Twój kod do kiosku to \(code). Jest ważny 5 minut.")
    }

    /// Answers to a walk-in queue request by text; each goes out as "Brand: …".
    public enum QueueAnswer: Sendable, Equatable {
        case nothingToLeave
        case left(tickets: [String])
        case whichPlace(slugs: [String])
        case alreadyWaiting(ticket: String, place: String)
        case whichService(menu: String)
        /// `minutes` nil: no desk for the service is open now.
        case taken(ticket: String, place: String, service: String, minutes: Int?)
    }

    public func queue(_ answer: QueueAnswer) -> String {
        switch answer {
        case .nothingToLeave:
            say("you have no number waiting in a queue.", "nie masz numerka w kolejce.")
        case .left(let tickets):
            say(
                "you left the queue (\(tickets.joined(separator: ", "))). Text QUEUE to take a new number.",
                "numerek \(tickets.joined(separator: ", ")) anulowany. Wyślij NUMEREK, aby pobrać nowy.")
        case .whichPlace(let slugs):
            say(
                "which service point? Text QUEUE and one of: \(slugs.joined(separator: ", ")).",
                "który punkt obsługi? Wyślij NUMEREK i jeden z: \(slugs.joined(separator: ", ")).")
        case .alreadyWaiting(let ticket, let place):
            say(
                "you already have number \(ticket) at \(place). Text QUEUE LEAVE to give it up.",
                "masz już numerek \(ticket) w \(place). Wyślij NUMEREK REZYGNUJĘ, aby z niego zrezygnować.")
        case .whichService(let menu):
            say("what is your visit about? Text QUEUE and a letter: \(menu).", "w jakiej sprawie? Wyślij NUMEREK i literę: \(menu).")
        case .taken(let ticket, let place, let service, let minutes):
            say(
                "your number is \(ticket) at \(place) (\(service)). "
                    + (minutes.map { "About \($0) min." } ?? "No desk for this is open right now.")
                    + " We will text you when a desk calls you. Text QUEUE LEAVE to give up your place.",
                "Twój numerek to \(ticket) w \(place) (\(service)). "
                    + (minutes.map { "Około \($0) min." } ?? "Teraz żadne stanowisko tego nie obsługuje.")
                    + " Napiszemy, gdy stanowisko Cię wezwie. Wyślij NUMEREK REZYGNUJĘ, aby zwolnić miejsce.")
        }
    }

    /// A desk without a name of its own, by its code.
    public func desk(_ code: String) -> String {
        say("desk \(code)", "stanowisko \(code)")
    }

    /// A desk called a number taken by text.
    public func queueCalled(brand: String, ticket: String, desk: String, place: String) -> String {
        say("\(brand): \(ticket), please come to \(desk) at \(place).", "\(brand): \(ticket), zapraszamy do: \(desk), \(place).")
    }
}
