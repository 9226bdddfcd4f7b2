import Foundation

/// Who else has a case open in the console, and whether they are writing on it: what stops
/// two agents from answering one customer twice ("Ola is viewing", "Ola is typing").
///
/// Each open case page says so at least every `heartbeat`; a mark older than `viewingFor`
/// is a page that closed without saying so (a crash, a lost network), and typing older
/// than `typingFor` has stopped.
public enum CasePresence {
    public static let heartbeat: TimeInterval = 10
    public static let viewingFor: TimeInterval = 25
    public static let typingFor: TimeInterval = 6

    /// One person's last word on one case.
    public struct Mark: Sendable, Equatable {
        public var userID: UserID
        public var name: String
        public var seenAt: Date
        /// When they last typed a reply or a note on the page, nil once they stopped.
        public var typingAt: Date?

        public init(userID: UserID, name: String, seenAt: Date, typingAt: Date?) {
            self.userID = userID
            self.name = name
            self.seenAt = seenAt
            self.typingAt = typingAt
        }
    }

    /// A colleague on the case now.
    public struct Viewer: Sendable, Equatable {
        public var userID: UserID
        public var name: String
        public var typing: Bool

        public init(userID: UserID, name: String, typing: Bool) {
            self.userID = userID
            self.name = name
            self.typing = typing
        }
    }

    /// The people other than `reader` on the case at `now`: those typing first, then by name.
    public static func viewers(_ marks: [Mark], reader: UserID, now: Date) -> [Viewer] {
        marks.filter { $0.userID != reader && now.timeIntervalSince($0.seenAt) <= viewingFor }
            .map { mark in
                Viewer(userID: mark.userID, name: mark.name,
                       typing: mark.typingAt.map { now.timeIntervalSince($0) <= typingFor } ?? false)
            }
            .sorted { ($0.typing ? 0 : 1, $0.name) < ($1.typing ? 0 : 1, $1.name) }
    }

    /// The sentence a page shows above its composer, nil when nobody else is there.
    public static func sentence(_ viewers: [Viewer]) -> String? {
        guard !viewers.isEmpty else { return nil }
        let typing = viewers.filter(\.typing).map(\.name)
        let viewing = viewers.filter { !$0.typing }.map(\.name)
        var parts: [String] = []
        if !typing.isEmpty { parts.append("\(list(typing)) \(typing.count == 1 ? "is" : "are") writing on this case") }
        if !viewing.isEmpty { parts.append("\(list(viewing)) \(viewing.count == 1 ? "is" : "are") viewing \(parts.isEmpty ? "this case" : "it")") }
        let text = parts.joined(separator: "; ")
        return text.prefix(1).uppercased() + text.dropFirst() + "."
    }

    /// "Ola", "Ola and Piotr", "Ola, Piotr and Jan".
    static func list(_ names: [String]) -> String {
        guard names.count > 1 else { return names.first ?? "" }
        return names.dropLast().joined(separator: ", ") + " and " + names[names.count - 1]
    }
}
