import Foundation

/// What an SLA clock says at a moment: the one place this is decided, for the API, the
/// console, the portal and the scheduler.
public enum SLALabel: String, WireEnum, Comparable {
    /// Running, before its warning time.
    case onTrack
    /// Running, past the warning time (the policy's share of the target), before the deadline.
    case atRisk
    /// Past the deadline and still running.
    case breached
    /// Not counting now (the case waits on the customer).
    case paused
    /// Stopped in time.
    case met
    /// Stopped after its deadline.
    case metLate

    /// How much a label needs attention: a case shows its most urgent clock.
    var urgency: Int {
        switch self {
        case .breached: 5
        case .atRisk: 4
        case .onTrack: 3
        case .paused: 2
        case .metLate: 1
        case .met: 0
        }
    }

    public static func < (lhs: SLALabel, rhs: SLALabel) -> Bool { lhs.urgency < rhs.urgency }

    /// The label in words people read.
    public var words: String {
        switch self {
        case .onTrack: "on track"
        case .atRisk: "at risk"
        case .breached: "breached"
        case .paused: "paused"
        case .met: "met"
        case .metLate: "met late"
        }
    }

    /// Whether a person should look now.
    public var needsAttention: Bool { self == .atRisk || self == .breached }
}

extension SLAClock {
    public func label(at now: Date) -> SLALabel {
        if stoppedAt != nil { return breachedAt != nil ? .metLate : .met }
        if breached(at: now) { return .breached }
        if isPaused { return .paused }
        if let warnAt, warnAt <= now { return .atRisk }
        return .onTrack
    }
}

extension SLAState {
    /// The most urgent label among the case's clocks (nil without clocks).
    public func label(at now: Date) -> SLALabel? {
        clocks.map { $0.label(at: now) }.max()
    }
}
