import Foundation
import Hummingbird
import TouchpointApplication
import TouchpointCore

struct LocationDTO: Encodable {
    var id: String
    var slug: String
    var name: String
    var timeZone: String
    var categories: [ServiceCategory]
    var desks: [Desk]
    /// The business calendar of its opening hours (appointments are booked within them).
    var calendarId: String?

    init(_ location: Location) {
        id = location.id.text
        slug = location.slug
        name = location.name
        timeZone = location.timeZone
        categories = location.setup.categories
        desks = location.setup.desks
        calendarId = location.setup.calendarId?.text
    }
}

struct TicketDTO: Encodable {
    var id: String
    var label: String
    var locationId: String
    var category: String
    var number: Int
    var state: Ticket.State
    var priority: Bool
    var contactId: String?
    var caseId: String?
    var desk: String?
    var targetDesk: String?
    var calls: Int
    var outcome: String?
    var takenAt: Date
    var calledAt: Date?
    var servingAt: Date?
    var finishedAt: Date?
    /// The desk appointment it was issued for at check-in.
    var appointmentId: String?

    init(_ ticket: Ticket) {
        id = ticket.id.text
        label = ticket.label
        locationId = ticket.locationID.text
        category = ticket.category
        number = ticket.number
        state = ticket.state
        priority = ticket.priority
        contactId = ticket.contactID?.text
        caseId = ticket.caseID?.text
        desk = ticket.desk
        targetDesk = ticket.targetDesk
        calls = ticket.calls
        outcome = ticket.outcome
        takenAt = ticket.takenAt
        calledAt = ticket.calledAt
        servingAt = ticket.servingAt
        finishedAt = ticket.finishedAt
        appointmentId = ticket.appointmentID?.text
    }
}

struct WaitDTO: Encodable {
    var category: String
    var waiting: Int
    var desksOpen: Int
    /// Expected minutes until a newcomer is called; absent when no open desk serves it.
    var minutes: Int?
}

struct QueueDTO: Encodable {
    struct OpenDesk: Encodable {
        var desk: String
        var staffId: String
    }

    var location: LocationDTO
    var openDesks: [OpenDesk]
    var waits: [WaitDTO]
    /// Today's tickets: waiting ones in calling order, then the others, latest first.
    var tickets: [TicketDTO]

    init(_ state: QueueState) {
        location = LocationDTO(state.location)
        openDesks = state.openDesks.sorted { $0.key < $1.key }.map { OpenDesk(desk: $0.key, staffId: $0.value.text) }
        waits = state.waits.map { WaitDTO(category: $0.category, waiting: $0.waiting, desksOpen: $0.desks, minutes: $0.minutes) }
        tickets = state.tickets.map(TicketDTO.init)
    }
}

struct LocationCreateRequest: Decodable {
    var slug: String
    var name: String
    var timeZone: String
    var categories: [ServiceCategory]
    var desks: [Desk]
    var calendarId: UUID?
}

struct LocationPatchRequest: Decodable {
    var name: String?
    var categories: [ServiceCategory]?
    var desks: [Desk]?
    var calendarId: UUID?
}

struct TicketCreateRequest: Decodable {
    struct Customer: Decodable {
        var kind: IdentityKind
        var value: String
    }

    var category: String
    var contactId: UUID?
    /// Who takes the number, when the contact is not known by id: an email, phone or
    /// customer number (found, or a new contact).
    var customer: Customer?
    var caseId: UUID?
}

struct TicketTransferRequest: Decodable {
    var category: String?
    var desk: String?
    var reason: String?
}

struct VisitFinishRequest: Decodable {
    var outcome: VisitOutcome
    var note: String?
}

