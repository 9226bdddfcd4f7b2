import Foundation

/// Native text helpers: Foundation's versions bridge through NSString on Linux, which cost
/// most of the parse time of a message (and of checking a long body for emptiness).
extension StringProtocol {
    /// Without leading and trailing spaces and tabs, as Foundation's `.whitespaces` (but
    /// without bridging to NSString: mail is scanned line by line and header by header).
    var trimmingSpaces: SubSequence {
        let scalars = unicodeScalars
        let isSpace: (Unicode.Scalar) -> Bool = { $0 == " " || $0 == "\t" || $0.properties.generalCategory == .spaceSeparator }
        guard let first = scalars.firstIndex(where: { !isSpace($0) }) else { return self[endIndex...] }
        let last = scalars.lastIndex(where: { !isSpace($0) })!
        return self[first...last]
    }

    public var trimmedSpaces: String { String(trimmingSpaces) }
    /// Without white space and line breaks at either end; only the ends are read.
    public var trimmedWhitespace: String { String(trimmingWhitespace) }

    /// Empty or only white space and line breaks: stops at the first other character.
    public var isBlank: Bool { !unicodeScalars.contains { !$0.properties.isWhitespace } }

    /// ASCII case-insensitive equality (header and parameter names are ASCII).
    func equalsIgnoringCase(_ other: some StringProtocol) -> Bool {
        guard utf8.count == other.utf8.count else { return false }
        return zip(utf8, other.utf8).allSatisfy { a, b in a == b || (a | 0x20 == b | 0x20 && (a | 0x20) >= 0x61 && (a | 0x20) <= 0x7A) }
    }

    /// Without leading and trailing whitespace and line breaks.
    var trimmingWhitespace: SubSequence {
        let scalars = unicodeScalars
        guard let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }) else { return self[endIndex...] }
        let last = scalars.lastIndex(where: { !$0.properties.isWhitespace })!
        return self[first...last]
    }

    /// Without the control characters no text a person reads carries (NUL and the other C0
    /// controls but tab, line feed and carriage return, and DEL): PostgreSQL refuses NUL in
    /// text, and a terminal or a browser may act on the others. Nil when there were none.
    public var removingControlCharacters: String? {
        func isControl(_ byte: UInt8) -> Bool { (byte < 0x20 && byte != 0x09 && byte != 0x0A && byte != 0x0D) || byte == 0x7F }
        guard utf8.contains(where: isControl) else { return nil }
        return String(decoding: utf8.filter { !isControl($0) }, as: UTF8.self)
    }

    /// CRLF and lone CR line ends as LF.
    var withUnixLineEnds: String {
        guard utf8.contains(0x0D) else { return String(self) }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(utf8.count)
        var previousCR = false
        for byte in utf8 {
            if byte == 0x0D {
                bytes.append(0x0A)
                previousCR = true
                continue
            }
            if byte == 0x0A, previousCR { previousCR = false; continue }
            previousCR = false
            bytes.append(byte)
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
