import Foundation

/// One SMTP (RFC 5321) or LMTP (RFC 2033) server conversation as a pure state machine: the
/// network adapter feeds it bytes and performs the steps it asks for. It never does I/O,
/// so pipelining, dot-stuffing, size limits and line lengths are unit-tested here.
///
/// The adapter loop: `receive(bytes)`, then call `next()` until it returns nil, writing
/// each `.reply`, answering `.verifyRecipient` with `recipientVerified(_:)` and `.deliver`
/// with `delivered(_:)` before asking for the next step. Pipelined commands wait in the
/// input buffer while a step is outstanding, so their replies keep their order.
public struct SMTPSession: Sendable {
    public enum Mode: String, Sendable { case smtp, lmtp }

    public struct Configuration: Sendable {
        public var hostname: String
        public var mode: Mode
        /// Larger messages are refused with 552 (announced in EHLO's SIZE).
        public var maxMessageBytes: Int
        public var maxRecipients: Int
        /// Commands longer than this (RFC 5321 §4.5.3.1.4: 512 octets) get a 500.
        public var maxCommandBytes: Int
        /// After this many bad commands the server gives up on the client.
        public var maxErrors: Int

        public init(hostname: String, mode: Mode = .smtp, maxMessageBytes: Int = 25 * 1_048_576, maxRecipients: Int = 100,
                    maxCommandBytes: Int = 512, maxErrors: Int = 20) {
            self.hostname = hostname
            self.mode = mode
            self.maxMessageBytes = maxMessageBytes
            self.maxRecipients = maxRecipients
            self.maxCommandBytes = maxCommandBytes
            self.maxErrors = maxErrors
        }
    }

    /// A reply: the code, an enhanced status code (RFC 3463) and one or more text lines.
    public struct Reply: Equatable, Sendable {
        public var code: Int
        public var lines: [String]

        public init(_ code: Int, _ lines: String...) {
            self.code = code
            self.lines = lines
        }

        public init(code: Int, lines: [String]) {
            self.code = code
            self.lines = lines.isEmpty ? [""] : lines
        }

        /// The reply on the wire, multi-line replies with `-` continuation.
        public var wire: String {
            lines.enumerated().map { index, line in "\(code)\(index == lines.count - 1 ? " " : "-")\(line)\r\n" }.joined()
        }

        public var isSuccess: Bool { (200..<400).contains(code) }
    }

    /// What a finished DATA transfer delivers.
    public struct Envelope: Equatable, Sendable {
        /// The reverse path, "" for the null sender `<>` (bounces).
        public var reversePath: String
        public var recipients: [String]
        /// The message with dot-stuffing removed and its lines ending in CRLF.
        public var data: [UInt8]
        public var eightBitMIME: Bool
        public var smtpUTF8: Bool
        public var clientName: String
    }

    /// What the adapter has to do next.
    public enum Step: Equatable, Sendable {
        case reply(Reply)
        /// Is this a mailbox we accept? Answer with `recipientVerified`.
        case verifyRecipient(String)
        /// Store the message durably; answer with `delivered`.
        case deliver(Envelope)
        /// Close the connection (after the last reply was written).
        case close
    }

    /// The answer to `.verifyRecipient`.
    public enum RecipientVerdict: Sendable {
        case accepted
        case unknown
        /// Could not be checked now (the database is unavailable): the client retries.
        case unavailable
    }

    private enum Awaiting: Equatable { case recipient(String), delivery }

    public let configuration: Configuration
    private var input: [UInt8] = []
    private var inputStart = 0
    private var clientName: String?
    private var reversePath: String?
    private var recipients: [String] = []
    private var eightBit = false
    private var utf8 = false
    private var inData = false
    private var data: [UInt8] = []
    private var dataTooLarge = false
    /// Whether the line before the current one ended in CRLF (a lone "." after a bare LF
    /// is not an end of data: that is how SMTP smuggling works).
    private var previousLineCRLF = true
    private var discardingLongLine = false
    /// Part of an over-long DATA line was already kept; the rest follows.
    private var dataMidLine = false
    private var awaiting: Awaiting?
    private var errors = 0
    private var closed = false
    private var queued: [Step] = []

