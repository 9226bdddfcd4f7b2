import Foundation
import Testing
@testable import TouchpointCore

/// Field-service scheduling: working hours, no double booking with travel time, suggestions.
struct FieldScheduleTests {
    // Monday 2026-11-23 in Warsaw (UTC+1): working hours 08:00–16:00 weekdays.
    let hours: Availability = .calendar(try! CalendarDefinition(timeZone: "Europe/Warsaw", weekly: [
        "mon": [["08:00", "16:00"]], "tue": [["08:00", "16:00"]], "wed": [["08:00", "16:00"]], "thu": [["08:00", "16:00"]], "fri": [["08:00", "16:00"]],
    ]).calendar())
    let technician = UUID()
    let brand = UUID()

    func at(_ text: String) -> Date { ISO8601DateFormatter().date(from: text)! }

    func source(_ appointments: [Appointment] = []) -> TechnicianSlotSource {
        TechnicianSlotSource(technicianID: technician, skills: ["meter"], regions: ["warsaw"], hours: hours, travelMinutes: 30, appointments: appointments)
    }

    func visit(_ start: String, _ end: String) -> Appointment {
        Appointment(id: UUID(), brandID: brand, caseID: UUID(), technicianID: technician, start: at(start), end: at(end), region: "warsaw", address: nil)
    }

    @Test func visitsStayInsideWorkingHours() throws {
        #expect(throws: Never.self) { try FieldSchedule.check(start: at("2026-11-23T08:00:00Z"), end: at("2026-11-23T09:00:00Z"), skill: "meter", region: "warsaw", technician: source()) }
        // 07:30–08:30 Warsaw starts before work; 14:30–15:30 UTC runs past 16:00 Warsaw.
        #expect(throws: ScheduleRefusal.outsideWorkingHours) {
            try FieldSchedule.check(start: at("2026-11-23T06:30:00Z"), end: at("2026-11-23T07:30:00Z"), skill: nil, region: "warsaw", technician: source())
        }
        #expect(throws: ScheduleRefusal.outsideWorkingHours) {
            try FieldSchedule.check(start: at("2026-11-23T14:30:00Z"), end: at("2026-11-23T15:30:00Z"), skill: nil, region: "warsaw", technician: source())
        }
        #expect(throws: ScheduleRefusal.notQualified("the technician lacks the skill gas")) {
            try FieldSchedule.check(start: at("2026-11-23T08:00:00Z"), end: at("2026-11-23T09:00:00Z"), skill: "gas", region: "warsaw", technician: source())
        }
        #expect(throws: ScheduleRefusal.notQualified("the technician does not cover krakow")) {
            try FieldSchedule.check(start: at("2026-11-23T08:00:00Z"), end: at("2026-11-23T09:00:00Z"), skill: nil, region: "krakow", technician: source())
        }
    }

    @Test func noDoubleBookingAndTravelTimeBetweenVisits() throws {
        let booked = visit("2026-11-23T09:00:00Z", "2026-11-23T10:00:00Z")
        let busy = source([booked])
        #expect(throws: ScheduleRefusal.doubleBooked(with: booked.id)) {
            try FieldSchedule.check(start: at("2026-11-23T09:30:00Z"), end: at("2026-11-23T10:30:00Z"), skill: nil, region: "warsaw", technician: busy)
        }
        // Right after the visit there is no time to travel; thirty minutes later there is.
        #expect(throws: ScheduleRefusal.doubleBooked(with: booked.id)) {
            try FieldSchedule.check(start: at("2026-11-23T10:00:00Z"), end: at("2026-11-23T11:00:00Z"), skill: nil, region: "warsaw", technician: busy)
        }
        #expect(throws: Never.self) { try FieldSchedule.check(start: at("2026-11-23T10:30:00Z"), end: at("2026-11-23T11:30:00Z"), skill: nil, region: "warsaw", technician: busy) }
        // Moving the same visit does not collide with itself; a cancelled one blocks nothing.
        #expect(throws: Never.self) {
            try FieldSchedule.check(start: at("2026-11-23T09:15:00Z"), end: at("2026-11-23T10:15:00Z"), skill: nil, region: "warsaw", technician: busy, ignoring: booked.id)
        }
        var cancelled = booked
        cancelled.status = .cancelled
        #expect(throws: Never.self) { try FieldSchedule.check(start: at("2026-11-23T09:00:00Z"), end: at("2026-11-23T10:00:00Z"), skill: nil, region: "warsaw", technician: source([cancelled])) }
    }

    @Test func suggestionsAreTheEarliestFreeSlots() {
        // Friday evening: the next working time is Monday 08:00 Warsaw = 07:00 UTC.
        let booked = visit("2026-11-30T07:00:00Z", "2026-11-30T09:00:00Z")
        let slots = FieldSchedule.suggest(minutes: 60, skill: "meter", region: "warsaw", technicians: [source([booked])], from: at("2026-11-27T17:00:00Z"), limit: 3)
        #expect(slots.map(\.start) == [at("2026-11-30T09:30:00Z"), at("2026-11-30T10:00:00Z"), at("2026-11-30T10:30:00Z")])
        #expect(FieldSchedule.suggest(minutes: 60, skill: "gas", region: "warsaw", technicians: [source()], from: at("2026-11-27T17:00:00Z")).isEmpty)
    }

    @Test func invitationsAreFoldedAndEscaped() {
        let event = ICalendar.Event(uid: "v1@acme.example", sequence: 2, start: at("2026-11-30T09:30:00Z"), end: at("2026-11-30T10:30:00Z"),
                                    summary: "Meter visit; Acme #12", description: "Bring the meter card, please.\nCall first.",
                                    location: "ul. Długa 5, Warszawa", organizer: ("Acme Energy", "support@acme.example"),
                                    attendee: ("Jan Kowalski", "jan@example.org"), stamp: at("2026-11-25T12:00:00Z"))
        let text = ICalendar.render(event, method: .request)
        #expect(text.hasSuffix("END:VCALENDAR\r\n") && text.contains("METHOD:REQUEST\r\n") && text.contains("SEQUENCE:2\r\n"))
        #expect(text.contains("SUMMARY:Meter visit\\; Acme #12") && text.contains("DESCRIPTION:Bring the meter card\\, please.\\nCall first."))
        #expect(text.contains("DTSTART:20261130T093000Z") && text.contains("LOCATION:ul. Długa 5\\, Warszawa"))
        #expect(text.components(separatedBy: "\r\n").allSatisfy { $0.utf8.count <= 75 })
        #expect(ICalendar.render(event, method: .cancel).contains("STATUS:CANCELLED"))
    }
}
