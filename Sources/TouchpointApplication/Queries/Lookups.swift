import Foundation
import TouchpointCore
import TouchpointStore

/// What the console shows beside the history: names, numbers, counts, saved views.
public struct Lookups: Sendable {
    let store: Store

    /// The brand's staff, by name.
    public func staffUsers(brand: BrandID) async throws -> [StaffUser] {
        try await store.staffUsers(brand: brand)
    }

    /// Display names of contacts (for case lists), one query for a page of cases.
    public func contactNames(_ ids: [ContactID], brand: BrandID) async throws -> [ContactID: String] {
        try await store.contactNames(ids, brand: brand)
    }

    /// Case numbers by id, one query for a page of timeline entries.
    public func caseNumbers(_ ids: [CaseID], brand: BrandID) async throws -> [CaseID: Int] {
        try await store.caseNumbers(ids, brand: brand)
    }

    /// What needs an operator: quarantined inbound mail, and outbound messages (any contact
    /// point) waiting and failed.
    public func mailCounts(brand: BrandID) async throws -> (quarantined: Int, waiting: Int, failed: Int) {
        try await store.mailCounts(brand: brand)
    }

    /// One interaction of the brand.
    public func interaction(_ id: InteractionID, brand: BrandID) async throws -> Interaction {
        try await store.interaction(id, brand: brand)
    }

    /// Those of the cases whose newest reply could not be delivered (none sent since).
    public func casesWithUndeliveredReplies(_ ids: [CaseID], brand: BrandID) async throws -> Set<CaseID> {
        try await store.casesWithUndeliveredReplies(ids, brand: brand)
    }

    /// Where outbound messages stand in the outbox (pending, sending, sent, failed), by interaction.
    public func deliveryStates(_ ids: [InteractionID], brand: BrandID) async throws -> [InteractionID: (state: OutboxState, error: String?)] {
        try await store.deliveryStates(ids, brand: brand)
    }

    /// The brand's events recorded at or after `since`, oldest first (what live pages follow).
    public func events(brand: BrandID, since: Date, limit: Int = 500) async throws -> [DomainEvent] {
        try await store.events(brand: brand, since: since, limit: limit)
    }

    /// A staff member's saved case lists.
    public func savedViews(userID: UserID) async throws -> [SavedView] {
        try await store.savedViews(userID: userID)
    }

    /// Saves a view under a name; the same name again replaces its query.
    public func saveView(userID: UserID, name rawName: String, query: String) async throws -> SavedView {
        try await store.saveView(userID: userID, name: rawName, query: query)
    }

    /// Deletes a saved case list.
    public func deleteView(_ id: UUID, userID: UserID) async throws {
        try await store.deleteView(id, userID: userID)
    }

    /// The raw event log of a brand, newest first (the audit log).
    public func auditLog(brand: BrandID, caseID: CaseID?, limit: Int, cursor: Cursor?) async throws -> Page<DomainEvent> {
        try await store.auditLog(brand: brand, caseID: caseID, limit: limit, cursor: cursor)
    }
}
