import Foundation

/// A technician's visit to a customer, for a case.
public struct Appointment: Sendable, Equatable {
    public enum Status: String, WireEnum {
        case scheduled, cancelled, done
    }

    /// How a visit ended, as the technician records it.
    public enum Outcome: String, WireEnum {
        case resolved
        case partsNeeded
        case revisit
    }

    public var id: UUID
    public var brandID: BrandID
    public var caseID: CaseID
    public var technicianID: UserID
    public var start: Date
    public var end: Date
    public var region: String
    public var address: String?
    public var status: Status
    /// iCalendar SEQUENCE: counts the changes sent to the customer.
    public var sequence: Int
    public var outcome: Outcome?

    public init(id: UUID, brandID: BrandID, caseID: CaseID, technicianID: UserID, start: Date, end: Date, region: String, address: String?,
                status: Status = .scheduled, sequence: Int = 0, outcome: Outcome? = nil) {
        self.id = id
        self.brandID = brandID
        self.caseID = caseID
        self.technicianID = technicianID
        self.start = start
        self.end = end
        self.region = region
        self.address = address
        self.status = status
        self.sequence = sequence
        self.outcome = outcome
    }

    /// The stable iCalendar UID of the visit.
    public func uid(domain: String) -> String { "\(id.uuidString.lowercased())@\(domain)" }
}

/// A technician as scheduling sees them: skills, the regions they cover, their working
/// hours, the travel time kept free between visits, and the visits they already have.
public struct TechnicianSlotSource: Sendable {
    public var technicianID: UserID
    public var skills: Set<String>
    public var regions: Set<String>
    public var hours: Availability
    public var travelMinutes: Int
    public var appointments: [Appointment]

    public init(technicianID: UserID, skills: Set<String>, regions: Set<String>, hours: Availability, travelMinutes: Int, appointments: [Appointment]) {
        self.technicianID = technicianID
        self.skills = skills
        self.regions = regions
        self.hours = hours
        self.travelMinutes = travelMinutes
        self.appointments = appointments
    }
}

/// Why a visit cannot be booked as asked.
public enum ScheduleRefusal: Error, Equatable, Sendable {
    case outsideWorkingHours
    case doubleBooked(with: UUID)
    case notQualified(String)
    case badInterval

    public var message: String {
        switch self {
        case .outsideWorkingHours: "the visit is not within the technician's working hours"
        case .doubleBooked: "the technician has another visit then (travel time included)"
        case .notQualified(let why): why
        case .badInterval: "a visit ends after it starts and lasts at most 8 hours"
        }
    }
}

/// Field-service scheduling rules, pure: working hours, no double booking with travel time
/// between visits, and suggested slots.
public enum FieldSchedule {
    /// Checks a visit for `technician`: qualified for the skill and region, entirely within
    /// working hours, and at least the travel time away from their other visits.
    public static func check(start: Date, end: Date, skill: String?, region: String, technician: TechnicianSlotSource,
                             ignoring: UUID? = nil) throws(ScheduleRefusal) {
        guard end > start, end.timeIntervalSince(start) <= 8 * 3600 else { throw .badInterval }
        if let skill, !technician.skills.contains(skill) { throw .notQualified("the technician lacks the skill \(skill)") }
        guard technician.regions.isEmpty || technician.regions.contains(region) else { throw .notQualified("the technician does not cover \(region)") }
        // Every second of the visit must be working time.
        guard technician.hours.isOpen(at: start), abs(technician.hours.seconds(from: start, to: end) - end.timeIntervalSince(start)) < 1 else {
            throw .outsideWorkingHours
        }
        let buffer = TimeInterval(technician.travelMinutes * 60)
        for other in technician.appointments where other.status == .scheduled && other.id != ignoring {
            if start < other.end.addingTimeInterval(buffer) && other.start < end.addingTimeInterval(buffer) {
                throw .doubleBooked(with: other.id)
            }
        }
    }

    public struct Slot: Sendable, Equatable {
        public var technicianID: UserID
        public var start: Date
        public var end: Date
    }

    /// Up to `limit` slots from `from` on, earliest first, across the qualified technicians,
    /// on a grid of `step` minutes, within `days` days.
    public static func suggest(minutes: Int, skill: String?, region: String, technicians: [TechnicianSlotSource], from: Date, days: Int = 14,
                               step: Int = 30, limit: Int = 5) -> [Slot] {
        let duration = TimeInterval(minutes * 60)
        return SlotSearch.grid(from: from, days: days, stepMinutes: step, limit: limit,
                               nextOpening: { next in technicians.compactMap { $0.hours.nextOpening(atOrAfter: next) }.min() }) { start in
            technicians.compactMap { technician in
                (try? check(start: start, end: start.addingTimeInterval(duration), skill: skill, region: region, technician: technician)) == nil ? nil
                    : Slot(technicianID: technician.technicianID, start: start, end: start.addingTimeInterval(duration))
            }
        }
    }
}
