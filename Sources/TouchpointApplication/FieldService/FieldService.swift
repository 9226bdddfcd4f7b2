import Foundation
import TouchpointCore
import TouchpointStore

/// Visits of technicians: slots, scheduling, moving and finishing them.
public struct FieldService: Sendable {
    let store: Store

    /// A technician's regions and the travel time kept free between visits (their skills and
    /// working hours are their routing profile's: skills and shift calendar).
    public func setTechnician(_ user: UserID, brand: BrandID, regions: [String], travelMinutes: Int) async throws {
        try await store.setTechnician(user, brand: brand, regions: regions, travelMinutes: travelMinutes)
    }

    /// Free slots for a visit, earliest first.
    public func suggestVisitSlots(
        brand: BrandID, minutes: Int, skill: String?, region: String, from: Date, limit: Int = 5
    ) async throws -> [FieldSchedule.Slot] {
        try await store.suggestVisitSlots(brand: brand, minutes: minutes, skill: skill, region: region, from: from, limit: limit)
    }

    /// Books a visit for a case: with the named technician, or the first qualified one free
    /// then. Checked against working hours and other visits (travel time included) in the
    /// same transaction that writes it; the customer is invited by email with an iCalendar
    /// REQUEST when they have an address.
    public func scheduleVisit(caseID: CaseID, brand: BrandID, actor: Actor, request: VisitRequest) async throws -> Appointment {
        try await store.scheduleVisit(caseID: caseID, brand: brand, actor: actor, request: request)
    }

    /// Moves a visit (and/or hands it to another technician); the customer gets the update
    /// as a REQUEST with a higher SEQUENCE.
    public func rescheduleVisit(
        _ id: UUID, brand: BrandID, actor: Actor, start: Date, minutes: Int?, technicianID: UserID?
    ) async throws -> Appointment {
        try await store.rescheduleVisit(id, brand: brand, actor: actor, start: start, minutes: minutes, technicianID: technicianID)
    }

    /// Calls a visit off; the customer gets a CANCEL.
    public func cancelVisit(_ id: UUID, brand: BrandID, actor: Actor, reason: String?) async throws -> Appointment {
        try await store.cancelVisit(id, brand: brand, actor: actor, reason: reason)
    }

    /// The technician records how the visit went: on the customer's timeline (field service,
    /// high-contact) and on the case — resolved solves it, parts needed waits, a revisit
    /// keeps it open.
    public func completeVisit(_ id: UUID, brand: BrandID, staff: UserID, outcome: Appointment.Outcome, note: String?) async throws -> Appointment {
        try await store.completeVisit(id, brand: brand, staff: staff, outcome: outcome, note: note)
    }

    /// One technician's visit.
    public func appointment(_ id: UUID, brand: BrandID) async throws -> Appointment {
        try await store.appointment(id, brand: brand)
    }

    /// A technician's visits between two instants (their day list).
    public func appointments(technician: UserID, brand: BrandID, from: Date, to: Date) async throws -> [Appointment] {
        try await store.appointments(technician: technician, brand: brand, from: from, to: to)
    }

    /// The technicians' visits of a case.
    public func appointments(caseID: CaseID, brand: BrandID) async throws -> [Appointment] {
        try await store.appointments(caseID: caseID, brand: brand)
    }

    /// The visit as an iCalendar object: REQUEST while it stands, CANCEL once called off.
    public func visitCalendar(_ visit: Appointment) async throws -> String {
        try await store.visitCalendar(visit)
    }
}
