import Foundation
import TouchpointCore
import TouchpointStore

/// Walk-in queues: locations, tickets, desks and visits.
public struct WalkIn: Sendable {
    let store: Store

    /// Creates a walk-in location with its desks and categories.
    public func createLocation(
        brand: BrandID, slug rawSlug: String, name: String, timeZone: String, setup: LocationSetup, actor: Actor
    ) async throws -> Location {
        try await store.createLocation(brand: brand, slug: rawSlug, name: name, timeZone: timeZone, setup: setup, actor: actor)
    }

    /// Renames a location or replaces its desks and categories (open tickets keep theirs).
    public func updateLocation(_ id: UUID, brand: BrandID, name: String?, setup: LocationSetup?, actor: Actor) async throws -> Location {
        try await store.updateLocation(id, brand: brand, name: name, setup: setup, actor: actor)
    }

    /// The brand's walk-in locations.
    public func locations(brand: BrandID) async throws -> [Location] {
        try await store.locations(brand: brand)
    }

    /// One walk-in location.
    public func location(_ id: UUID, brand: BrandID) async throws -> Location {
        try await store.location(id, brand: brand)
    }

    /// The walk-in location with this name in URLs.
    public func location(slug: String, brand: BrandID) async throws -> Location {
        try await store.location(slug: slug, brand: brand)
    }

    /// A staff member sits down at a desk: it is open and calls tickets. One desk per person.
    public func openDesk(_ desk: String, location id: UUID, brand: BrandID, staff: UserID) async throws {
        try await store.openDesk(desk, location: id, brand: brand, staff: staff)
    }

    /// Closes a desk; its waiting tickets stay in the queue.
    public func closeDesk(_ desk: String, location id: UUID, brand: BrandID, actor: Actor) async throws {
        try await store.closeDesk(desk, location: id, brand: brand, actor: actor)
    }

    /// The desk a staff member sits at, if any.
    public func deskOf(staff: UserID, brand: BrandID) async throws -> (location: Location, desk: String)? {
        try await store.deskOf(staff: staff, brand: brand)
    }

    /// A customer takes a number. With a known contact (or an identity that finds or makes
    /// one) the ticket is on their timeline, and their model decides priority.
    public func takeTicket(
        location id: UUID, brand: BrandID, category: String, contact given: ContactID?, identity: Identity?, caseID: CaseID?,
        source: String, actor: Actor, textBack: TextBack? = nil
    ) async throws -> Ticket {
        try await store.takeTicket(
            location: id, brand: brand, category: category, contact: given, identity: identity, caseID: caseID, source: source, actor: actor,
            textBack: textBack)
    }

    /// Today's queue of a location, with the waits.
    public func queueState(location id: UUID, brand: BrandID) async throws -> QueueState {
        try await store.queueState(location: id, brand: brand)
    }

    /// One walk-in ticket.
    public func ticket(_ id: UUID, brand: BrandID) async throws -> Ticket {
        try await store.ticket(id, brand: brand)
    }

    /// The desk calls its next customer; nil when nobody waits for it. The desk opens for
    /// the caller if it was not theirs yet.
    public func callNext(location id: UUID, desk code: String, brand: BrandID, staff: UserID) async throws -> Ticket? {
        try await store.callNext(location: id, desk: code, brand: brand, staff: staff)
    }

    /// A step of a visit at the desk: call again, the customer arrived, no-show, transfer,
    /// cancel. Each is one transaction with its event on the customer's timeline.
    public func moveTicket(_ ticketID: UUID, brand: BrandID, actor: Actor, step: TicketStep) async throws -> Ticket {
        try await store.moveTicket(ticketID, brand: brand, actor: actor, step: step)
    }

    /// The visit ends: it becomes an in-person interaction on the customer's timeline (and on
    /// its case); a follow-up without a case opens one.
    public func finishVisit(
        _ ticketID: UUID, brand: BrandID, staff: UserID, outcome: VisitOutcome, note: String?
    ) async throws -> (Ticket, Interaction?) {
        try await store.finishVisit(ticketID, brand: brand, staff: staff, outcome: outcome, note: note)
    }
}
