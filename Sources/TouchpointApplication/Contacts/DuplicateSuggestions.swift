import Foundation
import TouchpointCore
import TouchpointStore

/// A contact that may be the same person as another, with why.
public struct DuplicateSuggestion: Sendable, Equatable {
    public var contact: Contact
    public var reasons: [String]
}

extension Contacts {
    /// Contacts of the brand that may be the same person as `contactID`, each with its reasons
    /// (`DuplicateContacts.reasons`), most reasons first. Candidates come from the contact
    /// search by the person's name, numbers, mailboxes and customer numbers, so the cost
    /// follows the person, not the brand's size.
    public func duplicates(of contactID: ContactID, brand: BrandID) async throws -> [DuplicateSuggestion] {
        let contact = try await store.contact(contactID, brand: brand)
        guard contact.mergedInto == nil else { return [] }
        var queries: [String] = contact.name.map { [$0] } ?? []
        for identity in contact.identities {
            switch identity.kind {
            case .phone, .whatsApp: queries.append(String(identity.value.filter(\.isNumber).suffix(9)))
            case .email: queries.append(String(identity.value.split(separator: "@").first?.split(separator: "+").first ?? ""))
            case .customerNumber: queries.append(identity.value)
            case .chatVisitor: break
            }
        }
        var seen: Set<ContactID> = [contactID]
        var found: [DuplicateSuggestion] = []
        for query in Set(queries) where !query.isEmpty {
            for other in try await store.contacts(brand: brand, accountID: nil, identity: nil, query: query, limit: 20, cursor: nil).items
            where seen.insert(other.id).inserted {
                let reasons = DuplicateContacts.reasons(other, as: contact)
                if !reasons.isEmpty { found.append(DuplicateSuggestion(contact: other, reasons: reasons)) }
            }
        }
        return found.sorted { ($0.reasons.count, $1.contact.createdAt) > ($1.reasons.count, $0.contact.createdAt) }
    }
}
