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

/// How `serve` stops on SIGTERM or SIGINT: the HTTP server stops taking requests and answers
/// those in flight, the services finish the item at hand; whatever is still running after
/// `gracefulStop` is cancelled. Each step is logged, so a stop that takes long says where.
enum Stopping {
    /// How long a graceful stop may take before what is left is cancelled; with the database's
    /// own closing it stays below the 30 s an orchestrator gives by default before SIGKILL.
    static let gracefulStop = Duration.seconds(15)

    /// Runs `app` until a signal stops it.
    static func run(_ app: some Service, logger: Logger) async throws {
        var configuration = ServiceGroupConfiguration(
            services: [.init(service: app), .init(service: Notice(logger: logger))],
            gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
        configuration.maximumGracefulShutdownDuration = gracefulStop
        try await ServiceGroup(configuration: configuration).run()
    }

    /// Logs that a stop began, then makes way: the group stops its services last to first,
    /// so this one, listed last, hears of the stop first.
    private struct Notice: Service {
        let logger: Logger

        func run() async throws {
            try? await gracefulShutdown()
            guard Task.isShuttingDownGracefully else { return }
            logger.info("stopping: no new requests or work; finishing what is in flight (at most \(Stopping.gracefulStop), then it is cancelled)")
        }
    }
}
