import Foundation
import Logging
import TouchpointApplication

/// The daily health pass: every few minutes it asks whether any brand's pass has not run on
/// today's (UTC) day and computes that brand. Events between passes (a new account, a case,
/// a missed response time, invoices) recompute their accounts at once through the listener.
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
