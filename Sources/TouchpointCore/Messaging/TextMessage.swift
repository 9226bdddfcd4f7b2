import Foundation

/// The kind of outside system an integration connects.
public enum IntegrationKind: String, WireEnum {
    /// A phone system reporting calls (computer-telephony integration).
    case cti
    case sms
    case whatsApp

    /// The contact point its messages arrive on.
    public var contactPoint: ContactPoint {
        switch self {
        case .cti: .phone
        case .sms: .sms
        case .whatsApp: .whatsApp
        }
    }
}

/// What a customer's text message (SMS or WhatsApp) means besides its words.
public enum TextKeyword: Equatable, Sendable {
    /// The customer asks to get no more messages.
    case optOut(String)
    /// The customer takes an opt-out back.
    case optIn(String)

    /// The keywords carriers and WhatsApp customers use; matched on the whole message,
    /// ignoring case and surrounding spaces and punctuation.
    public static let optOutWords: Set<String> = ["STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT", "STOP ALL"]
    public static let optInWords: Set<String> = ["START", "UNSTOP"]

    /// The keyword a whole message is, if it is one; `extra` are a brand's own opt-out words.
    public static func of(_ text: String, extraOptOut: Set<String> = []) -> TextKeyword? {
        let word = text.trimmingCharacters(in: .whitespacesAndNewlines.union(.punctuationCharacters)).uppercased()
        if optOutWords.contains(word) || extraOptOut.contains(word) { return .optOut(word) }
        if optInWords.contains(word) { return .optIn(word) }
        return nil
    }
}

/// Where an outbound text message stands at the provider.
public enum TextDeliveryStatus: String, WireEnum {
    case sent, delivered, read, failed
}

/// One thing a phone system reports about a call.
public enum CallEventKind: String, WireEnum {
    case newCall, answer, hangup
}

/// How a finished call went, and what it means for the customer.
public struct CallOutcome: Equatable, Sendable {
    public var inbound: Bool
    public var answeredAt: Date?
    public var startedAt: Date?
    public var endedAt: Date
    /// The phone system's reason for the end (normalClearing, busy, noAnswer, cancel, …).
    public var cause: String?

    public init(inbound: Bool, answeredAt: Date?, startedAt: Date?, endedAt: Date, cause: String?) {
        self.inbound = inbound
        self.answeredAt = answeredAt
        self.startedAt = startedAt
        self.endedAt = endedAt
        self.cause = cause
    }

    public var answered: Bool { answeredAt != nil }
    /// An inbound call nobody took: the customer is owed a call back.
    public var missed: Bool { inbound && !answered }

    /// Seconds talked (from the answer), or nil for a call nobody took.
    public var talkSeconds: Int? { answeredAt.map { max(0, Int(endedAt.timeIntervalSince($0).rounded())) } }
    /// Seconds the caller waited before the answer or the end.
    public var waitSeconds: Int? { startedAt.map { max(0, Int(((answeredAt ?? endedAt).timeIntervalSince($0)).rounded())) } }

    /// The line on the timeline.
    public func summary(agent: String?) -> String {
        let way = inbound ? "Inbound call" : "Outbound call"
        guard let talk = talkSeconds else {
            let waited = waitSeconds.map { " after \(Self.duration($0))" } ?? ""
            return inbound ? "Missed inbound call\(waited) (\(cause ?? "no answer"))" : "Outbound call not answered (\(cause ?? "no answer"))"
        }
        return "\(way), \(Self.duration(talk))" + (agent.map { " with \($0)" } ?? "")
    }

    static func duration(_ seconds: Int) -> String {
        seconds < 60 ? "\(seconds) s" : "\(seconds / 60) min \(seconds % 60) s"
    }
}

/// A text message asking for a place in a walk-in queue: `QUEUE`, `QUEUE B`,
/// `QUEUE B warsaw-centre` (or NUMBER, TICKET, and the Polish NUMEREK, KOLEJKA); `QUEUE LEAVE`
/// gives the place up. The words after the keyword name a category and/or a location, in
/// any order; anything longer is an ordinary message.
public struct QueueRequest: Equatable, Sendable {
    public static let keywords: Set<String> = ["QUEUE", "NUMBER", "TICKET", "NUMEREK", "KOLEJKA"]
    public static let leaveWords: Set<String> = ["LEAVE", "OFF", "REZYGNUJĘ", "REZYGNUJE"]

    /// Category codes or location slugs, as typed (the store tells which is which).
    public var words: [String]
    public var leave: Bool

    public init(words: [String], leave: Bool) {
        self.words = words
        self.leave = leave
    }

    public static func of(_ text: String) -> QueueRequest? {
        let tokens = text.split(whereSeparator: { $0.isWhitespace }).map { $0.trimmingCharacters(in: .punctuationCharacters.subtracting(["-"])) }
            .filter { !$0.isEmpty }
        guard let first = tokens.first, keywords.contains(first.uppercased()), tokens.count <= 3 else { return nil }
        var words: [String] = []
        var leave = false
        for token in tokens.dropFirst() {
            if leaveWords.contains(token.uppercased()) {
                leave = true
            } else if (1...64).contains(token.count), token.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }) {
                words.append(token)
            } else {
                return nil
            }
        }
        return QueueRequest(words: words, leave: leave)
    }
}
