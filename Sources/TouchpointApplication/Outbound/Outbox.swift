import Foundation
import TouchpointCore
import TouchpointStore

/// The one outbox seen by operators: messages waiting, sent or failed, and sending again.
public struct Outbox: Sendable {
    let store: Store

    /// The outbox of a brand (in one state, on some contact points), newest first.
    public func outbox(
        brand: BrandID, state: OutboxState?, contactPoints: Set<ContactPoint>? = nil, limit: Int, cursor: Cursor?
    ) async throws
        -> Page<OutboxItem>
    {
        try await store.outbox(brand: brand, state: state, contactPoints: contactPoints, limit: limit, cursor: cursor)
    }

    /// One message of the brand's outbox.
    public func outboxItem(_ id: UUID, brand: BrandID) async throws -> OutboxItem {
        try await store.outboxItem(id, brand: brand)
    }

    /// Sends a failed message again, now.
    public func retryOutbox(_ id: UUID, brand: BrandID) async throws -> OutboxItem {
        try await store.retryOutbox(id, brand: brand)
    }
}
