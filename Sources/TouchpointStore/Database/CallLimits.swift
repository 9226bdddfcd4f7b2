import Foundation
import TouchpointCore

/// How long a database call may take, so that an unreachable database is answered with
/// "retry later" at once instead of holding every request, worker and shutdown behind it.
public struct DatabaseLimits: Sendable, Equatable {
    /// How long opening a connection may take (a loaded machine is slow at it). A call still
    /// waiting for one after `CallDeadline.look` asks whether the server accepts TCP
    /// connections at all: if not, the database counts as unreachable; if so, the call waits
    /// its turn (a busy pool), up to `call`.
    public var connection: Duration
    /// How long a whole call may take, connection included (nil: no limit). It is a watchdog
    /// for a driver that never answers, not a limit on slow work: calls queued behind a row
    /// lock or a busy pool on a loaded machine must finish, so it is generous.
    public var call: Duration?
    /// How long a call may take that began around a lost connection (up to 10 s after one) or
    /// saw one while it ran. The driver can hand out a connection the server already ended, and
    /// a query on it is never answered: such a call is ended sooner than `call` allows.
    public var nearLoss: Duration
    /// While the database is unreachable, how often one call is let through to try again;
    /// the others are refused without waiting.
    public var probeInterval: Duration

    public init(
        connection: Duration = .seconds(5), call: Duration? = .seconds(120),
        nearLoss: Duration = .seconds(10), probeInterval: Duration = .milliseconds(250)
    ) {
        self.connection = connection
        self.call = call
        self.nearLoss = nearLoss
        self.probeInterval = probeInterval
    }

    /// Migrations rebuild tables and indexes and may take minutes on a large database.
    public static let migrations = DatabaseLimits(connection: .seconds(10), call: nil)
}

/// Whether the database answers. It counts as away once a call waiting for a connection found
/// that the server does not accept TCP connections, or the server said it is shutting down; then
/// the calls waiting for a connection are refused, and so are the calls that follow, except one
/// every `probeInterval`, which looks again after `CallDeadline.look`; the first that gets a
/// connection opens the way again.
final class Reachability: @unchecked Sendable {
    enum Admission: Equatable {
        case go
        case refuse(String)
    }

    /// Whether the server accepts connections at all, asked when a call waited in vain: a
    /// server that does is slow or busy (a loaded machine, a full pool), not away.
    let serverAccepts: @Sendable () async -> Bool
    private let lock = NSLock()
    private var downSince: ContinuousClock.Instant?
    /// When a connection was last lost or the database last seen to go away.
    private var lastLoss: ContinuousClock.Instant?
    private var lastProbe: ContinuousClock.Instant?
    private var lastLook: (at: ContinuousClock.Instant, accepts: Bool)?
    /// Calls waiting for a connection, refused when the database is seen to go away.
    private var waiting: [Int: @Sendable () -> Void] = [:]
    private var nextWaiter = 0

    init(serverAccepts: @escaping @Sendable () async -> Bool) {
        self.serverAccepts = serverAccepts
    }

    func admit(_ limits: DatabaseLimits) -> Admission {
        lock.withLock {
            guard let downSince else { return .go }
            let now = ContinuousClock.now
            if let lastProbe, now - lastProbe < limits.probeInterval {
                let seconds = Int((now - downSince).components.seconds)
                return .refuse("the database has not answered for \(seconds) s")
            }
            lastProbe = now
            return .go
        }
    }

    /// Fired when a call gets a connection after the database was away.
    let returns = CommitSignal()

    /// A call got its connection: the database answers.
    func connect() {
        let wasDown = lock.withLock {
            defer {
                downSince = nil
                lastProbe = nil
                lastLook = nil
            }
            return downSince != nil
        }
        if wasDown { returns.fire() }
    }

    func wait(_ refuse: @escaping @Sendable () -> Void) -> Int {
        lock.withLock {
            nextWaiter += 1
            waiting[nextWaiter] = refuse
            return nextWaiter
        }
    }

    func stopWaiting(_ key: Int) { lock.withLock { _ = waiting.removeValue(forKey: key) } }

    /// A connection was lost: calls around it get the shorter `nearLoss` limit.
    func lostConnection() { lock.withLock { lastLoss = .now } }

    /// Whether a connection was lost at or after `instant`.
    func lostConnection(since instant: ContinuousClock.Instant) -> Bool {
        lock.withLock { lastLoss.map { $0 >= instant } ?? false }
    }

    func unreachable() {
        let refused = lock.withLock {
            lastLoss = .now
            if downSince == nil { downSince = .now }
            defer { waiting = [:] }
            return Array(waiting.values)
        }
        for refuse in refused { refuse() }
    }

    var isDown: Bool { lock.withLock { downSince != nil } }

    /// Whether the server accepts TCP connections, asked at most every half second: the calls
    /// waiting meanwhile share the answer instead of each opening a socket (a PostgreSQL
    /// process each).
    func accepting() async -> Bool {
        let recent: Bool? = lock.withLock {
            guard let lastLook, ContinuousClock.now - lastLook.at < .milliseconds(500) else { return nil }
            return lastLook.accepts
        }
        if let recent { return recent }
        let accepts = await serverAccepts()
        lock.withLock { lastLook = (.now, accepts) }
        return accepts
    }
}

/// Runs one database call in a task of its own, so that the caller gets an answer when a
/// limit passes even if the driver never returns (a connection that died mid-query); the
/// abandoned call's connection is closed, which ends it and frees its place in the pool.
enum CallDeadline {
    /// How long a call waits for a connection before it asks whether the server is there.
    static let look: Duration = .milliseconds(500)

