import Foundation

public enum SLAClockKind: String, WireEnum {
    case firstResponse, nextResponse, resolution

    public var label: String {
        switch self {
        case .firstResponse: "first response"
        case .nextResponse: "next response"
        case .resolution: "resolution"
        }
    }
}

/// One SLA clock. Business time already spent is banked in `elapsedSeconds`; while the
/// clock runs, its deadlines are computed from `runningSince` on the case's availability.
public struct SLAClock: Codable, Equatable, Sendable {
    public var kind: SLAClockKind
    public var targetMinutes: Int
    /// Service seconds counted before the current run (pauses bank them).
    public var elapsedSeconds: Double
    /// When the current run began; nil while paused or stopped.
    public var runningSince: Date?
    public var dueAt: Date?
    public var warnAt: Date?
    public var warnedAt: Date?
    public var breachedAt: Date?
    /// When the clock stopped for good (response given, case resolved).
    public var stoppedAt: Date?

    public init(kind: SLAClockKind, targetMinutes: Int, startedAt: Date) {
        self.kind = kind
        self.targetMinutes = targetMinutes
        self.elapsedSeconds = 0
        self.runningSince = startedAt
    }

    public var isRunning: Bool { runningSince != nil && stoppedAt == nil }
    public var isPaused: Bool { runningSince == nil && stoppedAt == nil }

    /// Whether the clock ended (or is now) past its deadline.
    public func breached(at now: Date) -> Bool {
        if breachedAt != nil { return true }
        if let dueAt, isRunning { return now >= dueAt }
        return false
    }

    /// Recomputes the deadlines of a running clock.
    mutating func schedule(on availability: Availability, atRiskShare: Double) {
        guard let since = runningSince, stoppedAt == nil else { dueAt = nil; warnAt = nil; return }
        let target = Double(targetMinutes) * 60
        dueAt = availability.adding(seconds: target - elapsedSeconds, to: since)
        warnAt = availability.adding(seconds: target * atRiskShare - elapsedSeconds, to: since)
    }

    mutating func pause(at now: Date, on availability: Availability) {
        guard let since = runningSince, stoppedAt == nil else { return }
        elapsedSeconds += max(0, availability.seconds(from: since, to: now))
        runningSince = nil
        dueAt = nil
        warnAt = nil
    }

    mutating func stop(at now: Date, on availability: Availability) {
        guard stoppedAt == nil else { return }
        if let dueAt, breachedAt == nil, runningSince != nil, now > dueAt { breachedAt = dueAt }
        pause(at: now, on: availability)
        stoppedAt = now
    }
}

/// Something the scheduler must act on.
public struct SLAFiring: Equatable, Sendable {
    public enum Kind: String, Sendable { case warning, breach }
    public var kind: Kind
    public var clock: SLAClockKind
    /// When it was due to fire (the scheduler may run a little later).
    public var dueAt: Date
}

/// The SLA clocks of one case and the rules that move them. Pure: callers pass the time,
/// the availability of the case's service model and its targets.
public struct SLAState: Codable, Equatable, Sendable {
    public var clocks: [SLAClock]
    public var atRiskShare: Double

    public init(clocks: [SLAClock], atRiskShare: Double) {
        self.clocks = clocks
        self.atRiskShare = atRiskShare
    }

    /// Opens the first-response and resolution clocks at `openedAt`. A case opened outside
    /// business hours simply accrues nothing until the calendar opens.
    public static func start(at openedAt: Date, targets: SLATargets, atRiskShare: Double, on availability: Availability) -> SLAState {
        var state = SLAState(clocks: [SLAClock(kind: .firstResponse, targetMinutes: targets.firstResponseMinutes, startedAt: openedAt),
                                      SLAClock(kind: .resolution, targetMinutes: targets.resolutionMinutes, startedAt: openedAt)],
                             atRiskShare: atRiskShare)
        state.reschedule(on: availability)
        return state
    }

    public func clock(_ kind: SLAClockKind) -> SLAClock? { clocks.first { $0.kind == kind } }

    mutating func update(_ kind: SLAClockKind, _ change: (inout SLAClock) -> Void) {
        if let index = clocks.firstIndex(where: { $0.kind == kind }) { change(&clocks[index]) }
    }

