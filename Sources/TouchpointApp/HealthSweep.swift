import Foundation
import Logging
import TouchpointApplication

/// The daily health pass: every few minutes it asks whether any brand has accounts not yet
/// computed today (after midnight UTC, or accounts created since) and computes that brand.
/// Events between passes recompute their accounts at once through the health listener.
struct HealthSweep {
    let health: AccountHealth
    let logger: Logger
    var interval: Duration = .seconds(300)

    func run() async {
        while !Task.isCancelled {
            do {
                let computed = try await health.dailyPass()
                if computed > 0 { logger.info("computed account health", metadata: ["accounts": "\(computed)"]) }
            } catch {
                logger.warning("could not compute account health", metadata: ["error": "\(error)"])
            }
            try? await Task.sleep(for: interval)
        }
    }
}
