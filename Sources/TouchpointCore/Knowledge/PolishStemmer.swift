/// A light stemmer for Polish words already folded to ASCII: it cuts the endings of
/// declension and conjugation so the forms a customer types meet the form an article
/// uses ("faktury", "fakturze", "fakturą", "fakturami" → "faktur"; "licznika", "liczniku",
/// "licznikiem" → "licznik"; "zapłacić", "zapłacę" → "zaplac"). It does not know the
/// lexicon: irregular forms stay apart, and prefix matching in the search covers
/// some of them ("zaplac" also finds "zaplacic").
public enum PolishStemmer {
    /// Endings cut, longest first, each leaving at least three letters.
    static let endings: [String] = [String]([
        "owaniami", "owaniach", "owania", "owanie", "owaniu", "aniami", "aniach", "eniami", "eniach",
        "aniem", "eniem", "ania", "anie", "aniu", "enia", "enie", "eniu", "acja", "acji", "acje",
        "ami", "ach", "ego", "emu", "ymi", "imi", "ych", "ich", "iem", "owi", "isz", "imy",
        "ow", "om", "ej", "ym", "im", "em", "ia", "ie", "ii", "iu", "ic", "ac", "ec", "aj", "ij", "al", "ala", "ali", "aly",
        "a", "e", "i", "o", "u", "y",
    ]).sorted { $0.count > $1.count }

    /// Consonant alternations before a locative "-e" that are safe to undo always
    /// ("fakturze" → "faktur", "wodzie" → "wod"), tried before the endings.
    static let alternations: [(String, String)] = [("rze", "r"), ("dzie", "d")]

    /// Alternations that would break other words if undone in the index ("zużycie" is not
    /// "zużyt-"), so a search tries them beside the stem: "wizycie" → "wizyt", "kwocie" →
    /// "kwot", "przeprowadzce" → "przeprowadzk", "nodze" → "nog".
    static let searchAlternations: [(String, String)] = [("cie", "t"), ("ce", "k"), ("dze", "g")]

    /// The stems a searched word may have: its stem, then any alternation's.
    public static func searchStems(_ word: String) -> [String] {
        var stems = [stem(word)]
        for (ending, replacement) in searchAlternations where word.hasSuffix(ending) && word.count - ending.count >= 3 {
            let alternative = String(word.dropLast(ending.count)) + replacement
            if !stems.contains(alternative) { stems.append(alternative) }
        }
        return stems
    }

    public static func stem(_ word: String) -> String {
        guard word.count > 4, word.allSatisfy(\.isASCII), !word.allSatisfy(\.isNumber) else { return word }
        var stem = word
        if let (ending, replacement) = alternations.first(where: { stem.hasSuffix($0.0) && stem.count - $0.0.count >= 3 }) {
            stem = String(stem.dropLast(ending.count)) + replacement
        } else if let ending = endings.first(where: { stem.hasSuffix($0) && stem.count - $0.count >= 3 }) {
            stem = String(stem.dropLast(ending.count))
        }
        // A fleeting "e" ("rachunek" / "rachunku", "wniosek" / "wniosku").
        if stem.hasSuffix("ek") && stem.count >= 6 { stem = String(stem.dropLast(2)) + "k" }
        return stem
    }
}
