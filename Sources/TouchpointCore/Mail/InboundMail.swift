import Foundation

/// A received message reduced to what the intake path needs: who wrote it, about what,
/// the text for the timeline, sanitized HTML, attachments, what kind of sender it is and
/// how it threads. Built from the raw bytes by `init(parsing:…)`, which never crashes;
/// mail that cannot become an interaction throws `InboundMailError` and is quarantined.
public struct InboundMail: Sendable {
    public struct Attachment: Sendable, Equatable {
        public var name: String
        public var contentType: String
        public var data: [UInt8]
        /// Referenced from the HTML (`cid:`), shown inline rather than listed.
        public var inline: Bool
    }

    /// Message-ID without brackets; nil when the message has none.
    public var messageID: String?
    public var from: MailAddress
    public var to: [MailAddress]
    public var cc: [MailAddress]
    public var replyTo: [MailAddress]
    public var subject: String
    public var date: Date?
    /// The full text: the plain-text body, or text derived from the HTML body.
    public var text: String
    /// The part written for this message without the quoted history under it, for the
    /// timeline; nil when nothing is quoted.
    public var freshText: String?
    /// The HTML body after the allowlist sanitizer; nil when the message had none.
    public var html: String?
    public var attachments: [Attachment]
    public var classification: MailClassification
    public var threading: ThreadingHints
    public var deliveryStatus: DeliveryStatus?
    /// The original sender of a forwarded message (from an attached message or the
    /// forwarded header block in the text), when the message is a forward.
    public var forwardedFrom: MailAddress?
    /// What the parser had to work around (kept in the interaction's metadata).
    public var defects: [String]

    /// Text bodies are capped for the timeline (the raw message keeps everything).
    public static let maxTextBytes = 512 * 1024

    /// Parses raw message bytes. `envelopeSender` is the SMTP reverse path, used when the
    /// headers name no sender; `casePrefix` the brand's subject tag prefix.
    public init(parsing raw: [UInt8], envelopeSender: String?, casePrefix: String, loopMarker: String?) throws(InboundMailError) {
        let message = MIMEPart(parsing: raw)
        let headers = message.headers
        guard !headers.fields.isEmpty else { throw .noHeaders }
        let sender = MailAddress.list(headers.raw("From") ?? "").first
            ?? MailAddress.list(headers.raw("Sender") ?? "").first
            ?? MailAddress.list(headers.raw("Reply-To") ?? "").first
            ?? envelopeSender.flatMap { $0.isEmpty ? nil : MailAddress(name: nil, address: $0.lowercased()) }
        guard let sender else { throw .noSender }
        from = sender
        to = MailAddress.list(headers.raw("To") ?? "")
        cc = MailAddress.list(headers.raw("Cc") ?? "")
        replyTo = MailAddress.list(headers.raw("Reply-To") ?? "")
        messageID = MessageIDs.parse(headers.raw("Message-ID")).first
        date = MailDate.parse(headers["Date"])
        threading = ThreadingHints(headers: headers, casePrefix: casePrefix)
        classification = MailClassification.of(message, loopMarker: loopMarker)
        if envelopeSender == "", !classification.reasons.contains("null Return-Path") {
            // The envelope's null sender is what Return-Path would have said.
            classification.automatic = true
            classification.reasons.append("null envelope sender")
        }
        deliveryStatus = DeliveryStatus(message)
        defects = message.allDefects

        let leaves = message.contentLeaves
        let bodyIndexes = MIMEPart.bodyIndexes(leaves)
        let bodies = (text: bodyIndexes.text.map { leaves[$0].text }, html: bodyIndexes.html.map { leaves[$0].text })
        let sanitized = bodies.html.map(HTMLSanitizer.sanitize)
        var text = bodies.text ?? bodies.html.map(HTMLText.plainText(fromHTML:)) ?? ""
        text = text.withUnixLineEnds
        if text.utf8.count > InboundMail.maxTextBytes {
            text = String(decoding: Array(text.utf8.prefix(InboundMail.maxTextBytes)), as: UTF8.self)
                + "\n\n[… shortened; the full message is kept with the original mail]"
            defects.append("text body shortened to \(InboundMail.maxTextBytes) bytes")
        }
        self.text = text
        let split = QuotedReply.split(text)
        self.freshText = split.quoted == nil ? nil : split.fresh
        self.html = sanitized.flatMap { $0.trimmedWhitespace.isEmpty ? nil : $0 }
        subject = (headers["Subject"] ?? "").trimmedWhitespace

        var attachments: [Attachment] = []
        for (index, leaf) in leaves.enumerated() where index != bodyIndexes.text && index != bodyIndexes.html {
            let type = leaf.contentType.value
            if type.hasPrefix("multipart/") { continue }
            // A delivery report's machine-readable part is read above, not an attachment.
            if type == "message/delivery-status" { continue }
            if leaf.body.isEmpty, leaf.filename == nil { continue }
            let name = leaf.filename.map(InboundMail.safeFilename) ?? InboundMail.defaultName(for: type, index: attachments.count + 1)
            let cid = leaf.headers["Content-ID"].flatMap { MessageIDs.parse($0).first }
            let inline = cid.map { id in bodies.html?.contains("cid:\(id)") ?? false } ?? false
            attachments.append(Attachment(name: name, contentType: type, data: leaf.body, inline: inline))
        }
        self.attachments = attachments
        forwardedFrom = threading.isForward ? InboundMail.originalSender(of: message, text: text) : nil
        removeControlCharacters()
    }

