import Foundation
import TouchpointCore

/// Any text through the HTML sanitizer, and its output checked by a reader of its own:
/// only allowed tags, only the attributes the sanitizer writes, links only to the web or
/// mail, every element closed in order. A violation is a crash the fuzzer keeps.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzHTML(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let html = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    let safe = HTMLSanitizer.sanitize(html)
    if let problem = SafeHTMLReader.problem(in: safe) {
        fatalError("unsafe output (\(problem)) for input \(html.debugDescription): \(safe.debugDescription)")
    }
    return 0
}

/// An independent check of sanitized HTML, written from the allowlist rather than from the
/// sanitizer's parser.
enum SafeHTMLReader {
    static let tags: Set<String> = [
        "a", "b", "i", "u", "s", "em", "strong", "small", "sub", "sup", "p", "br", "hr", "div", "span", "ul", "ol", "li",
        "blockquote", "pre", "code", "h1", "h2", "h3", "h4", "h5", "h6", "table", "thead", "tbody", "tfoot", "tr", "td", "th",
    ]
    static let void: Set<String> = ["br", "hr"]
    static let attributes: Set<String> = ["href", "rel", "title", "colspan", "rowspan"]

    /// What is wrong with `html`, nil when it is safe.
    static func problem(in html: String) -> String? {
        let bytes = Array(html.utf8)
        var open: [String] = []
        var index = 0
        while index < bytes.count {
            switch bytes[index] {
            case UInt8(ascii: ">"):
                return "a bare > in text"
            case UInt8(ascii: "<"):
                guard let end = bytes[index...].firstIndex(of: UInt8(ascii: ">")) else { return "an unclosed <" }
                let inside = String(decoding: bytes[(index + 1)..<end], as: UTF8.self)
                if inside.contains("<") { return "a < inside a tag" }
                if let problem = check(tag: inside, open: &open) { return problem }
                index = end + 1
            default:
                index += 1
            }
        }
        return open.isEmpty ? nil : "unclosed \(open)"
    }

    /// Reads a tag's inside by code points, as a browser's tokenizer does: a quote followed by
    /// a combining mark is still a quote (as one `Character` it would not compare equal).
    private static func check(tag inside: String, open: inout [String]) -> String? {
        let scalars = Array(inside.unicodeScalars)
        func text(_ range: Range<Int>) -> String { String(String.UnicodeScalarView(scalars[range])) }
        if scalars.first == "/" {
            let name = text(1..<scalars.count)
            guard open.last == name else { return "</\(name)> closes \(open.last ?? "nothing")" }
            open.removeLast()
            return nil
        }
        var index = scalars.firstIndex(of: " ") ?? scalars.count
        let name = text(0..<index)
        guard tags.contains(name) else { return "tag <\(name)>" }
        // Attributes are written as ` name="value"` with the value escaped (no quote inside).
        while index < scalars.count {
            guard scalars[index] == " ", let equals = scalars[index...].firstIndex(of: "=") else { return "attribute syntax in <\(inside)>" }
            let attribute = text((index + 1)..<equals)
            guard attributes.contains(attribute) else { return "attribute \(attribute)" }
            guard equals + 1 < scalars.count, scalars[equals + 1] == "\"",
                let close = scalars[(equals + 2)...].firstIndex(of: "\"")
            else { return "unquoted \(attribute)" }
            let value = text((equals + 2)..<close).lowercased()
            if attribute == "href", !(value.hasPrefix("http://") || value.hasPrefix("https://") || value.hasPrefix("mailto:")) {
                return "link to \(value)"
            }
            if value.contains("'") { return "a raw quote in \(attribute)" }
            index = close + 1
        }
        if !void.contains(name) { open.append(name) }
        return nil
    }
}
