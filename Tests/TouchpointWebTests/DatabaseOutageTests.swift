import Foundation
import Logging
import Testing
import TouchpointCore

@testable import TouchpointStore

/// PostgreSQL goes away under the store and comes back: calls fail quickly with "unavailable"
/// instead of waiting for a connection that will not come, none hangs, and the store uses the
/// database again on its own once it is back.
@Suite("A database outage is answered at once and recovered from without a restart")
struct DatabaseOutageTests {
    @Test func callsFailFastDuringAnOutageAndSucceedAgainAfterIt() async throws {
        // setup: a cluster of the test's own, and a store that waits long for a connection, so
        // that a call refused by the breaker stands out from one that waited (30 s against
        // well under a second, a few on two loaded cores).
        let cluster = try await PrivatePostgres()
        var logger = Logger(label: "outage-test")
        logger.logLevel = .critical
        let database = try await PostgresDatabase.connect(
            url: cluster.url, logger: logger, limits: DatabaseLimits(connection: .seconds(30), call: .seconds(60)))
        do {
            // Queries in flight when the server stops, on every connection of the pool.
            let started = ContinuousClock.now
            let inFlight = (0..<20).map { _ in
                Task { () -> (Duration, String) in
                    do {
                        _ = try await database.read { try await $0.raw("SELECT pg_sleep(3)").all() }
                        return (ContinuousClock.now - started, "answered")
                    } catch {
                        return (ContinuousClock.now - started, "\(error)")
                    }
                }
            }
            // And short calls one after the other on 24 tasks, as a busy server makes them.
            let busy = (0..<24).map { index in
                Task { () -> [(Duration, String)] in
                    var answers: [(Duration, String)] = []
                    while ContinuousClock.now - started < .seconds(2) {
                        let asked = ContinuousClock.now
                        do {
                            if index % 2 == 0 {
                                _ = try await database.read { try await $0.raw("SELECT 1 AS one").all() }
                            } else {
                                _ = try await database.write { try await $0.raw("SELECT 1 AS one").all() }
                            }
                            answers.append((ContinuousClock.now - asked, "answered"))
                        } catch {
                            answers.append((ContinuousClock.now - asked, "\(error)"))
                        }
                        // A pause between calls, as between the requests of a client: calls in
                        // a tight loop on two cores would delay the timers they are measured by.
                        try? await Task.sleep(for: .milliseconds(5))
                    }
                    return answers
                }
            }
            try await Task.sleep(for: .milliseconds(500))
            // act: stop the server while they run
            try await cluster.stop()
            let stopped = ContinuousClock.now - started
            var outcomes: [(Duration, String)] = []
            for task in inFlight { outcomes.append(await task.value) }
            var short: [(Duration, String)] = []
            for task in busy { short += await task.value }
            // check: each short call was answered or refused, by what the store knows of the
            // outage (the breaker, a short probe, the server's goodbye), long before the 30 s
            // wait for a connection it would make without the breaker. (Benchmarks/outage.sh
            // measures the times on a quiet machine: 0.6 s at most.)
            let slow = short.filter { $0.0 > .seconds(12) }
            #expect(slow.isEmpty, "\(slow.count) of \(short.count) short calls took over 12 s: \(slow.prefix(5))")
            // check: each ended with the server (a lost connection), not at the call limit.
            for (took, outcome) in outcomes {
                #expect(took < stopped + .seconds(10), "a query in flight took \(took) (server stopped after \(stopped)): \(outcome)")
                #expect(outcome.contains("unavailable"), "\(outcome)")
            }
            // check: while it is down, a call is refused by the breaker or a short probe.
            for _ in 0..<5 {
                let asked = ContinuousClock.now
                do {
                    _ = try await database.read { try await $0.raw("SELECT 1 AS one").all() }
                    Issue.record("a call was answered by a stopped server")
                } catch {
                    let took = ContinuousClock.now - asked
                    #expect(error is StoreError, "\(error)")
                    #expect(took < .seconds(12), "refused after \(took): \(error)")
                }
            }
            // act: the server comes back
            try await cluster.start()
            // check: the store uses it again by itself (in a few seconds; 30 on a loaded machine).
            let back = ContinuousClock.now
            var answered = false
            while !answered, ContinuousClock.now - back < .seconds(30) {
                answered = (try? await database.read { try await $0.raw("SELECT 1 AS one").all() }) != nil
                if !answered { try await Task.sleep(for: .milliseconds(100)) }
            }
            #expect(answered, "no answer within 30 s of the database's return")
            let writes = try await withThrowingTaskGroup(of: Int.self) { group in
                for index in 0..<20 {
                    group.addTask { try await database.write { db in try await db.raw("SELECT \(literal: index) AS n").all().count } }
                }
                return try await group.reduce(0, +)
            }
            #expect(writes == 20)
        } catch {
            Issue.record(error)
        }
        await database.shutdown()
        await cluster.remove()
    }

    /// A loaded machine or a full backlog makes a connection attempt slow, not refused: taking
    /// that for an outage refused every waiting call at once ("the database went away") while
    /// the server was there. Only a refusal says the server is away.
    @Test func aServerSlowToTakeAConnectionIsNotTakenForOneThatIsAway() async throws {
        // setup: a listening socket whose backlog of one is full, so the kernel drops the next
        // connection attempt (the client would retry after a second), as under heavy load;
        // and a socket bound but not listening, which refuses (and holds its port, so no
        // other test's server takes it meanwhile).
        let (listener, port) = try Self.boundSocket(listening: true)
        let (refusing, refusedPort) = try Self.boundSocket(listening: false)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = UInt16(port).bigEndian
        let queued = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        let connected = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(queued, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        #expect(connected == 0)

        // act / assert: slow is there; a refusal is away.
        let slow = await PostgresDatabase.accepts(host: "127.0.0.1", port: port)
        #expect(slow, "a connection attempt that timed out was taken for a refusal")
        let closed = await PostgresDatabase.accepts(host: "127.0.0.1", port: refusedPort)
        [queued, listener, refusing].forEach { close($0) }
        #expect(!closed, "a refused connection was taken for a server that is there")
    }

    /// A TCP socket on 127.0.0.1 at a port the kernel chose (listening with a backlog of one
    /// connection, or only bound), and that port.
    static func boundSocket(listening: Bool) throws -> (Int32, Int) {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        try withUnsafeMutablePointer(to: &address) { pointer in
            try pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { raw in
                guard fd >= 0, bind(fd, raw, length) == 0, !listening || listen(fd, 0) == 0, getsockname(fd, raw, &length) == 0
                else { throw POSIXError(.EADDRINUSE) }
            }
        }
        return (fd, Int(UInt16(bigEndian: address.sin_port)))
    }
}
