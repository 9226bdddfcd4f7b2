import Foundation
import Logging
import TouchpointApplication

/// Runs playbook steps as they fall due (checking four times a second while idle, at once
/// while there is work, so a step runs well within a second of its time), and enrolls the
/// scheduled runs every ten minutes.
struct PlaybookService {
    let runner: PlaybookRunner
    let playbooks: Playbooks
    let logger: Logger
    var idle: Duration = .milliseconds(250)
    var sweepEvery: Duration = .seconds(600)

    func run() async {
        let clock = ContinuousClock()
        var swept: ContinuousClock.Instant?
        while !Task.isCancelled {
            if swept.map({ clock.now - $0 >= sweepEvery }) ?? true {
                swept = clock.now
                do {
                    let entered = try await playbooks.sweepSchedules()
                    if entered > 0 { logger.info("scheduled playbook runs started", metadata: ["enrollments": "\(entered)"]) }
                } catch {
                    logger.warning("could not start scheduled playbook runs", metadata: ["error": "\(error)"])
                }
            }
            do {
                if try await runner.runDue() > 0 { continue }
            } catch {
                logger.warning("could not run playbook steps", metadata: ["error": "\(error)"])
            }
            try? await Task.sleep(for: idle)
        }
    }
}
