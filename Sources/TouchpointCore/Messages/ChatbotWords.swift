import Foundation

/// What the assistant says, in English and Polish. Plain text that reads the same in the
/// chat widget, an SMS and an email; links written out in full. It never says a person is
/// coming unless one is, and never names the customer's service model.
public struct ChatbotWords: Sendable, Spoken {
    public let language: Language

    public init(_ language: Language) {
        self.language = language
    }

    /// The widget's line while the assistant answers.
    public func assistantNotice(personOnRequest: Bool) -> String {
        personOnRequest
            ? say(
                "Our assistant answers right away. Ask for a person at any time.",
                "Nasz asystent odpowie od razu. W każdej chwili możesz poprosić o konsultanta.")
            : say("Our assistant answers right away.", "Nasz asystent odpowie od razu.")
    }

    /// The quick replies after an answer, as the customer sends them back.
    public var solvedReplies: [String] { [say("Yes, solved", "Tak, pomogło"), say("No", "Nie")] }
    public var personReply: String { say("Talk to a person", "Porozmawiam z konsultantem") }

    public func answer(title: String, summary: String, link: String, personOnRequest: Bool) -> String {
        let ask =
            personOnRequest
            ? say(
                "Did this solve it? Answer yes or no, or ask for a person.",
                "Czy to rozwiązało sprawę? Odpowiedz tak lub nie albo poproś o konsultanta.")
            : say("Did this solve it? Answer yes or no.", "Czy to rozwiązało sprawę? Odpowiedz tak lub nie.")
        return "\(title)\n\(summary)\n\(say("Read more", "Więcej")): \(link)\n\n\(ask)"
    }

    public func choose(_ options: [(title: String, link: String)]) -> String {
        let list = options.enumerated().map { "\($0.offset + 1). \($0.element.title) — \($0.element.link)" }.joined(separator: "\n")
        return say("These articles may help:", "Te artykuły mogą pomóc:") + "\n" + list + "\n\n"
            + say(
                "Answer with the number of the one that fits, or ask in other words.",
                "Odpowiedz numerem tego, który pasuje, albo zapytaj innymi słowami.")
    }

    public func clarify(topics: [String]) -> String {
        let list = topics.prefix(6).joined(separator: ", ")
        return topics.isEmpty
            ? say("Tell me a little more: what is your question about?", "Napisz proszę trochę więcej: czego dotyczy pytanie?")
            : say(
                "Tell me a little more: what is your question about? For example: \(list).",
                "Napisz proszę trochę więcej: czego dotyczy pytanie? Na przykład: \(list).")
    }

    public var rephrase: String {
        say(
            "Sorry it did not help. Could you describe the problem in other words?",
            "Przykro mi, że to nie pomogło. Czy możesz opisać problem innymi słowami?")
    }

    public var offerPerson: String {
        say(
            "I have no answer to that. Ask in other words, or write \"person\" and one of our team will take over.",
            "Nie znam odpowiedzi na to pytanie. Zapytaj innymi słowami albo napisz „konsultant”, a sprawę przejmie ktoś z naszego zespołu.")
    }

    /// Passed to a person: when someone answers, honestly.
    public func handOff(live: Bool, waitMinutes: Int?, byEmail: Bool) -> String {
        if live {
            let wait = waitMinutes.map { say(" The wait is about \($0) min.", " Czas oczekiwania to około \($0) min.") } ?? ""
            return say(
                "I am passing you to a person now; they will see this conversation.", "Przekazuję rozmowę konsultantowi; zobaczy całą naszą rozmowę.")
                + wait
        }
        if byEmail {
            return say(
                "I have passed your question to our team, with this conversation. A person will answer by email.",
                "Przekazałem pytanie naszemu zespołowi razem z tą rozmową. Odpowie konsultant, mailowo.")
        }
        return say(
            "Nobody from our team is available right now. I have passed your question on with this conversation; a person will answer here as soon as they are back.",
            "Teraz nikt z zespołu nie jest dostępny. Przekazałem pytanie razem z tą rozmową; konsultant odpowie tutaj, gdy tylko wróci.")
    }

    /// What the customer can do instead: no people answer in this model, or (with
    /// `personIfAsked`) one is not offered but answers when asked.
    public func alternatives(help: String, portal: String, email: String?, personIfAsked: Bool = false) -> String {
        var lines = [
            personIfAsked
                ? say("I cannot answer this. What you can do:", "Nie potrafię na to odpowiedzieć. Co możesz zrobić:")
                : say(
                    "I cannot answer this, and no person answers this conversation. What you can do:",
                    "Nie potrafię na to odpowiedzieć, a w tej rozmowie nie odpowiada konsultant. Co możesz zrobić:")
        ]
        lines.append("• " + say("search our help pages: \(help)", "poszukać w pomocy: \(help)"))
        lines.append(
            "• "
                + say(
                    "check and change your account yourself on the customer portal: \(portal)",
                    "sprawdzić i zmienić swoje dane w portalu klienta: \(portal)"))
        if let email {
            lines.append("• " + say("write to us at \(email); we answer every email", "napisać do nas na \(email); odpowiadamy na każdy e-mail"))
        }
        return lines.joined(separator: "\n")
    }

    public var resolved: String {
        say("Glad it helped. Write again any time.", "Cieszę się, że pomogło. Pisz śmiało, gdy będzie trzeba.")
    }

    /// For a model where a person answers: reading while waiting.
    public func whileWaiting(_ options: [(title: String, link: String)]) -> String {
        say(
            "While you wait for a person, these articles may already answer it:",
            "Zanim odpowie konsultant, te artykuły mogą już odpowiedzieć na pytanie:") + "\n"
            + options.map { "• \($0.title) — \($0.link)" }.joined(separator: "\n")
    }

    /// The automatic answer to an email.
    public func emailAnswer(title: String, summary: String, link: String, reference: String) -> String {
        say(
            """
            Hello,

            this article answers questions like yours:

            \(title)
            \(summary)
            \(link)

            If it solved it, there is nothing more to do. If not, reply to this email and a person from our team will take over \(reference), with your message.

            This answer was sent automatically.
            """,
            """
            Dzień dobry,

            ten artykuł odpowiada na pytania takie jak Twoje:

            \(title)
            \(summary)
            \(link)

            Jeśli to rozwiązało sprawę, nic więcej nie trzeba robić. Jeśli nie, odpowiedz na tę wiadomość, a sprawę \(reference) przejmie konsultant z naszego zespołu.

            Ta odpowiedź została wysłana automatycznie.
            """)
    }

    /// The note staff read on a handed-off case.
    public static func handOffNote(reason: HandOffReason, tried: [String], transcript: [String]) -> String {
        let why =
            switch reason {
            case .asked: "The customer asked for a person."
            case .stuck: "The assistant's answers did not help."
            case .noAnswer: "The assistant found no answer."
            case .notHelped: "The customer answered that the automatic answer did not help."
            case .personAnswers: "A person answers this customer; the assistant only suggested reading."
            }
        var lines = ["Handed over by the assistant. " + why]
        lines.append(tried.isEmpty ? "Articles shown: none." : "Articles shown: " + tried.joined(separator: "; ") + ".")
        lines.append("")
        lines.append("Conversation so far:")
        lines += transcript
        return lines.joined(separator: "\n")
    }
}
