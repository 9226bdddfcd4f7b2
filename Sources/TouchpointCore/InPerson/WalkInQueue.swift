import Foundation

/// A kind of service a location's desks give (billing, contracts, repairs); its code is the
/// letter of its ticket numbers (`B012`).
public struct ServiceCategory: Codable, Equatable, Sendable {
    public var code: String
    public var name: String
    /// The expected service time until enough visits were finished to measure it.
    public var averageServiceMinutes: Double
    /// How many appointments may be booked for the same time (none: walk-ins only). Desks
    /// left over serve the walk-in line.
    public var appointmentsPerSlot: Int?
    /// The name in other languages, by language code (`{"pl": "Płatności"}`), for the kiosk
    /// and the board in the customer's language; `name` where one is missing.
    public var names: [String: String]?

    public init(code: String, name: String, averageServiceMinutes: Double, appointmentsPerSlot: Int? = nil, names: [String: String]? = nil) {
        self.code = code
        self.name = name
        self.names = names
        self.averageServiceMinutes = averageServiceMinutes
        self.appointmentsPerSlot = appointmentsPerSlot
    }

    /// An appointment's length: the usual service time, rounded up to the booking grid.
    /// The category's name as a reader of `language` reads it.
    public func name(in language: Language) -> String {
        names?[language.rawValue] ?? name
    }

    public var appointmentMinutes: Int {
        let step = Double(DeskBooking.gridMinutes)
        return Int(max(step, (averageServiceMinutes / step).rounded(.up) * step))
    }
}

/// A service desk of a location and the categories it serves (all when empty).
public struct Desk: Codable, Equatable, Sendable {
    public var code: String
    public var name: String
    public var categories: [String]

    public init(code: String, name: String, categories: [String] = []) {
        self.code = code
        self.name = name
        self.categories = categories
    }

    public func serves(_ category: String) -> Bool { categories.isEmpty || categories.contains(category) }
}

/// A place customers walk into: its desks and the categories they serve.
public struct LocationSetup: Codable, Equatable, Sendable {
    public var categories: [ServiceCategory]
    public var desks: [Desk]
    /// The brand's business calendar that holds the opening hours appointments are booked
    /// in; without one the location takes walk-ins only.
    public var calendarId: CalendarID?

    public init(categories: [ServiceCategory], desks: [Desk], calendarId: CalendarID? = nil) {
        self.categories = categories
        self.desks = desks
        self.calendarId = calendarId
    }

    /// Checks codes (one to three capital letters for categories, for desks up to 8 letters
    /// and digits), uniqueness, and that every desk serves categories that exist.
    public func validated() throws(ValidationError) -> LocationSetup {
        guard !categories.isEmpty else { throw ValidationError(field: "categories", reason: "at least one service category") }
        var codes = Set<String>()
        for (index, category) in categories.enumerated() {
            guard (1...3).contains(category.code.count), category.code.allSatisfy({ $0.isASCII && $0.isUppercase }) else {
                throw ValidationError(field: "categories[\(index)].code", reason: "one to three capital letters")
            }
            guard codes.insert(category.code).inserted else { throw ValidationError(field: "categories[\(index)].code", reason: "\(category.code) is used twice") }
            guard !category.name.trimmingCharacters(in: .whitespaces).isEmpty, category.name.count <= 100 else {
                throw ValidationError(field: "categories[\(index)].name", reason: "1 to 100 characters")
            }
            if let names = category.names { _ = try Check.translations(names, field: "categories[\(index)].names", max: 100) }
            guard (1...480).contains(category.averageServiceMinutes) else {
                throw ValidationError(field: "categories[\(index)].averageServiceMinutes", reason: "between 1 and 480 minutes")
            }
            if let slots = category.appointmentsPerSlot {
                let serving = desks.filter { $0.serves(category.code) }.count
                guard (0...serving).contains(slots) else {
                    throw ValidationError(field: "categories[\(index)].appointmentsPerSlot", reason: "between 0 and the \(serving) desk(s) that serve \(category.code)")
                }
            }
        }
        guard !desks.isEmpty else { throw ValidationError(field: "desks", reason: "at least one desk") }
        var deskCodes = Set<String>()
        for (index, desk) in desks.enumerated() {
            guard (1...8).contains(desk.code.count), desk.code.allSatisfy({ $0.isASCII && ($0.isUppercase || $0.isNumber) }) else {
                throw ValidationError(field: "desks[\(index)].code", reason: "one to eight capital letters and digits")
            }
            guard deskCodes.insert(desk.code).inserted else { throw ValidationError(field: "desks[\(index)].code", reason: "\(desk.code) is used twice") }
            for category in desk.categories where !codes.contains(category) {
                throw ValidationError(field: "desks[\(index)].categories", reason: "no category \(category)")
            }
        }
        return self
    }

    public func category(_ code: String) -> ServiceCategory? { categories.first { $0.code == code } }
    public func desk(_ code: String) -> Desk? { desks.first { $0.code == code } }
}

