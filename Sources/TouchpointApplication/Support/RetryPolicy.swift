import Foundation

/// When something that failed (an inbound envelope, an outbound message) is tried again,
/// and when it is given up: to the quarantine, or to the dead letters.
public struct RetryPolicy: Sendable {
    public var maxAttempts: Int
    public var firstDelay: Duration
    public var maxDelay: Duration

    public init(maxAttempts: Int = 8, firstDelay: Duration = .seconds(1), maxDelay: Duration = .seconds(300)) {
        self.maxAttempts = maxAttempts
        self.firstDelay = firstDelay
        self.maxDelay = maxDelay
    }

    /// Outbound messages: a provider or smarthost that is down for hours still gets them
    /// (30 s doubling to 4 h, ten attempts: about a day).
    public static let outbound = RetryPolicy(maxAttempts: 10, firstDelay: .seconds(30), maxDelay: .seconds(4 * 3600))

    /// Exponential backoff with ±20 % jitter, so what failed together does not all come back
    /// in the same instant; nil once the attempts are used up.
    public func delay(afterAttempt attempt: Int, random: Double) -> Duration? {
        guard attempt < maxAttempts else { return nil }
        let base = min(Double(firstDelay.components.seconds) * pow(2, Double(max(attempt - 1, 0))), Double(maxDelay.components.seconds))
        return .milliseconds(Int(base * 1000 * (0.8 + 0.4 * random)))
    }

    /// When attempt `attempt + 1` is due, counted from `now`; nil once the attempts are used up.
    public func nextAttempt(after attempt: Int, from now: Date, random: Double = .random(in: 0...1)) -> Date? {
        delay(afterAttempt: attempt, random: random).map {
            now.addingTimeInterval(Double($0.components.seconds) + Double($0.components.attoseconds) / 1e18)
        }
    }
}
