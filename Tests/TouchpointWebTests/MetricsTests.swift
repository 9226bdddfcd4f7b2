import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
import TouchpointApplication
import TouchpointCore
import TouchpointStore

@testable import TouchpointWeb

@Suite("Prometheus metrics at /metrics and JSON log lines")
struct MetricsTests {
    /// The value of one series in the exposition text, by its name and label text.
    static func value(_ text: String, _ series: String) -> Double? {
        text.split(separator: "\n").first { $0.hasPrefix(series + " ") }.flatMap { Double($0.split(separator: " ").last!) }
    }

    @Test func intakeQuarantineRequestsAndCommitsAreExported() async throws {
        try await withAPI { fixture, client in
            // setup: an SMS that goes through, one whose body cannot be read (quarantined).
            try await WebhookTests.setUp(fixture)
            let before = String(buffer: try await client.execute(uri: "/metrics", method: .get).body)
            let accepted = #"touchpoint_intake_envelopes_total{contact_point="sms",outcome="accepted"}"#
            let processed = #"touchpoint_intake_envelopes_total{contact_point="sms",outcome="processed"}"#
            _ = try await WebhookTests.deliver(
                fixture, client, "/api/v1/webhooks/sms/test-sms", #"{"messageId": "m-1", "from": "+48600100500", "text": "Hi"}"#)
            _ = try await fixture.store.accept(
                NewEnvelope(
                    brandID: fixture.brandID, contactPoint: .sms, source: "test-sms", providerKey: "message:bad",
                    lane: "x", raw: Array("not json".utf8)))
            try await fixture.inbox.processPending()

            // act
            let response = try await client.execute(uri: "/metrics", method: .get)
            let text = String(buffer: response.body)

            // check: the text format, the counters moved, the quarantine counted now, requests timed by route.
            #expect(response.status == .ok && response.headers[.contentType]?.hasPrefix("text/plain; version=0.0.4") == true)
            #expect((Self.value(text, accepted) ?? 0) >= (Self.value(before, accepted) ?? 0) + 1)
            #expect((Self.value(text, processed) ?? 0) >= (Self.value(before, processed) ?? 0) + 1)
            #expect(Self.value(text, #"touchpoint_intake_quarantined{contact_point="sms"}"#) == 1)
            #expect(Self.value(text, #"touchpoint_intake_waiting{contact_point="sms"}"#) == 0)
            #expect(Self.value(text, "touchpoint_database_up") == 1)
            #expect(text.contains("# TYPE touchpoint_http_request_duration_seconds histogram"))
            let webhookSeries = text.split(separator: "\n").filter {
                $0.hasPrefix("touchpoint_http_request_duration_seconds_count{") && $0.contains(#"route="/api/v1/webhooks/sms/"#)
                    && $0.contains(#"method="POST""#) && $0.contains(#"status="202""#)
            }
            #expect(!webhookSeries.isEmpty, "\(text.split(separator: "\n").filter { $0.contains("http_request") }.prefix(5))")
            #expect(text.contains("touchpoint_group_commit_batch_size_count"))
        }
    }
}
