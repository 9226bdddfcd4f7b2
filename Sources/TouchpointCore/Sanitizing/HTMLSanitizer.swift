/// Makes customer HTML safe to show staff: an allowlist of formatting tags and a few
/// attributes survive, everything else is dropped; script-like elements lose their content
/// too. The output is well-formed (every open tag is closed) and cannot run script.
public enum HTMLSanitizer {
    static let allowedTags: Set<String> = [
        "a", "b", "i", "u", "s", "em", "strong", "small", "sub", "sup", "p", "br", "hr", "div", "span", "ul", "ol", "li",
        "blockquote", "pre", "code", "h1", "h2", "h3", "h4", "h5", "h6", "table", "thead", "tbody", "tfoot", "tr", "td", "th",
    ]
    static let voidTags: Set<String> = ["br", "hr"]
    /// Elements whose content is dropped with them (script, styles, embedded documents).
    static let droppedWithContent: Set<String> = [
        "script", "style", "iframe", "object", "embed", "template", "noscript", "title", "head", "svg", "math",
        "textarea", "select", "xmp", "noembed", "noframes", "frameset", "applet", "plaintext",
    ]

    public static func sanitize(_ html: String) -> String {
        var output = ""
        var open: [String] = []
        var skipping: String?
        let chars = Array(html.unicodeScalars)
        var index = 0
        while index < chars.count {
            let ch = chars[index]
            if ch == "<" {
                // Comments, doctypes and processing instructions vanish.
                if match(chars, index, "<!--") {
                    index = find(chars, from: index + 4, "-->").map { $0 + 3 } ?? chars.count
                    continue
                }
                if index + 1 < chars.count, chars[index + 1] == "!" || chars[index + 1] == "?" {
                    index = find(chars, from: index, ">").map { $0 + 1 } ?? chars.count
                    continue
                }
                if let tag = parseTag(chars, index) {
                    index = tag.end
                    if let skipped = skipping {
                        if tag.closing && tag.name == skipped { skipping = nil }
                        continue
                    }
                    if droppedWithContent.contains(tag.name) {
                        if !tag.closing && !tag.selfClosing { skipping = tag.name }
                        continue
                    }
                    guard allowedTags.contains(tag.name) else { continue }
                    if tag.closing {
                        if let at = open.lastIndex(of: tag.name) {
                            for name in open[at...].reversed() { output += "</\(name)>" }
                            open.removeSubrange(at...)
                        }
                    } else {
                        output += "<\(tag.name)" + safeAttributes(tag.name, tag.attributes) + ">"
                        if !voidTags.contains(tag.name) { open.append(tag.name) }
                    }
                    continue
                }
                if skipping == nil { output += "&lt;" }
                index += 1
                continue
            }
            if skipping == nil {
                switch ch {
                case ">": output += "&gt;"
                case "&": output += isEntity(chars, index) ? "&" : "&amp;"
                case "\"": output += "&quot;"
                default: output.unicodeScalars.append(ch)
                }
            }
            index += 1
        }
        for name in open.reversed() { output += "</\(name)>" }
        return output
    }

    struct Tag {
        var name: String
        var closing: Bool
        var selfClosing: Bool
        var attributes: [(String, String)]
        var end: Int
    }

