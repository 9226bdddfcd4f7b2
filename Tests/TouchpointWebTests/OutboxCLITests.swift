import Foundation
import Logging
import Testing
import TouchpointStore

@Suite("touchpoint outbox list|retry, run as the real binary")
struct OutboxCLITests {
    /// Turns the first `count` queued emails of the demo data into dead letters, as the
    /// delivery worker leaves them when the smarthost refuses a recipient for good.
    static func failSome(_ count: Int, in directory: String) async throws -> [String] {
        var logger = Logger(label: "test")
        logger.logLevel = .warning
        let database = try await SQLiteDatabase.open(path: directory + "/touchpoint.sqlite", logger: logger)
        let ids = try await database.write { db in
            let ids = try await db.raw("SELECT id FROM outbox WHERE contact_point = 'email' ORDER BY created_at, id LIMIT \(bind: count)").all()
                .map { try $0.decode(column: "id", as: String.self) }
            for id in ids {
                try await db.raw("UPDATE outbox SET state = 'failed', attempts = 3, last_error = '550 5.1.1 mailbox unknown' WHERE id = \(bind: id)")
                    .run()
            }
            return ids
        }
        await database.shutdown()
        return ids
    }

    @Test func deadLettersAreListedAndSentAgain() async throws {
        // setup: demo data (replies queued as email), two of them refused for good
        let binary = try Processes.touchpoint()
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tp-outbox-cli-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        #expect(try await Processes.run(binary, ["demo", "--data-dir", directory]).status == 0)
        let dead = try await Self.failSome(2, in: directory)
        try #require(dead.count == 2, "the demo data queues replies by email")

        // act and check: the dead letters are listed with their reason, and only they
        let listed = try await Processes.run(binary, ["outbox", "list", "--data-dir", directory])
        #expect(listed.status == 0, "\(listed.err)")
        let rows = listed.out.split(separator: "\n").map { $0.split(separator: "\t", omittingEmptySubsequences: false).map(String.init) }
        #expect(Set(rows.map { $0[0] }) == Set(dead))
        #expect(rows.allSatisfy { $0[3] == "email" && $0[5] == "3" && $0.last == "550 5.1.1 mailbox unknown" })
        let texts = try await Processes.run(binary, ["outbox", "list", "--data-dir", directory, "--contact-point", "sms"])
        #expect(texts.status == 0 && texts.out.isEmpty, "no text message failed")

        // Sending one again by id, then the rest with --all.
        let one = try await Processes.run(binary, ["outbox", "retry", "--data-dir", directory, dead[0]])
        #expect(one.status == 0, "\(one.err)")
        #expect(one.out == "\(dead[0])\tpending\n")
        let rest = try await Processes.run(binary, ["outbox", "retry", "--data-dir", directory, "--all"])
        #expect(rest.out == "\(dead[1])\tpending\n1 message queued again\n")
        #expect(try await Processes.run(binary, ["outbox", "list", "--data-dir", directory]).out.isEmpty)
        let pending = try await Processes.run(binary, ["outbox", "list", "--data-dir", directory, "--state", "pending"]).out
        #expect(dead.allSatisfy(pending.contains))

        // Mistakes get a clear error, not a guess.
        let again = try await Processes.run(binary, ["outbox", "retry", "--data-dir", directory, dead[0]])
        #expect(again.status != 0 && again.err.contains("only failed messages can be sent again"), "\(again.err)")
        let malformed = try await Processes.run(binary, ["outbox", "retry", "--data-dir", directory, "not-an-id"])
        #expect(malformed.status != 0 && malformed.err.contains("not-an-id is not the id of any outgoing message"), "\(malformed.err)")
        let nothing = try await Processes.run(binary, ["outbox", "retry", "--data-dir", directory])
        #expect(nothing.status != 0 && nothing.err.contains("give the ids of the messages, or --all"))
        let state = try await Processes.run(binary, ["outbox", "list", "--data-dir", directory, "--state", "lost"])
        #expect(state.status != 0 && state.err.contains("--state must be pending, sending, sent or failed"))
    }
}
