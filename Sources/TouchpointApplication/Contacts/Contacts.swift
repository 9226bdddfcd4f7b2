import Foundation
import TouchpointCore
import TouchpointStore

/// Contacts: who customers are, on every contact point, and merging the same person.
public struct Contacts: Sendable {
    let store: Store

    /// Creates a contact with their identities on the contact points.
    public func createContact(
        brand: BrandID, actor: Actor, accountID: AccountID?, name: String?, title: String?,
        preferredContactPoint: ContactPoint?, identities: [Identity]
    ) async throws -> Contact {
        try await store.createContact(
            brand: brand, actor: actor, accountID: accountID, name: name, title: title, preferredContactPoint: preferredContactPoint,
            identities: identities)
    }

    /// One contact of the brand.
    public func contact(_ id: ContactID, brand: BrandID) async throws -> Contact {
        try await store.contact(id, brand: brand)
    }

    /// Changes a contact's name, title, identities or account.
    public func updateContact(_ id: ContactID, brand: BrandID, actor: Actor, changes: ContactChanges) async throws -> Contact {
        try await store.updateContact(id, brand: brand, actor: actor, changes: changes)
    }

    /// Contacts of a brand, filtered by account, by an identity (exact, normalized) or by words
    /// that start their name, email address, phone number or customer number.
    public func contacts(
        brand: BrandID, accountID: AccountID?, identity: Identity?, query: String?, limit: Int, cursor: Cursor?
    ) async throws -> Page<Contact> {
        try await store.contacts(brand: brand, accountID: accountID, identity: identity, query: query, limit: limit, cursor: cursor)
    }

    /// Merges `duplicate` into `survivor`: the duplicate's history shows on the survivor's
    /// timeline and new contacts through its identities reach the survivor. Both timelines
    /// get an event. Nothing moves, so `unmergeContact` restores the two exactly.
    public func mergeContacts(
        survivor survivorID: ContactID, duplicate duplicateID: ContactID, brand: BrandID, actor: Actor, reason: String?
    ) async throws -> Contact {
        try await store.mergeContacts(survivor: survivorID, duplicate: duplicateID, brand: brand, actor: actor, reason: reason)
    }

    /// Undoes a merge (administrators only): the duplicate stands on its own again.
    public func unmergeContact(_ duplicateID: ContactID, brand: BrandID, actor: Actor, reason: String?) async throws -> Contact {
        try await store.unmergeContact(duplicateID, brand: brand, actor: actor, reason: reason)
    }
}