    /// Parses `<name attr="v" …>` starting at `start`; nil when this `<` does not open a tag.
    static func parseTag(_ chars: [Unicode.Scalar], _ start: Int) -> Tag? {
        var index = start + 1
        var closing = false
        if index < chars.count, chars[index] == "/" { closing = true; index += 1 }
        guard index < chars.count, chars[index].properties.isAlphabetic else { return nil }
        var name = ""
        while index < chars.count, chars[index].properties.isAlphabetic || ("0"..."9").contains(chars[index]) {
            name.unicodeScalars.append(chars[index])
            index += 1
        }
        var attributes: [(String, String)] = []
        var selfClosing = false
        while index < chars.count {
            let ch = chars[index]
            if ch == ">" { return Tag(name: name.lowercased(), closing: closing, selfClosing: selfClosing, attributes: attributes, end: index + 1) }
            if ch == "/" { selfClosing = true; index += 1; continue }
            if ch.properties.isWhitespace { index += 1; continue }
            selfClosing = false
            var attrName = ""
            while index < chars.count, !chars[index].properties.isWhitespace, !"=>/".unicodeScalars.contains(chars[index]) {
                attrName.unicodeScalars.append(chars[index])
                index += 1
            }
            while index < chars.count, chars[index].properties.isWhitespace { index += 1 }
            var value = ""
            if index < chars.count, chars[index] == "=" {
                index += 1
                while index < chars.count, chars[index].properties.isWhitespace { index += 1 }
                if index < chars.count, chars[index] == "\"" || chars[index] == "'" {
                    let quote = chars[index]
                    index += 1
                    while index < chars.count, chars[index] != quote { value.unicodeScalars.append(chars[index]); index += 1 }
                    index += 1
                } else {
                    while index < chars.count, !chars[index].properties.isWhitespace, chars[index] != ">" {
                        value.unicodeScalars.append(chars[index])
                        index += 1
                    }
                }
            }
            if attrName.isEmpty { index += 1 } else { attributes.append((attrName.lowercased(), value)) }
        }
        return nil
    }

    static func safeAttributes(_ tag: String, _ attributes: [(String, String)]) -> String {
        var out = ""
        for (name, value) in attributes {
            switch (tag, name) {
            case ("a", "href"):
                guard let url = safeURL(value) else { continue }
                out += " href=\"\(escapeAttribute(url))\" rel=\"noopener noreferrer nofollow\""
            case (_, "title"):
                out += " title=\"\(escapeAttribute(value))\""
            case ("td", "colspan"), ("td", "rowspan"), ("th", "colspan"), ("th", "rowspan"):
                if !value.isEmpty, value.count <= 3, value.allSatisfy(\.isNumber) { out += " \(name)=\"\(value)\"" }
            default:
                continue
            }
        }
        return out
    }

    /// Only web and mail links; entity tricks and hidden whitespace in the scheme do not pass.
    static func safeURL(_ raw: String) -> String? {
        let cleaned = String(String.UnicodeScalarView(raw.unicodeScalars.filter { !$0.properties.isWhitespace && $0.value >= 0x20 }))
        let lower = cleaned.lowercased()
        guard lower.hasPrefix("http://") || lower.hasPrefix("https://") || lower.hasPrefix("mailto:") else { return nil }
        return cleaned
    }

    /// Text made safe to put into HTML, in an element or an attribute.
    public static func escape(_ text: String) -> String { escapeAttribute(text) }

    static func escapeAttribute(_ value: String) -> String {
        var out = ""
        for ch in value.unicodeScalars {
            switch ch {
            case "&": out += "&amp;"
            case "\"": out += "&quot;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "'": out += "&#39;"
            default: out.unicodeScalars.append(ch)
            }
        }
        return out
    }

    static func isEntity(_ chars: [Unicode.Scalar], _ index: Int) -> Bool {
        var cursor = index + 1
        var length = 0
        while cursor < chars.count, length <= 10 {
            let ch = chars[cursor]
            if ch == ";" { return length > 0 }
            guard ch.properties.isAlphabetic || ("0"..."9").contains(ch) || (ch == "#" && length == 0) else { return false }
            cursor += 1
            length += 1
        }
        return false
    }

    static func match(_ chars: [Unicode.Scalar], _ index: Int, _ literal: String) -> Bool {
        let scalars = Array(literal.unicodeScalars)
        guard index + scalars.count <= chars.count else { return false }
        return Array(chars[index..<index + scalars.count]) == scalars
    }

    static func find(_ chars: [Unicode.Scalar], from start: Int, _ literal: String) -> Int? {
        var index = start
        while index < chars.count {
            if match(chars, index, literal) { return index }
            index += 1
        }
        return nil
    }
}