    public init(configuration: Configuration) {
        self.configuration = configuration
    }

    /// The 220 greeting the server sends first.
    public var greeting: Reply {
        Reply(220, "\(configuration.hostname) \(configuration.mode == .lmtp ? "LMTP" : "ESMTP") Touchpoint ready")
    }

    /// Appends bytes read from the client.
    public mutating func receive<Bytes: Sequence>(_ bytes: Bytes) where Bytes.Element == UInt8 {
        if inputStart > 0, inputStart == input.count {
            input.removeAll(keepingCapacity: true)
            inputStart = 0
        }
        input.append(contentsOf: bytes)
    }

    /// The next step, or nil when the session needs more input or an answer.
    public mutating func next() -> Step? {
        if !queued.isEmpty { return queued.removeFirst() }
        guard awaiting == nil, !closed else { return nil }
        while let line = nextLine() {
            if let step = handle(line) { return step }
        }
        compactInput()
        return nil
    }

    /// Answers a `.verifyRecipient` step.
    public mutating func recipientVerified(_ verdict: RecipientVerdict) {
        guard case .recipient(let address) = awaiting else { return }
        awaiting = nil
        switch verdict {
        case .accepted:
            recipients.append(address)
            queued.append(.reply(Reply(250, "2.1.5 <\(address)> ok")))
        case .unknown:
            queued.append(.reply(Reply(550, "5.1.1 <\(address)>: no such mailbox here")))
        case .unavailable:
            queued.append(.reply(Reply(451, "4.3.0 <\(address)> cannot be checked now; try again later")))
        }
    }

    /// Answers a `.deliver` step: one reply for SMTP, one per recipient (in order) for LMTP.
    public mutating func delivered(_ replies: [Reply]) {
        guard awaiting == .delivery else { return }
        awaiting = nil
        let count = configuration.mode == .lmtp ? recipients.count : 1
        for index in 0..<count {
            queued.append(.reply(index < replies.count ? replies[index] : (replies.last ?? Reply(451, "4.3.0 not stored; try again later"))))
        }
        resetTransaction()
    }

    // MARK: - Lines

    private enum Line {
        /// A line without its terminator, and whether that was CRLF.
        case text([UInt8], crlf: Bool)
        /// A command line over the limit, skipped up to its end.
        case tooLong
    }

    /// The next complete line. Over-long command lines are skipped and reported once.
    private mutating func nextLine() -> Line? {
        while true {
            guard let newline = input[inputStart...].firstIndex(of: 0x0A) else {
                // A command line that already exceeds the limit without an end is dropped
                // now, so a client cannot make us buffer without bound.
                if !inData, input.count - inputStart > configuration.maxCommandBytes * 4 {
                    inputStart = input.count
                    discardingLongLine = true
                }
                if inData, input.count - inputStart > 1_048_576 {
                    // One huge line inside DATA: keep its bytes (they count against the size).
                    appendData(input[inputStart...], complete: false)
                    inputStart = input.count
                    dataMidLine = true
                }
                return nil
            }
            var end = newline
            let crlf = end > inputStart && input[end - 1] == 0x0D
            if crlf { end -= 1 }
            let line = Array(input[inputStart..<end])
            inputStart = newline + 1
            if discardingLongLine {
                discardingLongLine = false
                if !inData { return .tooLong }
                continue
            }
            return .text(line, crlf: crlf)
        }
    }

    private mutating func compactInput() {
        if inputStart > 65_536 {
            input.removeFirst(inputStart)
            inputStart = 0
        }
    }

    private mutating func appendData(_ line: ArraySlice<UInt8>, complete: Bool) {
        guard !dataTooLarge else { return }
        let added = line.count + (complete ? 2 : 0)
        if data.count + added > configuration.maxMessageBytes {
            dataTooLarge = true
            data = []
            return
        }
        data.append(contentsOf: line)
        if complete { data.append(contentsOf: [0x0D, 0x0A]) }
    }

