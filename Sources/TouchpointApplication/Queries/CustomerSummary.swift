import Foundation
import TouchpointCore
import TouchpointStore

/// One customer as every contact point shows them: who they are, their account, what is
/// still open and what is coming up. The agent's case page, the portal, the kiosk and the API
/// read this one summary, so a customer hears the same facts wherever they ask.
public struct CustomerSummary: Sendable {
    public var contact: Contact
    public var account: Account?
    /// Their cases still open (new, open, waiting for them), most recently changed first.
    public var openCases: [Case]
    /// Promises still open to their account (a call back, a payment plan), soonest first.
    public var promises: [Commitment]
    /// What their account owes; nil without an account.
    public var billing: BillingSummary?
    /// Technicians' visits still to come on any of their open cases, soonest first.
    public var visits: [Appointment]
    /// Appointments at a desk still to come, soonest first.
    public var deskAppointments: [DeskAppointment]

    public init(
        contact: Contact, account: Account?, openCases: [Case], promises: [Commitment], billing: BillingSummary?, visits: [Appointment],
        deskAppointments: [DeskAppointment]
    ) {
        self.contact = contact
        self.account = account
        self.openCases = openCases
        self.promises = promises
        self.billing = billing
        self.visits = visits
        self.deskAppointments = deskAppointments
    }
}

/// Assembles `CustomerSummary`: the one place that decides what "open" and "coming up" mean.
public struct CustomerSummaries: Sendable {
    let store: Store

    /// How many open cases a summary lists; a customer with more is rare, and the history has them all.
    public static let openCaseLimit = 20

    /// The summary of a contact of the brand, as of now.
    public func summary(of contactID: ContactID, brand: BrandID) async throws -> CustomerSummary {
        let store = store
        let now = store.environment.now()
        let contact = try await store.contact(contactID, brand: brand)
        let accountID = contact.accountID
        async let account = accountID.asyncMap { try await store.account($0, brand: brand) }
        async let promises = accountID.asyncMap { try await store.commitments(accountID: $0, brand: brand, includeSettled: false) } ?? []
        async let billing = accountID.asyncMap { try await store.billingSummary(accountID: $0, brand: brand) }
        async let desk = store.deskAppointments(contact: contactID, brand: brand, from: now)
        let open = try await store.cases(
            brand: brand, filter: CaseFilter(statuses: [.new, .open, .pending], contactID: contactID), limit: Self.openCaseLimit, cursor: nil
        ).items
        let visits = try await withThrowingTaskGroup(of: [Appointment].self) { group in
            for item in open { group.addTask { try await store.appointments(caseID: item.id, brand: brand) } }
            return try await group.reduce(into: [Appointment]()) { $0 += $1 }
        }
        return CustomerSummary(
            contact: contact, account: try await account, openCases: open,
            promises: try await promises.sorted { $0.dueAt < $1.dueAt }, billing: try await billing,
            visits: visits.filter { $0.status == .scheduled && $0.end > now }.sorted { $0.start < $1.start },
            deskAppointments: try await desk.filter { $0.state == .booked }.sorted { $0.start < $1.start })
    }
}
