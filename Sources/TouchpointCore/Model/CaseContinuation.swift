import Foundation

/// One need, one case: whether a customer's new message on some contact point continues the
/// case they are already in, or opens its own.
///
/// A customer who emails about a fault and then, within the window, sends an SMS, phones or
/// chats about it has one need: the message continues that case. The case is not continued
/// (a new one opens, and the case page offers "same need?" with the reason) when it is not
/// sure: the customer started a new conversation on a contact point the case already has (a
/// second email thread is usually a second matter), or the topics differ.
public enum CaseContinuation {
    /// The window a policy uses when it names none.
    public static let defaultWindowMinutes = 24 * 60

    /// A case the customer may be continuing: active, theirs, and how recent.
    public struct Candidate: Sendable, Equatable {
        public var caseID: CaseID
        public var number: Int
        public var topic: String?
        /// The contact points the case already has messages on.
        public var contactPoints: Set<ContactPoint>
        /// When the case last changed.
        public var lastActive: Date

        public init(caseID: CaseID, number: Int, topic: String?, contactPoints: Set<ContactPoint>, lastActive: Date) {
            self.caseID = caseID
            self.number = number
            self.topic = topic
            self.contactPoints = contactPoints
            self.lastActive = lastActive
        }
    }

    public enum Decision: Sendable, Equatable {
        /// Add the message to this case; `why` goes on its timeline.
        case continueCase(CaseID, why: String)
        case openNew
    }

    /// The decision for a message on `contactPoint` (with `topic`, when the contact point
    /// knows it) sent at `at`, given the customer's most recently active open case.
    public static func decide(_ candidate: Candidate?, contactPoint: ContactPoint, topic: String?, at: Date, windowMinutes: Int) -> Decision {
        guard let candidate, windowMinutes > 0 else { return .openNew }
        let quiet = at.timeIntervalSince(candidate.lastActive)
        guard quiet <= Double(windowMinutes) * 60 else { return .openNew }
        guard !candidate.contactPoints.contains(contactPoint) else { return .openNew }
        if let topic, let other = candidate.topic, topic != other { return .openNew }
        let minutes = max(0, Int(quiet / 60))
        let ago = minutes < 1 ? "just now" : minutes < 120 ? "\(minutes) min ago" : "\(minutes / 60) h ago"
        return .continueCase(candidate.caseID, why: "same customer, case active \(ago) on "
            + ContactPoint.allCases.filter(candidate.contactPoints.contains).map(\.label).joined(separator: ", ")
            + ", nothing on \(contactPoint.label) yet")
    }

    /// Why another open case of the same customer may be the same need as `item` — opened
    /// within the window of each other, topics not in conflict — for agents to merge with one
    /// click; nil when nothing suggests it.
    public static func sameNeed(_ other: Case, as item: Case, windowMinutes: Int, language: Language = .en) -> String? {
        guard windowMinutes > 0, other.id != item.id, other.contactID == item.contactID, other.status.isActive, item.status.isActive,
              other.mergedInto == nil, item.mergedInto == nil else { return nil }
        if let a = other.topic, let b = item.topic, a != b { return nil }
        let gap = other.createdAt.timeIntervalSince(item.createdAt)
        guard abs(gap) <= Double(windowMinutes) * 60 else { return nil }
        let minutes = Int(abs(gap) / 60)
        let length = minutes < 120 ? "\(minutes) min" : language.say("\(minutes / 60) h", "\(minutes / 60) godz.")
        let span = minutes < 1 ? language.say("within a minute of", "w ciągu minuty od")
            : length + (gap < 0 ? language.say(" before", " przed") : language.say(" after", " po"))
        return language.say("same customer, opened on \(other.contactPoint.label) \(span) this one, both still open",
                            "ten sam klient, otwarta przez: \(other.contactPoint.label(language)) \(span) tej, obie wciąż otwarte")
    }
}
