import Foundation
import Hummingbird
import TouchpointApplication
import TouchpointCore

/// The service desk at `/console/walk-in`: sit down at a desk, call the next number, and take
/// the visit through its steps; give a number to someone at the counter; see the queue and
/// the waits of every category.
extension Console {
    func addWalkInRoutes(to group: RouterGroup<TouchpointContext>) {
        group.get("walk-in") { request, context in try await walkInPage(request, context) }
        group.post("walk-in/{action}") { _, context in try await walkInAction(context) }
    }

    struct WalkInView {
        var chrome: Chrome
        var notice: String?
        var locations: [Option]
        var location: LocationPanel?
    }

    struct LocationPanel {
        var id: String
        var name: String
        var boardHref: String
        var desks: [DeskLine]
        var myDesk: String?
        var current: TicketLine?
        var waiting: [TicketLine]
        var waits: [WaitLine]
        var categories: [Option]
        var deskOptions: [Option]
        var outcomes: [Option]
        var appointments: [AppointmentLine]
        /// Free appointment times of the categories that take appointments.
        var slots: [Option]
    }

    struct AppointmentLine {
        var id: String
        var time: String
        var category: String
        var customer: String
        var customerHref: String
        var caseHref: String?
        var state: String
        var canCheckIn: Bool
        var canCancel: Bool
    }

    struct DeskLine {
        var code: String
        var name: String
        var serves: String
        var staffedBy: String?
        var mine: Bool
    }

    struct TicketLine {
        var id: String
        var label: String
        var category: String
        var state: String
        var priority: Bool
        var customer: String?
        var customerHref: String?
        var caseHref: String?
        var waited: String
        var calls: Int
        var transferred: String?
    }

    struct WaitLine {
        var code: String
        var name: String
        var waiting: Int
        var text: String
    }

