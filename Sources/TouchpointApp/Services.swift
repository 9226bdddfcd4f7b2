import Foundation
import Logging
import ServiceLifecycle

/// A long-running piece of `serve` (a worker, a listener, the scheduler) as a service of the
/// one service group: it runs until the group shuts down gracefully, then its task is
/// cancelled and it finishes the item at hand — a commit in flight completes, so nothing
/// acknowledged is lost; what is still queued stays stored for the next start's sweep.
struct BackgroundService: Service, CustomStringConvertible {
    let description: String
    let body: @Sendable () async throws -> Void

    init(_ name: String, _ body: @escaping @Sendable () async throws -> Void) {
        self.description = name
        self.body = body
    }

    func run() async throws {
        do {
            try await cancelWhenGracefulShutdown { try await body() }
        } catch {
            // Being stopped is how a service ends, not a failure of `serve`.
            if error is CancellationError || Task.isShuttingDownGracefully { return }
            throw error
        }
    }
}
