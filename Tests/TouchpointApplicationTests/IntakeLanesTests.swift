import Foundation
import Logging
import Testing
import TouchpointApplication
import TouchpointCore

/// The intake lanes' sweep when the database comes back: what failed during an outage is
/// taken again at once, not after the sweep interval.
struct IntakeLanesTests {
    /// Calls of `process`, and whether the "database" takes them.
    final class Recorder: @unchecked Sendable {
        private let lock = NSLock()
        private var calls = 0
        var count: Int { lock.withLock { calls } }
        func record() { lock.withLock { calls += 1 } }
    }

    @Test func whatFailedDuringAnOutageIsTakenAgainWhenTheDatabaseReturns() async throws {
        // setup: one stored item, older than a second; its first processing fails (the item
        // stays pending, as when the database is away); the sweep interval is an hour.
        let returns = CommitSignal()
        let processed = Recorder()
        let item = IntakeLanes.Item(id: UUID(), lane: "+48600100200", receivedAt: Date().addingTimeInterval(-5))
        let lanes = IntakeLanes(
            name: "test", lanes: 2, sweepInterval: .seconds(3600), now: { Date() }, logger: Logger(label: "test"), returns: returns,
            pending: { before, _, _ in (before.map { item.receivedAt < $0 } ?? true) ? [item] : [] },
            process: { _ in processed.record() })
        let running = Task { await lanes.run() }
        defer { running.cancel() }
        for _ in 0..<200 where processed.count < 1 { try await Task.sleep(for: .milliseconds(20)) }
        #expect(processed.count == 1, "the start sweep takes the item")
        // act: the database takes work again.
        returns.fire()
        // check: processed again well before the hour (loose bound: the machine may be loaded).
        for _ in 0..<500 where processed.count < 2 { try await Task.sleep(for: .milliseconds(20)) }
        #expect(processed.count == 2)
        // and cancelling the lanes ends them at once, although the sweep waits for an hour.
        running.cancel()
        let stopped = Date()
        await running.value
        #expect(Date().timeIntervalSince(stopped) < 5)
    }
}