    static func run<T: Sendable>(
        _ limits: DatabaseLimits, reachability: Reachability,
        _ operation: @escaping @Sendable (_ progress: CallProgress) async throws -> T
    ) async throws -> T {
        if case .refuse(let why) = reachability.admit(limits) { throw StoreError.unavailable(why) }
        let race = Race<T>()
        let waiter = reachability.wait {
            if !race.isConnected { race.finish(.failure(StoreError.unavailable("the database went away"))) }
        }
        let progress = CallProgress { stage in
            guard race.reach(stage) == .connected else { return }
            reachability.stopWaiting(waiter)
            reachability.connect()
        }
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                race.start(continuation)
                race.add(
                    Task {
                        do {
                            race.finish(.success(try await operation(progress)))
                        } catch {
                            race.finish(.failure(error))
                        }
                        progress.end()
                        reachability.stopWaiting(waiter)
                    })
                race.add(
                    Task {
                        let started = ContinuousClock.now
                        // A call still waiting for a connection after a short look asks whether
                        // the server accepts a TCP connection at all: one that refuses is away,
                        // busy pool or not (a database that went away while no call used it, or
                        // while the pool's calls held connections it had abandoned, told nobody).
                        // One that accepts is slow or busy: the call waits its turn, up to its limit.
                        guard (try? await Task.sleep(for: look)) != nil else { return }
                        while !race.isConnected, limits.call.map({ ContinuousClock.now - started < $0 }) ?? true {
                            if await !reachability.accepting(), !race.isConnected {
                                reachability.unreachable()
                                race.finish(.failure(StoreError.unavailable("the database does not accept connections")))
                                return
                            }
                            guard (try? await Task.sleep(for: .milliseconds(100))) != nil else { return }
                        }
                        guard let call = limits.call else { return }
                        // Calls near a lost connection may hold one that will never answer.
                        let nearLoss = started - .seconds(10)
                        var limit = call
                        while ContinuousClock.now - started < limit {
                            if reachability.lostConnection(since: nearLoss) { limit = min(call, limits.nearLoss) }
                            guard (try? await Task.sleep(for: .milliseconds(250))) != nil else { return }
                        }
                        race.finish(.failure(StoreError.unavailable("the database did not answer within \(limit) (\(race.stage.rawValue))")))
                        // Not in this task: answering the caller cancelled it.
                        Task { await progress.closeConnection() }
                    })
            }
        } onCancel: {
            race.finish(.failure(CancellationError()))
            // The driver does not stop a statement when its task is cancelled: one on a connection
            // that stopped answering would hold that connection, and the pool's shutdown behind
            // it, until the server's statement timeout. After a grace to finish, it is ended.
            Task {
                try? await Task.sleep(for: CallProgress.graceAfterCancel)
                if !progress.hasEnded { await progress.closeConnection() }
            }
        }
    }
}

/// What a call tells its timer: how far it got, and how to end its connection should the
/// connection stop answering.
final class CallProgress: @unchecked Sendable {
    private let lock = NSLock()
    private let reached: @Sendable (CallStage) -> Void
    private var close: (@Sendable () async -> Void)?
    private var ended = false
    /// How long a call whose caller stopped waiting may still run before its connection is ended.
    static let graceAfterCancel = Duration.seconds(5)

    init(reached: @escaping @Sendable (CallStage) -> Void) { self.reached = reached }

    /// The call's work returned or threw.
    func end() { lock.withLock { ended = true } }

    var hasEnded: Bool { lock.withLock { ended } }

    /// The call got this far.
    func at(_ stage: CallStage) { reached(stage) }

    /// The call holds a connection that `close` ends.
    func holding(close: @escaping @Sendable () async -> Void) { lock.withLock { self.close = close } }

    /// Ends the connection the call holds, if any: its statement fails and the pool opens
    /// another instead of handing this one on.
    func closeConnection() async {
        let close = lock.withLock { self.close }
        await close?()
    }
}

/// How far a database call got, for the message when it runs out of time.
enum CallStage: String, Sendable {
    case waiting = "waiting for a connection"
    case connected = "running its statements"
    case committing = "committing"
    case rollingBack = "rolling back"
}

/// The first of a call and its timer to finish answers the caller and cancels the other.
private final class Race<T: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var continuation: CheckedContinuation<T, any Error>?
    /// An answer that came before the continuation was there (a caller cancelled at once).
    private var early: Result<T, any Error>?
    private var answered = false
    private(set) var stage = CallStage.waiting
    private var tasks: [Task<Void, Never>] = []

    func start(_ continuation: CheckedContinuation<T, any Error>) {
        let early: Result<T, any Error>? = lock.withLock {
            if let early = self.early { return early }
            self.continuation = continuation
            return nil
        }
        if let early { continuation.resume(with: early) }
    }

    func add(_ task: Task<Void, Never>) {
        let done = lock.withLock {
            if !answered { tasks.append(task) }
            return answered
        }
        if done { task.cancel() }
    }

    /// Records how far the call got (once connected, its timer waits for the call limit).
    func reach(_ stage: CallStage) -> CallStage {
        lock.withLock {
            self.stage = stage
            return stage
        }
    }

    var isConnected: Bool { lock.withLock { stage != .waiting } }

    func finish(_ result: Result<T, any Error>) {
        let (continuation, tasks): (CheckedContinuation<T, any Error>?, [Task<Void, Never>]) = lock.withLock {
            guard !answered else { return (nil, []) }
            answered = true
            let waiting = self.continuation
            self.continuation = nil
            if waiting == nil { early = result }
            return (waiting, self.tasks)
        }
        for task in tasks { task.cancel() }
        continuation?.resume(with: result)
    }
}
