import Foundation
import SQLKit
import TouchpointCore

extension Store {
    /// A technician's regions and the travel time kept free between visits (their skills and
    /// working hours are their routing profile's: skills and shift calendar).
    public func setTechnician(_ user: UserID, brand: BrandID, regions: [String], travelMinutes: Int) async throws {
        guard (0...240).contains(travelMinutes) else { throw ValidationError(field: "travelMinutes", reason: "between 0 and 240") }
        let clean = regions.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }.filter { !$0.isEmpty }
        let now = environment.now()
        try await database.write { db in
            try await Store.requireStaff(user, brand: brand, field: "userId", on: db)
            try await db.raw("DELETE FROM technicians WHERE user_id = \(bind: user.text)").run()
            try await db.raw("""
                INSERT INTO technicians (user_id, brand_id, regions, travel_minutes, updated_at)
                VALUES (\(bind: user.text), \(bind: brand.text), \(bind: Convert.json(clean)), \(bind: travelMinutes), \(bind: Convert.ms(now)))
                """).run()
        }
    }

    /// The technicians as scheduling sees them, with their visits from `from` on.
    func technicianSources(brand: BrandID, from: Date) async throws -> [TechnicianSlotSource] {
        let config = try await serviceConfig(brand: brand)
        let profiles = Dictionary(try await agentProfiles(brand: brand).map { ($0.user.id, $0) }, uniquingKeysWith: { a, _ in a })
        return try await database.read { db in
            var sources: [TechnicianSlotSource] = []
            for row in try await db.raw("SELECT * FROM technicians WHERE brand_id = \(bind: brand.text) ORDER BY user_id").all() {
                let user = try row.uuid("user_id")
                guard let profile = profiles[user] else { continue }
                let visits = try await db.raw("""
                    SELECT * FROM appointments WHERE technician_id = \(bind: user.text) AND status = 'scheduled' AND end_at >= \(bind: Convert.ms(from.addingTimeInterval(-86_400)))
                    """).all().map(Store.appointment(from:))
                sources.append(TechnicianSlotSource(technicianID: user, skills: Set(profile.skills), regions: Set(Convert.strings(try row.string("regions"))),
                                                    hours: config.availability(calendar: profile.shiftCalendarID), travelMinutes: try row.int("travel_minutes"),
                                                    appointments: visits))
            }
            return sources
        }
    }

    /// Free slots for a visit, earliest first.
    public func suggestVisitSlots(brand: BrandID, minutes: Int, skill: String?, region: String, from: Date, limit: Int = 5) async throws -> [FieldSchedule.Slot] {
        guard (15...480).contains(minutes) else { throw ValidationError(field: "minutes", reason: "between 15 and 480") }
        let sources = try await technicianSources(brand: brand, from: from)
        return FieldSchedule.suggest(minutes: minutes, skill: skill, region: region.lowercased(), technicians: sources, from: from, limit: limit)
    }

    /// Books a visit for a case: with the named technician, or the first qualified one free
    /// then. Checked against working hours and other visits (travel time included) in the
    /// same transaction that writes it; the customer is invited by email with an iCalendar
    /// REQUEST when they have an address.
    public func scheduleVisit(caseID: CaseID, brand: BrandID, actor: Actor, request: VisitRequest) async throws -> Appointment {
        guard (15...480).contains(request.minutes) else { throw ValidationError(field: "minutes", reason: "between 15 and 480") }
        let sources = try await technicianSources(brand: brand, from: request.start)
        let end = request.start.addingTimeInterval(TimeInterval(request.minutes * 60))
        let region = request.region.lowercased()
        let candidates = request.technicianID.map { id in sources.filter { $0.technicianID == id } } ?? sources
        guard !candidates.isEmpty else { throw StoreError.invalid(field: "technicianId", reason: "no technician with regions and hours set up") }
        var refusal: ScheduleRefusal?
        var chosen: TechnicianSlotSource?
        for source in candidates {
            do {
                try FieldSchedule.check(start: request.start, end: end, skill: request.skill, region: region, technician: source)
                chosen = source
                break
            } catch {
                refusal = refusal ?? error
            }
        }
        guard let technician = chosen else { throw StoreError.conflict(refusal?.message ?? "no technician is free then") }
        let item = try await self.case(caseID, brand: brand)
        guard item.status.isActive else { throw StoreError.conflict("only an active case gets a visit") }
        let environment = self.environment
        let dialect = self.dialect
        let appointment = Appointment(id: environment.newID(), brandID: brand, caseID: caseID, technicianID: technician.technicianID, start: request.start,
                                      end: end, region: region, address: request.address)
        try await database.write { db in
            try await Store.lockTechnician(technician.technicianID, dialect: dialect, on: db)
            // Another booking may have landed since the check: look again inside the lock.
            let current = try await db.raw("""
                SELECT * FROM appointments WHERE technician_id = \(bind: technician.technicianID.text) AND status = 'scheduled'
                AND start_at < \(bind: Convert.ms(end.addingTimeInterval(TimeInterval(technician.travelMinutes * 60))))
                AND end_at > \(bind: Convert.ms(request.start.addingTimeInterval(-TimeInterval(technician.travelMinutes * 60))))
                """).all()
            guard current.isEmpty else { throw StoreError.conflict(ScheduleRefusal.doubleBooked(with: try current[0].uuid("id")).message) }
            let now = environment.now()
            try await db.raw("""
                INSERT INTO appointments (id, brand_id, case_id, technician_id, start_at, end_at, region, address, status, sequence, created_at, updated_at)
                VALUES (\(bind: appointment.id.text), \(bind: brand.text), \(bind: caseID.text), \(bind: technician.technicianID.text),
                        \(bind: Convert.ms(appointment.start)), \(bind: Convert.ms(end)), \(bind: region), \(bind: request.address), 'scheduled', 0,
                        \(bind: Convert.ms(now)), \(bind: Convert.ms(now)))
                """).run()
            try await Store.insert(events: self.events([EventDraft(type: .appointmentScheduled, payload: Store.visitPayload(appointment))], brand: brand,
                                                       actor: actor, account: item.accountID, contact: item.contactID, caseID: caseID, at: now), on: db)
        }
        try await inviteToVisit(appointment, method: .request, actor: actor)
        return appointment
    }

    /// Moves a visit (and/or hands it to another technician); the customer gets the update
    /// as a REQUEST with a higher SEQUENCE.
    public func rescheduleVisit(_ id: UUID, brand: BrandID, actor: Actor, start: Date, minutes: Int?, technicianID: UserID?) async throws -> Appointment {
        let current = try await appointment(id, brand: brand)
        guard current.status == .scheduled else { throw StoreError.conflict("a \(current.status.rawValue) visit cannot be moved") }
        let length = minutes.map { TimeInterval($0 * 60) } ?? current.end.timeIntervalSince(current.start)
        let end = start.addingTimeInterval(length)
        let sources = try await technicianSources(brand: brand, from: start)
        let who = technicianID ?? current.technicianID
        guard let technician = sources.first(where: { $0.technicianID == who }) else { throw StoreError.invalid(field: "technicianId", reason: "not a technician") }
        try Store.rule { () throws(ScheduleRefusal) in
            try FieldSchedule.check(start: start, end: end, skill: nil, region: current.region, technician: technician, ignoring: id)
        }
        var moved = current
        moved.start = start
        moved.end = end
        moved.technicianID = who
        moved.sequence += 1
        try await saveVisit(moved, event: .appointmentRescheduled, actor: actor, extra: ["from": .string(ISO8601DateFormatter().string(from: current.start))])
        try await inviteToVisit(moved, method: .request, actor: actor)
        return moved
    }

    /// Calls a visit off; the customer gets a CANCEL.
    public func cancelVisit(_ id: UUID, brand: BrandID, actor: Actor, reason: String?) async throws -> Appointment {
        var visit = try await appointment(id, brand: brand)
        guard visit.status == .scheduled else { throw StoreError.conflict("a \(visit.status.rawValue) visit cannot be cancelled") }
        visit.status = .cancelled
        visit.sequence += 1
        try await saveVisit(visit, event: .appointmentCancelled, actor: actor, extra: reason.map { ["reason": .string($0)] } ?? [:])
        try await inviteToVisit(visit, method: .cancel, actor: actor)
        return visit
    }

    /// The technician records how the visit went: on the customer's timeline (field service,
    /// high-contact) and on the case — resolved solves it, parts needed waits, a revisit
    /// keeps it open.
    public func completeVisit(_ id: UUID, brand: BrandID, staff: UserID, outcome: Appointment.Outcome, note: String?) async throws -> Appointment {
        var visit = try await appointment(id, brand: brand)
        guard visit.status == .scheduled else { throw StoreError.conflict("a \(visit.status.rawValue) visit cannot be completed") }
        visit.status = .done
        visit.outcome = outcome
        let words: String = switch outcome {
        case .resolved: "resolved"
        case .partsNeeded: "parts needed — a further visit follows"
        case .revisit: "needs another visit"
        }
        var text = "Technician's visit: \(words)."
        if let note = note?.trimmedWhitespace, !note.isEmpty { text += "\n\n" + note }
        try await saveVisit(visit, event: .appointmentCompleted, actor: .staff(staff), extra: ["outcome": .string(outcome.rawValue)])
        _ = try await addInteraction(caseID: visit.caseID, brand: brand, actor: .staff(staff),
                                     request: NewInteraction(direction: .outbound, contactPoint: .fieldService, body: text,
                                                             metadata: ["appointment": id.text, "outcome": outcome.rawValue]))
        let item = try await self.case(visit.caseID, brand: brand)
        let status: CaseStatus? = outcome == .resolved ? .resolved : outcome == .partsNeeded ? .pending : nil
        if let status, item.status != status, item.status.allowedNext.contains(status) {
            _ = try await updateCase(visit.caseID, brand: brand, actor: .staff(staff), update: CaseUpdate(status: status, reason: "visit \(outcome.rawValue)"))
        }
        return visit
    }

    public func appointment(_ id: UUID, brand: BrandID) async throws -> Appointment {
        try await database.read { db in
            guard let row = try await db.raw("SELECT * FROM appointments WHERE id = \(bind: id.text) AND brand_id = \(bind: brand.text)").first() else {
                throw StoreError.notFound("visit \(id.text)")
            }
            return try Store.appointment(from: row)
        }
    }

    /// A technician's visits between two instants (their day list).
    public func appointments(technician: UserID, brand: BrandID, from: Date, to: Date) async throws -> [Appointment] {
        try await database.read { db in
            try await db.raw("""
                SELECT * FROM appointments WHERE technician_id = \(bind: technician.text) AND brand_id = \(bind: brand.text)
                AND start_at >= \(bind: Convert.ms(from)) AND start_at < \(bind: Convert.ms(to)) ORDER BY start_at, id
                """).all().map(Store.appointment(from:))
        }
    }

    public func appointments(caseID: CaseID, brand: BrandID) async throws -> [Appointment] {
        try await database.read { db in
            try await db.raw("SELECT * FROM appointments WHERE case_id = \(bind: caseID.text) AND brand_id = \(bind: brand.text) ORDER BY start_at, id")
                .all().map(Store.appointment(from:))
        }
    }

    /// The visit as an iCalendar object: REQUEST while it stands, CANCEL once called off.
    public func visitCalendar(_ visit: Appointment) async throws -> String {
        let parties = try await invitationParties(caseID: visit.caseID, brand: visit.brandID)
        let event = ICalendar.Event(uid: visit.uid(domain: parties.domain), sequence: visit.sequence, start: visit.start, end: visit.end,
                                    summary: "\(parties.brand.name): technician's visit (\(parties.ref))", description: "About: \(parties.item.subject)",
                                    location: visit.address, organizer: (parties.brand.name, parties.organizer), attendee: parties.attendee, stamp: environment.now())
        return ICalendar.render(event, method: visit.status == .cancelled ? .cancel : .request)
    }

    /// Emails the customer the visit as an iCalendar invitation, on the case, when they have
    /// an email address (otherwise the visit is on the case and the .ics is downloadable).
    func inviteToVisit(_ visit: Appointment, method: ICalendar.Method, actor: Actor) async throws {
        let brand = try await self.brand(visit.brandID)
        let language = try await database.read { db in try await Store.language(ofCase: visit.caseID, brand: brand, on: db) }
        let when = brand.reader(language).span(visit.start, visit.end)
        let body = CustomerMessages(language).visit(method == .cancel ? .cancelled : visit.sequence == 0 ? .booked : .moved, when: when, address: visit.address)
        try await emailInvitation(try await visitCalendar(visit), method: method, name: method == .cancel ? "visit-cancelled.ics" : "visit.ics", body: body,
                                  metadata: ["appointment": visit.id.text], caseID: visit.caseID, brand: visit.brandID, actor: actor)
    }

    /// Who a case's invitation is from (the brand's first mailbox) and to (its customer).
    func invitationParties(caseID: CaseID, brand id: BrandID) async throws
        -> (item: Case, ref: String, brand: Brand, organizer: String, domain: String, attendee: (name: String?, email: String)) {
        let item = try await self.case(caseID, brand: id)
        let brand = try await self.brand(id)
        let contact = try await self.contact(item.contactID, brand: id)
        let organizer = try await mailboxes(brand: id).first?.address ?? "no-reply@\(brand.slug).invalid"
        let email = contact.identities.first { $0.kind == .email }?.value ?? "customer@\(brand.slug).invalid"
        return (item, "\(brand.casePrefix)-\(item.number)", brand, organizer, organizer.split(separator: "@").last.map(String.init) ?? "touchpoint",
                (contact.name, email))
    }

    /// Sends an iCalendar object to the case's customer as an email on the case, when they
    /// have an email address.
    func emailInvitation(_ calendar: String, method: ICalendar.Method, name: String, body: String, metadata: [String: String], caseID: CaseID,
                         brand: BrandID, actor: Actor) async throws {
        let item = try await self.case(caseID, brand: brand)
        let contact = try await self.contact(item.contactID, brand: brand)
        guard contact.identities.contains(where: { $0.kind == .email }) else { return }
        let now = environment.now()
        let attachment = try await database.write { db in
            try await Store.storeAttachment(name: name, contentType: "text/calendar; method=\(method.rawValue); charset=utf-8", data: Array(calendar.utf8),
                                            brand: brand, at: now, on: db)
        }
        _ = try await addInteraction(caseID: caseID, brand: brand, actor: actor,
                                     request: NewInteraction(direction: .outbound, contactPoint: .email, body: body, metadata: metadata, attachments: [attachment]))
    }

    func saveVisit(_ visit: Appointment, event: EventType, actor: Actor, extra: [String: JSONValue]) async throws {
        let item = try await self.case(visit.caseID, brand: visit.brandID)
        let environment = self.environment
        let dialect = self.dialect
        try await database.write { db in
            try await Store.lockTechnician(visit.technicianID, dialect: dialect, on: db)
            let now = environment.now()
            try await db.raw("""
                UPDATE appointments SET technician_id = \(bind: visit.technicianID.text), start_at = \(bind: Convert.ms(visit.start)), end_at = \(bind: Convert.ms(visit.end)),
                status = \(bind: visit.status.rawValue), sequence = \(bind: visit.sequence), outcome = \(bind: visit.outcome?.rawValue), updated_at = \(bind: Convert.ms(now))
                WHERE id = \(bind: visit.id.text)
                """).run()
            var payload = Store.visitPayload(visit)
            payload.merge(extra) { $1 }
            try await Store.insert(events: self.events([EventDraft(type: event, payload: payload)], brand: visit.brandID, actor: actor,
                                                       account: item.accountID, contact: item.contactID, caseID: visit.caseID, at: now), on: db)
        }
    }

    static func visitPayload(_ visit: Appointment) -> [String: JSONValue] {
        ["appointmentId": .string(visit.id.text), "technicianId": .string(visit.technicianID.text),
         "start": .string(ISO8601DateFormatter().string(from: visit.start)), "end": .string(ISO8601DateFormatter().string(from: visit.end)),
         "region": .string(visit.region), "sequence": .int(visit.sequence)]
    }

    static func lockTechnician(_ user: UserID, dialect: SQLDialectKind, on db: any SQLDatabase) async throws {
        guard dialect == .postgres else { return }
        try await db.raw("SELECT pg_advisory_xact_lock(hashtext(\(bind: "technician|" + user.text))) AS locked").run()
    }

    static func appointment(from row: any SQLRow) throws -> Appointment {
        Appointment(id: try row.uuid("id"), brandID: try row.uuid("brand_id"), caseID: try row.uuid("case_id"), technicianID: try row.uuid("technician_id"),
                    start: try row.date("start_at"), end: try row.date("end_at"), region: try row.string("region"), address: try row.optionalString("address"),
                    status: try row.wire("status", as: Appointment.Status.self), sequence: try row.int("sequence"),
                    outcome: try row.optionalString("outcome").flatMap(Appointment.Outcome.init(rawValue:)))
    }
}