/// One customer's place in a location's walk-in queue, from taking a number to the end of
/// the visit.
public struct Ticket: Sendable, Equatable {
    public enum State: String, WireEnum {
        /// In the queue.
        case waiting
        /// Called to a desk; the customer is on the way.
        case called
        /// At the desk.
        case serving
        case done
        /// Called and did not come.
        case noShow
        /// Left the queue before being called.
        case cancelled

        public var isOpen: Bool { self == .waiting || self == .called || self == .serving }
    }

    public var id: UUID
    public var brandID: BrandID
    public var locationID: UUID
    /// The queue it is in now (a transfer changes it).
    public var category: String
    /// The category it was issued for, whose letter its number carries for good: the
    /// customer holds that number.
    public var issuedCategory: String
    /// Counts up per location, issued category and day.
    public var number: Int
    public var state: State
    /// Served before others, when the customer's service model says so.
    public var priority: Bool
    public var contactID: ContactID?
    public var caseID: CaseID?
    /// The desk it was called to (or is served at).
    public var desk: String?
    /// After a transfer to a particular desk, only that desk calls it.
    public var targetDesk: String?
    public var takenAt: Date
    /// Its place in line: kept through a transfer, so nobody goes to the back of a queue.
    public var queuedAt: Date
    public var calledAt: Date?
    public var servingAt: Date?
    public var finishedAt: Date?
    /// How often it was called (a call repeated when the customer does not come).
    public var calls: Int
    public var outcome: String?
    /// The desk appointment it was issued for at check-in: its place in line is the
    /// appointment's time, and from then on it goes first.
    public var appointmentID: UUID?

    /// What the display board and the customer see: `B012`.
    public var label: String { issuedCategory + String(repeating: "0", count: max(0, 3 - String(number).count)) + String(number) }

    public init(id: UUID, brandID: BrandID, locationID: UUID, category: String, number: Int, priority: Bool, contactID: ContactID?,
                caseID: CaseID?, takenAt: Date) {
        self.id = id
        self.brandID = brandID
        self.locationID = locationID
        self.category = category
        self.issuedCategory = category
        self.number = number
        self.state = .waiting
        self.priority = priority
        self.contactID = contactID
        self.caseID = caseID
        self.takenAt = takenAt
        self.queuedAt = takenAt
        self.calls = 0
    }
}

/// Why a queue step cannot be taken.
public enum QueueError: Error, Equatable, Sendable {
    case notAllowed(from: Ticket.State, action: String)
    case unknownCategory(String)
    case unknownDesk(String)
    case deskDoesNotServe(desk: String, category: String)

    public var message: String {
        switch self {
        case .notAllowed(let state, let action): "a \(state.rawValue) ticket cannot be \(action)"
        case .unknownCategory(let code): "no service category \(code) at this location"
        case .unknownDesk(let code): "no desk \(code) at this location"
        case .deskDoesNotServe(let desk, let category): "desk \(desk) does not serve category \(category)"
        }
    }
}

/// The walk-in queue's rules, pure: who is next at a desk, each step of a visit, and how long
/// a category's queue is.
public enum WalkInQueue {
    /// A ticket waiting this long counts as priority too, so priority customers never keep
    /// everyone else waiting without end.
    public static let agingMinutes: Double = 20
    /// A called customer who does not come is called this often before a no-show counts.
    public static let maxCalls = 3

    /// Whether `ticket` goes before `other` in line at `now`.
    static func before(_ ticket: Ticket, _ other: Ticket, now: Date) -> Bool {
        func urgent(_ t: Ticket) -> Bool {
            t.priority || (t.appointmentID != nil && now >= t.queuedAt) || now.timeIntervalSince(t.queuedAt) >= agingMinutes * 60
        }
        if urgent(ticket) != urgent(other) { return urgent(ticket) }
        if ticket.queuedAt != other.queuedAt { return ticket.queuedAt < other.queuedAt }
        return ticket.label < other.label
    }

    /// The waiting tickets in the order they will be called.
    public static func line(_ tickets: [Ticket], now: Date) -> [Ticket] {
        tickets.filter { $0.state == .waiting }.sorted { before($0, $1, now: now) }
    }

    /// The ticket `desk` calls next: one transferred to this very desk first, then the line
    /// of the categories it serves (tickets meant for another desk are not its to call).
    public static func next(for desk: Desk, among tickets: [Ticket], now: Date) -> Ticket? {
        let waiting = line(tickets, now: now)
        if let targeted = waiting.first(where: { $0.targetDesk == desk.code }) { return targeted }
        return waiting.first { $0.targetDesk == nil && desk.serves($0.category) }
    }

    public static func call(_ ticket: Ticket, to desk: Desk, at now: Date) throws(QueueError) -> Ticket {
        guard ticket.state == .waiting || (ticket.state == .called && ticket.desk == desk.code) else {
            throw .notAllowed(from: ticket.state, action: "called")
        }
        guard ticket.targetDesk == desk.code || desk.serves(ticket.category) else {
            throw .deskDoesNotServe(desk: desk.code, category: ticket.category)
        }
        var next = ticket
        next.state = .called
        next.desk = desk.code
        next.calledAt = now
        next.calls += 1
        return next
    }

