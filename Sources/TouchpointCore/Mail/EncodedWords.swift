import Foundation

/// RFC 2047 encoded words in header values: `=?charset?B?…?=` and `=?charset?Q?…?=`.
/// Whitespace between adjacent encoded words is dropped; consecutive words in the same
/// charset are decoded together, so a multi-byte character split across two words
/// survives; anything malformed is left as written.
public enum EncodedWords {
    public static func decode(_ value: String) -> String {
        guard value.contains("=?") else { return value }
        let bytes = Array(value.utf8)
        var output = ""
        var pending: (charset: String, bytes: [UInt8])?
        var gap: [UInt8] = []  // whitespace after an encoded word, dropped if another follows
        var literal: [UInt8] = []
        var index = 0

        func flushPending() {
            if let word = pending { output += Charset.decode(word.bytes, declared: word.charset) }
            pending = nil
        }
        func flushLiteral() {
            if !literal.isEmpty { output += String(decoding: literal, as: UTF8.self) }
            literal = []
        }

        while index < bytes.count {
            if let word = encodedWord(bytes, at: index) {
                flushLiteral()
                if let current = pending, current.charset.lowercased() == word.charset.lowercased() {
                    pending = (current.charset, current.bytes + word.bytes)
                } else {
                    flushPending()
                    pending = (word.charset, word.bytes)
                }
                gap = []
                index = word.end
                // Keep whitespace aside: it is dropped if an encoded word comes next.
                var next = index
                while next < bytes.count, bytes[next] == 0x20 || bytes[next] == 0x09 || bytes[next] == 0x0D || bytes[next] == 0x0A {
                    gap.append(bytes[next])
                    next += 1
                }
                if next < bytes.count, encodedWord(bytes, at: next) != nil {
                    index = next
                } else {
                    flushPending()
                    literal += gap
                    gap = []
                    index = next
                }
                continue
            }
            flushPending()
            literal.append(bytes[index])
            index += 1
        }
        flushPending()
        flushLiteral()
        return output
    }

    /// The encoded word starting at `start`, if a well-formed one does.
    static func encodedWord(_ bytes: [UInt8], at start: Int) -> (charset: String, bytes: [UInt8], end: Int)? {
        guard start + 1 < bytes.count, bytes[start] == UInt8(ascii: "="), bytes[start + 1] == UInt8(ascii: "?") else { return nil }
        var index = start + 2
        var parts: [[UInt8]] = [[]]
        while index < bytes.count, parts.count <= 3 {
            let byte = bytes[index]
            if byte == 0x20 || byte == 0x09 || byte == 0x0D || byte == 0x0A { return nil }
            if byte == UInt8(ascii: "?") {
                if parts.count == 3, index + 1 < bytes.count, bytes[index + 1] == UInt8(ascii: "=") {
                    let charset = String(decoding: parts[0], as: UTF8.self).split(separator: "*").first.map(String.init) ?? ""  // RFC 2231 language
                    let text = parts[2]
                    let decoded: [UInt8]
                    switch String(decoding: parts[1], as: UTF8.self).uppercased() {
                    case "B": decoded = TransferDecoding.base64(text)
                    case "Q": decoded = TransferDecoding.quotedPrintable(text, header: true)
                    default: return nil
                    }
                    guard !charset.isEmpty else { return nil }
                    return (charset, decoded, index + 2)
                }
                if parts.count == 3 { return nil }
                parts.append([])
            } else {
                parts[parts.count - 1].append(byte)
            }
            index += 1
        }
        return nil
    }
}