    /// NUL and other control characters go from everything that is stored as text (both
    /// databases then keep the same message); the raw message keeps them.
    mutating func removeControlCharacters() {
        var removed = false
        func clean(_ value: inout String) {
            if let cleaned = value.removingControlCharacters {
                value = cleaned
                removed = true
            }
        }
        clean(&subject)
        clean(&threading.subject)
        clean(&text)
        if var fresh = freshText { clean(&fresh); freshText = fresh }
        if var body = html { clean(&body); html = body }
        if var name = from.name { clean(&name); from.name = name }
        if var id = messageID { clean(&id); messageID = id }
        if removed { defects.append("control characters removed") }
    }

    /// The sender of the message that was forwarded: an attached message's From, or the
    /// `From:` line of the first forwarded header block in the text.
    static func originalSender(of message: MIMEPart, text: String) -> MailAddress? {
        if let attached = message.leafMessages.first, let sender = MailAddress.list(attached.headers.raw("From") ?? "").first {
            return sender
        }
        let lines = text.components(separatedBy: "\n")
        for (index, line) in lines.enumerated() {
            let lower = line.lowercased()
            guard lower.contains("forwarded message") || lower.contains("original message") || lower.contains("weitergeleitete nachricht")
                    || lower.contains("przekazana wiadomość") || lower.hasPrefix("begin forwarded message") else { continue }
            for candidate in lines[(index + 1)...].prefix(8) {
                let trimmed = candidate.trimmedSpaces
                for label in ["from:", "von:", "od:", "de:"] where trimmed.lowercased().hasPrefix(label) {
                    if let address = MailAddress.list(String(trimmed.dropFirst(label.count))).first { return address }
                }
            }
        }
        return nil
    }

    /// A filename without directories or control characters, at most 180 characters.
    static func safeFilename(_ raw: String) -> String {
        let last = raw.split(whereSeparator: { $0 == "/" || $0 == "\\" }).last.map(String.init) ?? ""
        let cleaned = String(last.unicodeScalars.filter { $0.value >= 0x20 && $0.value != 0x7F }.map(Character.init))
            .trimmedSpaces
        let name = cleaned.isEmpty || cleaned == "." || cleaned == ".." ? "attachment" : cleaned
        return String(name.prefix(180))
    }

    static func defaultName(for type: String, index: Int) -> String {
        let ext = switch type {
        case "message/rfc822": "eml"
        case "text/html": "html"
        case "text/calendar": "ics"
        case "image/png": "png"
        case "image/jpeg": "jpg"
        case "image/gif": "gif"
        case "application/pdf": "pdf"
        case _ where type.hasPrefix("text/"): "txt"
        default: "bin"
        }
        return "attachment-\(index).\(ext)"
    }
}

/// Why a message cannot become an interaction (it is quarantined with this reason).
public enum InboundMailError: Error, Equatable, Sendable {
    case noHeaders
    case noSender

    public var reason: String {
        switch self {
        case .noHeaders: "the message has no header section"
        case .noSender: "no sender address in From, Sender, Reply-To or the envelope"
        }
    }
}

extension MIMEPart {
    /// Defects of this part and all parts inside it.
    var allDefects: [String] { defects + parts.flatMap(\.allDefects) }

    /// Messages attached as message/rfc822, outermost first.
    var leafMessages: [MIMEPart] {
        if contentType.value == "message/rfc822" || contentType.value == "message/global" { return parts }
        return parts.flatMap(\.leafMessages)
    }
}
