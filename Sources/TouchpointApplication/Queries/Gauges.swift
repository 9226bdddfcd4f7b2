import Foundation
import TouchpointCore
import TouchpointStore

/// The operational counts behind /metrics and the channels page.
public struct Gauges: Sendable {
    let store: Store

    /// Counts over the partial indexes of the work queues (cheap however large the tables are).
    public func operationalCounts() async throws -> OperationalCounts {
        try await store.operationalCounts()
    }
}
