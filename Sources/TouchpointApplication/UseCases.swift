import Foundation
import TouchpointCore
import TouchpointStore

/// Everything the edges (API, console, portal, kiosk, chat sockets, mail servers) may ask
/// of Touchpoint, one value per feature. The edges hold this, never the store: a use case
/// is the same whichever edge calls it, and its rules live behind it.
public struct UseCases: Sendable {
    public let accountModels: AccountModels
    public let accounts: Accounts
    public let billing: Billing
    public let calls: Calls
    public let cases: Cases
    public let caseViewers: CaseViewers
    public let chat: Chat
    public let chatbot: Chatbot
    public let commitments: Commitments
    public let contacts: Contacts
    public let customerPortal: CustomerPortal
    public let customers: CustomerSummaries
    public let deskAppointments: DeskAppointments
    public let envelopes: Envelopes
    public let fieldService: FieldService
    public let gauges: Gauges
    public let health: AccountHealth
    public let integrations: Integrations
    public let kiosks: Kiosks
    public let knowledge: KnowledgeBase
    public let lookups: Lookups
    public let macros: Macros
    public let mailInbox: MailInbox
    public let mailboxes: Mailboxes
    public let outbox: Outbox
    public let playbooks: Playbooks
    public let routing: Routing
    public let serviceSettings: ServiceSettings
    public let signIn: SignIn
    public let staff: Staff
    public let staffNotifications: StaffNotifications
    public let surveys: Surveys
    public let timelines: Timelines
    public let walkIn: WalkIn
    /// The one clock and id source.
    public let environment: TouchpointCore.Environment
    /// Fires after every committed write: live pages and chats wait on it rather than poll.
    public let commits: CommitSignal
    private let store: Store

    /// The address links use when no public URL is configured.
    public static let localURL = "http://localhost:8080"

    /// - Parameter publicURL: where customers reach this server (links in the assistant's answers).
    public init(store: Store, publicURL: String = UseCases.localURL) {
        self.init(store: store, address: PublicAddress(configured: publicURL))
    }

    /// - Parameter address: where customers reach this server, once it is bound.
    public init(store: Store, address: PublicAddress) {
        self.store = store
        environment = store.environment
        commits = store.commits
        accountModels = AccountModels(store: store)
        accounts = Accounts(store: store)
        billing = Billing(store: store)
        health = AccountHealth(store: store)
        calls = Calls(store: store)
        cases = Cases(store: store)
        caseViewers = CaseViewers(store: store)
        chat = Chat(store: store)
        commitments = Commitments(store: store)
        contacts = Contacts(store: store)
        customerPortal = CustomerPortal(store: store)
        customers = CustomerSummaries(store: store)
        deskAppointments = DeskAppointments(store: store)
        envelopes = Envelopes(store: store)
        fieldService = FieldService(store: store)
        gauges = Gauges(store: store)
        integrations = Integrations(store: store)
        kiosks = Kiosks(store: store)
        knowledge = KnowledgeBase(store: store)
        chatbot = Chatbot(store: store, knowledge: knowledge, address: address)
        surveys = Surveys(store: store, address: address)
        lookups = Lookups(store: store)
        macros = Macros(store: store)
        mailInbox = MailInbox(store: store)
        mailboxes = Mailboxes(store: store)
        outbox = Outbox(store: store)
        playbooks = Playbooks(store: store, address: address)
        routing = Routing(store: store)
        serviceSettings = ServiceSettings(store: store)
        signIn = SignIn(store: store)
        staff = Staff(store: store)
        staffNotifications = StaffNotifications(store: store)
        timelines = Timelines(store: store)
        walkIn = WalkIn(store: store)
    }

    /// Whether the database answers, which one it is and its schema version, for `/health`.
    public func health() async -> DatabaseHealth {
        let reachable = await store.ping()
        let version = reachable ? try? await Migrator.currentVersion(store.database) : nil
        return DatabaseHealth(reachable: reachable, driver: store.dialect.rawValue, schemaVersion: version, writeFailure: await store.writeFailure())
    }
}

/// The database as `/health` reports it.
public struct DatabaseHealth: Sendable, Equatable {
    public var reachable: Bool
    /// `sqlite` or `postgres`.
    public var driver: String
    /// The last migration applied; nil when the database does not answer.
    public var schemaVersion: Int?
    /// Why writes fail while reads work (a full disk, a locked file); nil when they commit.
    public var writeFailure: String?

    /// Whether the database takes what is sent now: it answers and commits.
    public var accepting: Bool { reachable && writeFailure == nil }
}
