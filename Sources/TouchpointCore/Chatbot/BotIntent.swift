import Foundation

/// What a customer's message means to the assistant, before any search: asking for a
/// person, saying the answer helped or not, picking one of the offered articles, or a
/// question. Read from folded words (no diacritics, lower case), in English and Polish;
/// short messages only, so "my neighbour's agent moved the meter" stays a question.
public enum BotIntent: Equatable, Sendable {
    case person
    case yes
    case no
    /// The n-th (1-based) of the offered articles.
    case choice(Int)
    case question

    /// Reads `text`; `offered` is how many articles the assistant offered last (0: none).
    public static func read(_ text: String, offered: Int) -> BotIntent {
        let words = SearchAnalyzer.words(text)
        let joined = " " + words.joined(separator: " ") + " "
        if words.isEmpty { return .question }
        if offered > 0, let pick = choice(words), pick <= offered { return .choice(pick) }
        if personPhrases.contains(where: joined.contains) || (words.count <= 6 && words.contains(where: isPersonWord)) { return .person }
        if words.count <= 6 {
            let saysNo = words.contains(where: noWords.contains) || noPhrases.contains(where: joined.contains)
            if saysNo { return .no }
            if words.contains(where: yesWords.contains) { return .yes }
        }
        return .question
    }

    /// "2", "#2", "the second", "drugi", "nr 2".
    static func choice(_ words: [String]) -> Int? {
        let meaningful = words.filter { !["the", "one", "number", "nr", "numer", "article", "artykul", "option", "opcja"].contains($0) }
        guard meaningful.count == 1, let word = meaningful.first else { return nil }
        if let number = Int(word), (1...9).contains(number) { return number }
        return ordinals[word]
    }

    static let ordinals: [String: Int] = [
        "first": 1, "second": 2, "third": 3, "pierwszy": 1, "pierwsza": 1, "pierwsze": 1, "pierwszego": 1, "pierwszej": 1, "drugi": 2, "druga": 2,
        "drugie": 2, "drugiego": 2, "drugiej": 2, "trzeci": 3, "trzecia": 3, "trzecie": 3, "trzeciego": 3, "trzeciej": 3,
    ]

    static func isPersonWord(_ word: String) -> Bool {
        personWords.contains(word) || personStems.contains(where: word.hasPrefix)
    }

    static let personWords: Set<String> = [
        "human", "humans", "person", "people", "agent", "agents", "operator", "representative", "rep", "someone", "somebody", "staff", "advisor",
        "adviser", "consultant", "osoba", "osoby", "osobe", "osoba", "agent", "agenta", "operator", "operatora", "ktos", "kogos",
    ]
    /// Polish words bend; their stems are enough ("konsultanta", "człowiekiem", "doradcą").
    static let personStems = ["czlowiek", "konsultant", "pracownik", "doradc", "doradca"]
    static let personPhrases = [
        " talk to a ", " talk to someone ", " speak to a ", " speak with a ", " speak to someone ", " real person ", " live agent ",
        " porozmawiac z ", " rozmawiac z ", " polacz mnie ", " polaczyc z ", " zywy czlowiek ", " zywym czlowiekiem ",
    ]
    static let yesWords: Set<String> = [
        "yes", "yeah", "yep", "yup", "ok", "okay", "thanks", "thank", "thx", "solved", "helped", "great", "perfect", "works", "worked",
        "tak", "dzieki", "dziekuje", "dziekuje", "pomoglo", "super", "swietnie", "rozwiazane", "dziala", "zadzialalo", "jasne",
    ]
    static let noWords: Set<String> = [
        "no", "nope", "not", "didn", "doesn", "wrong", "useless", "unhelpful", "still", "nie", "niestety", "nadal", "dalej", "wciaz", "nic",
    ]
    static let noPhrases = [" didn t ", " doesn t ", " not really ", " nie pomoglo ", " to nie ", " nie to "]
}

/// The language a customer wrote in, when the text says: Polish letters or more Polish
/// than English function words. Nil when it cannot tell (a single word, a number).
public enum LanguageGuess {
    public static func of(_ text: String) -> Language? {
        if text.unicodeScalars.contains(where: { polishLetters.contains($0) }) { return .pl }
        let words = SearchAnalyzer.words(text)
        let polish = words.filter(polishWords.contains).count
        let english = words.filter(englishWords.contains).count
        if polish > english { return .pl }
        if english > polish { return .en }
        return nil
    }

    static let polishLetters = Set("ąćęłńóśźżĄĆĘŁŃÓŚŹŻ".unicodeScalars)
    static let polishWords: Set<String> = [
        "jak", "nie", "jest", "czy", "moj", "moja", "moje", "mam", "mi", "mnie", "sie", "na", "w", "z", "do", "co", "gdzie", "kiedy", "dlaczego",
        "prosze", "dzien", "dobry", "tak", "licznik", "faktura", "faktury", "rachunek", "prad", "oplata", "zaplacic", "przeprowadzka", "dziala",
    ]
    static let englishWords: Set<String> = [
        "how", "the", "is", "my", "i", "can", "do", "what", "where", "when", "why", "to", "a", "of", "and", "please", "hello", "yes", "no",
        "meter", "invoice", "bill", "pay", "payment", "moving", "help", "not", "it",
    ]
}
