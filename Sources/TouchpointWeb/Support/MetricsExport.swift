import Foundation
import Hummingbird
import Metrics
import Prometheus
import TouchpointApplication
import TouchpointCore

/// The Prometheus export of swift-metrics: one registry for the process, bootstrapped the
/// first time a router is built (swift-metrics takes one factory per process).
enum MetricsExport {
    static let registry: PrometheusCollectorRegistry = {
        let registry = PrometheusCollectorRegistry()
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.defaultDurationHistogramBuckets = [
            .milliseconds(1), .milliseconds(2), .milliseconds(5), .milliseconds(10), .milliseconds(25),
            .milliseconds(50), .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1),
            .milliseconds(2500), .seconds(10),
        ]
        factory.valueHistogramBuckets["touchpoint_group_commit_batch_size"] = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512]
        MetricsSystem.bootstrap(factory)
        return registry
    }()

    /// `GET /metrics`: the text exposition format, with the work queues counted now.
    static func response(app: UseCases) async -> Response {
        if let counts = try? await app.gauges.operationalCounts() {
            for point in ContactPoint.allCases {
                let labels = [("contact_point", point.rawValue)]
                Gauge(label: "touchpoint_intake_waiting", dimensions: labels).record(counts.waiting[point] ?? 0)
                Gauge(label: "touchpoint_intake_quarantined", dimensions: labels).record(counts.quarantined[point] ?? 0)
                Gauge(label: "touchpoint_outbox_depth", dimensions: labels).record(counts.outboxDepth[point] ?? 0)
            }
            Gauge(label: "touchpoint_database_up").record(1)
        } else {
            Gauge(label: "touchpoint_database_up").record(0)
        }
        return Response(
            status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(bytes: registry.emitToBuffer())))
    }
}

/// Times every request by its route (the pattern, not the path: ids do not make new series),
/// method and status.
struct RequestMetricsMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let started = ContinuousClock.now
        var status = 500
        defer {
            let route = context.endpointPath ?? "unmatched"
            Timer(
                label: "touchpoint_http_request_duration_seconds",
                dimensions: [("route", route), ("method", request.method.rawValue), ("status", String(status))]
            )
            .recordInterval(since: started)
        }
        do {
            let response = try await next(request, context)
            status = response.status.code
            return response
        } catch let error as any HTTPResponseError {
            status = error.status.code
            throw error
        }
    }
}

extension Timer {
    func recordInterval(since start: ContinuousClock.Instant) {
        let elapsed = ContinuousClock.now - start
        recordNanoseconds(elapsed.components.seconds * 1_000_000_000 + elapsed.components.attoseconds / 1_000_000_000)
    }
}
