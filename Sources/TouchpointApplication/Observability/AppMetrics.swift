import Foundation
import Metrics
import TouchpointCore

/// The application's metrics (swift-metrics; `serve` exports them for Prometheus at
/// `/metrics`). Names carry the `touchpoint_` prefix; label names never change per metric.
public enum AppMetrics {
    /// What happened to an inbound message: `accepted` (stored and acknowledged), `duplicate`
    /// (a retry of a stored one), `processed`, `retried` (failed, to be tried again),
    /// `quarantined`.
    public static func intake(_ point: ContactPoint, _ outcome: String) {
        Counter(label: "touchpoint_intake_envelopes_total", dimensions: [("contact_point", point.rawValue), ("outcome", outcome)]).increment()
    }

    /// A delivery attempt of an outbound message: `sent`, `retry` (failed for now), `failed`
    /// (given up or refused).
    public static func delivery(_ point: ContactPoint, _ result: String) {
        Counter(label: "touchpoint_outbox_deliveries_total", dimensions: [("contact_point", point.rawValue), ("result", result)]).increment()
    }

    /// What a listener made of an event: `handled`, `retried` (failed, to be tried again),
    /// `skipped` (given up after its attempts).
    public static func listener(_ name: String, _ outcome: String, count: Int) {
        Counter(label: "touchpoint_listener_events_total", dimensions: [("listener", name), ("outcome", outcome)]).increment(by: count)
    }

    /// How late the scheduler is on the earliest deadline it has to fire (0 when on time).
    public static func slaLag(now: Date, due: Date) {
        Gauge(label: "touchpoint_scheduler_lag_seconds").record(max(0, now.timeIntervalSince(due)))
    }
}
