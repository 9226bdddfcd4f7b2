import Foundation
import Testing
import TouchpointCore
@testable import TouchpointStore
import TouchpointTestSupport

/// Desk appointments in the database: booking on a case with an invitation, capacity held in
/// the transaction, check-in to a ticket called at its time, missed and cancelled ones.
@Suite("Desk appointments in the store")
struct DeskAppointmentStoreTests {
    // Monday 2026-11-30, 07:00 UTC = 08:00 in Warsaw.
    static let start = ISO8601DateFormatter().date(from: "2026-11-30T07:00:00Z")!

    func at(_ text: String) -> Date { ISO8601DateFormatter().date(from: text)! }

    @Test(arguments: Backend.available)
    func anAppointmentFromBookingToTheDesk(backend: Backend) async throws {
        let clock = TestClock(Self.start)
        try await withStore(backend, environment: clock.environment) { store in
            let fx = try await Fixture.make(store)
            let brand = fx.brand.id
            let hours = try await store.saveCalendar(id: nil, name: "Counter hours", calendar: try CalendarDefinition(timeZone: "Europe/Warsaw", weekly: [
                "mon": [["08:00", "16:00"]], "tue": [["08:00", "16:00"]],
            ]).calendar(), brand: brand, actor: .system)
            let setup = LocationSetup(categories: [ServiceCategory(code: "B", name: "Billing", averageServiceMinutes: 12, appointmentsPerSlot: 1),
                                                   ServiceCategory(code: "W", name: "Walk-ins", averageServiceMinutes: 5)],
                                      desks: [Desk(code: "1", name: "Desk 1")], calendarId: hours.id)
            let location = try await store.createLocation(brand: brand, slug: "centre", name: "Centre", timeZone: "Europe/Warsaw", setup: setup, actor: .system)
            let anna = try await store.createContact(brand: brand, actor: .system, accountID: nil, name: "Anna Nowak", title: nil, preferredContactPoint: nil,
                                                     identities: [try Identity(kind: .email, raw: "anna@example.com")])
            let piotr = try await store.createContact(brand: brand, actor: .system, accountID: nil, name: "Piotr Zielinski", title: nil, preferredContactPoint: nil,
                                                      identities: [try Identity(kind: .customerNumber, raw: "C-77")])

            // Free times start on the grid after now; walk-in categories have none.
            let slots = try await store.deskAppointmentSlots(location: location.id, brand: brand, category: "B", from: clock.now, limit: 2)
            #expect(slots == [at("2026-11-30T07:15:00Z"), at("2026-11-30T07:30:00Z")])

            // Booked on a new case, with an iCalendar invitation by email.
            let booked = try await store.bookDeskAppointment(location: location.id, brand: brand, category: "B", contact: anna.id,
                                                             start: at("2026-11-30T09:00:00Z"), caseID: nil, actor: .staff(fx.agent.id))
            #expect(booked.end == at("2026-11-30T09:15:00Z") && booked.state == .booked)
            let item = try await store.case(booked.caseID, brand: brand)
            #expect(item.contactID == anna.id && item.subject == "Appointment: Billing at Centre")
            let mail = try #require(try await store.interactions(caseID: item.id, brand: brand).last { $0.direction == .outbound && $0.contactPoint == .email })
            #expect(mail.text.contains("Monday 30 November, 10:00–10:15 (Europe/Warsaw)") && mail.attachments.first?.contentType.hasPrefix("text/calendar; method=REQUEST") == true)
            let calendar = try await store.deskAppointmentCalendar(booked)
            #expect(calendar.contains("DTSTART:20261130T090000Z") && calendar.contains("mailto:anna@example.com"))

            // One place per time: refused for the next customer; walk-in categories and closed hours too.
            await #expect(throws: StoreError.conflict(DeskBookingRefusal.full.message)) {
                try await store.bookDeskAppointment(location: location.id, brand: brand, category: "B", contact: piotr.id, start: at("2026-11-30T09:00:00Z"),
                                                    caseID: nil, actor: .system)
            }
            await #expect(throws: StoreError.conflict(DeskBookingRefusal.notOffered(category: "W").message)) {
                try await store.bookDeskAppointment(location: location.id, brand: brand, category: "W", contact: piotr.id, start: at("2026-11-30T10:00:00Z"),
                                                    caseID: nil, actor: .system)
            }
            await #expect(throws: StoreError.conflict(DeskBookingRefusal.closed.message)) {
                try await store.bookDeskAppointment(location: location.id, brand: brand, category: "B", contact: piotr.id, start: at("2026-11-30T15:00:00Z"),
                                                    caseID: nil, actor: .system)
            }
            // Another customer's case is not theirs to book on.
            await #expect(throws: StoreError.invalid(field: "caseId", reason: "the case is another customer's")) {
                try await store.bookDeskAppointment(location: location.id, brand: brand, category: "B", contact: piotr.id, start: at("2026-11-30T11:00:00Z"),
                                                    caseID: item.id, actor: .system)
            }

            // Too early to check in; then a walk-in arrives before Anna does.
            clock.set(at("2026-11-30T08:20:00Z"))
            await #expect(throws: StoreError.conflict(DeskBookingRefusal.tooEarly(opens: at("2026-11-30T08:30:00Z")).message)) {
                try await store.checkInDeskAppointment(booked.id, brand: brand, actor: .contact(anna.id), source: "kiosk")
            }
            clock.set(at("2026-11-30T08:45:00Z"))
            let walkIn = try await store.takeTicket(location: location.id, brand: brand, category: "B", contact: piotr.id, identity: nil, caseID: nil,
                                                    source: "kiosk", actor: .system)
            clock.set(at("2026-11-30T08:50:00Z"))
            let (checkedIn, ticket) = try await store.checkInDeskAppointment(booked.id, brand: brand, actor: .contact(anna.id), source: "kiosk")
            #expect(checkedIn.state == .checkedIn && checkedIn.ticketID == ticket.id)
            #expect(ticket.appointmentID == booked.id && ticket.caseID == item.id && ticket.contactID == anna.id && ticket.label == "B002")
            await #expect(throws: StoreError.conflict(DeskBookingRefusal.notBooked(.checkedIn).message)) {
                try await store.checkInDeskAppointment(booked.id, brand: brand, actor: .contact(anna.id), source: "kiosk")
            }
            // At her time Anna is called first, though the walk-in came earlier.
            clock.set(at("2026-11-30T09:00:00Z"))
            let called = try #require(try await store.callNext(location: location.id, desk: "1", brand: brand, staff: fx.agent.id))
            #expect(called.id == ticket.id && called.id != walkIn.id)

            // Piotr books, does not come: the scheduler marks it missed, once.
            let missed = try await store.bookDeskAppointment(location: location.id, brand: brand, category: "B", contact: piotr.id,
                                                             start: at("2026-11-30T10:00:00Z"), caseID: nil, actor: .system)
            clock.set(at("2026-11-30T10:14:00Z"))
            #expect(try await store.markMissedDeskAppointments(now: clock.now) == 0)
            clock.set(at("2026-11-30T10:16:00Z"))
            #expect(try await store.markMissedDeskAppointments(now: clock.now) == 1)
            #expect(try await store.markMissedDeskAppointments(now: clock.now) == 0)
            #expect(try await store.deskAppointment(missed.id, brand: brand).state == .missed)
            let events = try await store.contactTimeline(piotr.id, brand: brand, limit: 50, cursor: nil).items.compactMap { entry -> String? in
                if case .event(let event) = entry { return event.type.rawValue }
                return nil
            }
            #expect(events.contains("deskAppointment.booked") && events.contains("deskAppointment.missed"))

            // A cancelled appointment frees its time and sends a CANCEL.
            let later = try await store.bookDeskAppointment(location: location.id, brand: brand, category: "B", contact: anna.id,
                                                            start: at("2026-11-30T12:00:00Z"), caseID: item.id, actor: .system)
            let cancelled = try await store.cancelDeskAppointment(later.id, brand: brand, actor: .staff(fx.agent.id), reason: "moved to the phone")
            #expect(cancelled.state == .cancelled && cancelled.sequence == 1)
            // (Booked and cancelled at the same instant of the test clock: found by what it is.)
            let mails = try await store.interactions(caseID: item.id, brand: brand).filter { $0.direction == .outbound && $0.contactPoint == .email }
            let cancel = try #require(mails.first { $0.attachments.first?.contentType.hasPrefix("text/calendar; method=CANCEL") == true })
            #expect(cancel.text.contains("is cancelled") && mails.count == 3)
            #expect(try await store.deskAppointmentCalendar(cancelled).contains("STATUS:CANCELLED"))
            _ = try await store.bookDeskAppointment(location: location.id, brand: brand, category: "B", contact: piotr.id, start: at("2026-11-30T12:00:00Z"),
                                                    caseID: nil, actor: .system)
            // The day's list as the desk sees it.
            let day = location.bounds(of: CivilDate("2026-11-30")!)
            #expect(day.start == at("2026-11-29T23:00:00Z") && day.end == at("2026-11-30T23:00:00Z"))
            let list = try await store.deskAppointments(location: location.id, brand: brand, from: day.start, to: day.end)
            #expect(list.map(\.state).prefix(2) == [.checkedIn, .missed] && Set(list.suffix(2).map(\.state)) == [.cancelled, .booked])
        }
    }

    @Test(arguments: Backend.available)
    func aLocationsCalendarMustBeTheBrands(backend: Backend) async throws {
        try await withStore(backend) { store in
            let fx = try await Fixture.make(store)
            let setup = LocationSetup(categories: [ServiceCategory(code: "B", name: "Billing", averageServiceMinutes: 6, appointmentsPerSlot: 2)],
                                      desks: [Desk(code: "1", name: "Desk 1")], calendarId: UUID())
            await #expect(throws: ValidationError.self) {
                try await store.createLocation(brand: fx.brand.id, slug: "centre", name: "Centre", timeZone: "Europe/Warsaw", setup: setup, actor: .system)
            }
            // More places per time than desks serve the category is refused too.
            let valid = LocationSetup(categories: [ServiceCategory(code: "B", name: "Billing", averageServiceMinutes: 6, appointmentsPerSlot: 2)],
                                      desks: [Desk(code: "1", name: "Desk 1")])
            #expect(throws: ValidationError(field: "categories[0].appointmentsPerSlot", reason: "between 0 and the 1 desk(s) that serve B")) {
                try valid.validated()
            }
        }
    }
}
