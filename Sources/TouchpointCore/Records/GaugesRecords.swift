import Foundation

/// What waits or is stuck right now, for the metrics export: messages waiting to be
/// processed or in the quarantine, and messages waiting to go out, per contact point.
public struct OperationalCounts: Sendable, Equatable {
    public var waiting: [ContactPoint: Int] = [:]
    public var quarantined: [ContactPoint: Int] = [:]
    public var outboxDepth: [ContactPoint: Int] = [:]

    public init(waiting: [ContactPoint: Int] = [:], quarantined: [ContactPoint: Int] = [:], outboxDepth: [ContactPoint: Int] = [:]) {
        self.waiting = waiting
        self.quarantined = quarantined
        self.outboxDepth = outboxDepth
    }
}
