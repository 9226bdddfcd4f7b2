import Foundation

/// What is known about one account when its health is computed: counts over the settings'
/// window, read in bulk by the store. A nil signal is one the account has no data for.
public struct HealthInputs: Sendable {
    public var model: ServiceModel?
    public var openCases: Int
    /// Days the oldest open case has been open (nil when none is open).
    public var oldestOpenDays: Double?
    public var slaBreaches: Int
    public var escalations: Int
    /// Average satisfaction answer (1–5) and how many answered.
    public var csat: (average: Double, count: Int)?
    /// Average recommendation answer (0–10) and how many answered.
    public var nps: (average: Double, count: Int)?
    /// Nil when the billing system sent no invoice for the account.
    public var invoices: InvoiceFacts?
    /// Conversations (messages and calls either way) of the account's contacts in the window.
    public var contacts: Int
    /// Average share of licensed users active, over the imported days of the window.
    public var usage: (active: Double, licensed: Double)?
    /// Playbook runs of the window that sent the account's contacts something, and those in
    /// which they opened a link or replied.
    public var engagement: (engaged: Int, reached: Int)?

    public struct InvoiceFacts: Sendable, Equatable {
        public var overdue: Int
        /// Days past due of the oldest overdue invoice.
        public var oldestOverdueDays: Int

        public init(overdue: Int, oldestOverdueDays: Int) {
            self.overdue = overdue
            self.oldestOverdueDays = oldestOverdueDays
        }
    }

    public init(
        model: ServiceModel? = nil, openCases: Int = 0, oldestOpenDays: Double? = nil, slaBreaches: Int = 0, escalations: Int = 0,
        csat: (average: Double, count: Int)? = nil, nps: (average: Double, count: Int)? = nil, invoices: InvoiceFacts? = nil,
        contacts: Int = 0, usage: (active: Double, licensed: Double)? = nil, engagement: (engaged: Int, reached: Int)? = nil
    ) {
        self.engagement = engagement
        self.model = model
        self.openCases = openCases
        self.oldestOpenDays = oldestOpenDays
        self.slaBreaches = slaBreaches
        self.escalations = escalations
        self.csat = csat
        self.nps = nps
        self.invoices = invoices
        self.contacts = contacts
        self.usage = usage
    }
}
