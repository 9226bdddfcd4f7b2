import Foundation

/// What a message says about the conversation it belongs to, for threading onto a case:
/// the Message-IDs it answers (In-Reply-To first, then References newest first), a case
/// tag in its subject (`[Acme #1234]`), and the subject without reply and forward prefixes.
public struct ThreadingHints: Equatable, Sendable {
    public var referencedIDs: [String]
    public var caseNumber: Int?
    public var subject: String
    public var isForward: Bool

    public init(headers: MailHeaders, casePrefix: String) {
        var ids = MessageIDs.parse(headers.raw("In-Reply-To"))
        for id in MessageIDs.parse(headers.raw("References")).reversed() where !ids.contains(id) { ids.append(id) }
        referencedIDs = ids
        let rawSubject = headers["Subject"] ?? ""
        caseNumber = ThreadingHints.caseTag(in: rawSubject, prefix: casePrefix)
        (subject, isForward) = ThreadingHints.normalize(rawSubject)
    }

    /// The number of a `[Prefix #123]` tag (case-insensitive prefix, spaces tolerated).
    static func caseTag(in subject: String, prefix: String) -> Int? {
        let lower = subject.lowercased()
        let wanted = prefix.lowercased()
        var search = lower.startIndex
        while let bracket = lower[search...].firstIndex(of: "[") {
            var index = lower.index(after: bracket)
            while index < lower.endIndex, lower[index] == " " { index = lower.index(after: index) }
            guard lower[index...].hasPrefix(wanted) else {
                search = lower.index(after: bracket)
                continue
            }
            let open = index..<lower.index(index, offsetBy: wanted.count)
            index = open.upperBound
            while index < lower.endIndex, lower[index] == " " { index = lower.index(after: index) }
            if index < lower.endIndex, lower[index] == "#" {
                index = lower.index(after: index)
                while index < lower.endIndex, lower[index] == " " { index = lower.index(after: index) }
                let digits = lower[index...].prefix(while: \.isNumber)
                var after = lower.index(index, offsetBy: digits.count)
                while after < lower.endIndex, lower[after] == " " { after = lower.index(after: after) }
                if !digits.isEmpty, after < lower.endIndex, lower[after] == "]", let number = Int(digits) { return number }
            }
            search = open.upperBound
        }
        return nil
    }

    /// Strips `Re:`, `Fwd:` and their translations (repeated, bracketed counts such as
    /// `Re[2]:`), and mailing-list tags; says whether the message was forwarded.
    static func normalize(_ subject: String) -> (String, Bool) {
        let replies = ["re", "aw", "sv", "vs", "odp", "antw", "ref", "rif", "r", "res"]
        let forwards = ["fw", "fwd", "wg", "tr", "rv", "pd", "doorst", "i"]
        var text = subject.trimmedSpaces
        var forwarded = false
        var changed = true
        while changed {
            changed = false
            guard let colon = text.firstIndex(of: ":") else { break }
            var word = text[..<colon].trimmedSpaces.lowercased()
            if let bracket = word.firstIndex(where: { $0 == "[" || $0 == "(" }) { word = String(word[..<bracket]) }
            if replies.contains(word) || forwards.contains(word) {
                if forwards.contains(word) { forwarded = true }
                text = text[text.index(after: colon)...].trimmedSpaces
                changed = true
            }
        }
        return (text, forwarded)
    }
}
