import Foundation
import Testing

/// kill -9 of the real `touchpoint serve` while senders that retry like real ones keep
/// sending on every contact point that acknowledges (SMS, WhatsApp and phone-system
/// webhooks, SMTP, LMTP, the API, web chat): after restarts, every acknowledged message must be in
/// the history exactly once, on a case, and the assistant must have answered every
/// conversation it holds, no message twice. The harness is `Benchmarks/crash/crash_test.py`;
/// `Benchmarks/crash.sh` runs it for many more rounds.
@Suite("Nothing acknowledged is lost: kill -9 and database outages during intake on every contact point")
struct CrashSafetyTests {
    static let harness = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Benchmarks/crash/crash_test.py")

    @Test func everyAcknowledgedMessageSurvivesKillNineExactlyOnce() async throws {
        // act: three kill -9 rounds, two senders per contact point.
        let out = try await Self.runHarness(["--rounds", "3", "--senders", "2"])
        // check: every acknowledged message once, and SIGTERM ended serve cleanly (in `runHarness`).
        // The assistant, answering chats, texts and mail through all of it: each message once, none left.
        let assistant = Self.line("assistant", of: out)
        #expect(assistant?.contains("doubled 0, unanswered 0") == true && assistant?.contains("answers 0,") == false, "\(assistant ?? "missing")")
    }

    /// The database stops under load (`pg_ctl stop -m fast` on a cluster of the harness's
    /// own) and comes back while `serve` keeps running: every answer given meanwhile is a quick
    /// refusal to retry (HTTP 503, SMTP 451, a chat error marked `retry`), and afterwards every
    /// acknowledged message is processed exactly once without a restart.
    @Test func everyAcknowledgedMessageSurvivesDatabaseOutagesExactlyOnce() async throws {
        // act: two outages of four to six seconds, two senders per contact point; the answers
        // may take up to three seconds here, as the other suites load the machine meanwhile
        // (`Benchmarks/outage.sh` holds them to one), which still tells a refusal from a
        // request held until the database is back.
        let out = try await Self.runHarness(["--outages", "2", "--senders", "2", "--min-down", "4", "--max-down", "6", "--answer-within", "3"])
        // check: besides the counts, what was answered while the database was down.
        let outage = Self.line("outage", of: out)
        #expect(outage?.contains("not a refusal to retry 0") == true && outage?.contains("answers 0,") == false, "\(outage ?? "missing")")
    }

    /// Runs the harness against the built `touchpoint` and checks what every run must show:
    /// it passed, and on every contact point something was acknowledged and nothing was lost,
    /// doubled or left off a case. Returns its output.
    static func runHarness(_ arguments: [String]) async throws -> String {
        let binary = try Processes.touchpoint()
        let run = try await Processes.run(URL(fileURLWithPath: "/usr/bin/env"), ["python3", harness.path, binary.path] + arguments)
        #expect(run.status == 0, "\(run.out)\n\(run.err)")
        #expect(run.out.contains("PASS"), "\(run.out)")
        for kind in ["sms", "whatsapp", "cti", "smtp", "lmtp", "api", "chat"] {
            let line = line(kind, of: run.out)
            #expect(line?.contains("lost 0, doubled 0, off-case 0") == true, "\(kind): \(line ?? "missing")")
            #expect(line?.contains("acknowledged 0,") == false, "\(kind) sent nothing")
        }
        return run.out
    }

    /// The harness's line for one contact point (or `assistant`, `outage`).
    static func line(_ kind: String, of output: String) -> Substring? {
        output.split(separator: "\n").first { $0.trimmingCharacters(in: .whitespaces).hasPrefix(kind + " ") }
    }
}
