import Foundation
import Testing

/// kill -9 of the real `touchpoint serve` while senders that retry like real ones keep
/// sending on every contact point that acknowledges (SMS, WhatsApp and phone-system
/// webhooks, SMTP, LMTP, the API, web chat): after restarts, every acknowledged message must be in
/// the history exactly once, on a case, and the assistant must have answered every
/// conversation it holds, no message twice. The harness is `Benchmarks/crash/crash_test.py`;
/// `Benchmarks/crash.sh` runs it for many more rounds.
@Suite("Nothing acknowledged is lost: kill -9 during intake on every contact point")
struct CrashSafetyTests {
    static let harness = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Benchmarks/crash/crash_test.py")

    @Test func everyAcknowledgedMessageSurvivesKillNineExactlyOnce() async throws {
        // setup
        let binary = try Processes.touchpoint()
        // act: three kill -9 rounds, two senders per contact point.
        let run = try await Processes.run(
            URL(fileURLWithPath: "/usr/bin/env"),
            ["python3", Self.harness.path, binary.path, "--rounds", "3", "--senders", "2"])
        // check: the harness counted every acknowledged message once, and SIGTERM ended serve cleanly.
        #expect(run.status == 0, "\(run.out)\n\(run.err)")
        #expect(run.out.contains("PASS"), "\(run.out)")
        for kind in ["sms", "whatsapp", "cti", "smtp", "lmtp", "api", "chat"] {
            let line = run.out.split(separator: "\n").first { $0.trimmingCharacters(in: .whitespaces).hasPrefix(kind + " ") }
            #expect(line?.contains("lost 0, doubled 0, off-case 0") == true, "\(kind): \(line ?? "missing")")
            #expect(line?.contains("acknowledged 0,") == false, "\(kind) sent nothing")
        }
        // The assistant, answering chats, texts and mail through all of it: each message once, none left.
        let assistant = run.out.split(separator: "\n").first { $0.trimmingCharacters(in: .whitespaces).hasPrefix("assistant ") }
        #expect(assistant?.contains("doubled 0, unanswered 0") == true && assistant?.contains("answers 0,") == false, "\(assistant ?? "missing")")
    }
}