    /// The customer came to the desk.
    public static func startServing(_ ticket: Ticket, at now: Date) throws(QueueError) -> Ticket {
        guard ticket.state == .called else { throw .notAllowed(from: ticket.state, action: "served") }
        var next = ticket
        next.state = .serving
        next.servingAt = now
        return next
    }

    /// Called and did not come.
    public static func noShow(_ ticket: Ticket, at now: Date) throws(QueueError) -> Ticket {
        guard ticket.state == .called else { throw .notAllowed(from: ticket.state, action: "marked as no-show") }
        var next = ticket
        next.state = .noShow
        next.finishedAt = now
        return next
    }

    /// Sends the customer to another category or desk, keeping their place in line.
    public static func transfer(_ ticket: Ticket, category: String?, desk: String?, setup: LocationSetup) throws(QueueError) -> Ticket {
        guard ticket.state.isOpen else { throw .notAllowed(from: ticket.state, action: "transferred") }
        var next = ticket
        if let category {
            guard setup.category(category) != nil else { throw .unknownCategory(category) }
            next.category = category
        }
        if let desk {
            guard let target = setup.desk(desk) else { throw .unknownDesk(desk) }
            guard target.serves(next.category) else { throw .deskDoesNotServe(desk: desk, category: next.category) }
        }
        next.targetDesk = desk
        next.state = .waiting
        next.desk = nil
        next.calledAt = nil
        next.servingAt = nil
        return next
    }

    public static func finish(_ ticket: Ticket, outcome: String, at now: Date) throws(QueueError) -> Ticket {
        guard ticket.state == .serving || ticket.state == .called else { throw .notAllowed(from: ticket.state, action: "finished") }
        var next = ticket
        next.state = .done
        next.servingAt = next.servingAt ?? now
        next.finishedAt = now
        next.outcome = outcome
        return next
    }

    public static func cancel(_ ticket: Ticket, at now: Date) throws(QueueError) -> Ticket {
        guard ticket.state == .waiting else { throw .notAllowed(from: ticket.state, action: "cancelled") }
        var next = ticket
        next.state = .cancelled
        next.finishedAt = now
        return next
    }

    /// The queue of one category as a customer weighs it.
    public struct CategoryWait: Sendable, Equatable {
        public var category: String
        public var waiting: Int
        /// Open desks that serve the category.
        public var desks: Int
        /// Expected minutes until a newcomer is called; nil when no desk serves it now.
        public var minutes: Int?
    }

    /// Waits per category: the line is played forward — each open desk, when free, calls
    /// the next ticket it may take — until a newcomer of the category would be called. Desks
    /// busy now are free once their visit's usual time has passed. Service times are the
    /// measured ones where known, else the category's setting.
    public static func waits(setup: LocationSetup, tickets: [Ticket], openDesks: Set<String>, measuredMinutes: [String: Double], now: Date) -> [CategoryWait] {
        let waiting = line(tickets, now: now)
        let desks = setup.desks.filter { openDesks.contains($0.code) }
        func minutes(_ category: String) -> Double {
            measuredMinutes[category] ?? setup.category(category)?.averageServiceMinutes ?? 5
        }
        var busyUntil: [String: Double] = [:]
        for ticket in tickets where ticket.state == .called || ticket.state == .serving {
            guard let desk = ticket.desk, let since = ticket.servingAt ?? ticket.calledAt else { continue }
            busyUntil[desk] = max(0, minutes(ticket.category) - now.timeIntervalSince(since) / 60)
        }
        return setup.categories.map { category in
            let serving = desks.filter { $0.serves(category.code) }
            let ahead = waiting.filter { $0.category == category.code }.count
            guard !serving.isEmpty else { return CategoryWait(category: category.code, waiting: ahead, desks: 0, minutes: nil) }
            let newcomer = Ticket(id: UUID(), brandID: UUID(), locationID: UUID(), category: category.code, number: .max, priority: false,
                                  contactID: nil, caseID: nil, takenAt: now)
            var pending = waiting + [newcomer]
            var free = desks.map { (desk: $0, at: busyUntil[$0.code] ?? 0) }
            while !free.isEmpty {
                let index = free.indices.min { free[$0].at != free[$1].at ? free[$0].at < free[$1].at : free[$0].desk.code < free[$1].desk.code }!
                let desk = free[index].desk
                guard let taken = pending.firstIndex(where: { $0.targetDesk == desk.code || ($0.targetDesk == nil && desk.serves($0.category)) }) else {
                    free.remove(at: index)
                    continue
                }
                if pending[taken].id == newcomer.id {
                    return CategoryWait(category: category.code, waiting: ahead, desks: serving.count, minutes: Int(free[index].at.rounded(.up)))
                }
                free[index].at += minutes(pending[taken].category)
                pending.remove(at: taken)
            }
            return CategoryWait(category: category.code, waiting: ahead, desks: serving.count, minutes: nil)
        }
    }
}