    func walkInPage(_ request: Request, _ context: TouchpointContext) async throws -> Response {
        let session = try context.signedIn()
        let brand = session.user.brandID
        let query = HTMLForm(urlEncoded: request.uri.query ?? "")
        let locations = try await app.walkIn.locations(brand: brand)
        let seat = try await app.walkIn.deskOf(staff: session.user.id, brand: brand)
        let chosen = query.text("location").flatMap { raw in locations.first { $0.slug == raw || $0.id.text == raw } } ?? seat?.location ?? locations.first
        var panel: LocationPanel?
        let say = context.language
        if let location = chosen {
            let state = try await app.walkIn.queueState(location: location.id, brand: brand)
            let staff = Dictionary(try await app.lookups.staffUsers(brand: brand).map { ($0.id, $0.name) }, uniquingKeysWith: { a, _ in a })
            let contactIDs = Array(Set(state.tickets.compactMap(\.contactID)))
            let names = try await app.lookups.contactNames(contactIDs, brand: brand)
            let numbers = try await app.lookups.caseNumbers(state.tickets.compactMap(\.caseID), brand: brand)
            let now = app.environment.now()
            func line(_ ticket: Ticket) -> TicketLine {
                TicketLine(id: ticket.id.text, label: ticket.label, category: location.setup.category(ticket.category)?.name ?? ticket.category,
                           state: ticket.state.words(say), priority: ticket.priority,
                           customer: ticket.contactID.map { names[$0] ?? say.say("customer", "klient") },
                           customerHref: ticket.contactID.map { "/console/contacts/\($0.text)" },
                           caseHref: ticket.caseID.flatMap { numbers[$0] }.map { "/console/cases/\($0)" },
                           waited: "\(Int(now.timeIntervalSince(ticket.takenAt) / 60)) min", calls: ticket.calls,
                           transferred: ticket.targetDesk.map { say.say("for desk \($0)", "do stanowiska \($0)") }
                               ?? (ticket.category != ticket.issuedCategory ? say.say("transferred", "przekazany") : nil))
            }
            // Today's appointments, and the next free times to book.
            let today = location.bounds(of: CivilDate(now, timeZone: location.zone))
            let booked = try await app.deskAppointments.deskAppointments(location: location.id, brand: brand, from: today.start, to: today.end)
            let bookedNames = try await app.lookups.contactNames(booked.map(\.contactID), brand: brand)
            let bookedCases = try await app.lookups.caseNumbers(booked.map(\.caseID), brand: brand)
            let bookable = location.setup.calendarId == nil ? [] : location.setup.categories.filter { ($0.appointmentsPerSlot ?? 0) > 0 }
            let free = bookable.isEmpty ? [:]
                : try await app.deskAppointments.deskAppointmentSlots(location: location.id, brand: brand, categories: bookable.map(\.code), from: now, limit: 6)
            let slots = bookable.flatMap { category in
                (free[category.code] ?? []).map { start in
                    Option(value: "\(category.code)|\(JSONIO.format(start))", label: "\(location.localTime(start)) — \(category.name)", selected: false)
                }
            }
            let appointments = booked.map { appointment in
                AppointmentLine(id: appointment.id.text, time: String(location.localTime(appointment.start).suffix(5)),
                                category: location.setup.category(appointment.category)?.name ?? appointment.category,
                                customer: bookedNames[appointment.contactID] ?? say.say("customer", "klient"), customerHref: "/console/contacts/\(appointment.contactID.text)",
                                caseHref: bookedCases[appointment.caseID].map { "/console/cases/\($0)" }, state: appointment.state.words(say),
                                canCheckIn: (try? DeskBooking.checkIn(appointment, at: now)) != nil, canCancel: appointment.state == .booked)
            }
            let myDesk = seat?.location.id == location.id ? seat?.desk : nil
            let current = myDesk.flatMap { desk in state.tickets.first { $0.desk == desk && ($0.state == .called || $0.state == .serving) } }
            panel = LocationPanel(
                id: location.id.text, name: location.name, boardHref: "/walk-in/board/\(try await app.staff.brand(brand).slug)/\(location.slug)",
                desks: location.setup.desks.map { desk in
                    DeskLine(code: desk.code, name: desk.name, serves: desk.categories.isEmpty ? say.say("all", "wszystkie") : desk.categories.joined(separator: ", "),
                             staffedBy: state.openDesks[desk.code].map { staff[$0] ?? say.say("someone", "ktoś") }, mine: desk.code == myDesk)
                },
                myDesk: myDesk, current: current.map(line), waiting: state.waiting.map(line),
                waits: state.waits.map { wait in
                    WaitLine(code: wait.category, name: location.setup.category(wait.category)?.name ?? wait.category, waiting: wait.waiting,
                             text: wait.minutes.map { say.say("about \($0) min", "około \($0) min") } ?? say.say("no desk open", "żadne stanowisko nie jest otwarte"))
                },
                categories: location.setup.categories.map { Option(value: $0.code, label: "\($0.code) — \($0.name)", selected: false) },
                deskOptions: [Option(value: "", label: say.say("any desk", "dowolne stanowisko"), selected: false)]
                    + location.setup.desks.map { Option(value: $0.code, label: $0.name, selected: false) },
                outcomes: VisitOutcome.allCases.map { Option(value: $0.rawValue, label: $0.label(say), selected: $0 == .resolved) },
                appointments: appointments, slots: slots)
        }
        let notices: [String: (en: String, pl: String)] = [
            "next": ("Next customer called.", "Wezwano następnego klienta."), "empty": ("Nobody is waiting for this desk.", "Nikt nie czeka na to stanowisko."),
            "ticket": ("Number given.", "Wydano numer."), "done": ("Visit finished.", "Wizyta zakończona."), "moved": ("Done.", "Gotowe."),
            "booked": ("Appointment booked; the customer is invited by email when they have an address.",
                       "Wizyta umówiona; klient dostanie zaproszenie e-mailem, jeśli ma adres."),
            "checkedIn": ("Checked in: a number is issued.", "Zameldowano: wydano numer."),
        ]
        return pages.render("walkin", WalkInView(
            chrome: Chrome(title: say.say("Service desk", "Punkt obsługi"), session: session), notice: query["done"].flatMap { notices[$0] }.map { say.say($0.en, $0.pl) },
            locations: locations.map { Option(value: $0.slug, label: $0.name, selected: $0.id == chosen?.id) }, location: panel))
    }

