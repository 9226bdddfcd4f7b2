/// Plain text from HTML, for mail that has only an HTML body: tags go, block elements
/// become line breaks, list items bullets, entities characters; script-like content is
/// dropped and whitespace collapses as a browser would (except inside `pre`).
public enum HTMLText {
    static let blockTags: Set<String> = [
        "p", "div", "br", "tr", "table", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "hr", "ul", "ol", "li",
        "section", "article", "header", "footer", "address", "dl", "dt", "dd", "center",
    ]

    public static func plainText(fromHTML html: String) -> String {
        let chars = Array(html.unicodeScalars)
        var output = ""
        var skipping: String?
        var preformatted = 0
        var pendingSpace = false
        var index = 0
        /// Ends the line unless it just ended; `<br>` always breaks (two make a blank line).
        func newline(force: Bool = false) {
            while output.hasSuffix(" ") { output.removeLast() }
            if !output.isEmpty && (!output.hasSuffix("\n") || (force && !output.hasSuffix("\n\n"))) { output += "\n" }
            pendingSpace = false
        }
        while index < chars.count {
            let ch = chars[index]
            if ch == "<" {
                if HTMLSanitizer.match(chars, index, "<!--") {
                    index = HTMLSanitizer.find(chars, from: index + 4, "-->").map { $0 + 3 } ?? chars.count
                    continue
                }
                if index + 1 < chars.count, chars[index + 1] == "!" || chars[index + 1] == "?" {
                    index = HTMLSanitizer.find(chars, from: index, ">").map { $0 + 1 } ?? chars.count
                    continue
                }
                if let tag = HTMLSanitizer.parseTag(chars, index) {
                    index = tag.end
                    if let skipped = skipping {
                        if tag.closing && tag.name == skipped { skipping = nil }
                        continue
                    }
                    if HTMLSanitizer.droppedWithContent.contains(tag.name) {
                        if !tag.closing && !tag.selfClosing { skipping = tag.name }
                        continue
                    }
                    if tag.name == "pre" { preformatted += tag.closing ? (preformatted > 0 ? -1 : 0) : 1 }
                    if tag.name == "td" || tag.name == "th", !tag.closing, !output.hasSuffix("\n"), !output.isEmpty { pendingSpace = true }
                    if blockTags.contains(tag.name) {
                        newline(force: tag.name == "br")
                        if tag.name == "li" && !tag.closing { output += "• " }
                    }
                    continue
                }
            }
            if skipping != nil { index += 1; continue }
            var text = ""
            if ch == "&", let (decoded, end) = entity(chars, index) {
                text.unicodeScalars.append(contentsOf: decoded.unicodeScalars)
                index = end
            } else {
                text.unicodeScalars.append(ch)
                index += 1
            }
            for scalar in text.unicodeScalars {
                if preformatted == 0 && scalar.properties.isWhitespace && scalar != "\u{00A0}" {
                    pendingSpace = true
                    continue
                }
                if pendingSpace && !output.isEmpty && !output.hasSuffix("\n") { output += " " }
                pendingSpace = false
                output.unicodeScalars.append(scalar == "\u{00A0}" && preformatted == 0 ? " " : scalar)
            }
        }
        while output.last?.isWhitespace == true { output.removeLast() }
        return output
    }

    static let named: [String: String] = [
        "amp": "&", "lt": "<", "gt": ">", "quot": "\"", "apos": "'", "nbsp": "\u{00A0}", "copy": "©", "reg": "®", "euro": "€",
        "hellip": "…", "mdash": "—", "ndash": "–", "lsquo": "‘", "rsquo": "’", "ldquo": "“", "rdquo": "”", "bull": "•",
        "middot": "·", "deg": "°", "times": "×", "laquo": "«", "raquo": "»", "shy": "",
    ]

    /// A character reference at `start` (`&amp;`, `&#233;`, `&#xE9;`) and where it ends.
    static func entity(_ chars: [Unicode.Scalar], _ start: Int) -> (String, Int)? {
        var index = start + 1
        var name = ""
        while index < chars.count, index - start <= 10, chars[index] != ";" {
            name.unicodeScalars.append(chars[index])
            index += 1
        }
        guard index < chars.count, chars[index] == ";", !name.isEmpty else { return nil }
        if name.hasPrefix("#") {
            let digits = name.dropFirst()
            let value = digits.first == "x" || digits.first == "X" ? UInt32(digits.dropFirst(), radix: 16) : UInt32(digits)
            guard let value, let scalar = Unicode.Scalar(value), value != 0 else { return nil }
            return (String(scalar), index + 1)
        }
        guard let text = named[name.lowercased()] else { return nil }
        return (text, index + 1)
    }
}
