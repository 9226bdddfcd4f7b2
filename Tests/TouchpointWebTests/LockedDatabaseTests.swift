import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
import TouchpointStore
@testable import TouchpointWeb

/// SQLite locked by another process (an operator's shell left in a write transaction): a
/// write answers 503 with `Retry-After` instead of waiting for it, reads go on,
/// and writes work again as soon as the lock goes.
@Suite("A SQLite file locked by another process")
struct LockedDatabaseTests {
    @Test func writesAreRefusedWhileLockedAndWorkAgainWhenTheLockGoes() async throws {
        try await withAPI { fx, client in
            let path = fx.directory + "/touchpoint.sqlite"
            #expect(FileManager.default.fileExists(atPath: path))
            // Another process takes the write lock and holds it until told to let go.
            let holder = Process()
            holder.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            holder.arguments = ["python3", "-c", """
                import sqlite3, sys
                db = sqlite3.connect(sys.argv[1], isolation_level=None)
                db.execute("BEGIN IMMEDIATE")
                print("locked", flush=True)
                sys.stdin.readline()
                db.execute("ROLLBACK")
                """, path]
            let out = Pipe(), input = Pipe()
            holder.standardOutput = out
            holder.standardInput = input
            try holder.run()
            _ = out.fileHandleForReading.availableData  // "locked": the lock is held
            let started = Date()
            let refused = try await client.execute(
                uri: "/api/v1/cases", method: .post, headers: fx.headers("agent"),
                body: body(["subject": "While locked", "contactPoint": "email", "from": "locked@example.com", "body": "Is anyone there?"]))
            let waited = Date().timeIntervalSince(started)
            #expect(refused.status == .serviceUnavailable && refused.headers[.retryAfter] != nil, "\(refused.status) \(String(buffer: refused.body))")
            #expect(refused.headers[.contentType] == "application/problem+json")
            // How long SQLite waits is the handle's busy timeout (`SQLiteBusyWaitTests`); a
            // loaded CI machine took 9.8 s to answer a 0.75 s wait, so here the bound only
            // says the request was answered while the lock was held, not left hanging.
            #expect(waited < 60, "answered after \(waited) s")
            // Reads do not wait for the lock.
            let list = try await client.execute(uri: "/api/v1/cases?limit=1", method: .get, headers: fx.headers("agent"))
            #expect(list.status == .ok)
            input.fileHandleForWriting.write(Data("go\n".utf8))
            holder.waitUntilExit()
            let again = try await client.execute(
                uri: "/api/v1/cases", method: .post, headers: fx.headers("agent"),
                body: body(["subject": "After the lock", "contactPoint": "email", "from": "locked@example.com", "body": "Is anyone there?"]))
            #expect(again.status == .created, "\(String(buffer: again.body))")
        }
    }
}