    private mutating func handle(_ input: Line) -> Step? {
        guard case .text(let line, let crlf) = input else { return error(Reply(500, "5.5.2 line too long")) }
        if inData { return handleData(line: line, crlf: crlf) }
        if line.count > configuration.maxCommandBytes { return error(Reply(500, "5.5.2 line too long")) }
        let text = String(decoding: line, as: UTF8.self)
        let verb = text.prefix(while: { $0 != " " }).uppercased()
        let argument = text.dropFirst(verb.count).trimmedSpaces
        switch verb {
        case "EHLO", "HELO", "LHLO": return hello(verb: verb, name: argument)
        case "MAIL": return mail(argument)
        case "RCPT": return rcpt(argument)
        case "DATA":
            guard clientName != nil, reversePath != nil else { return error(Reply(503, "5.5.1 MAIL first")) }
            guard !recipients.isEmpty else { return error(Reply(554, "5.5.1 no valid recipients")) }
            inData = true
            data = []
            dataTooLarge = false
            previousLineCRLF = true
            return .reply(Reply(354, "End data with <CR><LF>.<CR><LF>"))
        case "RSET":
            resetTransaction()
            return .reply(Reply(250, "2.0.0 ok"))
        case "NOOP": return .reply(Reply(250, "2.0.0 ok"))
        case "VRFY": return .reply(Reply(252, "2.5.0 cannot verify; send the message and we will try"))
        case "HELP": return .reply(Reply(214, "2.0.0 EHLO MAIL RCPT DATA RSET NOOP QUIT"))
        case "QUIT":
            closed = true
            queued.append(.close)
            return .reply(Reply(221, "2.0.0 \(configuration.hostname) closing"))
        case "STARTTLS", "AUTH", "BDAT", "ETRN", "TURN":
            return error(Reply(502, "5.5.1 \(verb) is not offered here"))
        default:
            return error(Reply(500, "5.5.2 command not recognized"))
        }
    }

    private mutating func hello(verb: String, name: String) -> Step {
        if (verb == "LHLO") != (configuration.mode == .lmtp) {
            return error(Reply(500, configuration.mode == .lmtp ? "5.5.1 this is LMTP: say LHLO" : "5.5.1 this is SMTP: say EHLO"))
        }
        guard !name.isEmpty else { return error(Reply(501, "5.5.4 \(verb) needs a domain or address literal")) }
        resetTransaction()
        clientName = name
        if verb == "HELO" { return .reply(Reply(250, "\(configuration.hostname)")) }
        return .reply(Reply(code: 250, lines: [
            configuration.hostname, "PIPELINING", "8BITMIME", "SMTPUTF8", "ENHANCEDSTATUSCODES", "SIZE \(configuration.maxMessageBytes)",
        ]))
    }

    private mutating func mail(_ argument: String) -> Step {
        guard clientName != nil else { return error(Reply(503, "5.5.1 say \(configuration.mode == .lmtp ? "LHLO" : "EHLO") first")) }
        guard reversePath == nil else { return error(Reply(503, "5.5.1 nested MAIL command")) }
        guard let (path, parameters) = SMTPSession.path(argument, keyword: "FROM:") else {
            return error(Reply(501, "5.5.4 syntax: MAIL FROM:<address>"))
        }
        var eightBit = false, utf8 = false
        for (key, value) in parameters {
            switch key {
            case "SIZE":
                guard let size = value.flatMap({ Int($0) }) else { return error(Reply(501, "5.5.4 SIZE needs a number")) }
                if size > configuration.maxMessageBytes {
                    return .reply(Reply(552, "5.3.4 message size \(size) exceeds the limit of \(configuration.maxMessageBytes) bytes"))
                }
            case "BODY":
                switch value?.uppercased() {
                case "7BIT": break
                case "8BITMIME": eightBit = true
                default: return error(Reply(501, "5.5.4 BODY must be 7BIT or 8BITMIME"))
                }
            case "SMTPUTF8": utf8 = true
            default: return error(Reply(555, "5.5.4 parameter \(key) is not supported"))
            }
        }
        if !utf8, path.utf8.contains(where: { $0 >= 0x80 }) {
            return error(Reply(553, "5.6.7 a non-ASCII address needs SMTPUTF8"))
        }
        if !path.isEmpty, !path.contains("@") { return error(Reply(553, "5.1.7 the sender address is not valid")) }
        reversePath = path
        self.eightBit = eightBit
        self.utf8 = utf8
        return .reply(Reply(250, "2.1.0 sender ok"))
    }

