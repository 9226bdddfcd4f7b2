import Foundation
import TouchpointCore
import TouchpointStore

/// The addresses a brand receives mail at, and attachments by their hash.
public struct Mailboxes: Sendable {
    let store: Store

    /// The mailboxes of a brand, by address.
    public func mailboxes(brand: BrandID) async throws -> [Mailbox] {
        try await store.mailboxes(brand: brand)
    }

    /// The mailbox with this address in any brand (SMTP recipients name no brand).
    public func mailbox(address: String) async throws -> Mailbox? {
        try await store.mailbox(address: address)
    }

    /// Creates or changes a mailbox of `brand`. An address another brand uses is a conflict.
    public func saveMailbox(
        address rawAddress: String, brand: BrandID, teamID: TeamID?, forwardsOpenForSender: Bool, acknowledges: Bool = false,
        actor: Actor
    ) async throws -> Mailbox {
        try await store.saveMailbox(
            address: rawAddress, brand: brand, teamID: teamID, forwardsOpenForSender: forwardsOpenForSender, acknowledges: acknowledges, actor: actor)
    }

    /// Stops receiving mail at an address; mail already received stays.
    public func deleteMailbox(address rawAddress: String, brand: BrandID, actor: Actor) async throws {
        try await store.deleteMailbox(address: rawAddress, brand: brand, actor: actor)
    }

    /// An attachment's bytes and type, when the brand has one with this hash.
    public func attachment(sha256: String, brand: BrandID) async throws -> (contentType: String, data: Data) {
        try await store.attachment(sha256: sha256, brand: brand)
    }
}