    func walkInAction(_ context: TouchpointContext) async throws -> Response {
        let session = try context.signedIn()
        guard session.principal.may(.handleCases) else { throw Problem(.forbidden, "your role may not serve customers") }
        let brand = session.user.brandID
        let staff = session.user.id
        let form = context.form ?? HTMLForm(urlEncoded: "")
        guard let raw = form.text("location"), let locationID = UUID(text: raw) else { throw ValidationError(field: "location", reason: "choose a location") }
        let location = try await app.walkIn.location(locationID, brand: brand)
        var done = "moved"
        func ticketID() throws -> UUID {
            guard let id = form.text("ticket").flatMap(UUID.init(text:)) else { throw ValidationError(field: "ticket", reason: "no ticket") }
            return id
        }
        switch context.parameters.get("action") {
        case "sit":
            try await app.walkIn.openDesk(form.text("desk") ?? "", location: location.id, brand: brand, staff: staff)
        case "leave":
            try await app.walkIn.closeDesk(form.text("desk") ?? "", location: location.id, brand: brand, actor: .staff(staff))
        case "next":
            done = try await app.walkIn.callNext(location: location.id, desk: form.text("desk") ?? "", brand: brand, staff: staff) == nil ? "empty" : "next"
        case "recall": _ = try await app.walkIn.moveTicket(try ticketID(), brand: brand, actor: .staff(staff), step: .recall)
        case "arrived": _ = try await app.walkIn.moveTicket(try ticketID(), brand: brand, actor: .staff(staff), step: .arrived)
        case "no-show": _ = try await app.walkIn.moveTicket(try ticketID(), brand: brand, actor: .staff(staff), step: .noShow)
        case "transfer":
            let category = form.text("category")
            let desk = form.text("toDesk")
            guard category != nil || desk != nil else { throw ValidationError(field: "category", reason: "choose a category or a desk") }
            _ = try await app.walkIn.moveTicket(try ticketID(), brand: brand, actor: .staff(staff), step: .transfer(category: category, desk: desk, reason: form.text("reason")))
        case "finish":
            guard let outcome = form.text("outcome").flatMap(VisitOutcome.init(rawValue:)) else { throw ValidationError(field: "outcome", reason: "choose how the visit ended") }
            _ = try await app.walkIn.finishVisit(try ticketID(), brand: brand, staff: staff, outcome: outcome, note: form["note"])
            done = "done"
        case "ticket":
            let calling = try await app.staff.brand(brand).defaultCallingCode
            let identity = try form.text("customer").map { try Self.customerIdentity($0, defaultCallingCode: calling) }
            _ = try await app.walkIn.takeTicket(location: location.id, brand: brand, category: form.text("category") ?? "", contact: nil, identity: identity,
                                           caseID: nil, source: "staff", actor: .staff(staff))
            done = "ticket"
        case "book":
            let parts = (form.text("slot") ?? "").split(separator: "|").map(String.init)
            guard parts.count == 2, let start = JSONIO.parseDate(parts[1]) else { throw ValidationError(field: "slot", reason: "choose a time") }
            let calling = try await app.staff.brand(brand).defaultCallingCode
            guard let raw = form.text("customer") else { throw ValidationError(field: "customer", reason: "who is the appointment for?") }
            let identity = try Self.customerIdentity(raw, defaultCallingCode: calling)
            guard let contact = try await app.contacts.contacts(brand: brand, accountID: nil, identity: identity, query: nil, limit: 1, cursor: nil).items.first else {
                throw ValidationError(field: "customer", reason: "no customer is known by \(raw)")
            }
            _ = try await app.deskAppointments.bookDeskAppointment(location: location.id, brand: brand, category: parts[0], contact: contact.id, start: start, caseID: nil,
                                                    actor: .staff(staff))
            done = "booked"
        case "check-in":
            guard let id = form.text("appointment").flatMap(UUID.init(text:)) else { throw ValidationError(field: "appointment", reason: "no appointment") }
            _ = try await app.deskAppointments.checkInDeskAppointment(id, brand: brand, actor: .staff(staff), source: "staff")
            done = "checkedIn"
        case "cancel-appointment":
            guard let id = form.text("appointment").flatMap(UUID.init(text:)) else { throw ValidationError(field: "appointment", reason: "no appointment") }
            _ = try await app.deskAppointments.cancelDeskAppointment(id, brand: brand, actor: .staff(staff), reason: form.text("reason"))
        default:
            throw Problem(.notFound, "no such action")
        }
        return Pages.redirect("/console/walk-in?location=\(location.slug)&done=\(done)")
    }

    /// What someone at the counter gives to be known: an email, a phone number, or else a
    /// customer (card) number.
    static func customerIdentity(_ raw: String, defaultCallingCode: String?) throws -> Identity {
        if raw.contains("@") { return try Identity(kind: .email, raw: raw, field: "customer") }
        let digits = raw.filter(\.isNumber).count
        if raw.hasPrefix("+") || (digits >= 9 && raw.allSatisfy({ $0.isNumber || " +-()".contains($0) })) {
            return try Identity(kind: .phone, raw: raw, defaultCallingCode: defaultCallingCode, field: "customer")
        }
        return try Identity(kind: .customerNumber, raw: raw, field: "customer")
    }
}
