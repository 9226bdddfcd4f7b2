import Foundation
import SQLKit
import TouchpointCore

extension Store {
    /// Free appointment times of a category at a location, earliest first.
    public func deskAppointmentSlots(location id: UUID, brand: BrandID, category code: String, from: Date, limit: Int = 8) async throws -> [Date] {
        try await deskAppointmentSlots(location: id, brand: brand, categories: [code], from: from, limit: limit)[code] ?? []
    }

    /// Free appointment times of several categories, read with one look at the bookings.
    public func deskAppointmentSlots(location id: UUID, brand: BrandID, categories codes: [String], from: Date, limit: Int = 8) async throws -> [String: [Date]] {
        let location = try await location(id, brand: brand)
        let categories = try codes.map { try Store.appointmentCategory($0, at: location) }
        let hours = try await appointmentHours(location)
        let booked = try await deskAppointments(location: id, brand: brand, from: from.addingTimeInterval(-86_400),
                                                to: from.addingTimeInterval(TimeInterval(DeskBooking.maxDaysAhead + 1) * 86_400))
        var slots: [String: [Date]] = [:]
        for category in categories {
            slots[category.code] = DeskBooking.slots(category: category, hours: hours, booked: booked, from: from, limit: max(1, min(limit, 50)))
        }
        return slots
    }

    /// Books a desk appointment for a customer. It belongs to a case: the given one (the
    /// customer's), or one opened for it. Capacity and opening hours are checked again in
    /// the transaction that writes it; the customer is emailed an iCalendar REQUEST.
    public func bookDeskAppointment(location id: UUID, brand: BrandID, category code: String, contact contactID: ContactID, start: Date,
                                    caseID given: CaseID?, actor: Actor) async throws -> DeskAppointment {
        let location = try await location(id, brand: brand)
        let category = try Store.appointmentCategory(code, at: location)
        let hours = try await appointmentHours(location)
        let contact = try await contact(contactID, brand: brand)
        let now = environment.now()
        // Refused before a case is opened for it.
        let booked = try await deskAppointments(location: id, brand: brand, from: start.addingTimeInterval(-86_400), to: start.addingTimeInterval(86_400))
        try Store.rule { () throws(DeskBookingRefusal) in try DeskBooking.check(start: start, category: category, hours: hours, booked: booked, now: now) }
        let caseID: CaseID
        if let given {
            let item = try await self.case(given, brand: brand)
            guard item.contactID == contactID else { throw StoreError.invalid(field: "caseId", reason: "the case is another customer's") }
            guard item.status.isActive else { throw StoreError.conflict("only an active case gets an appointment") }
            caseID = given
        } else {
            guard let identity = contact.identities.first else { throw StoreError.conflict("the customer has no identity to open a case for") }
            caseID = try await openCase(brand: brand, actor: actor,
                                        request: OpenCase(contactPoint: .inPerson, from: identity, subject: "Appointment: \(category.name) at \(location.name)",
                                                          body: "Appointment booked for \(location.localTime(start)) at \(location.name).")).case.id
        }
        let appointment = DeskAppointment(id: environment.newID(), brandID: brand, locationID: id, category: category.code, contactID: contactID, caseID: caseID,
                                          start: start, end: start.addingTimeInterval(TimeInterval(category.appointmentMinutes * 60)))
        let dialect = self.dialect
        try await database.write { db in
            try await Store.lockQueue(id, dialect: dialect, on: db)
            // Another booking may have landed since the check: count again inside the lock.
            let current = try await db.raw("""
                SELECT * FROM desk_appointments WHERE location_id = \(bind: id.text) AND state IN ('booked', 'checkedIn')
                AND start_at < \(bind: Convert.ms(appointment.end)) AND end_at > \(bind: Convert.ms(start))
                """).all().map(Store.deskAppointment(from:))
            try Store.rule { () throws(DeskBookingRefusal) in try DeskBooking.check(start: start, category: category, hours: hours, booked: current, now: now) }
            try await db.raw("""
                INSERT INTO desk_appointments (id, brand_id, location_id, category, contact_id, case_id, start_at, end_at, state, sequence, created_at, updated_at)
                VALUES (\(bind: appointment.id.text), \(bind: brand.text), \(bind: id.text), \(bind: category.code), \(bind: contactID.text), \(bind: caseID.text),
                        \(bind: Convert.ms(start)), \(bind: Convert.ms(appointment.end)), 'booked', 0, \(bind: Convert.ms(now)), \(bind: Convert.ms(now)))
                """).run()
            try await Store.insert(events: self.events([EventDraft(type: .deskAppointmentBooked, payload: Store.deskPayload(appointment, location: location))],
                                                       brand: brand, actor: actor, account: contact.accountID, contact: contactID, caseID: caseID, at: now), on: db)
        }
        try await inviteToDesk(appointment, location: location, method: .request, actor: actor)
        return appointment
    }

