import Foundation

/// A mailbox from an address header: display name and address (lower-cased domain and
/// local part, as identities are matched case-insensitively).
public struct MailAddress: Codable, Equatable, Sendable {
    public var name: String?
    public var address: String

    public init(name: String?, address: String) {
        self.name = name
        self.address = address
    }

    /// The mailboxes of an address list (`From`, `To`, `Cc`, `Reply-To`): quoted names with
    /// commas, comments, groups (`undisclosed-recipients:;`) and bare addresses; names may
    /// be RFC 2047 encoded words. Entries without an `@` are skipped.
    public static func list(_ raw: String) -> [MailAddress] {
        var result: [MailAddress] = []
        for entry in splitTopLevel(raw) {
            var text = entry
            // A group: "name: a, b;" — its members are separate entries already, but the
            // first carries the group name before ':'.
            if let colon = topLevelIndex(of: ":", in: text), !text[..<colon].contains("<"), !text[..<colon].contains("@") {
                text = String(text[text.index(after: colon)...])
            }
            text = text.replacingOccurrences(of: ";", with: "")
            let (withoutComments, comment) = stripComments(text)
            var name: String?
            var address: String
            if let open = withoutComments.lastIndex(of: "<"), let close = withoutComments[open...].firstIndex(of: ">") {
                address = String(withoutComments[withoutComments.index(after: open)..<close])
                name = String(withoutComments[..<open])
            } else {
                address = withoutComments
                name = comment
            }
            address = address.trimmedWhitespace
            if address.lowercased().hasPrefix("mailto:") { address = String(address.dropFirst(7)) }
            guard address.contains("@"), !address.contains(" ") else { continue }
            name = name.map { decodedName($0) }.flatMap { $0.isEmpty ? nil : $0 }
            result.append(MailAddress(name: name, address: address.lowercased()))
        }
        return result
    }

    static func decodedName(_ raw: String) -> String {
        var text = raw.trimmedWhitespace
        if text.hasPrefix("\""), text.hasSuffix("\""), text.count >= 2 { text = HeaderParameters.unquote(text) }
        return EncodedWords.decode(text).trimmedWhitespace
    }

    /// Splits at commas outside quotes, comments and angle brackets.
    static func splitTopLevel(_ raw: String) -> [String] {
        var pieces: [String] = []
        var current = ""
        var quoted = false, escaped = false
        var comment = 0, angle = 0
        for char in raw {
            if escaped { current.append(char); escaped = false; continue }
            switch char {
            case "\\" where quoted || comment > 0: escaped = true
            case "\"" where comment == 0: quoted.toggle()
            case "(" where !quoted: comment += 1
            case ")" where !quoted && comment > 0: comment -= 1
            case "<" where !quoted && comment == 0: angle += 1
            case ">" where !quoted && comment == 0 && angle > 0: angle -= 1
            case "," where !quoted && comment == 0 && angle == 0:
                pieces.append(current)
                current = ""
                continue
            default: break
            }
            current.append(char)
        }
        pieces.append(current)
        return pieces.filter { !$0.trimmedSpaces.isEmpty }
    }

    static func topLevelIndex(of target: Character, in text: String) -> String.Index? {
        var quoted = false
        for index in text.indices {
            if text[index] == "\"" { quoted.toggle() }
            if text[index] == target && !quoted { return index }
        }
        return nil
    }

    /// The text without `(comments)` (outside quotes), and the last comment's text.
    static func stripComments(_ text: String) -> (String, String?) {
        var out = ""
        var comment = ""
        var lastComment: String?
        var depth = 0
        var quoted = false
        for char in text {
            if char == "\"" && depth == 0 { quoted.toggle() }
            if !quoted && char == "(" { depth += 1; if depth == 1 { comment = "" }; continue }
            if !quoted && char == ")" && depth > 0 {
                depth -= 1
                if depth == 0 { lastComment = comment }
                continue
            }
            if depth > 0 { comment.append(char) } else { out.append(char) }
        }
        return (out, lastComment)
    }
}

/// Message-IDs of `Message-ID`, `In-Reply-To` and `References`, in order, without the
/// angle brackets; tolerant of missing brackets and stray text.
public enum MessageIDs {
    public static func parse(_ raw: String?) -> [String] {
        guard let raw else { return [] }
        var ids: [String] = []
        var rest = Substring(raw)
        while let open = rest.firstIndex(of: "<") {
            guard let close = rest[open...].firstIndex(of: ">") else { break }
            let id = rest[rest.index(after: open)..<close].trimmedSpaces
            if id.contains("@") || !id.isEmpty { ids.append(id) }
            rest = rest[rest.index(after: close)...]
        }
        if ids.isEmpty {
            // No brackets at all: whitespace-separated ids that look like addresses.
            ids = raw.split(whereSeparator: { $0 == " " || $0 == "," || $0.isNewline }).map(String.init).filter { $0.contains("@") }
        }
        return ids
    }
}
