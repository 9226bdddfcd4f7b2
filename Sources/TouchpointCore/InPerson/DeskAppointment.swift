import Foundation

/// A customer's booked time at a location's desks for one service category, on a case.
/// At the kiosk (or from staff) the customer checks in and gets a ticket that is called at
/// the booked time, ahead of the walk-in line.
public struct DeskAppointment: Sendable, Equatable {
    public enum State: String, WireEnum {
        case booked
        /// Checked in: a ticket stands for it in the queue.
        case checkedIn
        case cancelled
        /// Not checked in by the end of the check-in window.
        case missed
    }

    public var id: UUID
    public var brandID: BrandID
    public var locationID: UUID
    public var category: String
    public var contactID: ContactID
    public var caseID: CaseID
    public var start: Date
    public var end: Date
    public var state: State
    public var ticketID: UUID?
    /// iCalendar SEQUENCE: counts the changes sent to the customer.
    public var sequence: Int

    public init(id: UUID, brandID: BrandID, locationID: UUID, category: String, contactID: ContactID, caseID: CaseID, start: Date, end: Date,
                state: State = .booked, ticketID: UUID? = nil, sequence: Int = 0) {
        self.id = id
        self.brandID = brandID
        self.locationID = locationID
        self.category = category
        self.contactID = contactID
        self.caseID = caseID
        self.start = start
        self.end = end
        self.state = state
        self.ticketID = ticketID
        self.sequence = sequence
    }

    /// Booked or checked in: it holds its place in the location's capacity.
    public var holdsSlot: Bool { state == .booked || state == .checkedIn }
}

/// Why an appointment cannot be booked or checked in.
public enum DeskBookingRefusal: Error, Equatable, Sendable {
    case notOffered(category: String)
    case offGrid
    case inThePast
    case tooFarAhead
    case closed
    case full
    case notBooked(DeskAppointment.State)
    case tooEarly(opens: Date)
    case tooLate

    public var message: String {
        switch self {
        case .notOffered(let category): "category \(category) takes no appointments at this location"
        case .offGrid: "appointments start on the quarter hour"
        case .inThePast: "the time has passed"
        case .tooFarAhead: "appointments are booked at most \(DeskBooking.maxDaysAhead) days ahead"
        case .closed: "the location is not open for the whole appointment"
        case .full: "every appointment at that time is taken"
        case .notBooked(let state): "the appointment is \(state.rawValue)"
        case .tooEarly: "check-in opens \(DeskBooking.checkInEarlyMinutes) minutes before the appointment"
        case .tooLate: "the check-in for this appointment has closed"
        }
    }
}

/// Desk appointments' rules, pure: when one can be booked (opening hours, capacity per
/// time), the free times to offer, and the check-in window.
public enum DeskBooking {
    /// Appointments start on this grid.
    public static let gridMinutes = 15
    public static let maxDaysAhead = 90
    /// Check-in opens this long before the appointment…
    public static let checkInEarlyMinutes = 30
    /// …and closes this long after its start; later, it counts as missed.
    public static let checkInLateMinutes = 15

    /// Checks a new appointment of `category` starting at `start` against the opening hours
    /// and the appointments already holding places at that time.
    public static func check(start: Date, category: ServiceCategory, hours: Availability, booked: [DeskAppointment], now: Date) throws(DeskBookingRefusal) {
        let capacity = category.appointmentsPerSlot ?? 0
        guard capacity > 0 else { throw .notOffered(category: category.code) }
        guard Int(start.timeIntervalSince1970) % (gridMinutes * 60) == 0, start.timeIntervalSince1970.rounded() == start.timeIntervalSince1970 else {
            throw .offGrid
        }
        guard start > now else { throw .inThePast }
        guard start.timeIntervalSince(now) <= TimeInterval(maxDaysAhead * 86_400) else { throw .tooFarAhead }
        let end = start.addingTimeInterval(TimeInterval(category.appointmentMinutes * 60))
        // Every second of it within opening hours.
        guard hours.isOpen(at: start), abs(hours.seconds(from: start, to: end) - end.timeIntervalSince(start)) < 1 else { throw .closed }
        let overlapping = booked.filter { $0.holdsSlot && $0.category == category.code && $0.start < end && start < $0.end }
        guard overlapping.count < capacity else { throw .full }
    }

    /// Up to `limit` free start times from `from` on, earliest first.
    public static func slots(category: ServiceCategory, hours: Availability, booked: [DeskAppointment], from: Date, days: Int = 14, limit: Int = 8) -> [Date] {
        SlotSearch.grid(from: from, days: days, stepMinutes: gridMinutes, limit: limit, nextOpening: { hours.nextOpening(atOrAfter: $0) }) { start in
            (try? check(start: start, category: category, hours: hours, booked: booked, now: from)) == nil ? [] : [start]
        }
    }

    /// The customer checks in: from `checkInEarlyMinutes` before the start to
    /// `checkInLateMinutes` after it.
    public static func checkIn(_ appointment: DeskAppointment, at now: Date) throws(DeskBookingRefusal) -> DeskAppointment {
        guard appointment.state == .booked else { throw .notBooked(appointment.state) }
        let opens = appointment.start.addingTimeInterval(-TimeInterval(checkInEarlyMinutes * 60))
        guard now >= opens else { throw .tooEarly(opens: opens) }
        guard !isMissed(appointment, at: now) else { throw .tooLate }
        var next = appointment
        next.state = .checkedIn
        return next
    }

    /// Booked, and the check-in window is over.
    public static func isMissed(_ appointment: DeskAppointment, at now: Date) -> Bool {
        appointment.state == .booked && now > appointment.start.addingTimeInterval(TimeInterval(checkInLateMinutes * 60))
    }

    public static func cancel(_ appointment: DeskAppointment) throws(DeskBookingRefusal) -> DeskAppointment {
        guard appointment.state == .booked else { throw .notBooked(appointment.state) }
        var next = appointment
        next.state = .cancelled
        next.sequence += 1
        return next
    }
}

/// Walks a grid of start times looking for free ones, jumping over closed time.
public enum SlotSearch {
    /// From the first grid point after `from`, for `days` days: collects what `fits` finds at
    /// each point until `limit`; after each point it jumps to the next opening.
    public static func grid<Found>(from: Date, days: Int, stepMinutes: Int, limit: Int, nextOpening: (Date) -> Date?,
                                   fits: (Date) -> [Found]) -> [Found] {
        let step = TimeInterval(stepMinutes * 60)
        func onGrid(_ date: Date) -> Date { Date(timeIntervalSince1970: (date.timeIntervalSince1970 / step).rounded(.up) * step) }
        var cursor = onGrid(from)
        let until = from.addingTimeInterval(TimeInterval(days) * 86_400)
        var found: [Found] = []
        while cursor < until, found.count < limit {
            found += fits(cursor).prefix(limit - found.count)
            let next = cursor.addingTimeInterval(step)
            cursor = nextOpening(next).map { max(next, onGrid($0)) } ?? until
        }
        return found
    }
}