    /// Calls an appointment off; the customer gets an iCalendar CANCEL.
    public func cancelDeskAppointment(_ id: UUID, brand: BrandID, actor: Actor, reason: String?) async throws -> DeskAppointment {
        let now = environment.now()
        let (cancelled, location) = try await database.write { db in
            let current = try await Store.deskAppointment(id, brand: brand, on: db)
            let location = try await Store.location(current.locationID, brand: brand, on: db)
            let cancelled = try Store.rule { () throws(DeskBookingRefusal) in try DeskBooking.cancel(current) }
            var extra: [String: JSONValue] = [:]
            if let reason = reason?.trimmedWhitespace, !reason.isEmpty { extra["reason"] = .string(String(reason.prefix(500))) }
            try await self.save(cancelled, location: location, event: .deskAppointmentCancelled, actor: actor, extra: extra, at: now, on: db)
            return (cancelled, location)
        }
        try await inviteToDesk(cancelled, location: location, method: .cancel, actor: actor)
        return cancelled
    }

    /// The customer is here (at the kiosk, or at a desk that checks them in): a ticket is
    /// issued that is called at the appointment's time, ahead of the walk-in line.
    public func checkInDeskAppointment(_ id: UUID, brand: BrandID, actor: Actor, source: String) async throws -> (DeskAppointment, Ticket) {
        let config = try await serviceConfig(brand: brand)
        let now = environment.now()
        let dialect = self.dialect
        return try await database.write { db in
            let first = try await Store.deskAppointment(id, brand: brand, on: db)
            try await Store.lockQueue(first.locationID, dialect: dialect, on: db)
            // Read again inside the lock: two check-ins at once issue one ticket.
            let current = try await Store.deskAppointment(id, brand: brand, on: db)
            let location = try await Store.location(current.locationID, brand: brand, on: db)
            var checked = try Store.rule { () throws(DeskBookingRefusal) in try DeskBooking.checkIn(current, at: now) }
            guard let category = location.setup.category(current.category) else {
                throw StoreError.conflict(QueueError.unknownCategory(current.category).message)
            }
            let (ticket, events) = try await self.issueTicket(location: location, category: category, contact: current.contactID, caseID: current.caseID,
                                                              appointment: current, source: source, actor: actor, config: config, at: now, on: db)
            checked.ticketID = ticket.id
            try await Store.insert(events: events, on: db)
            try await self.save(checked, location: location, event: .deskAppointmentCheckedIn, actor: actor, extra: ["ticket": .string(ticket.label)], at: now, on: db)
            return (checked, ticket)
        }
    }

    /// Marks booked appointments whose check-in closed as missed (once, on every node's
    /// scheduler: the update claims them).
    public func markMissedDeskAppointments(now: Date, limit: Int = 200) async throws -> Int {
        let cutoff = now.addingTimeInterval(-TimeInterval(DeskBooking.checkInLateMinutes * 60))
        let due = try await database.read { db in
            try await db.raw("""
                SELECT * FROM desk_appointments WHERE state = 'booked' AND start_at < \(bind: Convert.ms(cutoff)) ORDER BY start_at, id LIMIT \(bind: limit)
                """).all().map(Store.deskAppointment(from:))
        }
        var marked = 0
        for appointment in due where DeskBooking.isMissed(appointment, at: now) {
            marked += try await database.write { db in
                let claimed = try await db.raw("""
                    UPDATE desk_appointments SET state = 'missed', updated_at = \(bind: Convert.ms(now)) WHERE id = \(bind: appointment.id.text) AND state = 'booked' RETURNING id
                    """).all().count
                guard claimed == 1 else { return 0 }
                var missed = appointment
                missed.state = .missed
                let location = try await Store.location(appointment.locationID, brand: appointment.brandID, on: db)
                try await self.save(missed, location: location, event: .deskAppointmentMissed, actor: .system, extra: [:], at: now, on: db)
                return 1
            }
        }
        return marked
    }

    public func deskAppointment(_ id: UUID, brand: BrandID) async throws -> DeskAppointment {
        try await database.read { db in try await Store.deskAppointment(id, brand: brand, on: db) }
    }

    /// A location's appointments starting between two instants, earliest first.
    public func deskAppointments(location id: UUID, brand: BrandID, from: Date, to: Date) async throws -> [DeskAppointment] {
        try await database.read { db in
            try await db.raw("""
                SELECT * FROM desk_appointments WHERE location_id = \(bind: id.text) AND brand_id = \(bind: brand.text)
                AND start_at >= \(bind: Convert.ms(from)) AND start_at < \(bind: Convert.ms(to)) ORDER BY start_at, id
                """).all().map(Store.deskAppointment(from:))
        }
    }

    /// A customer's appointments that end after `from`, earliest first.
    public func deskAppointments(contact id: ContactID, brand: BrandID, from: Date) async throws -> [DeskAppointment] {
        try await database.read { db in
            try await db.raw("""
                SELECT * FROM desk_appointments WHERE contact_id = \(bind: id.text) AND brand_id = \(bind: brand.text) AND end_at > \(bind: Convert.ms(from))
                ORDER BY start_at, id
                """).all().map(Store.deskAppointment(from:))
        }
    }

