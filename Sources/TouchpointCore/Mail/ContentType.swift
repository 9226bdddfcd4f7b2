import Foundation

/// A `Content-Type` (or `Content-Disposition`) value: the lower-cased value before the
/// first `;` and its parameters, with RFC 2231 continuations (`name*0`, `name*1`) and
/// charset-tagged values (`name*=utf-8''%E2%82%AC`) joined and decoded.
public struct HeaderParameters: Equatable, Sendable {
    public var value: String
    public var parameters: [String: String]

    public init(_ raw: String?, default fallback: String = "") {
        guard let raw, !raw.trimmedSpaces.isEmpty else {
            value = fallback
            parameters = [:]
            return
        }
        let pieces = HeaderParameters.split(raw)
        value = pieces.first?.trimmedSpaces.lowercased() ?? fallback
        if value.isEmpty { value = fallback }
        var simple: [String: String] = [:]
        var sections: [String: [Int: (text: String, encoded: Bool)]] = [:]
        for piece in pieces.dropFirst() {
            guard let equals = piece.firstIndex(of: "=") else { continue }
            var key = piece[..<equals].trimmedSpaces.lowercased()
            var text = piece[piece.index(after: equals)...].trimmedSpaces
            if text.hasPrefix("\""), text.count >= 2 {
                text = HeaderParameters.unquote(text)
            }
            let encoded = key.hasSuffix("*")
            if encoded { key.removeLast() }
            if let star = key.firstIndex(of: "*"), let number = Int(key[key.index(after: star)...]) {
                sections[String(key[..<star]), default: [:]][number] = (text, encoded)
            } else if encoded {
                sections[key, default: [:]][0] = (text, true)
            } else {
                // Encoded words in parameters are not standard, but common (Outlook).
                simple[key] = EncodedWords.decode(text)
            }
        }
        for (key, parts) in sections {
            var charset: String?
            var bytes: [UInt8] = []
            // Encoded sections are joined before decoding: senders split a %XX triplet
            // across sections more often than they should.
            var escaped = ""
            for number in parts.keys.sorted() {
                var (text, encoded) = parts[number]!
                if encoded && number == parts.keys.min() {
                    // charset'language'value
                    let pieces = text.split(separator: "'", maxSplits: 2, omittingEmptySubsequences: false)
                    if pieces.count == 3 {
                        charset = String(pieces[0])
                        text = String(pieces[2])
                    }
                }
                if encoded {
                    escaped += text
                } else {
                    bytes += HeaderParameters.percentDecode(escaped) + Array(text.utf8)
                    escaped = ""
                }
            }
            bytes += HeaderParameters.percentDecode(escaped)
            simple[key] = Charset.decode(bytes, declared: charset?.isEmpty == false ? charset : "utf-8")
        }
        parameters = simple
    }

    public subscript(_ name: String) -> String? { parameters[name.lowercased()] }

    /// Splits at `;` outside quoted strings.
    static func split(_ raw: String) -> [String] {
        var pieces: [String] = []
        var current = ""
        var quoted = false
        var escaped = false
        for char in raw {
            if escaped { current.append(char); escaped = false; continue }
            if char == "\\" && quoted { current.append(char); escaped = true; continue }
            if char == "\"" { quoted.toggle() }
            if char == ";" && !quoted {
                pieces.append(current)
                current = ""
            } else {
                current.append(char)
            }
        }
        pieces.append(current)
        return pieces
    }

    static func unquote(_ text: String) -> String {
        var inner = text.dropFirst()
        if inner.last == "\"" { inner = inner.dropLast() }
        var out = ""
        var escaped = false
        for char in inner {
            if escaped { out.append(char); escaped = false } else if char == "\\" { escaped = true } else { out.append(char) }
        }
        return out
    }

    static func percentDecode(_ text: String) -> [UInt8] {
        let bytes = Array(text.utf8)
        var out: [UInt8] = []
        var index = 0
        while index < bytes.count {
            if bytes[index] == UInt8(ascii: "%"), index + 2 < bytes.count,
               let high = TransferDecoding.hex(bytes[index + 1]), let low = TransferDecoding.hex(bytes[index + 2]) {
                out.append(high << 4 | low)
                index += 3
            } else {
                out.append(bytes[index])
                index += 1
            }
        }
        return out
    }
}
