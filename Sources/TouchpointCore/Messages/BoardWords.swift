import Foundation

/// The display board's words, in the brand's language: read across a waiting room, so short.
public struct BoardWords: Sendable, Spoken {
    public let language: Language

    public init(_ language: Language) {
        self.language = language
    }

    public var nowCalling: String { say("Now calling", "Teraz wzywamy") }
    public var atTheDesks: String { say("At the desks", "Przy stanowiskach") }
    public var waitingHeading: String { say("Waiting", "Oczekujący") }
    public var reconnecting: String { say("Reconnecting…", "Ponowne łączenie…") }
    public var queue: String { say("queue", "kolejka") }

    /// One category's line: how many wait and how long a newcomer would (nil: no desk
    /// serves it now). "3 waiting · about 12 min" / "w kolejce: 3 · ok. 12 min".
    public func wait(waiting: Int, minutes: Int?) -> String {
        let count = say("\(waiting) waiting", "w kolejce: \(waiting)")
        let time = minutes.map { $0 == 0 ? say("no wait", "bez czekania") : say("about \($0) min", "ok. \($0) min") } ?? say("closed", "nieczynne")
        return "\(count) · \(time)"
    }
}
