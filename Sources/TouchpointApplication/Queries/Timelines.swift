import Foundation
import TouchpointCore
import TouchpointStore

/// The one history of a contact or an account across every contact point.
public struct Timelines: Sendable {
    let store: Store

    /// The whole history of a contact — every contact point, and the contacts merged into
    /// it — newest first, `limit` entries from `cursor`.
    public func contactTimeline(_ contactID: ContactID, brand: BrandID, limit: Int, cursor: Cursor?) async throws -> Page<TimelineEntry> {
        try await store.contactTimeline(contactID, brand: brand, limit: limit, cursor: cursor)
    }

    /// The history of an account: every interaction of its contacts and every event about it.
    public func accountTimeline(_ accountID: AccountID, brand: BrandID, limit: Int, cursor: Cursor?) async throws -> Page<TimelineEntry> {
        try await store.accountTimeline(accountID, brand: brand, limit: limit, cursor: cursor)
    }
}
