import Foundation
import SQLKit
import TouchpointCore

extension Store {
    // MARK: Locations

    public func createLocation(brand: BrandID, slug rawSlug: String, name: String, timeZone: String, setup: LocationSetup, actor: Actor) async throws -> Location {
        let slug = rawSlug.lowercased()
        guard (2...64).contains(slug.count), slug.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }) else {
            throw ValidationError(field: "slug", reason: "2 to 64 lower-case letters, digits and dashes")
        }
        guard TimeZone(identifier: timeZone) != nil else { throw ValidationError(field: "timeZone", reason: "an IANA time zone such as Europe/Warsaw") }
        let location = Location(id: environment.newID(), brandID: brand, slug: slug, name: try Check.text(name, field: "name", max: 200),
                                timeZone: timeZone, setup: try await checked(setup, brand: brand))
        let now = environment.now()
        try await database.write { db in
            if try await db.raw("SELECT id FROM locations WHERE brand_id = \(bind: brand.text) AND slug = \(bind: slug)").first() != nil {
                throw StoreError.conflict("a location '\(slug)' exists")
            }
            try await db.raw("""
                INSERT INTO locations (id, brand_id, slug, name, time_zone, setup, created_at)
                VALUES (\(bind: location.id.text), \(bind: brand.text), \(bind: slug), \(bind: location.name), \(bind: timeZone),
                        \(bind: Convert.json(location.setup)), \(bind: Convert.ms(now)))
                """).run()
            try await Store.insert(events: self.events([EventDraft(type: .locationUpdated, payload: ["location": .string(slug), "created": .bool(true)])],
                                                       brand: brand, actor: actor, account: nil, contact: nil, caseID: nil, at: now), on: db)
        }
        return location
    }

    /// Renames a location or replaces its desks and categories (open tickets keep theirs).
    public func updateLocation(_ id: UUID, brand: BrandID, name: String?, setup: LocationSetup?, actor: Actor) async throws -> Location {
        let cleanName = try name.map { try Check.text($0, field: "name", max: 200) }
        let checked = try await setup.asyncMap { try await self.checked($0, brand: brand) }
        let now = environment.now()
        return try await database.write { db in
            var location = try await Store.location(id, brand: brand, on: db)
            if let cleanName { location.name = cleanName }
            if let checked { location.setup = checked }
            try await db.raw("""
                UPDATE locations SET name = \(bind: location.name), setup = \(bind: Convert.json(location.setup)) WHERE id = \(bind: id.text)
                """).run()
            try await Store.insert(events: self.events([EventDraft(type: .locationUpdated, payload: ["location": .string(location.slug)])],
                                                       brand: brand, actor: actor, account: nil, contact: nil, caseID: nil, at: now), on: db)
            return location
        }
    }

    public func locations(brand: BrandID) async throws -> [Location] {
        try await database.read { db in
            try await db.raw("SELECT * FROM locations WHERE brand_id = \(bind: brand.text) ORDER BY name, id").all().map(Store.location(from:))
        }
    }

    public func location(_ id: UUID, brand: BrandID) async throws -> Location {
        try await database.read { db in try await Store.location(id, brand: brand, on: db) }
    }

    public func location(slug: String, brand: BrandID) async throws -> Location {
        try await database.read { db in
            guard let row = try await db.raw("SELECT * FROM locations WHERE brand_id = \(bind: brand.text) AND slug = \(bind: slug.lowercased())").first() else {
                throw StoreError.notFound("location \(slug)")
            }
            return try Store.location(from: row)
        }
    }

    static func location(_ id: UUID, brand: BrandID, on db: any SQLDatabase) async throws -> Location {
        guard let row = try await db.raw("SELECT * FROM locations WHERE id = \(bind: id.text) AND brand_id = \(bind: brand.text)").first() else {
            throw StoreError.notFound("location \(id.text)")
        }
        return try location(from: row)
    }

    static func location(from row: any SQLRow) throws -> Location {
        guard let setup = Convert.decode(LocationSetup.self, try row.string("setup")) else { throw StoreError.unavailable("corrupt location setup") }
        return Location(id: try row.uuid("id"), brandID: try row.uuid("brand_id"), slug: try row.string("slug"), name: try row.string("name"),
                        timeZone: try row.string("time_zone"), setup: setup)
    }

    /// A setup that passes the queue's rules and names one of the brand's calendars.
    func checked(_ setup: LocationSetup, brand: BrandID) async throws -> LocationSetup {
        let valid = try setup.validated()
        if let id = valid.calendarId, try await serviceConfig(brand: brand).calendars[id] == nil {
            throw ValidationError(field: "calendarId", reason: "no business calendar \(id.text) in this brand")
        }
        return valid
    }

    // MARK: Desks

    /// A staff member sits down at a desk: it is open and calls tickets. One desk per person.
    public func openDesk(_ desk: String, location id: UUID, brand: BrandID, staff: UserID) async throws {
        let now = environment.now()
        try await database.write { db in
            let location = try await Store.location(id, brand: brand, on: db)
            guard location.setup.desk(desk) != nil else { throw StoreError.invalid(field: "desk", reason: QueueError.unknownDesk(desk).message) }
            try await Store.seat(staff, at: desk, location: id, since: now, on: db)
            try await Store.insert(events: self.events([EventDraft(type: .deskOpened, payload: ["location": .string(location.slug), "desk": .string(desk)])],
                                                       brand: brand, actor: .staff(staff), account: nil, contact: nil, caseID: nil, at: now), on: db)
        }
    }

    public func closeDesk(_ desk: String, location id: UUID, brand: BrandID, actor: Actor) async throws {
        let now = environment.now()
        try await database.write { db in
            let location = try await Store.location(id, brand: brand, on: db)
            try await db.raw("DELETE FROM desk_staff WHERE location_id = \(bind: id.text) AND desk = \(bind: desk)").run()
            try await Store.insert(events: self.events([EventDraft(type: .deskClosed, payload: ["location": .string(location.slug), "desk": .string(desk)])],
                                                       brand: brand, actor: actor, account: nil, contact: nil, caseID: nil, at: now), on: db)
        }
    }

    /// The desk a staff member sits at, if any.
    public func deskOf(staff: UserID, brand: BrandID) async throws -> (location: Location, desk: String)? {
        try await database.read { db in
            guard let row = try await db.raw("""
                SELECT d.desk, l.* FROM desk_staff d JOIN locations l ON l.id = d.location_id WHERE d.user_id = \(bind: staff.text) AND l.brand_id = \(bind: brand.text)
                """).first() else { return nil }
            return (try Store.location(from: row), try row.string("desk"))
        }
    }

    // MARK: The queue

    /// A customer takes a number. With a known contact (or an identity that finds or makes
    /// one) the ticket is on their timeline, and their model decides priority.
    public func takeTicket(location id: UUID, brand: BrandID, category: String, contact given: ContactID?, identity: Identity?, caseID: CaseID?,
                           source: String, actor: Actor, textBack: TextBack? = nil) async throws -> Ticket {
        let config = try await serviceConfig(brand: brand)
        let environment = self.environment
        let dialect = self.dialect
        let now = environment.now()
        return try await database.write { db in
            let location = try await Store.location(id, brand: brand, on: db)
            guard let named = location.setup.category(category) else { throw StoreError.invalid(field: "category", reason: QueueError.unknownCategory(category).message) }
            var contactID = given
            var events: [DomainEvent] = []
            if contactID == nil, let identity {
                let found = try await Store.resolveOrCreate(identity, name: nil, contactPoint: .inPerson, brand: brand, environment: environment,
                                                            dialect: dialect, at: now, on: db)
                contactID = found.contact
                events += found.events
            }
            if let caseID {
                let item = try await Store.case(caseID, brand: brand, on: db)
                guard item.contactID == contactID || contactID == nil else { throw StoreError.invalid(field: "caseId", reason: "the case is another customer's") }
                contactID = contactID ?? item.contactID
            }
            let (ticket, issued) = try await self.issueTicket(location: location, category: named, contact: contactID, caseID: caseID, appointment: nil,
                                                              source: source, actor: actor, config: config, textBack: textBack, at: now, on: db)
            events += issued
            try await Store.insert(events: events, on: db)
            return ticket
        }
    }

    /// Today's queue of a location, with the waits.
    public func queueState(location id: UUID, brand: BrandID) async throws -> QueueState {
        let now = environment.now()
        return try await database.read { db in
            let location = try await Store.location(id, brand: brand, on: db)
            let day = location.day(at: now)
            let tickets = try await db.raw("""
                SELECT * FROM queue_tickets WHERE location_id = \(bind: id.text) AND day = \(bind: day) ORDER BY taken_at, id
                """).all().map(Store.ticket(from:))
            var open: [String: UserID] = [:]
            for row in try await db.raw("SELECT desk, user_id FROM desk_staff WHERE location_id = \(bind: id.text)").all() {
                open[try row.string("desk")] = try row.uuid("user_id")
            }
            // The service time each category really takes, from today's finished visits.
            var measured: [String: Double] = [:]
            for category in location.setup.categories {
                let served = tickets.compactMap { ticket -> Double? in
                    guard ticket.category == category.code, ticket.state == .done, let start = ticket.servingAt, let end = ticket.finishedAt else { return nil }
                    return end.timeIntervalSince(start) / 60
                }
                if served.count >= 3 { measured[category.code] = max(1, served.reduce(0, +) / Double(served.count)) }
            }
            let line = WalkInQueue.line(tickets, now: now)
            let others = tickets.filter { $0.state != .waiting }.sorted { $0.takenAt > $1.takenAt }
            return QueueState(location: location, tickets: line + others, openDesks: open,
                              waits: WalkInQueue.waits(setup: location.setup, tickets: tickets, openDesks: Set(open.keys), measuredMinutes: measured, now: now))
        }
    }

    public func ticket(_ id: UUID, brand: BrandID) async throws -> Ticket {
        try await database.read { db in
            guard let row = try await db.raw("SELECT * FROM queue_tickets WHERE id = \(bind: id.text) AND brand_id = \(bind: brand.text)").first() else {
                throw StoreError.notFound("ticket \(id.text)")
            }
            return try Store.ticket(from: row)
        }
    }

    /// The desk calls its next customer; nil when nobody waits for it. The desk opens for
    /// the caller if it was not theirs yet.
    public func callNext(location id: UUID, desk code: String, brand: BrandID, staff: UserID) async throws -> Ticket? {
        let now = environment.now()
        let dialect = self.dialect
        return try await database.write { db in
            let location = try await Store.location(id, brand: brand, on: db)
            guard let desk = location.setup.desk(code) else { throw StoreError.invalid(field: "desk", reason: QueueError.unknownDesk(code).message) }
            try await Store.lockQueue(id, dialect: dialect, on: db)
            let staffed = try await db.raw("SELECT user_id FROM desk_staff WHERE location_id = \(bind: id.text) AND desk = \(bind: code)").first()
            if try staffed?.uuid("user_id") != staff { try await Store.seat(staff, at: code, location: id, since: now, on: db) }
            let day = location.day(at: now)
            let waiting = try await db.raw("""
                SELECT * FROM queue_tickets WHERE location_id = \(bind: id.text) AND day = \(bind: day) AND state = 'waiting'
                """).all().map(Store.ticket(from:))
            guard let next = WalkInQueue.next(for: desk, among: waiting, now: now) else { return nil }
            let called = try Store.rule { () throws(QueueError) in try WalkInQueue.call(next, to: desk, at: now) }
            try await self.save(called, location: location, event: .visitCalled, actor: .staff(staff), extra: ["desk": .string(code)], at: now, on: db)
            try await self.textCall(called, location: location, at: now, on: db)
            return called
        }
    }

    /// A step of a visit at the desk: call again, the customer arrived, no-show, transfer,
    /// cancel. Each is one transaction with its event on the customer's timeline.
    public func moveTicket(_ ticketID: UUID, brand: BrandID, actor: Actor, step: TicketStep) async throws -> Ticket {
        let now = environment.now()
        let dialect = self.dialect
        return try await database.write { db in
            var ticket = try await Store.ticket(ticketID, brand: brand, on: db)
            let location = try await Store.location(ticket.locationID, brand: brand, on: db)
            try await Store.lockQueue(location.id, dialect: dialect, on: db)
            ticket = try await Store.ticket(ticketID, brand: brand, on: db)
            let event: EventType
            var extra: [String: JSONValue] = [:]
            switch step {
            case .recall:
                guard let code = ticket.desk, let desk = location.setup.desk(code) else { throw StoreError.conflict("the ticket was not called to a desk") }
                guard ticket.calls < WalkInQueue.maxCalls else {
                    throw StoreError.conflict("called \(ticket.calls) times already; mark it as a no-show")
                }
                ticket = try Store.rule { () throws(QueueError) in try WalkInQueue.call(ticket, to: desk, at: now) }
                event = .visitCalled
                extra["desk"] = .string(code)
                extra["again"] = .bool(true)
            case .arrived:
                ticket = try Store.rule { () throws(QueueError) in try WalkInQueue.startServing(ticket, at: now) }
                try await db.raw("UPDATE queue_tickets SET served_by = \(bind: actor.id?.text) WHERE id = \(bind: ticket.id.text)").run()
                event = .visitCalled
                extra["arrived"] = .bool(true)
            case .noShow:
                ticket = try Store.rule { () throws(QueueError) in try WalkInQueue.noShow(ticket, at: now) }
                event = .visitNoShow
            case .cancel:
                ticket = try Store.rule { () throws(QueueError) in try WalkInQueue.cancel(ticket, at: now) }
                event = .visitCancelled
            case .transfer(let category, let desk, let reason):
                let from = ticket.label
                ticket = try Store.rule { () throws(QueueError) in try WalkInQueue.transfer(ticket, category: category, desk: desk, setup: location.setup) }
                event = .visitTransferred
                extra["from"] = .string(from)
                if let desk { extra["toDesk"] = .string(desk) }
                if let reason { extra["reason"] = .string(reason) }
            }
            try await self.save(ticket, location: location, event: event, actor: actor, extra: extra, at: now, on: db)
            if step == .recall { try await self.textCall(ticket, location: location, at: now, on: db) }
            return ticket
        }
    }

    /// The visit ends: it becomes an in-person interaction on the customer's timeline (and on
    /// its case); a follow-up without a case opens one.
    public func finishVisit(_ ticketID: UUID, brand: BrandID, staff: UserID, outcome: VisitOutcome, note: String?) async throws -> (Ticket, Interaction?) {
        let cleanNote = try note.flatMap { $0.isBlank ? nil : try Check.text($0, field: "note", max: 4000) }
        let now = environment.now()
        let dialect = self.dialect
        let before = try await ticket(ticketID, brand: brand)
        // A follow-up needs a case: opened through the usual path (routing, SLA) first.
        var caseID = before.caseID
        if outcome == .followUp, caseID == nil, let contactID = before.contactID {
            let location = try await location(before.locationID, brand: brand)
            let contact = try await contact(contactID, brand: brand)
            guard let identity = contact.identities.first else { throw StoreError.conflict("the customer has no identity to open a case for") }
            let category = location.setup.category(before.category)?.name ?? before.category
            let opened = try await openCase(brand: brand, actor: .staff(staff),
                                            request: OpenCase(contactPoint: .inPerson, from: identity, subject: "Follow-up of a visit: \(category)",
                                                              body: cleanNote ?? "Visit \(before.label) at \(location.name) needs a follow-up."))
            caseID = opened.case.id
        }
        let linked = caseID
        return try await database.write { db in
            var ticket = try await Store.ticket(ticketID, brand: brand, on: db)
            let location = try await Store.location(ticket.locationID, brand: brand, on: db)
            try await Store.lockQueue(location.id, dialect: dialect, on: db)
            ticket = try Store.rule { () throws(QueueError) in try WalkInQueue.finish(ticket, outcome: outcome.rawValue, at: now) }
            ticket.caseID = linked
            var interaction: Interaction?
            if let contactID = ticket.contactID {
                let category = location.setup.category(ticket.category)?.name ?? ticket.category
                let waited = Int(((ticket.calledAt ?? now).timeIntervalSince(ticket.takenAt) / 60).rounded())
                var text = "Visit \(ticket.label) at \(location.name), desk \(ticket.desk ?? "?") (\(category)): \(outcome.label)."
                if let cleanNote { text += "\n\n" + cleanNote }
                let item = Interaction(id: self.environment.newID(), brandID: brand, contactID: contactID, caseID: linked, contactPoint: .inPerson,
                                       direction: .inbound, authorKind: .staff, authorID: staff, text: text,
                                       metadata: ["ticket": ticket.label, "location": location.slug, "desk": ticket.desk ?? "", "outcome": outcome.rawValue,
                                                  "waitedMinutes": String(waited)],
                                       occurredAt: ticket.servingAt ?? now)
                try await Store.insert(interaction: item, now: now, on: db)
                if let linked { try await Store.index(text: text, brand: brand, caseID: linked, on: db) }
                try await db.raw("UPDATE queue_tickets SET interaction_id = \(bind: item.id.text) WHERE id = \(bind: ticket.id.text)").run()
                interaction = item
            }
            try await db.raw("UPDATE queue_tickets SET served_by = COALESCE(served_by, \(bind: staff.text)) WHERE id = \(bind: ticket.id.text)").run()
            try await self.save(ticket, location: location, event: .visitFinished, actor: .staff(staff),
                                extra: ["outcome": .string(outcome.rawValue)], at: now, on: db)
            return (ticket, interaction)
        }
    }

    // MARK: Helpers

    /// Numbers and inserts a ticket (under the queue's lock) and drafts its event. The
    /// customer's model decides priority; an appointment's ticket takes its place in line at
    /// the appointment's time.
    func issueTicket(location: Location, category: ServiceCategory, contact contactID: ContactID?, caseID: CaseID?, appointment: DeskAppointment?,
                     source: String, actor: Actor, config: ServiceConfig, textBack: TextBack? = nil, at now: Date,
                     on db: any SQLDatabase) async throws -> (Ticket, [DomainEvent]) {
        let brand = location.brandID
        var account: AccountID?
        var priority = false
        if let contactID {
            let contact = try await Store.contact(contactID, brand: brand, on: db)
            account = contact.accountID
            let profile = try await contact.accountID.asyncMap { try await Store.account($0, brand: brand, on: db).profile }
            let model = config.rules.evaluateContact(profile: profile ?? AccountProfile(), role: contact.title).model
            priority = config.policy(model).walkInPriority
        }
        try await Store.lockQueue(location.id, dialect: dialect, on: db)
        let day = location.day(at: now)
        let number = try await db.raw("""
            SELECT COALESCE(MAX(number), 0) + 1 AS n FROM queue_tickets WHERE location_id = \(bind: location.id.text) AND day = \(bind: day) AND issued_category = \(bind: category.code)
            """).first()?.int("n") ?? 1
        var ticket = Ticket(id: environment.newID(), brandID: brand, locationID: location.id, category: category.code, number: number, priority: priority,
                            contactID: contactID, caseID: caseID, takenAt: now)
        if let appointment {
            ticket.appointmentID = appointment.id
            ticket.queuedAt = appointment.start
        }
        try await db.raw("""
            INSERT INTO queue_tickets (id, brand_id, location_id, day, issued_category, category, number, state, priority, contact_id, case_id, source, calls,
                                       taken_at, queued_at, appointment_id, integration_id, phone)
            VALUES (\(bind: ticket.id.text), \(bind: brand.text), \(bind: location.id.text), \(bind: day), \(bind: category.code), \(bind: category.code), \(bind: number),
                    'waiting', \(bind: priority ? 1 : 0), \(bind: contactID?.text), \(bind: caseID?.text), \(bind: source), 0, \(bind: Convert.ms(now)),
                    \(bind: Convert.ms(ticket.queuedAt)), \(bind: appointment?.id.text), \(bind: textBack?.integrationID), \(bind: textBack?.recipient))
            """).run()
        let events = self.events([EventDraft(type: .visitQueued, payload: Store.visitPayload(ticket, location: location, extra: ["source": .string(source)]))],
                                 brand: brand, actor: actor, account: account, contact: contactID, caseID: caseID, at: now)
        return (ticket, events)
    }

    /// Puts a staff member at a desk: they leave any other desk, and whoever sat here leaves it.
    static func seat(_ staff: UserID, at desk: String, location: UUID, since now: Date, on db: any SQLDatabase) async throws {
        try await db.raw("DELETE FROM desk_staff WHERE user_id = \(bind: staff.text) OR (location_id = \(bind: location.text) AND desk = \(bind: desk))").run()
        try await db.raw("""
            INSERT INTO desk_staff (location_id, desk, user_id, since) VALUES (\(bind: location.text), \(bind: desk), \(bind: staff.text), \(bind: Convert.ms(now)))
            """).run()
    }

    /// Writes a ticket's changed fields and its event.
    func save(_ ticket: Ticket, location: Location, event: EventType, actor: Actor, extra: [String: JSONValue], at now: Date, on db: any SQLDatabase) async throws {
        try await db.raw("""
            UPDATE queue_tickets SET state = \(bind: ticket.state.rawValue), category = \(bind: ticket.category), desk = \(bind: ticket.desk),
            target_desk = \(bind: ticket.targetDesk), calls = \(bind: ticket.calls), case_id = \(bind: ticket.caseID?.text), outcome = \(bind: ticket.outcome),
            called_at = \(bind: ticket.calledAt.map(Convert.ms)), serving_at = \(bind: ticket.servingAt.map(Convert.ms)),
            finished_at = \(bind: ticket.finishedAt.map(Convert.ms))
            WHERE id = \(bind: ticket.id.text)
            """).run()
        let account = try await ticket.contactID.asyncMap { try await Store.contact($0, brand: ticket.brandID, on: db).accountID } ?? nil
        try await Store.insert(events: events([EventDraft(type: event, payload: Store.visitPayload(ticket, location: location, extra: extra))],
                                              brand: ticket.brandID, actor: actor, account: account, contact: ticket.contactID, caseID: ticket.caseID, at: now),
                               on: db)
    }

    static func visitPayload(_ ticket: Ticket, location: Location, extra: [String: JSONValue]) -> [String: JSONValue] {
        var payload: [String: JSONValue] = ["ticket": .string(ticket.label), "ticketId": .string(ticket.id.text), "location": .string(location.slug),
                                            "locationName": .string(location.name), "category": .string(ticket.category)]
        if ticket.priority { payload["priority"] = .bool(true) }
        payload.merge(extra) { $1 }
        return payload
    }

    static func ticket(_ id: UUID, brand: BrandID, on db: any SQLDatabase) async throws -> Ticket {
        guard let row = try await db.raw("SELECT * FROM queue_tickets WHERE id = \(bind: id.text) AND brand_id = \(bind: brand.text)").first() else {
            throw StoreError.notFound("ticket \(id.text)")
        }
        return try ticket(from: row)
    }

    static func ticket(from row: any SQLRow) throws -> Ticket {
        var ticket = Ticket(id: try row.uuid("id"), brandID: try row.uuid("brand_id"), locationID: try row.uuid("location_id"), category: try row.string("category"),
                            number: try row.int("number"), priority: try row.int("priority") != 0, contactID: try row.optionalUUID("contact_id"),
                            caseID: try row.optionalUUID("case_id"), takenAt: try row.date("taken_at"))
        ticket.issuedCategory = try row.string("issued_category")
        ticket.state = try row.wire("state", as: Ticket.State.self)
        ticket.desk = try row.optionalString("desk")
        ticket.targetDesk = try row.optionalString("target_desk")
        ticket.queuedAt = try row.date("queued_at")
        ticket.calledAt = try row.optionalInt("called_at").map(Convert.date)
        ticket.servingAt = try row.optionalInt("serving_at").map(Convert.date)
        ticket.finishedAt = try row.optionalInt("finished_at").map(Convert.date)
        ticket.calls = try row.int("calls")
        ticket.outcome = try row.optionalString("outcome")
        ticket.appointmentID = try row.optionalUUID("appointment_id")
        return ticket
    }

    /// The core's rules refuse with their own errors; the store's callers see a conflict.
    static func rule<T, Refusal: RuleRefusal>(_ step: () throws(Refusal) -> T) throws -> T {
        do {
            return try step()
        } catch {
            throw StoreError.conflict(error.message)
        }
    }

    /// One location's queue changes one at a time (numbers, calls): SQLite's single writer
    /// does this; on PostgreSQL an advisory lock held to commit.
    static func lockQueue(_ location: UUID, dialect: SQLDialectKind, on db: any SQLDatabase) async throws {
        guard dialect == .postgres else { return }
        try await db.raw("SELECT pg_advisory_xact_lock(hashtext(\(bind: "queue|" + location.text))) AS locked").run()
    }
}
