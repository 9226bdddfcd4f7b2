import Foundation
import TouchpointCore
import TouchpointStore

/// Appointments at the desks of a location: slots, booking, check-in.
public struct DeskAppointments: Sendable {
    let store: Store

    /// Free appointment times of a category at a location, earliest first.
    public func deskAppointmentSlots(location id: UUID, brand: BrandID, category code: String, from: Date, limit: Int = 8) async throws -> [Date] {
        try await store.deskAppointmentSlots(location: id, brand: brand, category: code, from: from, limit: limit)
    }

    /// Free appointment times of several categories, read with one look at the bookings.
    public func deskAppointmentSlots(
        location id: UUID, brand: BrandID, categories codes: [String], from: Date, limit: Int = 8
    ) async throws -> [String: [Date]] {
        try await store.deskAppointmentSlots(location: id, brand: brand, categories: codes, from: from, limit: limit)
    }

    /// Books a desk appointment for a customer. It belongs to a case: the given one (the
    /// customer's), or one opened for it. Capacity and opening hours are checked again in
    /// the transaction that writes it; the customer is emailed an iCalendar REQUEST.
    public func bookDeskAppointment(
        location id: UUID, brand: BrandID, category code: String, contact contactID: ContactID, start: Date,
        caseID given: CaseID?, actor: Actor
    ) async throws -> DeskAppointment {
        try await store.bookDeskAppointment(location: id, brand: brand, category: code, contact: contactID, start: start, caseID: given, actor: actor)
    }

    /// Calls an appointment off; the customer gets an iCalendar CANCEL.
    public func cancelDeskAppointment(_ id: UUID, brand: BrandID, actor: Actor, reason: String?) async throws -> DeskAppointment {
        try await store.cancelDeskAppointment(id, brand: brand, actor: actor, reason: reason)
    }

    /// The customer is here (at the kiosk, or at a desk that checks them in): a ticket is
    /// issued that is called at the appointment's time, ahead of the walk-in line.
    public func checkInDeskAppointment(_ id: UUID, brand: BrandID, actor: Actor, source: String) async throws -> (DeskAppointment, Ticket) {
        try await store.checkInDeskAppointment(id, brand: brand, actor: actor, source: source)
    }

    /// One appointment at a desk.
    public func deskAppointment(_ id: UUID, brand: BrandID) async throws -> DeskAppointment {
        try await store.deskAppointment(id, brand: brand)
    }

    /// A location's appointments starting between two instants, earliest first.
    public func deskAppointments(location id: UUID, brand: BrandID, from: Date, to: Date) async throws -> [DeskAppointment] {
        try await store.deskAppointments(location: id, brand: brand, from: from, to: to)
    }

    /// A customer's appointments that end after `from`, earliest first.
    public func deskAppointments(contact id: ContactID, brand: BrandID, from: Date) async throws -> [DeskAppointment] {
        try await store.deskAppointments(contact: id, brand: brand, from: from)
    }

    /// The appointment as an iCalendar object: REQUEST while it stands, CANCEL once called off.
    public func deskAppointmentCalendar(_ appointment: DeskAppointment) async throws -> String {
        try await store.deskAppointmentCalendar(appointment)
    }
}
