import Foundation

/// A message we send: rendered to RFC 5322 / MIME bytes with UTF-8 everywhere, encoded so
/// that any 7-bit relay can carry it (encoded words in headers, quoted-printable text,
/// base64 attachments), and marked so that machines can tell automatic mail from a reply.
public struct OutboundMail: Codable, Equatable, Sendable {
    public struct Attachment: Codable, Equatable, Sendable {
        public var name: String
        public var contentType: String
        public var data: [UInt8]

        public init(name: String, contentType: String, data: [UInt8]) {
            self.name = name
            self.contentType = contentType
            self.data = data
        }
    }

    public var from: MailAddress
    public var to: [MailAddress]
    public var subject: String
    /// Without angle brackets.
    public var messageID: String
    public var inReplyTo: String?
    /// Oldest first, as RFC 5322 orders them.
    public var references: [String]
    public var date: Date
    public var text: String
    public var html: String?
    public var attachments: [Attachment]
    /// An acknowledgement or notification: `Auto-Submitted: auto-replied` (RFC 3834), so
    /// other systems do not answer it.
    public var automatic: Bool
    /// Our `X-Loop` value: mail carrying it that comes back is recognised as a loop.
    public var loopMarker: String?

    public init(from: MailAddress, to: [MailAddress], subject: String, messageID: String, inReplyTo: String? = nil, references: [String] = [],
                date: Date, text: String, html: String? = nil, attachments: [Attachment] = [], automatic: Bool = false, loopMarker: String? = nil) {
        self.from = from
        self.to = to
        self.subject = subject
        self.messageID = messageID
        self.inReplyTo = inReplyTo
        self.references = references
        self.date = date
        self.text = text
        self.html = html
        self.attachments = attachments
        self.automatic = automatic
        self.loopMarker = loopMarker
    }

    /// The message as bytes with CRLF line ends, ready for DATA (before dot-stuffing).
    public func rendered() -> [UInt8] {
        var head: [String] = [
            "From: " + OutboundMail.address(from),
            "To: " + to.map(OutboundMail.address).joined(separator: ", "),
            "Subject: " + OutboundMail.encodedWords(subject),
            "Date: " + MailDate.format(date),
            "Message-ID: <\(messageID)>",
        ]
        if let inReplyTo { head.append("In-Reply-To: <\(inReplyTo)>") }
        if !references.isEmpty { head.append("References: " + references.map { "<\($0)>" }.joined(separator: "\r\n "))}
        if automatic {
            head.append("Auto-Submitted: auto-replied")
            // Outlook and Exchange honour this instead of RFC 3834.
            head.append("X-Auto-Response-Suppress: All")
        }
        if let loopMarker { head.append("X-Loop: \(loopMarker)") }
        head.append("MIME-Version: 1.0")
        // Boundaries only need to be absent from the parts; the Message-ID is unique and
        // the encoded parts cannot contain "=_" followed by it.
        let token = String(messageID.unicodeScalars.filter { CharacterSet.alphanumerics.contains($0) }.prefix(16).map(Character.init))
        let body = OutboundMail.entity(text: text, html: html, attachments: attachments, boundary: "=_tp_" + token)
        return Array((head.joined(separator: "\r\n") + "\r\n").utf8) + body
    }

    static func entity(text: String, html: String?, attachments: [Attachment], boundary: String) -> [UInt8] {
        let textPart = textEntity(text, subtype: "plain")
        let content: [UInt8]
        if let html {
            content = multipart("alternative", boundary: boundary + "_a", parts: [textPart, textEntity(html, subtype: "html")])
        } else {
            content = textPart
        }
        guard !attachments.isEmpty else { return content }
        let files = attachments.map { file -> [UInt8] in
            let name = parameter("name", file.name)
            let head = "Content-Type: \(file.contentType); \(name)\r\nContent-Disposition: attachment; \(parameter("filename", file.name))\r\n"
                + "Content-Transfer-Encoding: base64\r\n\r\n"
            return Array(head.utf8) + Array(wrapped(Data(file.data).base64EncodedString()).utf8)
        }
        return multipart("mixed", boundary: boundary + "_m", parts: [content] + files)
    }

    static func textEntity(_ text: String, subtype: String) -> [UInt8] {
        let normalized = text.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\n", with: "\r\n")
        return Array("Content-Type: text/\(subtype); charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n".utf8)
            + TransferEncoding.quotedPrintable(Array(normalized.utf8))
    }