    public mutating func reschedule(on availability: Availability) {
        for index in clocks.indices { clocks[index].schedule(on: availability, atRiskShare: atRiskShare) }
    }

    /// A staff reply stops the first- and next-response clocks.
    public mutating func staffReplied(at now: Date, on availability: Availability) {
        update(.firstResponse) { $0.stop(at: now, on: availability) }
        update(.nextResponse) { $0.stop(at: now, on: availability) }
    }

    /// A customer writing after a reply starts a next-response clock.
    public mutating func customerWrote(at now: Date, targets: SLATargets, on availability: Availability) {
        guard let first = clock(.firstResponse), first.stoppedAt != nil else { return }
        if let next = clock(.nextResponse), next.stoppedAt == nil { return }
        clocks.removeAll { $0.kind == .nextResponse }
        var next = SLAClock(kind: .nextResponse, targetMinutes: targets.nextResponseMinutes, startedAt: now)
        // A case waiting on the customer is not paused once they wrote: the status change
        // that comes with the message resumes it.
        next.schedule(on: availability, atRiskShare: atRiskShare)
        clocks.append(next)
    }

    /// Pending pauses every running clock; leaving pending resumes them; resolving stops
    /// resolution (and any response clock); reopening a resolved case resumes resolution.
    public mutating func statusChanged(from old: CaseStatus, to new: CaseStatus, at now: Date, on availability: Availability) {
        for index in clocks.indices {
            switch new {
            case .pending:
                clocks[index].pause(at: now, on: availability)
            case .resolved, .closed:
                clocks[index].stop(at: now, on: availability)
            case .open, .new:
                let reopened = (old == .resolved || old == .closed) && clocks[index].kind == .resolution
                if reopened { clocks[index].stoppedAt = nil }
                if clocks[index].isPaused {
                    clocks[index].runningSince = now
                    clocks[index].schedule(on: availability, atRiskShare: atRiskShare)
                }
            }
        }
    }

    /// New targets (a priority or policy change): running clocks keep what they spent.
    public mutating func retarget(_ targets: SLATargets, atRiskShare: Double, on availability: Availability) {
        self.atRiskShare = atRiskShare
        for index in clocks.indices where clocks[index].stoppedAt == nil {
            clocks[index].targetMinutes = targets.minutes(clocks[index].kind)
            clocks[index].schedule(on: availability, atRiskShare: atRiskShare)
        }
    }

    /// The warnings and breaches due by `now`, marked as fired so they never fire twice.
    public mutating func fire(now: Date) -> [SLAFiring] {
        var firings: [SLAFiring] = []
        for index in clocks.indices where clocks[index].isRunning {
            if let warnAt = clocks[index].warnAt, warnAt <= now, clocks[index].warnedAt == nil {
                clocks[index].warnedAt = now
                firings.append(SLAFiring(kind: .warning, clock: clocks[index].kind, dueAt: warnAt))
            }
            if let dueAt = clocks[index].dueAt, dueAt <= now, clocks[index].breachedAt == nil {
                clocks[index].breachedAt = dueAt
                firings.append(SLAFiring(kind: .breach, clock: clocks[index].kind, dueAt: dueAt))
            }
        }
        return firings
    }

    /// From when the case counts as at risk: the earliest warning point of a clock that has
    /// not stopped (warned and breached clocks stay at risk until they stop).
    public var riskAt: Date? {
        clocks.filter { $0.stoppedAt == nil }.compactMap(\.warnAt).min()
    }

    /// The earliest deadline of a clock still counting (breached or not); nil when every
    /// clock has stopped or is paused.
    public var deadline: Date? {
        clocks.filter(\.isRunning).compactMap(\.dueAt).min()
    }

    /// When the scheduler must look at this case next, nil when nothing is pending.
    public var nextWake: Date? {
        clocks.filter(\.isRunning).flatMap { clock -> [Date] in
            var dates: [Date] = []
            if clock.warnedAt == nil, let warnAt = clock.warnAt { dates.append(warnAt) }
            if clock.breachedAt == nil, let dueAt = clock.dueAt { dates.append(dueAt) }
            return dates
        }.min()
    }
}
