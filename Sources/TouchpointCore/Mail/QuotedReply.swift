import Foundation

/// Splits a reply into what the sender wrote and the quoted history under it, for the
/// timeline view (the full text is kept). Recognises attribution lines in several
/// languages, Outlook's original-message blocks and header blocks, and trailing `>` quotes.
public enum QuotedReply {
    public static func split(_ text: String) -> (fresh: String, quoted: String?) {
        let lines = text.replacingOccurrences(of: "\r\n", with: "\n").components(separatedBy: "\n")
        var cut: Int?
        for (index, line) in lines.enumerated() {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if isSeparator(trimmed) || isAttribution(trimmed, next: index + 1 < lines.count ? lines[index + 1] : nil)
                || isHeaderBlock(lines, at: index) {
                cut = index
                break
            }
            if trimmed.hasPrefix(">"), lines[index...].allSatisfy({ $0.trimmingCharacters(in: .whitespaces).isEmpty || $0.trimmingCharacters(in: .whitespaces).hasPrefix(">") }) {
                cut = index
                break
            }
        }
        guard let cut, cut > 0 else { return (text.trimmingCharacters(in: .whitespacesAndNewlines), nil) }
        let fresh = lines[..<cut].joined(separator: "\n").trimmingCharacters(in: .whitespacesAndNewlines)
        let quoted = lines[cut...].joined(separator: "\n").trimmingCharacters(in: .whitespacesAndNewlines)
        return fresh.isEmpty ? (text.trimmingCharacters(in: .whitespacesAndNewlines), nil) : (fresh, quoted)
    }

    static func isSeparator(_ line: String) -> Bool {
        let lower = line.lowercased()
        return lower.hasPrefix("-----original message-----") || lower.hasPrefix("----- original message -----")
            || lower.hasPrefix("-----ursprüngliche nachricht-----") || lower.hasPrefix("-----oryginalna wiadomość-----")
            || lower.hasPrefix("-------- forwarded message") || lower.hasPrefix("---------- forwarded message")
            || (line.count >= 20 && line.allSatisfy { $0 == "_" })
    }

    /// "On Mon, 23 Nov 2026 at 09:00, Jan <jan@example.com> wrote:" and its siblings, also
    /// when the mail client wrapped it onto two lines.
    static func isAttribution(_ line: String, next: String?) -> Bool {
        let joined = (line + " " + (next ?? "")).trimmingCharacters(in: .whitespaces).lowercased()
        let starts = ["on ", "am ", "le ", "el ", "il ", "op ", "w dniu ", "dnia "]
        // The verb may come before the sender ("Am …, schrieb Jan <…>:") or last ("… wrote:").
        let verbs = ["wrote", "schrieb", "a écrit", "escribió", "ha scritto", "schreef", "napisał", "pisze"]
        for candidate in [line.lowercased(), joined] where starts.contains(where: { candidate.hasPrefix($0) }) {
            if candidate.hasSuffix(":") && verbs.contains(where: { candidate.contains($0) }) { return true }
        }
        return false
    }

    /// An Outlook-style header block: "From:" followed within three lines by "Sent:"/"Date:".
    static func isHeaderBlock(_ lines: [String], at index: Int) -> Bool {
        let line = lines[index].trimmingCharacters(in: .whitespaces).lowercased()
        guard line.hasPrefix("from:") || line.hasPrefix("von:") || line.hasPrefix("od:") || line.hasPrefix("de :") || line.hasPrefix("de:") else { return false }
        let following = lines[(index + 1)..<min(lines.count, index + 4)].map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        return following.contains { $0.hasPrefix("sent:") || $0.hasPrefix("date:") || $0.hasPrefix("gesendet:") || $0.hasPrefix("wysłano:") || $0.hasPrefix("envoyé :") }
    }
}
