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

    private static func check(tag inside: String, open: inout [String]) -> String? {
        if inside.hasPrefix("/") {
            let name = String(inside.dropFirst())
            guard open.last == name else { return "</\(name)> closes \(open.last ?? "nothing")" }
            open.removeLast()
            return nil
        }
        let name = String(inside.prefix { $0 != " " })
        guard tags.contains(name) else { return "tag <\(name)>" }
        var rest = Substring(inside.dropFirst(name.count))
        // Attributes are written as ` name="value"` with the value escaped (no quote inside).
        while !rest.isEmpty {
            guard rest.first == " ", let equals = rest.firstIndex(of: "=") else { return "attribute syntax in <\(inside)>" }
            let attribute = String(rest[rest.index(after: rest.startIndex)..<equals])
            guard attributes.contains(attribute) else { return "attribute \(attribute)" }
            let valueStart = rest.index(after: equals)
            guard valueStart < rest.endIndex, rest[valueStart] == "\"",
                let close = rest[rest.index(after: valueStart)...].firstIndex(of: "\"")
            else { return "unquoted \(attribute)" }
            let value = rest[rest.index(after: valueStart)..<close].lowercased()
            if attribute == "href", !(value.hasPrefix("http://") || value.hasPrefix("https://") || value.hasPrefix("mailto:")) {
                return "link to \(value)"
            }
            if value.contains("'") { return "a raw quote in \(attribute)" }
            rest = rest[rest.index(after: close)...]
        }
        if !void.contains(name) { open.append(name) }
        return nil
    }
}
