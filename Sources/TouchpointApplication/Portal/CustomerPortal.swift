import Foundation
import TouchpointCore
import TouchpointStore

/// The customer portal: signing in by link or password, and the cases of the customer.
public struct CustomerPortal: Sendable {
    let store: Store

    /// Makes a one-time sign-in link for the contact with this email address, valid for 15
    /// minutes, and queues the email when the brand has a mailbox to send from. At most five
    /// links per address and hour.
    public func requestPortalLink(brand brandID: BrandID, email rawEmail: String, linkBase: String) async throws -> PortalLinkOutcome {
        try await store.requestPortalLink(brand: brandID, email: rawEmail, linkBase: linkBase)
    }

    /// Uses a sign-in link once and starts a portal session; nil for an unknown, used or
    /// expired link.
    public func redeemPortalLink(_ token: String, brand: BrandID) async throws -> (token: String, session: PortalSession)? {
        try await store.redeemPortalLink(token, brand: brand)
    }

    /// The contact whose portal password this is, for signing in with a password.
    public func portalCredentials(brand: BrandID, email rawEmail: String) async throws -> (contactID: ContactID, passwordHash: String?)? {
        try await store.portalCredentials(brand: brand, email: rawEmail)
    }

    /// Sets (or with nil removes) the contact's portal password; ends their other sessions.
    public func setPortalPassword(_ hash: String?, contactID: ContactID, brand: BrandID) async throws {
        try await store.setPortalPassword(hash, contactID: contactID, brand: brand)
    }

    /// Signs a customer in to the portal; returns the session's token.
    public func startPortalSession(
        _ contactID: ContactID, brand: BrandID, lifetime: SessionLifetime = SessionLifetime(idle: 3600 * 24, absolute: 30 * 24 * 3600)
    )
        async throws -> (token: String, session: PortalSession)
    {
        try await store.startPortalSession(contactID, brand: brand, lifetime: lifetime)
    }

    /// The live portal session behind a cookie value for this brand, or nil.
    public func portalSession(token: String, brand: BrandID) async throws -> PortalSession? {
        try await store.portalSession(token: token, brand: brand)
    }

    /// Signs a customer out of the portal.
    public func endPortalSession(token: String) async throws {
        try await store.endPortalSession(token: token)
    }

    /// The cases of a contact and of the contacts merged into it, newest first.
    public func portalCases(contactID: ContactID, brand: BrandID, limit: Int = 200) async throws -> [Case] {
        try await store.portalCases(contactID: contactID, brand: brand, limit: limit)
    }

    /// A case as its customer may see it: theirs (or a merged duplicate's), and without
    /// the staff's internal notes. Any other case is not found.
    public func portalCase(number: Int, contactID: ContactID, brand: BrandID) async throws -> (case: Case, interactions: [Interaction]) {
        try await store.portalCase(number: number, contactID: contactID, brand: brand)
    }
}
