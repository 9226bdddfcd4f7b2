import Foundation

/// Splits a reply into what the sender wrote and the quoted history under it, for the
/// timeline view (the full text is kept). Recognises attribution lines in several
/// languages, Outlook's original-message blocks and header blocks, and trailing `>` quotes.
public enum QuotedReply {
    public static func split(_ text: String) -> (fresh: String, quoted: String?) {
        let lines = text.withUnixLineEnds.split(separator: "\n", omittingEmptySubsequences: false)
        // Every line is trimmed and lower-cased once; the checks below only compare prefixes.
        let lower = lines.map { $0.trimmingSpaces.lowercased() }
        // Whether every line from here on is blank or a `>` quote.
        var quotedTail = [Bool](repeating: true, count: lines.count + 1)
        for index in lines.indices.reversed() {
            quotedTail[index] = quotedTail[index + 1] && (lower[index].isEmpty || lower[index].hasPrefix(">"))
        }
        var cut: Int?
        for index in lines.indices {
            let line = lower[index]
            if isSeparator(line) || isAttribution(line, next: index + 1 < lines.count ? lower[index + 1] : nil)
                || isHeaderBlock(lower, at: index) || (line.hasPrefix(">") && quotedTail[index]) {
                cut = index
                break
            }
        }
        let whole = String(text.trimmingWhitespace)
        guard let cut, cut > 0 else { return (whole, nil) }
        let fresh = String(lines[..<cut].joined(separator: "\n").trimmingWhitespace)
        let quoted = String(lines[cut...].joined(separator: "\n").trimmingWhitespace)
        return fresh.isEmpty ? (whole, nil) : (fresh, quoted)
    }

    /// `line` is trimmed and lower-cased.
    static func isSeparator(_ line: String) -> Bool {
        line.hasPrefix("-----original message-----") || line.hasPrefix("----- original message -----")
            || line.hasPrefix("-----ursprüngliche nachricht-----") || line.hasPrefix("-----oryginalna wiadomość-----")
            || line.hasPrefix("-------- forwarded message") || line.hasPrefix("---------- forwarded message")
            || (line.count >= 20 && line.allSatisfy { $0 == "_" })
    }

    static let attributionStarts = ["on ", "am ", "le ", "el ", "il ", "op ", "w dniu ", "dnia "]
    static let attributionVerbs = ["wrote", "schrieb", "a écrit", "escribió", "ha scritto", "schreef", "napisał", "pisze"]

    /// "On Mon, 23 Nov 2026 at 09:00, Jan <jan@example.com> wrote:" and its siblings, also
    /// when the mail client wrapped it onto two lines. Both lines are trimmed and lower-cased.
    static func isAttribution(_ line: String, next: String?) -> Bool {
        guard attributionStarts.contains(where: { line.hasPrefix($0) }) else { return false }
        // The verb may come before the sender ("Am …, schrieb Jan <…>:") or last ("… wrote:").
        for candidate in [line, line + " " + (next ?? "")] where candidate.hasSuffix(":") {
            if attributionVerbs.contains(where: { candidate.contains($0) }) { return true }
        }
        return false
    }

    /// An Outlook-style header block: "From:" followed within three lines by "Sent:"/"Date:".
    static func isHeaderBlock(_ lower: [String], at index: Int) -> Bool {
        let line = lower[index]
        guard line.hasPrefix("from:") || line.hasPrefix("von:") || line.hasPrefix("od:") || line.hasPrefix("de :") || line.hasPrefix("de:") else { return false }
        return lower[(index + 1)..<min(lower.count, index + 4)].contains {
            $0.hasPrefix("sent:") || $0.hasPrefix("date:") || $0.hasPrefix("gesendet:") || $0.hasPrefix("wysłano:") || $0.hasPrefix("envoyé :")
        }
    }
}
