import Foundation
import Logging
import TouchpointApplication
import TouchpointCore
import TouchpointStore

/// The scheduler inside `serve`: fires SLA warnings, breaches and time-based escalations
/// when they fall due, pages again (or the next person on call) when a page goes
/// unanswered, and hands waiting cases to agents who have room. Deadlines live in the
/// database, so a restart loses nothing; the store makes sure a firing happens once
/// however many nodes run this loop.
struct SLAScheduler: Sendable {
    let store: Store
    let logger: Logger
    /// How often waiting cases are offered to agents again.
    var assignEvery: TimeInterval = 15

    func run() async {
        var lastAssign = Date.distantPast
        let clock = store.environment.now
        while !Task.isCancelled {
            var busy = false
            do {
                // How late the earliest deadline is, before this pass fires it.
                if let due = try await store.nextSLAWake() { AppMetrics.slaLag(now: clock(), due: due) }
                let pass = try await store.fireDueSLAs(now: clock())
                let reminders = try await store.fireCommitmentReminders(now: clock())
                if reminders > 0 { logger.info("promises followed up", metadata: ["commitments": "\(reminders)"]) }
                let pages = try await store.fireDuePages(now: clock())
                if pages != PagePass() {
                    logger.info("on-call pages", metadata: ["again": "\(pages.pagedAgain)", "handedOver": "\(pages.handedOver)",
                                                            "unanswered": "\(pages.unanswered)", "settled": "\(pages.settled)"])
                }
                let missed = try await store.markMissedDeskAppointments(now: clock())
                if missed > 0 { logger.info("desk appointments missed", metadata: ["appointments": "\(missed)"]) }
                busy = pass.cases >= 200
                if pass.warnings + pass.breaches > 0 {
                    logger.info("SLA scheduler", metadata: ["warnings": "\(pass.warnings)", "breaches": "\(pass.breaches)", "escalations": "\(pass.escalations)"])
                }
                if clock().timeIntervalSince(lastAssign) >= assignEvery {
                    lastAssign = clock()
                    for brand in try await store.brands() {
                        let assigned = try await store.assignWaiting(brand: brand.id)
                        if assigned > 0 { logger.info("assigned waiting cases", metadata: ["brand": "\(brand.slug)", "cases": "\(assigned)"]) }
                    }
                }
            } catch {
                logger.error("SLA scheduler pass failed: \(error)")
            }
            // A full pass means more is due: go again at once. Otherwise wait for the next
            // deadline, looking at least once a second so new cases are never missed.
            if busy { continue }
            let next = (try? await store.nextSLAWake()) ?? nil
            let wait = min(1.0, max(0.05, next.map { $0.timeIntervalSince(clock()) } ?? 1.0))
            try? await Task.sleep(for: .milliseconds(Int(wait * 1000)))
        }
    }
}
