import Foundation
import Hummingbird
import TouchpointApplication
import TouchpointCore

struct DeskAppointmentDTO: Encodable {
    var id: String
    var locationId: String
    var category: String
    var contactId: String
    var caseId: String
    var start: Date
    var end: Date
    var state: DeskAppointment.State
    var ticketId: String?
    var sequence: Int
    /// The appointment as iCalendar, for a calendar or the customer.
    var calendar: String

    init(_ appointment: DeskAppointment) {
        id = appointment.id.text
        locationId = appointment.locationID.text
        category = appointment.category
        contactId = appointment.contactID.text
        caseId = appointment.caseID.text
        start = appointment.start
        end = appointment.end
        state = appointment.state
        ticketId = appointment.ticketID?.text
        sequence = appointment.sequence
        calendar = "/api/v1/desk-appointments/\(appointment.id.text)/calendar"
    }
}

struct DeskAppointmentCreateRequest: Decodable {
    var category: String
    var contactId: UUID
    var start: Date
    /// The case it is for; without one a case is opened for it.
    var caseId: UUID?
}

struct DeskAppointmentCancelRequest: Decodable {
    var reason: String?
}

extension API {
    /// Desk appointments at locations: free times, booking, check-in, cancelling, iCalendar.
    func addDeskAppointmentRoutes(to group: RouterGroup<TouchpointContext>) {
        group.get("locations/{id}/appointment-slots") { request, context in
            let caller = try context.caller(may: .readCustomers)
            let location = try await findLocation(context, caller)
            let query = Query(request: request)
            guard let category = query.string("category") else { throw ValidationError(field: "category", reason: "is required") }
            let from = try query.given("from").map { raw in
                guard let date = JSONIO.parseDate(raw) else { throw ValidationError(field: "from", reason: "an RFC 3339 date-time") }
                return max(date, app.environment.now())
            } ?? app.environment.now()
            let slots = try await app.deskAppointments.deskAppointmentSlots(location: location.id, brand: caller.brandID, category: category, from: from)
            let minutes = location.setup.category(category)?.appointmentMinutes ?? DeskBooking.gridMinutes
            struct SlotDTO: Encodable {
                var start: Date
                var end: Date
                /// The start as the location's clock shows it.
                var local: String
            }
            return try JSONIO.response(["items": slots.map { SlotDTO(start: $0, end: $0.addingTimeInterval(TimeInterval(minutes * 60)), local: location.localTime($0)) }])
        }
        group.get("locations/{id}/appointments") { request, context in
            let caller = try context.caller(may: .readCustomers)
            let location = try await findLocation(context, caller)
            let day = try Query(request: request).given("day").map { raw in
                guard let day = CivilDate(raw) else { throw ValidationError(field: "day", reason: "a date YYYY-MM-DD") }
                return day
            } ?? CivilDate(app.environment.now(), timeZone: location.zone)
            let (start, end) = location.bounds(of: day)
            let items = try await app.deskAppointments.deskAppointments(location: location.id, brand: caller.brandID, from: start, to: end)
            return try JSONIO.response(["items": items.map(DeskAppointmentDTO.init)])
        }
        group.post("locations/{id}/appointments") { request, context in
            let caller = try context.caller(may: .handleCases)
            let body = try await io.decode(DeskAppointmentCreateRequest.self, from: request)
            let location = try await findLocation(context, caller)
            let booked = try await app.deskAppointments.bookDeskAppointment(location: location.id, brand: caller.brandID, category: body.category, contact: body.contactId,
                                                             start: body.start, caseID: body.caseId, actor: .staff(caller.userID))
            return try JSONIO.response(DeskAppointmentDTO(booked), status: .created, headers: [.location: "/api/v1/desk-appointments/\(booked.id.text)"])
        }
        group.get("desk-appointments/{id}") { _, context in
            let caller = try context.caller(may: .readCustomers)
            return try JSONIO.response(DeskAppointmentDTO(try await app.deskAppointments.deskAppointment(try context.parameters.id(), brand: caller.brandID)))
        }
        group.post("desk-appointments/{id}/cancel") { request, context in
            let caller = try context.caller(may: .handleCases)
            let body = try await io.decode(DeskAppointmentCancelRequest.self, from: request)
            return try JSONIO.response(DeskAppointmentDTO(try await app.deskAppointments.cancelDeskAppointment(try context.parameters.id(), brand: caller.brandID,
                                                                                                actor: .staff(caller.userID), reason: body.reason)))
        }
        group.post("desk-appointments/{id}/check-in") { _, context in
            let caller = try context.caller(may: .handleCases)
            let (appointment, ticket) = try await app.deskAppointments.checkInDeskAppointment(try context.parameters.id(), brand: caller.brandID, actor: .staff(caller.userID),
                                                                               source: "staff")
            struct CheckedIn: Encodable {
                var appointment: DeskAppointmentDTO
                var ticket: TicketDTO
            }
            return try JSONIO.response(CheckedIn(appointment: DeskAppointmentDTO(appointment), ticket: TicketDTO(ticket)))
        }
        group.get("desk-appointments/{id}/calendar") { _, context in
            let caller = try context.caller(may: .readCustomers)
            let appointment = try await app.deskAppointments.deskAppointment(try context.parameters.id(), brand: caller.brandID)
            return Response(status: .ok,
                            headers: [.contentType: "text/calendar; charset=utf-8; method=\(appointment.state == .cancelled ? "CANCEL" : "REQUEST")",
                                      .contentDisposition: "attachment; filename=\"appointment.ics\""],
                            body: .init(byteBuffer: ByteBuffer(string: try await app.deskAppointments.deskAppointmentCalendar(appointment))))
        }
    }
}
