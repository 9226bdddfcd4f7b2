import Foundation

/// A customer signed in to the portal.
public struct PortalSession: Sendable, Equatable {
    public var contact: Contact
    public var csrfToken: String
    public var expiresAt: Date

    public init(contact: Contact, csrfToken: String, expiresAt: Date) {
        self.contact = contact
        self.csrfToken = csrfToken
        self.expiresAt = expiresAt
    }
}

/// What asking for a sign-in link did (the page says the same in every case, so nobody
/// learns which addresses are known).
public enum PortalLinkOutcome: Equatable, Sendable {
    /// The link was made; `token` goes into the URL, `emailed` says whether the outbox has it.
    case sent(token: String, emailed: Bool)
    /// No contact of the brand has this address.
    case unknownAddress
    /// Too many links for this address lately.
    case throttled
}
