import Foundation

/// One header field, unfolded; `rawValue` keeps encoded words as written.
public struct MailHeader: Equatable, Sendable {
    public var name: String
    public var rawValue: String

    /// The value with RFC 2047 encoded words decoded.
    public var value: String { EncodedWords.decode(rawValue).trimmedSpaces }
}

/// The header section of a message or a MIME part (RFC 5322), in order. Lookups ignore case.
public struct MailHeaders: Equatable, Sendable {
    public var fields: [MailHeader]
    /// Lines that were neither a field nor a continuation, kept for the record.
    public var defects: [String]

    public init(fields: [MailHeader] = [], defects: [String] = []) {
        self.fields = fields
        self.defects = defects
    }

    /// The first field named `name`, decoded.
    public subscript(_ name: String) -> String? { fields.first { $0.name.equalsIgnoringCase(name) }?.value }

    /// The first field named `name` as written.
    public func raw(_ name: String) -> String? { fields.first { $0.name.equalsIgnoringCase(name) }?.rawValue }

    public func all(_ name: String) -> [String] { fields.filter { $0.name.equalsIgnoringCase(name) }.map(\.value) }

    /// Splits a message (or part) into its header fields and the offset where the body
    /// starts: after the first empty line (CRLF or bare LF endings), or the end.
    public static func parse(_ bytes: [UInt8]) -> (headers: MailHeaders, bodyStart: Int) {
        var headers = MailHeaders()
        var index = 0
        var current: (name: String, value: [UInt8])?
        func finish() {
            if let field = current {
                // Header bytes are UTF-8 under RFC 6532; anything else is read as Latin-1-ish.
                headers.fields.append(MailHeader(name: field.name, rawValue: Charset.decode(field.value, declared: "utf-8")))
            }
            current = nil
        }
        while index < bytes.count {
            var end = index
            while end < bytes.count, bytes[end] != 0x0A { end += 1 }
            var line = bytes[index..<end]
            if line.last == 0x0D { line = line.dropLast() }
            let next = min(end + 1, bytes.count)
            if line.isEmpty {
                finish()
                return (headers, next)
            }
            if line.first == 0x20 || line.first == 0x09 {
                // Continuation: unfolding removes the line break, keeps the whitespace.
                if current != nil { current!.value += line } else { headers.defects.append(String(decoding: line, as: UTF8.self)) }
            } else if let colon = line.firstIndex(of: UInt8(ascii: ":")), colon > line.startIndex,
                      line[line.startIndex..<colon].allSatisfy({ $0 > 0x20 && $0 < 0x7F }) {
                finish()
                var value = line[line.index(after: colon)...]
                while value.first == 0x20 || value.first == 0x09 { value = value.dropFirst() }
                current = (String(decoding: line[line.startIndex..<colon], as: UTF8.self), Array(value))
            } else if headers.fields.isEmpty && current == nil && line.starts(with: Array("From ".utf8)) {
                // An mbox "From " separator line before the headers.
            } else {
                finish()
                headers.defects.append(String(decoding: line, as: UTF8.self))
            }
            index = next
        }
        finish()
        return (headers, bytes.count)
    }
}
