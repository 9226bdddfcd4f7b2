import Foundation

/// The client side of the SMTP wire: reading replies from a byte stream and preparing a
/// message for DATA.
public enum SMTPWire {
    /// Collects bytes from the server and hands out complete replies (a multi-line reply
    /// is complete at its `ddd ` line).
    public struct ReplyReader: Sendable {
        private var buffer: [UInt8] = []
        private var lines: [String] = []

        public init() {}

        public mutating func receive<Bytes: Sequence>(_ bytes: Bytes) where Bytes.Element == UInt8 {
            buffer.append(contentsOf: bytes)
        }

        /// The next complete reply, nil when more bytes are needed. A line that is not a
        /// reply at all becomes a reply with code 0, which callers treat as a protocol error.
        public mutating func next() -> SMTPSession.Reply? {
            while let newline = buffer.firstIndex(of: 0x0A) {
                var line = Array(buffer[..<newline])
                buffer.removeSubrange(...newline)
                if line.last == 0x0D { line.removeLast() }
                let text = String(decoding: line, as: UTF8.self)
                guard text.count >= 3, let code = Int(text.prefix(3)) else { return SMTPSession.Reply(code: 0, lines: [text]) }
                let rest = text.dropFirst(3)
                lines.append(String(rest.dropFirst()))
                if rest.first != "-" {
                    defer { lines = [] }
                    return SMTPSession.Reply(code: code, lines: lines)
                }
            }
            return nil
        }
    }

    /// The message for DATA: line ends made CRLF, lines starting with "." doubled
    /// (RFC 5321 §4.5.2), a final CRLF, then the terminating ".".
    public static func dataBlock(_ message: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(message.count + message.count / 40 + 5)
        var atLineStart = true
        var index = 0
        while index < message.count {
            let byte = message[index]
            if atLineStart, byte == UInt8(ascii: ".") { out.append(byte) }
            if byte == 0x0A {
                if out.last != 0x0D { out.append(0x0D) }
                out.append(0x0A)
                atLineStart = true
            } else {
                out.append(byte)
                atLineStart = false
            }
            index += 1
        }
        if !atLineStart { out += [0x0D, 0x0A] }
        out += Array(".\r\n".utf8)
        return out
    }
}
