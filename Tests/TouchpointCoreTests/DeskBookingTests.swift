import Foundation
import Testing
@testable import TouchpointCore

/// Desk appointments' rules: opening hours, capacity per time, the grid, free times, the
/// check-in window, and their tickets' place in the walk-in line.
struct DeskBookingTests {
    // Monday 2026-11-30 in Warsaw (UTC+1): open 08:00–16:00 on weekdays.
    let hours: Availability = .calendar(try! CalendarDefinition(timeZone: "Europe/Warsaw", weekly: [
        "mon": [["08:00", "16:00"]], "tue": [["08:00", "16:00"]], "wed": [["08:00", "16:00"]], "thu": [["08:00", "16:00"]], "fri": [["08:00", "16:00"]],
    ]).calendar())
    let billing = ServiceCategory(code: "B", name: "Billing", averageServiceMinutes: 20, appointmentsPerSlot: 2)
    let walkInOnly = ServiceCategory(code: "W", name: "Walk-ins", averageServiceMinutes: 5)
    let brand = UUID()
    let location = UUID()

    func at(_ text: String) -> Date { ISO8601DateFormatter().date(from: text)! }

    func appointment(_ start: String, state: DeskAppointment.State = .booked) -> DeskAppointment {
        DeskAppointment(id: UUID(), brandID: brand, locationID: location, category: "B", contactID: UUID(), caseID: UUID(), start: at(start),
                        end: at(start).addingTimeInterval(TimeInterval(billing.appointmentMinutes * 60)), state: state)
    }

    @Test func lengthIsTheServiceTimeRoundedUpToTheGrid() {
        #expect(billing.appointmentMinutes == 30)
        #expect(walkInOnly.appointmentMinutes == 15)
        #expect(ServiceCategory(code: "X", name: "x", averageServiceMinutes: 45).appointmentMinutes == 45)
    }

