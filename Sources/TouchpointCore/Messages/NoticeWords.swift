import Foundation

/// Why a colleague is notified, as facts that read in their language. Events carry the
/// English sentence (`text`) as they always have; reading parses it back, so notifications
/// recorded before this existed read in Polish too.
public enum NoticeReason: Equatable, Sendable {
    case promiseDue
    case newCaseAssigned(number: Int)
    /// Routing gave the case to the person; `why` is the router's explanation.
    case caseAssigned(why: String)
    case sla(SLAClockKind, breached: Bool)
    case onCallUnanswered(number: Int)
    case mentioned(by: String)
    case onCall(number: Int)
    case onCallReminder(Int, number: Int)
    /// A reason this version does not know, shown as recorded.
    case other(String)

    /// The English sentence events carry in `reason`.
    public var text: String {
        switch self {
        case .promiseDue: "commitmentDue"
        case .newCaseAssigned(let number): "new case #\(number) assigned"
        case .caseAssigned(let why): "case assigned: \(why)"
        case .sla(let clock, let breached): "SLA \(clock.label) \(breached ? "breached" : "at risk")"
        case .onCallUnanswered(let number): "nobody on call answered for case #\(number)"
        case .mentioned(let name): "\(name) mentioned you"
        case .onCall(let number): "You are on call: case #\(number) needs you"
        case .onCallReminder(let reminder, let number): "Reminder \(reminder): case #\(number) still needs you"
        case .other(let text): text
        }
    }

    /// Reads a recorded `reason` (also the clock's stored name, `SLA firstResponse at risk`,
    /// which events said before the clock had words).
    public init(text: String) {
        func number(after prefix: String, before suffix: String) -> Int? {
            guard text.hasPrefix(prefix), text.hasSuffix(suffix), text.count > prefix.count + suffix.count else { return nil }
            return Int(text.dropFirst(prefix.count).dropLast(suffix.count))
        }
        if text == "commitmentDue" { self = .promiseDue; return }
        if let n = number(after: "new case #", before: " assigned") { self = .newCaseAssigned(number: n); return }
        if text.hasPrefix("case assigned: ") { self = .caseAssigned(why: String(text.dropFirst("case assigned: ".count))); return }
        if let n = number(after: "nobody on call answered for case #", before: "") { self = .onCallUnanswered(number: n); return }
        if let n = number(after: "You are on call: case #", before: " needs you") { self = .onCall(number: n); return }
        if text.hasPrefix("Reminder "), let colon = text.firstIndex(of: ":"), let reminder = Int(text[text.index(text.startIndex, offsetBy: 9)..<colon]),
           let n = Int(text[colon...].dropFirst(": case #".count).prefix { $0.isNumber }), text.hasSuffix(" still needs you") {
            self = .onCallReminder(reminder, number: n)
            return
        }
        if text.hasPrefix("SLA ") {
            for breached in [false, true] {
                let suffix = breached ? " breached" : " at risk"
                guard text.hasSuffix(suffix) else { continue }
                let name = String(text.dropFirst(4).dropLast(suffix.count))
                if let clock = SLAClockKind.allCases.first(where: { $0.rawValue == name || $0.label == name }) {
                    self = .sla(clock, breached: breached)
                    return
                }
            }
        }
        if text.hasSuffix(" mentioned you"), text.count > " mentioned you".count {
            self = .mentioned(by: String(text.dropLast(" mentioned you".count)))
            return
        }
        self = .other(text)
    }

    /// The reason as a subject in `language`.
    public func words(_ language: Language) -> String {
        let say = language
        return switch self {
        case .promiseDue: say.say("A promise is due", "Mija termin obietnicy")
        case .newCaseAssigned(let number): say.say("new case #\(number) assigned", "nowa sprawa #\(number) przydzielona Tobie")
        case .caseAssigned(let why): say.say("case assigned: \(why)", "przydzielono Ci sprawę: \(RoutingReason.explanation(why, .pl))")
        case .sla(let clock, let breached):
            breached ? say.say("SLA \(clock.label) breached", "Przekroczony termin: \(clock.label(.pl))")
                : say.say("SLA \(clock.label) at risk", "Zagrożony termin: \(clock.label(.pl))")
        case .onCallUnanswered(let number): say.say("nobody on call answered for case #\(number)", "nikt z dyżuru nie odpowiedział w sprawie #\(number)")
        case .mentioned(let name): say.say("\(name) mentioned you", "\(name) wspomina o Tobie")
        case .onCall(let number): say.say("You are on call: case #\(number) needs you", "Masz dyżur: sprawa #\(number) czeka na Ciebie")
        case .onCallReminder(let reminder, let number):
            say.say("Reminder \(reminder): case #\(number) still needs you", "Przypomnienie \(reminder): sprawa #\(number) wciąż czeka na Ciebie")
        case .other(let text): text
        }
    }

    /// What the on-call page asks of its person: "say you are on it within 15 min".
    public static func acknowledge(within minutes: Int) -> String { "\(acknowledgeWithin)\(minutes) min" }
    private static let acknowledgeWithin = "say you are on it within "

    /// A notification's "what" in `language`: the on-call request in words; anything else
    /// (a promise, the start of a note) is the colleague's own text.
    static func what(_ text: String, _ language: Language) -> String {
        guard language == .pl, text.hasPrefix(acknowledgeWithin), text.hasSuffix(" min"),
              let minutes = Int(text.dropFirst(acknowledgeWithin.count).dropLast(4)) else { return text }
        return "potwierdź w ciągu \(minutes) min, że się tym zajmujesz"
    }
}

extension DomainEvent {
    /// What a notification is about, as a subject in `language`; nil for other events.
    public func noticeSubject(_ language: Language) -> String? {
        guard type == .staffNotified || type == .onCallPaged, case .string(let raw)? = payload["reason"] else { return nil }
        let reason = NoticeReason(text: raw).words(language)
        guard case .string(let what)? = payload["what"] else { return reason }
        return reason + ": " + NoticeReason.what(what, language)
    }

    /// A notification as a sentence its person reads in `language`; nil for other events.
    public func noticeText(_ language: Language) -> String? {
        guard type == .staffNotified || type == .onCallPaged else { return nil }
        guard let subject = noticeSubject(language) else { return language.say("You have a new notice.", "Masz nowe powiadomienie.") }
        // A subject ending in what it is about is shown as it is; a bare reason becomes a sentence.
        if case .string? = payload["what"] { return subject }
        return subject.prefix(1).uppercased() + subject.dropFirst() + "."
    }
}
