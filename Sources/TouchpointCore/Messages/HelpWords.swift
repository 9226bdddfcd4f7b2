/// The words of the help pages customers read on the portal, the kiosk and the chat
/// widget, in each language the knowledge base is written in. Stored, not computed, so
/// page templates can read them.
public struct HelpWords: Sendable {
    public let language: Language
    public let help: String
    public let heading: String
    public let searchLabel: String
    public let searchButton: String
    public let searchHint: String
    public let topics: String
    public let otherLanguage: String
    public let resultsFor: String
    public let noResults: String
    public let askUs: String
    public let didYouMean: String
    public let wasHelpful: String
    public let yes: String
    public let no: String
    public let whatWasMissing: String
    public let send: String
    public let thanks: String
    public let sorry: String
    public let alsoIn: String
    public let back: String
    public let updated: String
    /// Above the articles the chat widget suggests while the visitor types.
    public let mayHelp: String
    /// The portal's header, in the page's language.
    public let yourRequests: String
    public let signIn: String
    public let signOut: String
    public let skip: String

    public init(_ language: Language) {
        self.language = language
        let pl = language == .pl
        help = pl ? "Pomoc" : "Help"
        heading = pl ? "W czym możemy pomóc?" : "How can we help?"
        searchLabel = pl ? "Szukaj w pomocy" : "Search help"
        searchButton = pl ? "Szukaj" : "Search"
        searchHint = pl ? "Na przykład: jak zapłacić fakturę" : "For example: how to pay an invoice"
        topics = pl ? "Tematy" : "Topics"
        otherLanguage = pl ? "English" : "Polski"
        resultsFor = pl ? "Wyniki dla" : "Results for"
        noResults =
            pl
            ? "Nic nie znaleźliśmy. Spróbuj innych słów albo napisz do nas – odpowiemy."
            : "We found nothing. Try other words, or write to us and we will answer."
        askUs = pl ? "Napisz do nas" : "Ask us"
        didYouMean = pl ? "Szukaliśmy też podobnych słów do" : "We also looked for words close to"
        wasHelpful = pl ? "Czy to pomogło?" : "Did this help?"
        yes = pl ? "Tak" : "Yes"
        no = pl ? "Nie" : "No"
        whatWasMissing = pl ? "Czego zabrakło? (nieobowiązkowe)" : "What was missing? (optional)"
        send = pl ? "Wyślij" : "Send"
        thanks = pl ? "Dziękujemy za opinię." : "Thank you for telling us."
        sorry =
            pl
            ? "Dziękujemy. Poprawimy ten tekst. Jeśli potrzebujesz pomocy teraz, napisz do nas."
            : "Thank you. We will improve this page. If you need help now, write to us."
        alsoIn = pl ? "Ten tekst po angielsku" : "This page in Polish"
        back = pl ? "Wróć do pomocy" : "Back to help"
        updated = pl ? "Zaktualizowano" : "Updated"
        mayHelp = pl ? "Te artykuły mogą pomóc:" : "Articles that may help:"
        yourRequests = pl ? "Twoje sprawy" : "Your requests"
        signIn = pl ? "Zaloguj się" : "Sign in"
        signOut = pl ? "Wyloguj się" : "Sign out"
        skip = pl ? "Przejdź do treści" : "Skip to content"
    }
}