    @Test func bookingFollowsHoursGridAndCapacity() throws {
        let now = at("2026-11-30T06:00:00Z")
        #expect(throws: Never.self) { try DeskBooking.check(start: at("2026-11-30T07:00:00Z"), category: billing, hours: hours, booked: [], now: now) }
        #expect(throws: DeskBookingRefusal.notOffered(category: "W")) {
            try DeskBooking.check(start: at("2026-11-30T07:00:00Z"), category: walkInOnly, hours: hours, booked: [], now: now)
        }
        #expect(throws: DeskBookingRefusal.offGrid) { try DeskBooking.check(start: at("2026-11-30T07:10:00Z"), category: billing, hours: hours, booked: [], now: now) }
        #expect(throws: DeskBookingRefusal.inThePast) { try DeskBooking.check(start: at("2026-11-30T05:00:00Z"), category: billing, hours: hours, booked: [], now: now) }
        // 14:45–15:15 UTC runs past 16:00 Warsaw; Saturday is closed.
        #expect(throws: DeskBookingRefusal.closed) { try DeskBooking.check(start: at("2026-11-30T14:45:00Z"), category: billing, hours: hours, booked: [], now: now) }
        #expect(throws: DeskBookingRefusal.closed) { try DeskBooking.check(start: at("2026-12-05T09:00:00Z"), category: billing, hours: hours, booked: [], now: now) }
        #expect(throws: DeskBookingRefusal.tooFarAhead) { try DeskBooking.check(start: at("2027-06-01T09:00:00Z"), category: billing, hours: hours, booked: [], now: now) }
        // Two places per time: a third overlapping appointment is refused; cancelled ones free their place.
        let two = [appointment("2026-11-30T09:00:00Z"), appointment("2026-11-30T09:15:00Z")]
        #expect(throws: DeskBookingRefusal.full) { try DeskBooking.check(start: at("2026-11-30T09:15:00Z"), category: billing, hours: hours, booked: two, now: now) }
        #expect(throws: Never.self) { try DeskBooking.check(start: at("2026-11-30T09:30:00Z"), category: billing, hours: hours, booked: two, now: now) }
        let freed = [appointment("2026-11-30T09:00:00Z"), appointment("2026-11-30T09:15:00Z", state: .cancelled)]
        #expect(throws: Never.self) { try DeskBooking.check(start: at("2026-11-30T09:15:00Z"), category: billing, hours: hours, booked: freed, now: now) }
    }

    @Test func freeTimesSkipFullAndClosedTime() {
        // Friday 15:00 UTC: the last half hour is gone, the weekend is closed, Monday opens at 07:00 UTC.
        let full = [appointment("2026-12-04T07:00:00Z"), appointment("2026-12-04T07:00:00Z")]
        let slots = DeskBooking.slots(category: billing, hours: hours, booked: full, from: at("2026-12-04T06:20:00Z"), limit: 3)
        #expect(slots == [at("2026-12-04T07:30:00Z"), at("2026-12-04T07:45:00Z"), at("2026-12-04T08:00:00Z")])
        let weekend = DeskBooking.slots(category: billing, hours: hours, booked: [], from: at("2026-12-04T14:40:00Z"), limit: 2)
        #expect(weekend == [at("2026-12-07T07:00:00Z"), at("2026-12-07T07:15:00Z")])
        #expect(DeskBooking.slots(category: walkInOnly, hours: hours, booked: [], from: at("2026-12-04T06:20:00Z")).isEmpty)
    }

    @Test func checkInOpensHalfAnHourBeforeAndClosesAQuarterAfter() throws {
        let booked = appointment("2026-11-30T09:00:00Z")
        #expect(throws: DeskBookingRefusal.tooEarly(opens: at("2026-11-30T08:30:00Z"))) { try DeskBooking.checkIn(booked, at: at("2026-11-30T08:29:00Z")) }
        #expect(try DeskBooking.checkIn(booked, at: at("2026-11-30T08:30:00Z")).state == .checkedIn)
        #expect(try DeskBooking.checkIn(booked, at: at("2026-11-30T09:15:00Z")).state == .checkedIn)
        #expect(throws: DeskBookingRefusal.tooLate) { try DeskBooking.checkIn(booked, at: at("2026-11-30T09:16:00Z")) }
        #expect(DeskBooking.isMissed(booked, at: at("2026-11-30T09:16:00Z")) && !DeskBooking.isMissed(booked, at: at("2026-11-30T09:15:00Z")))
        let checkedIn = try DeskBooking.checkIn(booked, at: at("2026-11-30T08:45:00Z"))
        #expect(throws: DeskBookingRefusal.notBooked(.checkedIn)) { try DeskBooking.checkIn(checkedIn, at: at("2026-11-30T08:50:00Z")) }
        #expect(!DeskBooking.isMissed(checkedIn, at: at("2026-11-30T12:00:00Z")))
        let cancelled = try DeskBooking.cancel(booked)
        #expect(cancelled.state == .cancelled && cancelled.sequence == 1)
        #expect(throws: DeskBookingRefusal.notBooked(.cancelled)) { try DeskBooking.cancel(cancelled) }
    }

    @Test func anAppointmentsTicketIsCalledAtItsTimeAheadOfWalkIns() {
        let desk = Desk(code: "1", name: "Desk 1")
        func ticket(_ number: Int, takenAt: String, appointmentAt: String? = nil) -> Ticket {
            var ticket = Ticket(id: UUID(), brandID: brand, locationID: location, category: "B", number: number, priority: false, contactID: nil, caseID: nil,
                                takenAt: at(takenAt))
            if let appointmentAt {
                ticket.appointmentID = UUID()
                ticket.queuedAt = at(appointmentAt)
            }
            return ticket
        }
        let walkIn = ticket(1, takenAt: "2026-11-30T08:45:00Z")
        let booked = ticket(2, takenAt: "2026-11-30T08:40:00Z", appointmentAt: "2026-11-30T09:00:00Z")
        // Before its time, the early arrival waits behind those who came before the appointment's time…
        #expect(WalkInQueue.next(for: desk, among: [walkIn, booked], now: at("2026-11-30T08:50:00Z"))?.number == 1)
        // …and from its time on, it goes first.
        #expect(WalkInQueue.next(for: desk, among: [walkIn, booked], now: at("2026-11-30T09:00:00Z"))?.number == 2)
    }
}
