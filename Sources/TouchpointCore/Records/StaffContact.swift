import Foundation

/// Something staff do with a customer outside an existing conversation, from the customer's
/// page: a phone call logged (the customer called, or we called them), or a message written
/// to them on one of their contact points — into one of their cases or a new one.
public struct StaffContact: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        case callFromCustomer
        case callToCustomer
        case message(ContactPoint)

        /// The contact point the contact happens on.
        public var contactPoint: ContactPoint {
            switch self {
            case .callFromCustomer, .callToCustomer: .phone
            case .message(let point): point
            }
        }

        /// What a logged call is marked with (`call` in the interaction's metadata).
        public var callDirection: String? {
            switch self {
            case .callFromCustomer: "inbound"
            case .callToCustomer: "outbound"
            case .message: nil
            }
        }
    }

    public var kind: Kind
    /// One of the customer's cases; nil opens a new one.
    public var caseID: CaseID?
    /// The new case's subject (required for a new case).
    public var subject: String?
    /// The call's notes or the message.
    public var body: String
    /// The new case's priority.
    public var priority: Priority
    /// Settled then and there: the case is resolved afterwards.
    public var solved: Bool

    public init(kind: Kind, caseID: CaseID? = nil, subject: String? = nil, body: String, priority: Priority = .normal, solved: Bool = false) {
        self.kind = kind
        self.caseID = caseID
        self.subject = subject
        self.body = body
        self.priority = priority
        self.solved = solved
    }
}