    /// The appointment as an iCalendar object: REQUEST while it stands, CANCEL once called off.
    public func deskAppointmentCalendar(_ appointment: DeskAppointment) async throws -> String {
        let location = try await location(appointment.locationID, brand: appointment.brandID)
        let parties = try await invitationParties(caseID: appointment.caseID, brand: appointment.brandID)
        let category = location.setup.category(appointment.category)?.name ?? appointment.category
        let event = ICalendar.Event(uid: "desk-\(appointment.id.uuidString.lowercased())@\(parties.domain)", sequence: appointment.sequence,
                                    start: appointment.start, end: appointment.end, summary: "\(parties.brand.name): appointment at \(location.name)",
                                    description: "\(category) (\(parties.ref)). Check in at the kiosk or the desk when you arrive.",
                                    location: location.name, organizer: (parties.brand.name, parties.organizer), attendee: parties.attendee, stamp: environment.now())
        return ICalendar.render(event, method: appointment.state == .cancelled ? .cancel : .request)
    }

    // MARK: Helpers

    func inviteToDesk(_ appointment: DeskAppointment, location: Location, method: ICalendar.Method, actor: Actor) async throws {
        let brand = try await brand(appointment.brandID)
        let language = try await database.read { db in try await Store.language(of: appointment.contactID, brand: brand, on: db) }
        let when = ReaderTime(zone: location.zone, language: language).span(appointment.start, appointment.end)
        let body = CustomerMessages(language).deskAppointment(place: location.name, when: when, timeZone: location.timeZone,
                                                              cancelled: method == .cancel)
        try await emailInvitation(try await deskAppointmentCalendar(appointment), method: method, name: method == .cancel ? "appointment-cancelled.ics" : "appointment.ics",
                                  body: body, metadata: ["deskAppointment": appointment.id.text], caseID: appointment.caseID, brand: appointment.brandID, actor: actor)
    }

    /// The calendar of a location's opening hours; a location without one takes no appointments.
    func appointmentHours(_ location: Location) async throws -> Availability {
        guard let calendarID = location.setup.calendarId, let named = try await serviceConfig(brand: location.brandID).calendars[calendarID] else {
            throw StoreError.conflict("\(location.name) has no opening-hours calendar, so it takes no appointments")
        }
        return .calendar(named.calendar)
    }

    static func appointmentCategory(_ code: String, at location: Location) throws -> ServiceCategory {
        guard let category = location.setup.category(code) else { throw StoreError.invalid(field: "category", reason: QueueError.unknownCategory(code).message) }
        return category
    }

    /// Writes an appointment's changed fields and its event.
    func save(_ appointment: DeskAppointment, location: Location, event: EventType, actor: Actor, extra: [String: JSONValue], at now: Date,
              on db: any SQLDatabase) async throws {
        try await db.raw("""
            UPDATE desk_appointments SET state = \(bind: appointment.state.rawValue), ticket_id = \(bind: appointment.ticketID?.text),
            sequence = \(bind: appointment.sequence), updated_at = \(bind: Convert.ms(now)) WHERE id = \(bind: appointment.id.text)
            """).run()
        let account = try await Store.contact(appointment.contactID, brand: appointment.brandID, on: db).accountID
        var payload = Store.deskPayload(appointment, location: location)
        payload.merge(extra) { $1 }
        try await Store.insert(events: events([EventDraft(type: event, payload: payload)], brand: appointment.brandID, actor: actor, account: account,
                                              contact: appointment.contactID, caseID: appointment.caseID, at: now), on: db)
    }

    static func deskPayload(_ appointment: DeskAppointment, location: Location) -> [String: JSONValue] {
        ["deskAppointmentId": .string(appointment.id.text), "location": .string(location.slug), "locationName": .string(location.name),
         "category": .string(appointment.category), "start": .string(ISO8601DateFormatter().string(from: appointment.start)),
         "localStart": .string(location.localTime(appointment.start)), "sequence": .int(appointment.sequence)]
    }

    static func deskAppointment(_ id: UUID, brand: BrandID, on db: any SQLDatabase) async throws -> DeskAppointment {
        guard let row = try await db.raw("SELECT * FROM desk_appointments WHERE id = \(bind: id.text) AND brand_id = \(bind: brand.text)").first() else {
            throw StoreError.notFound("appointment \(id.text)")
        }
        return try deskAppointment(from: row)
    }

    static func deskAppointment(from row: any SQLRow) throws -> DeskAppointment {
        DeskAppointment(id: try row.uuid("id"), brandID: try row.uuid("brand_id"), locationID: try row.uuid("location_id"), category: try row.string("category"),
                        contactID: try row.uuid("contact_id"), caseID: try row.uuid("case_id"), start: try row.date("start_at"), end: try row.date("end_at"),
                        state: try row.wire("state", as: DeskAppointment.State.self), ticketID: try row.optionalUUID("ticket_id"), sequence: try row.int("sequence"))
    }
}