extension API {
    /// Locations, their walk-in queues and the desks' steps of a visit.
    func addWalkInRoutes(to group: RouterGroup<TouchpointContext>) {
        group.get("locations") { _, context in
            let caller = try context.caller(may: .readCustomers)
            return try JSONIO.response(["items": try await app.walkIn.locations(brand: caller.brandID).map(LocationDTO.init)])
        }
        group.post("locations") { request, context in
            let caller = try context.caller(may: .administer)
            let body = try await io.decode(LocationCreateRequest.self, from: request)
            let created = try await app.walkIn.createLocation(brand: caller.brandID, slug: body.slug, name: body.name, timeZone: body.timeZone,
                                                         setup: LocationSetup(categories: body.categories, desks: body.desks, calendarId: body.calendarId), actor: .staff(caller.userID))
            return try JSONIO.response(LocationDTO(created), status: .created, headers: [.location: "/api/v1/locations/\(created.id.text)"])
        }
        group.patch("locations/{id}") { request, context in
            let caller = try context.caller(may: .administer)
            let body = try await io.decode(LocationPatchRequest.self, from: request)
            let current = try await findLocation(context, caller)
            let setup = body.categories != nil || body.desks != nil || body.calendarId != nil
                ? LocationSetup(categories: body.categories ?? current.setup.categories, desks: body.desks ?? current.setup.desks,
                                calendarId: body.calendarId ?? current.setup.calendarId) : nil
            return try JSONIO.response(LocationDTO(try await app.walkIn.updateLocation(current.id, brand: caller.brandID, name: body.name, setup: setup,
                                                                                  actor: .staff(caller.userID))))
        }
        group.get("locations/{id}/queue") { _, context in
            let caller = try context.caller(may: .readCustomers)
            let location = try await findLocation(context, caller)
            return try JSONIO.response(QueueDTO(try await app.walkIn.queueState(location: location.id, brand: caller.brandID)))
        }
        group.post("locations/{id}/tickets") { request, context in
            let caller = try context.caller(may: .handleCases)
            let body = try await io.decode(TicketCreateRequest.self, from: request)
            let location = try await findLocation(context, caller)
            let brand = try await app.staff.brand(caller.brandID)
            let identity = try body.customer.map {
                try Identity(kind: $0.kind, raw: $0.value, defaultCallingCode: brand.defaultCallingCode, field: "customer.value")
            }
            let ticket = try await app.walkIn.takeTicket(location: location.id, brand: caller.brandID, category: body.category, contact: body.contactId,
                                                    identity: identity, caseID: body.caseId, source: "staff", actor: .staff(caller.userID))
            return try JSONIO.response(TicketDTO(ticket), status: .created, headers: [.location: "/api/v1/tickets/\(ticket.id.text)"])
        }
        for action in ["open", "close", "next"] {
            group.post("locations/{id}/desks/{desk}/\(action)") { _, context in try await deskAction(action, context) }
        }
        group.get("tickets/{id}") { _, context in
            let caller = try context.caller(may: .readCustomers)
            return try JSONIO.response(TicketDTO(try await app.walkIn.ticket(try context.parameters.id(), brand: caller.brandID)))
        }
        for action in ["recall", "arrived", "no-show", "cancel", "transfer", "finish"] {
            group.post("tickets/{id}/\(action)") { request, context in try await ticketAction(action, request, context) }
        }
    }

    func deskAction(_ action: String, _ context: TouchpointContext) async throws -> Response {
        let caller = try context.caller(may: .handleCases)
        let location = try await findLocation(context, caller)
        let desk = context.parameters.get("desk") ?? ""
        switch action {
        case "open":
            try await app.walkIn.openDesk(desk, location: location.id, brand: caller.brandID, staff: caller.userID)
        case "close":
            try await app.walkIn.closeDesk(desk, location: location.id, brand: caller.brandID, actor: .staff(caller.userID))
        case "next":
            guard let ticket = try await app.walkIn.callNext(location: location.id, desk: desk, brand: caller.brandID, staff: caller.userID) else {
                return Response(status: .noContent)
            }
            return try JSONIO.response(TicketDTO(ticket))
        default:
            throw Problem(.notFound, "no such desk action")
        }
        return try JSONIO.response(QueueDTO(try await app.walkIn.queueState(location: location.id, brand: caller.brandID)))
    }

    func ticketAction(_ action: String, _ request: Request, _ context: TouchpointContext) async throws -> Response {
        let caller = try context.caller(may: .handleCases)
        let id = try context.parameters.id()
        let actor = Actor.staff(caller.userID)
        let step: TicketStep
        switch action {
        case "recall": step = .recall
        case "arrived": step = .arrived
        case "no-show": step = .noShow
        case "cancel": step = .cancel
        case "transfer":
            let body = try await io.decode(TicketTransferRequest.self, from: request)
            guard body.category != nil || body.desk != nil else { throw ValidationError(field: "category", reason: "name a category or a desk") }
            step = .transfer(category: body.category, desk: body.desk, reason: body.reason)
        case "finish":
            let body = try await io.decode(VisitFinishRequest.self, from: request)
            let (ticket, _) = try await app.walkIn.finishVisit(id, brand: caller.brandID, staff: caller.userID, outcome: body.outcome, note: body.note)
            return try JSONIO.response(TicketDTO(ticket))
        default:
            throw Problem(.notFound, "no such ticket action")
        }
        return try JSONIO.response(TicketDTO(try await app.walkIn.moveTicket(id, brand: caller.brandID, actor: actor, step: step)))
    }

    /// The location named by the path: its id or its slug.
    func findLocation(_ context: TouchpointContext, _ caller: Principal) async throws -> Location {
        let raw = context.parameters.get("id") ?? ""
        if let id = UUID(text: raw) { return try await app.walkIn.location(id, brand: caller.brandID) }
        return try await app.walkIn.location(slug: raw, brand: caller.brandID)
    }
}
