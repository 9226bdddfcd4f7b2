/// One-letter typos: every word one edit away (a letter dropped, added, changed, or two
/// neighbours swapped). The search keeps the variants the knowledge base actually uses,
/// so "licznk" finds "licznik" and "invocie" finds "invoice".
public enum Typos {
    /// Shorter words have too many neighbours to guess from.
    public static let minimumLength = 4
    static let letters = Array("abcdefghijklmnopqrstuvwxyz")

    /// The words one edit away from `word` (folded), without `word` itself.
    public static func variants(of word: String) -> Set<String> {
        let characters = Array(word)
        guard characters.count >= minimumLength, characters.count <= 30 else { return [] }
        var found = Set<String>()
        for index in 0...characters.count {
            let head = characters[..<index], tail = characters[index...]
            if index < characters.count {
                found.insert(String(head + tail.dropFirst()))
                for letter in letters where letter != characters[index] {
                    found.insert(String(head + [letter] + tail.dropFirst()))
                }
            }
            if index + 1 < characters.count {
                found.insert(String(head + [characters[index + 1], characters[index]] + tail.dropFirst(2)))
            }
            for letter in letters { found.insert(String(head + [letter] + tail)) }
        }
        found.remove(word)
        return found
    }
}
