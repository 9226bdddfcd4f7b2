/// The words of the customer portal's own pages (requests, a request, signing in, the
/// profile) in each language customers read. Stored, not computed, so templates can read them.
public struct PortalWords: Sendable {
    public let language: Language
    public let yourRequests: String
    public let intro: String
    public let rateQuestion: String
    public let rateLink: String
    public let rateAfter: String
    public let yourBills: String
    public let comingUp: String
    public let promised: String
    public let promisedBy: String
    public let noRequests: String
    public let request: String
    public let subject: String
    public let status: String
    public let startedOn: String
    public let lastChange: String
    public let askNew: String
    public let howCanWeHelp: String
    public let send: String
    public let statusLabel: String
    public let you: String
    public let yourMessage: String
    public let closed: String
    public let closedAfter: String
    public let signInTo: String
    public let signedOut: String
    public let linkSentBefore: String
    public let linkSentAfter: String
    public let yourEmail: String
    public let emailMeALink: String
    public let passwordInstead: String
    public let email: String
    public let password: String
    public let signIn: String
    public let continueToRequests: String
    public let yourProfile: String
    public let name: String
    public let reachYou: String
    public let noPreference: String
    public let newPassword: String
    public let firstPassword: String
    public let passwordRule: String
    public let removePassword: String
    public let save: String
    public let howWeKnowYou: String
    public let profileSaved: String
    public let messageAdded: String
    public let requestReceived: String
    public let technicianVisit: String
    public let appointment: String
    /// The link to the page in the other language, and its language code.
    public let otherLanguage: String
    public let otherCode: String

    public init(_ language: Language) {
        self.language = language
        let pl = language == .pl
        yourRequests = pl ? "Twoje sprawy" : "Your requests"
        intro = pl
            ? "Wszystko, o co nas pytasz – mailem, telefonicznie, na czacie, w punkcie obsługi czy tutaj – w jednym miejscu."
            : "Everything you asked us, by email, phone, chat, at a desk or here, in one place."
        rateQuestion = pl ? "Jak poradziliśmy sobie ze sprawą" : "How did we do on"
        rateLink = pl ? "Oceń nas" : "Tell us"
        rateAfter = pl ? "– to zajmie chwilę." : "— it takes a moment."
        yourBills = pl ? "Twoje rachunki:" : "Your bills:"
        comingUp = pl ? "Zaplanowane" : "Coming up"
        promised = pl ? "Co Ci obiecaliśmy" : "What we promised you"
        promisedBy = pl ? "do" : "by"
        noRequests = pl ? "Nie masz jeszcze żadnych spraw." : "You have no requests yet."
        request = pl ? "Sprawa" : "Request"
        subject = pl ? "Temat" : "Subject"
        status = pl ? "Stan" : "Status"
        startedOn = pl ? "Zgłoszona przez" : "Started on"
        lastChange = pl ? "Ostatnia zmiana" : "Last change"
        askNew = pl ? "Zapytaj o coś nowego" : "Ask something new"
        howCanWeHelp = pl ? "W czym możemy pomóc?" : "How can we help?"
        send = pl ? "Wyślij" : "Send"
        statusLabel = pl ? "Stan:" : "Status:"
        you = pl ? "Ty" : "You"
        yourMessage = pl ? "Twoja wiadomość" : "Your message"
        closed = pl ? "Ta sprawa jest zamknięta." : "This request is closed."
        closedAfter = pl ? "– zajmiemy się tym od tego miejsca." : "and we will pick it up from here."
        signInTo = pl ? "Logowanie:" : "Sign in to"
        signedOut = pl ? "Wylogowano." : "You are signed out."
        linkSentBefore = pl ? "Jeśli znamy adres" : "If"
        linkSentAfter = pl
            ? ", wysłaliśmy na niego link do logowania. Działa raz, przez 15 minut."
            : " is known to us, a sign-in link is on its way. It works once, for 15 minutes."
        yourEmail = pl ? "Twój adres e-mail" : "Your email address"
        emailMeALink = pl ? "Wyślij mi link do logowania" : "Email me a sign-in link"
        passwordInstead = pl ? "Zaloguj się hasłem" : "Sign in with a password instead"
        email = pl ? "E-mail" : "Email"
        password = pl ? "Hasło" : "Password"
        signIn = pl ? "Zaloguj się" : "Sign in"
        continueToRequests = pl ? "Przejdź do swoich spraw" : "Continue to your requests"
        yourProfile = pl ? "Twój profil" : "Your profile"
        name = pl ? "Imię i nazwisko" : "Name"
        reachYou = pl ? "Jak mamy się z Tobą kontaktować" : "How we should reach you"
        noPreference = pl ? "bez preferencji" : "no preference"
        newPassword = pl ? "Nowe hasło" : "A new password"
        firstPassword = pl ? "Hasło, jeśli wolisz je od linków do logowania" : "A password, if you prefer one to sign-in links"
        passwordRule = pl ? "(co najmniej 10 znaków; nieobowiązkowe)" : "(at least 10 characters; optional)"
        removePassword = pl ? "Usuń moje hasło (logowanie tylko linkiem)" : "Remove my password (sign in by link only)"
        save = pl ? "Zapisz" : "Save"
        howWeKnowYou = pl ? "Po czym Cię rozpoznajemy" : "How we know you"
        profileSaved = pl ? "Zapisaliśmy Twój profil." : "Your profile was saved."
        messageAdded = pl ? "Dodaliśmy Twoją wiadomość." : "Your message was added."
        requestReceived = pl ? "Dziękujemy – otrzymaliśmy Twoją sprawę." : "Thank you — your request was received."
        technicianVisit = pl ? "Wizyta technika" : "Technician's visit"
        appointment = pl ? "Wizyta w punkcie obsługi:" : "Appointment:"
        otherLanguage = pl ? "English" : "Polski"
        otherCode = pl ? "en" : "pl"
    }

    /// A contact point as a customer names it.
    public func point(_ point: ContactPoint) -> String {
        point.label(language)
    }

    /// What an identity is, as the customer reads it beside its value.
    public func identity(_ kind: IdentityKind) -> String {
        kind.words(language)
    }
}
