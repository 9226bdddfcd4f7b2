import Foundation
import Testing

/// kill -9 of the real `touchpoint serve` while its playbook runner works: after restarts,
/// every contact entered once and every step of every enrollment ran exactly once (one log
/// line per step, in order; each email in the outbox once). The harness is
/// `Benchmarks/crash/playbook_kill.py`; `Benchmarks/crash-playbooks.sh` runs it for many more rounds.
@Suite("Playbook steps run once: kill -9 while the runner works")
struct PlaybookCrashTests {
    static let harness = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Benchmarks/crash/playbook_kill.py")

    @Test func everyStepRunsOnceAcrossKillNine() async throws {
        // setup
        let binary = try Processes.touchpoint()
        // act: three kill -9 rounds while 60 contacts go through six steps each (the harness fails unless a kill lands mid-run).
        let run = try await Processes.run(
            URL(fileURLWithPath: "/usr/bin/env"), ["python3", Self.harness.path, binary.path, "--rounds", "3", "--contacts", "60"])
        // check
        #expect(run.status == 0, "\(run.out)\n\(run.err)")
        #expect(run.out.contains("PASS") && run.out.contains("emails 180 of 180"), "\(run.out)")
    }
}
