import Foundation

/// One MIME entity: its headers, its decoded body bytes and, for multipart and attached
/// messages, its parts. Parsing never fails; what could not be understood is recorded in
/// `defects` and the bytes are kept.
public struct MIMEPart: Sendable {
    public var headers: MailHeaders
    public var contentType: HeaderParameters
    /// The body after transfer decoding (empty for multipart containers).
    public var body: [UInt8]
    public var parts: [MIMEPart]
    public var defects: [String]

    /// Nesting deeper than this is kept as an opaque body: real mail stays far below it.
    public static let maxDepth = 40

    public init(parsing bytes: [UInt8], depth: Int = 0, defaultType: String = "text/plain") {
        let (headers, bodyStart) = MailHeaders.parse(bytes)
        self.headers = headers
        self.contentType = HeaderParameters(headers["Content-Type"], default: defaultType)
        self.parts = []
        self.defects = headers.defects.map { "malformed header line: \($0.prefix(80))" }
        let raw = Array(bytes[min(bodyStart, bytes.count)...])
        self.body = []
        if contentType.value.hasPrefix("multipart/"), depth < MIMEPart.maxDepth {
            guard let boundary = contentType["boundary"], !boundary.isEmpty else {
                defects.append("multipart without a boundary")
                body = raw
                return
            }
            let childDefault = contentType.value == "multipart/digest" ? "message/rfc822" : "text/plain"
            let (sections, closed) = MIMEPart.split(raw, boundary: Array(boundary.utf8))
            if !closed { defects.append("multipart without its closing boundary") }
            parts = sections.map { MIMEPart(parsing: $0, depth: depth + 1, defaultType: childDefault) }
        } else if contentType.value == "message/rfc822" || contentType.value == "message/global", depth < MIMEPart.maxDepth {
            body = decodeTransfer(raw)
            parts = [MIMEPart(parsing: body, depth: depth + 1)]
        } else {
            if depth >= MIMEPart.maxDepth { defects.append("nested deeper than \(MIMEPart.maxDepth) levels") }
            body = decodeTransfer(raw)
        }
    }

    private func decodeTransfer(_ raw: [UInt8]) -> [UInt8] {
        switch (headers["Content-Transfer-Encoding"] ?? "").lowercased().trimmedSpaces {
        case "base64": TransferDecoding.base64(raw)
        case "quoted-printable": TransferDecoding.quotedPrintable(raw)
        default: raw
        }
    }

    /// The body as text in its declared charset (with the safe fallbacks of `Charset`).
    public var text: String { Charset.decode(body, declared: contentType["charset"]) }

    public var isAttachment: Bool {
        HeaderParameters(headers["Content-Disposition"]).value == "attachment" || (filename != nil && !contentType.value.hasPrefix("text/"))
    }

    public var filename: String? {
        HeaderParameters(headers["Content-Disposition"])["filename"] ?? contentType["name"]
    }

    /// Every leaf part, depth first.
    public var leaves: [MIMEPart] { parts.isEmpty ? [self] : parts.flatMap(\.leaves) }

    /// The message's text and HTML bodies: the first inline plain-text and HTML leaves
    /// (so both versions of a `multipart/alternative`), not looking inside attached messages.
    public var bodies: (text: String?, html: String?) {
        let leaves = contentLeaves
        let indexes = MIMEPart.bodyIndexes(leaves)
        return (indexes.text.map { leaves[$0].text }, indexes.html.map { leaves[$0].text })
    }

    /// The leaves of this message's own content: an attached message is one leaf (its
    /// raw bytes become one attachment), not a tree to descend into.
    public var contentLeaves: [MIMEPart] {
        parts.isEmpty || contentType.value.hasPrefix("message/") ? [self] : parts.flatMap(\.contentLeaves)
    }

    /// The indexes in `leaves` of the text and the HTML body: the first inline ones.
    static func bodyIndexes(_ leaves: [MIMEPart]) -> (text: Int?, html: Int?) {
        var text: Int?, html: Int?
        for (index, leaf) in leaves.enumerated() where !leaf.isAttachment {
            if leaf.contentType.value == "text/plain", text == nil { text = index }
            if leaf.contentType.value == "text/html", html == nil { html = index }
        }
        return (text, html)
    }

    /// Splits a multipart body at `--boundary` lines; the preamble and epilogue are
    /// dropped. Returns the sections and whether the closing `--boundary--` was seen.
    static func split(_ body: [UInt8], boundary: [UInt8]) -> ([[UInt8]], Bool) {
        let marker = [UInt8(ascii: "-"), UInt8(ascii: "-")] + boundary
        var sections: [[UInt8]] = []
        var start: Int?
        var lineStart = 0
        while lineStart <= body.count {
            var lineEnd = lineStart
            while lineEnd < body.count, body[lineEnd] != 0x0A { lineEnd += 1 }
            let line = body[lineStart..<lineEnd]
            if line.starts(with: marker) {
                let rest = line.dropFirst(marker.count)
                let closing = rest.starts(with: [UInt8(ascii: "-"), UInt8(ascii: "-")])
                // Only whitespace may follow a boundary; "--boundaryX" is another boundary.
                let tail = closing ? rest.dropFirst(2) : rest
                if tail.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }) {
                    if let begin = start {
                        // The line break before a boundary belongs to the boundary.
                        var end = lineStart
                        if end > begin, body[end - 1] == 0x0A { end -= 1 }
                        if end > begin, body[end - 1] == 0x0D { end -= 1 }
                        sections.append(Array(body[begin..<max(begin, end)]))
                    }
                    if closing { return (sections, true) }
                    start = min(lineEnd + 1, body.count)
                }
            }
            if lineEnd >= body.count { break }
            lineStart = lineEnd + 1
        }
        if let begin = start, begin < body.count { sections.append(Array(body[begin...])) }
        return (sections, false)
    }
}
