import Foundation

/// A place customers walk into, with its desks and service categories.
public struct Location: Sendable, Equatable {
    public var id: UUID
    public var brandID: BrandID
    /// Its name in URLs (`/walk-in/board/acme/warsaw-centre`).
    public var slug: String
    public var name: String
    /// IANA zone: ticket numbers start again each local day.
    public var timeZone: String
    public var setup: LocationSetup

    /// The local calendar day at `date` (`yyyy-MM-dd`): ticket numbers start again each day.
    public func day(at date: Date) -> String {
        CivilDate(date, timeZone: zone).description
    }

    public var zone: TimeZone { TimeZone(identifier: timeZone) ?? .gmt }

    /// The instants a local day at the location starts and ends (23 or 25 hours apart on
    /// the days the clocks change).
    public func bounds(of day: CivilDate) -> (start: Date, end: Date) {
        day.bounds(in: zone)
    }

    /// Wall-clock time at the location, as customers read it: `2026-12-01 10:30`.
    public func localTime(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute], from: date)
        return String(format: "%04d-%02d-%02d %02d:%02d", parts.year ?? 0, parts.month ?? 0, parts.day ?? 0, parts.hour ?? 0, parts.minute ?? 0)
    }

    public init(id: UUID, brandID: BrandID, slug: String, name: String, timeZone: String, setup: LocationSetup) {
        self.id = id
        self.brandID = brandID
        self.slug = slug
        self.name = name
        self.timeZone = timeZone
        self.setup = setup
    }
}

/// A location's queue right now: today's tickets, who staffs which desk, the waits.
public struct QueueState: Sendable {
    public var location: Location
    /// Today's tickets, waiting ones in the order they will be called, then the others.
    public var tickets: [Ticket]
    /// Open desks and who staffs them.
    public var openDesks: [String: UserID]
    public var waits: [WalkInQueue.CategoryWait]

    /// What the display board shows: tickets called to a desk or at one, latest call first.
    public var atDesks: [Ticket] {
        tickets.filter { $0.state == .called || $0.state == .serving }.sorted { ($0.calledAt ?? .distantPast) > ($1.calledAt ?? .distantPast) }
    }

    public var waiting: [Ticket] { tickets.filter { $0.state == .waiting } }

    public init(location: Location, tickets: [Ticket], openDesks: [String: UserID], waits: [WalkInQueue.CategoryWait]) {
        self.location = location
        self.tickets = tickets
        self.openDesks = openDesks
        self.waits = waits
    }
}

/// How a visit ended, as the desk records it.
public enum VisitOutcome: String, WireEnum {
    /// Answered at the desk.
    case resolved
    /// Needs work after the visit: a case is opened when the visit had none.
    case followUp
    /// Sent elsewhere (another contact point, a specialist, a technician's visit).
    case referred
}

/// A step of a visit the desk takes (see `Store.moveTicket`).
public enum TicketStep: Sendable, Equatable {
    case recall
    case arrived
    case noShow
    case cancel
    case transfer(category: String?, desk: String?, reason: String?)
}

extension VisitOutcome {
    /// How the desk's form names the outcome.
    public var label: String {
        switch self {
        case .resolved: "resolved"
        case .followUp: "needs a follow-up"
        case .referred: "referred"
        }
    }
}
