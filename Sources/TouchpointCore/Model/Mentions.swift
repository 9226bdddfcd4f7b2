import Foundation

/// Colleagues named in an internal note with "@": "@Ola Nowak", "@Ola" (when one colleague
/// has that first name), or "@ola.nowak" (their address before the "@"). Letters are
/// compared without case or accents ("@zoe" finds "Zoé"). An address in the text
/// ("ola@example.com") names nobody: a mention starts a word.
public enum Mentions {
    public struct Person: Sendable {
        public var id: UserID
        public var name: String
        public var email: String

        public init(id: UserID, name: String, email: String) {
            self.id = id
            self.name = name
            self.email = email
        }
    }

    /// The people `text` mentions, each once, in the order they first appear.
    public static func find(in text: String, among people: [Person]) -> [UserID] {
        let handles = self.handles(people)
        var found: [UserID] = []
        let characters = Array(text)
        for (index, character) in characters.enumerated() where character == "@" {
            if index > 0, characters[index - 1].isLetter || characters[index - 1].isNumber || characters[index - 1] == "." { continue }
            let rest = characters[(index + 1)...]
            // The longest handle that the text spells out as whole words wins ("@Ola Nowak"
            // over "@Ola").
            let match = handles.filter { handle in
                guard rest.count >= handle.text.count else { return false }
                let end = rest.index(rest.startIndex, offsetBy: handle.text.count)
                guard fold(String(rest[rest.startIndex..<end])) == handle.text else { return false }
                return end == rest.endIndex || !(rest[end].isLetter || rest[end].isNumber)
            }.max { $0.text.count < $1.text.count }
            if let match, !found.contains(match.id) { found.append(match.id) }
        }
        return found
    }

    /// The short excerpt of a note a mentioned colleague is told.
    public static func excerpt(_ text: String, limit: Int = 140) -> String {
        let line = text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }.joined(separator: " ")
        return line.count <= limit ? line : String(line.prefix(limit - 1)) + "…"
    }

    private static func handles(_ people: [Person]) -> [(id: UserID, text: String)] {
        let firstNames = Dictionary(grouping: people) { fold(firstName($0.name)) }
        return people.flatMap { person -> [(id: UserID, text: String)] in
            var texts = [fold(person.name)]
            let first = fold(firstName(person.name))
            if firstNames[first]?.count == 1 { texts.append(first) }
            if let local = person.email.split(separator: "@").first, !local.isEmpty { texts.append(fold(String(local))) }
            return Set(texts).filter { !$0.isEmpty }.map { (person.id, $0) }
        }
    }

    private static func firstName(_ name: String) -> String {
        String(name.split(separator: " ").first ?? "")
    }

    private static func fold(_ text: String) -> String {
        text.folding(options: [.caseInsensitive, .diacriticInsensitive], locale: nil)
    }
}