    private mutating func rcpt(_ argument: String) -> Step {
        guard reversePath != nil else { return error(Reply(503, "5.5.1 MAIL first")) }
        guard let (path, parameters) = SMTPSession.path(argument, keyword: "TO:"), !path.isEmpty else {
            return error(Reply(501, "5.5.4 syntax: RCPT TO:<address>"))
        }
        if let unknown = parameters.first { return error(Reply(555, "5.5.4 parameter \(unknown.0) is not supported")) }
        guard path.contains("@") else { return error(Reply(553, "5.1.3 the recipient address is not valid")) }
        if !utf8, path.utf8.contains(where: { $0 >= 0x80 }) { return error(Reply(553, "5.6.7 a non-ASCII address needs SMTPUTF8")) }
        guard recipients.count < configuration.maxRecipients else { return .reply(Reply(452, "4.5.3 too many recipients")) }
        awaiting = .recipient(path)
        return .verifyRecipient(path)
    }

    private mutating func handleData(line: [UInt8], crlf: Bool) -> Step? {
        let wasCRLF = previousLineCRLF
        previousLineCRLF = crlf
        if dataMidLine {
            dataMidLine = false
            appendData(line[...], complete: true)
            return nil
        }
        if line == [UInt8(ascii: ".")], crlf, wasCRLF {
            inData = false
            if dataTooLarge {
                let reply = Reply(552, "5.3.4 message exceeds the limit of \(configuration.maxMessageBytes) bytes")
                let count = configuration.mode == .lmtp ? recipients.count : 1
                for _ in 1..<max(count, 1) { queued.append(.reply(reply)) }
                resetTransaction()
                return .reply(reply)
            }
            awaiting = .delivery
            return .deliver(Envelope(reversePath: reversePath ?? "", recipients: recipients, data: data,
                                     eightBitMIME: eightBit, smtpUTF8: utf8, clientName: clientName ?? ""))
        }
        // Dot-stuffing (RFC 5321 §4.5.2): a leading dot was doubled by the client.
        let content = line.first == UInt8(ascii: ".") ? line[1...] : line[...]
        appendData(content, complete: true)
        return nil
    }

    private mutating func resetTransaction() {
        reversePath = nil
        recipients = []
        data = []
        dataTooLarge = false
        eightBit = false
        utf8 = false
    }

    private mutating func error(_ reply: Reply) -> Step {
        errors += 1
        if errors >= configuration.maxErrors {
            closed = true
            queued.append(.close)
            return .reply(Reply(421, "4.7.0 too many errors; closing"))
        }
        return .reply(reply)
    }

    /// `FROM:<path> KEY=VALUE …` → the path (without brackets) and the parameters.
    static func path(_ argument: String, keyword: String) -> (String, [(String, String?)])? {
        guard argument.uppercased().hasPrefix(keyword) else { return nil }
        let rest = argument.dropFirst(keyword.count).trimmedSpaces
        guard rest.hasPrefix("<"), let close = rest.firstIndex(of: ">") else { return nil }
        var path = String(rest[rest.index(after: rest.startIndex)..<close])
        // A source route (`<@relay:user@host>`) is obsolete; the mailbox follows the colon.
        if path.hasPrefix("@"), let colon = path.firstIndex(of: ":") { path = String(path[path.index(after: colon)...]) }
        let parameters = rest[rest.index(after: close)...].split(separator: " ").map { word -> (String, String?) in
            // Empty parts kept: a bare "=" is a parameter with an empty name (refused as
            // unknown), not an empty split to index into (found by `Benchmarks/fuzz.sh smtp`).
            let pair = word.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            return (pair[0].uppercased(), pair.count > 1 ? String(pair[1]) : nil)
        }
        return (path, parameters)
    }
}