    static func multipart(_ subtype: String, boundary: String, parts: [[UInt8]]) -> [UInt8] {
        var out = Array("Content-Type: multipart/\(subtype); boundary=\"\(boundary)\"\r\n\r\n".utf8)
        for part in parts {
            out += Array("--\(boundary)\r\n".utf8) + part + [0x0D, 0x0A]
        }
        out += Array("--\(boundary)--\r\n".utf8)
        return out
    }

    /// `name <address>`, the name as a quoted string or encoded words.
    static func address(_ mailbox: MailAddress) -> String {
        guard let name = mailbox.name, !name.isEmpty else { return "<\(mailbox.address)>" }
        if name.unicodeScalars.allSatisfy({ $0.isASCII && $0.value >= 0x20 }) {
            let quoted = name.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
            return "\"\(quoted)\" <\(mailbox.address)>"
        }
        return encodedWords(name) + "\r\n <\(mailbox.address)>"
    }

    /// A header text: as is when it is printable ASCII, otherwise RFC 2047 encoded words
    /// (base64, whole characters per word, each word at most 75 characters).
    static func encodedWords(_ text: String) -> String {
        let flat = text.replacingOccurrences(of: "\r", with: " ").replacingOccurrences(of: "\n", with: " ")
        if flat.unicodeScalars.allSatisfy({ $0.isASCII && $0.value >= 0x20 }) && !flat.contains("=?") { return flat }
        var words: [String] = []
        var chunk: [UInt8] = []
        for character in flat {
            let bytes = Array(String(character).utf8)
            // 39 bytes are 52 base64 characters: with "=?utf-8?b?…?=" and a header name
            // the line stays under 78 characters.
            if chunk.count + bytes.count > 39 {
                words.append("=?utf-8?b?" + Data(chunk).base64EncodedString() + "?=")
                chunk = []
            }
            chunk += bytes
        }
        if !chunk.isEmpty { words.append("=?utf-8?b?" + Data(chunk).base64EncodedString() + "?=") }
        return words.joined(separator: "\r\n ")
    }

    /// A `name="value"` parameter, RFC 2231-encoded (`name*=utf-8''…`) when not ASCII.
    static func parameter(_ name: String, _ value: String) -> String {
        if value.unicodeScalars.allSatisfy({ $0.isASCII && $0.value >= 0x20 && $0 != "\"" && $0 != "\\" }) { return "\(name)=\"\(value)\"" }
        let allowed = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "!#$&+-.^_`|~"))
        let encoded = value.utf8.map { byte -> String in
            let scalar = Unicode.Scalar(byte)
            return byte < 0x80 && allowed.contains(scalar) ? String(Character(scalar)) : String(format: "%%%02X", byte)
        }.joined()
        return "\(name)*=utf-8''\(encoded)"
    }

    static func wrapped(_ base64: String) -> String {
        var out = ""
        var index = base64.startIndex
        while index < base64.endIndex {
            let end = base64.index(index, offsetBy: 76, limitedBy: base64.endIndex) ?? base64.endIndex
            out += base64[index..<end] + "\r\n"
            index = end
        }
        return out
    }
}

/// Encoders for outbound bodies (the decoders are `TransferDecoding`).
public enum TransferEncoding {
    /// Quoted-printable (RFC 2045 §6.7) of CRLF text: lines of at most 76 characters, soft
    /// breaks, trailing whitespace and a leading "." or "From " protected. The last line
    /// keeps its (missing) line end: a multipart boundary's CRLF is not part of the text.
    public static func quotedPrintable(_ bytes: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        var lineLength = 0
        let hex = Array("0123456789ABCDEF".utf8)
        func emit(_ piece: [UInt8]) {
            if lineLength + piece.count > 75 {
                out += Array("=\r\n".utf8)
                lineLength = 0
            }
            out += piece
            lineLength += piece.count
        }
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if byte == 0x0D, index + 1 < bytes.count, bytes[index + 1] == 0x0A {
                out += [0x0D, 0x0A]
                lineLength = 0
                index += 2
                continue
            }
            let atLineEnd = index + 1 == bytes.count || (bytes[index + 1] == 0x0D && index + 2 < bytes.count && bytes[index + 2] == 0x0A)
            let atLineStart = lineLength == 0
            let plain = (byte >= 33 && byte <= 126 && byte != UInt8(ascii: "="))
                || ((byte == 0x20 || byte == 0x09) && !atLineEnd)
            let guarded = atLineStart && (byte == UInt8(ascii: ".") || (byte == UInt8(ascii: "F") && bytes[index...].starts(with: Array("From ".utf8))))
            if plain && !guarded {
                emit([byte])
            } else {
                emit([UInt8(ascii: "="), hex[Int(byte >> 4)], hex[Int(byte & 0x0F)]])
            }
            index += 1
        }
        return out
    }
}
