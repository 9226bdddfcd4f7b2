import TouchpointCore

/// The kiosk's words in the languages it speaks. Customers read them at a distance and in a
/// hurry: short, plain, one idea per line.
enum KioskText {
    static let languages: [String: String] = ["en": "English", "pl": "Polski"]

    static func strings(_ language: String) -> [String: String] {
        var result: [String: String] = [:]
        for (key, values) in table { result[key] = values[language] ?? values["en"] }
        return result
    }

    /// The account's billing facts in the kiosk's language: English as every other contact
    /// point says it, other languages from the same figures.
    static func billing(_ summary: BillingSummary, language: String) -> String {
        guard language == "pl" else { return summary.sentence }
        guard summary.outstandingMinor > 0, let currency = summary.currency else {
            return summary.invoiceCount == 0 ? "Brak faktur" : "Nic do zapłaty"
        }
        var text = "Do zapłaty: \(Money.format(summary.outstandingMinor)) \(currency)"
        if summary.overdueMinor > 0 {
            text += ", w tym po terminie: \(Money.format(summary.overdueMinor)) \(currency) (faktury: \(summary.overdueCount))"
        } else if let next = summary.nextDue {
            text += ", najbliższy termin: \(next)"
        }
        return text
    }

    private static let table: [String: [String: String]] = [
        "welcome": ["en": "Welcome", "pl": "Witamy"],
        "findAnswer": ["en": "Find an answer yourself", "pl": "Znajdź odpowiedź samodzielnie"],
        "helpTitle": ["en": "How can we help?", "pl": "W czym możemy pomóc?"],
        "helpSearch": ["en": "Type a few words", "pl": "Wpisz kilka słów"],
        "search": ["en": "Search", "pl": "Szukaj"],
        "helpTopics": ["en": "Or choose a topic", "pl": "Albo wybierz temat"],
        "helpNothing": ["en": "We found nothing. Try other words, or ask at a desk.", "pl": "Nic nie znaleźliśmy. Spróbuj innych słów albo zapytaj przy stanowisku."],
        "helped": ["en": "Did this help?", "pl": "Czy to pomogło?"],
        "yes": ["en": "Yes", "pl": "Tak"],
        "no": ["en": "No", "pl": "Nie"],
        "thanks": ["en": "Thank you for telling us.", "pl": "Dziękujemy za opinię."],
        "sorry": ["en": "Thank you. If you still need help, take a number for a desk.", "pl": "Dziękujemy. Jeśli nadal potrzebujesz pomocy, pobierz numerek do stanowiska."],
        "backToHelp": ["en": "Back to help", "pl": "Wróć do pomocy"],
        "chooseHow": ["en": "How would you like to start?", "pl": "Jak chcesz zacząć?"],
        "byNumber": ["en": "Customer number or card", "pl": "Numer klienta lub karta"],
        "byPhone": ["en": "Phone number", "pl": "Numer telefonu"],
        "justTicket": ["en": "Take a number without signing in", "pl": "Pobierz numerek bez logowania"],
        "typeNumber": ["en": "Type your customer number", "pl": "Wpisz numer klienta"],
        "typePhone": ["en": "Type your phone number", "pl": "Wpisz numer telefonu"],
        "typeCode": ["en": "Type the code we sent by SMS", "pl": "Wpisz kod wysłany SMS-em"],
        "continue": ["en": "Continue", "pl": "Dalej"],
        "back": ["en": "Back", "pl": "Wstecz"],
        "clear": ["en": "Clear", "pl": "Wyczyść"],
        "erase": ["en": "Erase", "pl": "Usuń"],
        "hello": ["en": "Hello", "pl": "Dzień dobry"],
        "whatToDo": ["en": "What would you like to do?", "pl": "Co chcesz zrobić?"],
        "joinQueue": ["en": "Take a number for a desk", "pl": "Pobierz numerek do stanowiska"],
        "myAccount": ["en": "My account", "pl": "Moje konto"],
        "newRequest": ["en": "New request", "pl": "Nowa sprawa"],
        "notOffered": ["en": "For your account this is done on our website: sign in to the customer portal, or ask our assistant there.",
                       "pl": "Dla Twojego konta tę sprawę załatwisz na naszej stronie: zaloguj się do portalu klienta albo zapytaj tam naszego asystenta."],
        "done": ["en": "Done", "pl": "Zakończ"],
        "chooseCategory": ["en": "What is it about?", "pl": "W jakiej sprawie?"],
        "yourNumber": ["en": "Your number", "pl": "Twój numer"],
        "waitAbout": ["en": "Expected wait", "pl": "Przewidywany czas oczekiwania"],
        "minutes": ["en": "min", "pl": "min"],
        "noDeskOpen": ["en": "No desk for this is open right now.", "pl": "Żadne stanowisko tej sprawy nie jest teraz otwarte."],
        "noDeskNoNumber": ["en": "No desk for this is open right now, so we cannot give you a number for it. Please ask at the information desk or book an appointment.",
                           "pl": "Żadne stanowisko tej sprawy nie jest teraz otwarte, więc nie możemy wydać numerka. Zapytaj w informacji albo umów wizytę."],
        "watchBoard": ["en": "Watch the screen: we call your number to a desk.", "pl": "Obserwuj ekran: wywołamy Twój numer do stanowiska."],
        "openCases": ["en": "Your open requests", "pl": "Twoje otwarte sprawy"],
        "noCases": ["en": "You have no open requests.", "pl": "Nie masz otwartych spraw."],
        "todayVisits": ["en": "Your numbers today", "pl": "Twoje numerki dzisiaj"],
        "promises": ["en": "What we promised you", "pl": "Co Ci obiecaliśmy"],
        "noPromises": ["en": "No open promises.", "pl": "Brak otwartych zobowiązań."],
        "chooseTopic": ["en": "What is your request about?", "pl": "Czego dotyczy sprawa?"],
        "addWords": ["en": "Add a few words (optional)", "pl": "Dodaj kilka słów (opcjonalnie)"],
        "send": ["en": "Send", "pl": "Wyślij"],
        "requestSent": ["en": "We have your request", "pl": "Przyjęliśmy Twoją sprawę"],
        "requestNumber": ["en": "Its number", "pl": "Jej numer"],
        "requestAdded": ["en": "We added this to the request you already have with us", "pl": "Dodaliśmy to do sprawy, którą już u nas masz"],
        "answerBy": ["en": "We will answer the way you prefer to be contacted.", "pl": "Odpowiemy tak, jak wolisz się z nami kontaktować."],
        "notRecognized": ["en": "We could not find that. Check it and try again, or ask at a desk.",
                          "pl": "Nie znaleźliśmy tego. Sprawdź i spróbuj ponownie lub zapytaj przy stanowisku."],
        "codeWrong": ["en": "That code is not right or has expired.", "pl": "Kod jest nieprawidłowy lub wygasł."],
        "tooMany": ["en": "Too many tries. Ask at a desk, or start again.", "pl": "Zbyt wiele prób. Zapytaj przy stanowisku lub zacznij od nowa."],
        "codeSent": ["en": "If we know this number, a code is on its way.", "pl": "Jeśli znamy ten numer, kod jest w drodze."],
        "startingOver": ["en": "Starting over…", "pl": "Zaczynamy od nowa…"],
        "language": ["en": "Language", "pl": "Język"],
        "bills": ["en": "Your bills", "pl": "Twoje rachunki"],
        "visits": ["en": "Technician's visits", "pl": "Wizyty technika"],
        "noVisits": ["en": "No visits planned.", "pl": "Brak zaplanowanych wizyt."],
        "appointments": ["en": "Appointments with us", "pl": "Umówione wizyty u nas"],
        "noAppointments": ["en": "No appointments booked.", "pl": "Brak umówionych wizyt."],
        "checkIn": ["en": "Check in", "pl": "Zgłoś przybycie"],
        "todayAppointment": ["en": "Your appointment today", "pl": "Twoja wizyta dzisiaj"],
        "checkInOpens": ["en": "Check-in opens at", "pl": "Zgłoszenie możliwe od"],
        "checkInClosed": ["en": "This appointment can no longer be checked in. Take a number or ask at a desk.",
                          "pl": "Na tę wizytę nie można się już zgłosić. Pobierz numerek lub zapytaj przy stanowisku."],
        "yourAppointment": ["en": "Appointment at", "pl": "Wizyta o"],
        "calledAtTime": ["en": "We call your number at your appointment time.", "pl": "Wywołamy Twój numer o godzinie wizyty."],
    ]
}
