/// A light stemmer for English words (lower case ASCII): plurals, "-ing", "-ed", "-ly"
/// and a final "e" go, so "meters", "reading", "moved" and "invoices" meet "meter",
/// "read", "move" and "invoice". Irregular forms ("paid") stay apart.
public enum EnglishStemmer {
    public static func stem(_ word: String) -> String {
        guard word.count > 3, word.allSatisfy(\.isASCII), !word.allSatisfy(\.isNumber) else { return word }
        var stem = word
        if stem.hasSuffix("sses") {
            stem.removeLast(2)
        } else if stem.hasSuffix("ies") || stem.hasSuffix("ied"), stem.count > 4 {
            stem = String(stem.dropLast(3)) + "y"
        } else if stem.hasSuffix("s"), !stem.hasSuffix("ss"), !stem.hasSuffix("us"), !stem.hasSuffix("is") {
            stem.removeLast()
        }
        for ending in ["ing", "ed"] where stem.hasSuffix(ending) {
            let base = stem.dropLast(ending.count)
            // "bring" and "red" keep their letters: the rest must hold a vowel and three letters.
            guard base.count >= 3, base.contains(where: isVowel) else { break }
            stem = String(base)
            if let last = stem.last, stem.count >= 4, stem.dropLast().last == last, !isVowel(last), !"lsz".contains(last) {
                stem.removeLast()
            }
            break
        }
        if stem.hasSuffix("ly"), stem.count > 5 { stem.removeLast(2) }
        if stem.hasSuffix("e"), stem.count > 3 { stem.removeLast() }
        return stem
    }

    static func isVowel(_ character: Character) -> Bool { "aeiouy".contains(character) }
}
