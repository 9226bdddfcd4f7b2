import Foundation

/// Turns text into the terms the knowledge base indexes and searches: words folded to
/// lower case without diacritics (so "zaplacic" finds "zapłacić"), stop words dropped,
/// each word cut to its stem in the article's language (so "fakturze" finds "Faktura",
/// "meters" finds "meter"). Articles and queries go through the same steps, and a query
/// of unknown language is stemmed both ways. Whatever a person types becomes plain terms:
/// quotes, `AND`, `*` or emoji never reach a database's query syntax.
public enum SearchAnalyzer {
    /// The words of a text, folded, in order (stop words included: snippets need them).
    public static func words(_ text: String) -> [String] {
        var words: [String] = []
        scan(text) { _, folded in words.append(folded) }
        return words
    }

    /// Calls `word` with the place and the folded form of each word of `text`. Runs over
    /// Unicode scalars with a fast path for ASCII: snippets scan every result's text on
    /// every search. Combining marks belong to their word and fold away.
    static func scan(_ text: String, _ word: (Range<String.Index>, String) -> Void) {
        let scalars = text.unicodeScalars
        var start: String.Index?
        var folded = ""
        var index = scalars.startIndex
        while index < scalars.endIndex {
            let scalar = scalars[index]
            let value = scalar.value
            if value < 0x80 {
                if (0x61...0x7A).contains(value) || (0x30...0x39).contains(value) {
                    if start == nil { start = index }
                    folded.unicodeScalars.append(scalar)
                } else if (0x41...0x5A).contains(value) {
                    if start == nil { start = index }
                    folded.unicodeScalars.append(Unicode.Scalar(value + 0x20)!)
                } else if let begin = start {
                    word(begin..<index, folded)
                    start = nil
                    folded = ""
                }
            } else if scalar.properties.isAlphabetic || scalar.properties.numericType != nil {
                if start == nil { start = index }
                folded += fold(scalar)
            } else if scalar.properties.generalCategory == .nonspacingMark, start != nil {
                // A combining accent of the letter before it: dropped, as diacritics are.
            } else if let begin = start {
                word(begin..<index, folded)
                start = nil
                folded = ""
            }
            index = scalars.index(after: index)
        }
        if let begin = start { word(begin..<scalars.endIndex, folded) }
    }

    /// The indexed terms of a text written in `language`: stems of its words, stop words out.
    public static func indexTerms(_ text: String, language: Language) -> [String] {
        words(text).compactMap { word in isStopWord(word) ? nil : stem(word, language: language) }
    }

    /// The terms of a search, each with the stems it may match: in the query's language,
    /// or in every language when it is not known. At most `limit` words are kept.
    public static func queryTerms(_ text: String, language: Language?, limit: Int = 12) -> [QueryTerm] {
        var seen = Set<String>()
        var terms: [QueryTerm] = []
        for word in words(text) where !isStopWord(word) && seen.insert(word).inserted {
            let languages = language.map { [$0] } ?? Language.allCases
            var stems: [String] = []
            for language in languages {
                let found = language == .pl ? PolishStemmer.searchStems(word) : [stem(word, language: language)]
                for stem in found where !stems.contains(stem) { stems.append(stem) }
            }
            terms.append(QueryTerm(word: word, stems: stems))
            if terms.count == limit { break }
        }
        return terms
    }

    /// A word's stem in a language.
    public static func stem(_ word: String, language: Language) -> String {
        switch language {
        case .pl: PolishStemmer.stem(word)
        case .en: EnglishStemmer.stem(word)
        }
    }

    /// Lower case without diacritics; Polish letters by hand (ł has no decomposition).
    static func fold(_ scalar: Unicode.Scalar) -> String {
        switch scalar {
        case "ą", "Ą": return "a"
        case "ć", "Ć": return "c"
        case "ę", "Ę": return "e"
        case "ł", "Ł": return "l"
        case "ń", "Ń": return "n"
        case "ó", "Ó": return "o"
        case "ś", "Ś": return "s"
        case "ź", "Ź", "ż", "Ż": return "z"
        default: return String(scalar).folding(options: [.diacriticInsensitive, .caseInsensitive], locale: nil).lowercased()
        }
    }

    /// Words that say nothing about what is sought, in either language (folded).
    public static func isStopWord(_ word: String) -> Bool { stopWords.contains(word) }

    static let stopWords: Set<String> = [
        // English
        "a", "an", "the", "and", "or", "of", "to", "in", "on", "at", "by", "for", "from", "with", "about", "into", "is", "are", "was",
        "were", "be", "been", "am", "do", "does", "did", "i", "me", "my", "you", "your", "we", "our", "us", "it", "its", "this", "that",
        "these", "those", "how", "what", "why", "when", "where", "which", "who", "can", "could", "should", "would", "will", "shall",
        "have", "has", "had", "there", "here", "if", "as", "so", "not", "no", "yes", "please", "hi", "hello", "than", "then", "too",
        "very", "just", "get", "got", "but", "think", "also", "because", "would", "like", "need", "want", "know", "any", "some", "still",
        // Polish (folded)
        "w", "z", "ze", "na", "o", "od", "po", "za", "przy", "dla", "bez", "pod", "nad", "przez", "u", "oraz", "lub",
        "albo", "ale", "czy", "jak", "jaki", "jaka", "jakie", "co", "kiedy", "gdzie", "dlaczego", "czemu", "nie", "tak", "ten",
        "ta", "te", "tego", "tej", "sie", "jest", "sa", "byc", "bylo", "byl", "jestem", "mam", "ma", "mi", "mnie", "moj", "moja", "moje",
        "mojej", "mojego", "moim", "ja", "ty", "ona", "wy", "oni", "zeby", "juz", "jeszcze", "tylko", "prosze",
        "witam", "bedzie", "beda", "mozna", "moge", "mozemy", "chce", "chcialbym", "chcialabym", "bo", "chyba", "mysle", "wiem", "potrzebuje",
    ]
}

/// One word of a search and the stems it matches.
public struct QueryTerm: Sendable, Equatable {
    /// The word as typed, folded.
    public var word: String
    public var stems: [String]

    public init(word: String, stems: [String]) {
        self.word = word
        self.stems = stems
    }
}
