import Foundation
import TouchpointCore
import TouchpointStore

extension Cases {
    /// Logs a phone call with a customer or writes to them, from their page: into one of
    /// their cases, or a new case opened on the call's or message's contact point by this
    /// person. A logged call is an internal note on the phone contact point marked with its
    /// direction; a message goes out through the outbox like any reply. Returns the case.
    public func recordContact(_ request: StaffContact, contactID: ContactID, brand: BrandID, staff: UserID) async throws -> Case {
        let contact = try await store.contact(contactID, brand: brand)
        let point = request.kind.contactPoint
        let body = try Check.text(request.body, field: "body", max: 100_000)
        let call = request.kind.callDirection.map { ["call": $0] } ?? [:]
        var item: Case
        if let caseID = request.caseID {
            item = try await store.case(caseID, brand: brand)
            guard item.contactID == contactID else { throw ValidationError(field: "case", reason: "that case is another customer's") }
            _ = try await store.addInteraction(caseID: item.id, brand: brand, actor: .staff(staff), request: NewInteraction(
                direction: call.isEmpty ? .outbound : .internal, contactPoint: point, body: body, metadata: call))
        } else {
            guard let subject = request.subject?.trimmingCharacters(in: .whitespacesAndNewlines), !subject.isEmpty else {
                throw ValidationError(field: "subject", reason: "say what the new case is about")
            }
            // The case is the customer's on the contact point used; a call needs no number on
            // file (it may have come from a number we do not know), a message needs an address.
            let own = contact.identities.first { $0.kind == point.identityKind }
            guard let identity = own ?? (call.isEmpty ? nil : contact.identities.first { $0.kind != .chatVisitor } ?? contact.identities.first) else {
                throw ValidationError(field: "kind", reason: "there is nothing on file to reach the customer on \(point.label)")
            }
            let note = call.isEmpty ? "Opened to write to the customer (\(point.label))." : body
            item = try await store.openCase(brand: brand, actor: .staff(staff), request: OpenCase(
                contactPoint: point, from: identity, subject: subject, body: note, priority: request.priority, metadata: call, openedBy: staff)).case
            if call.isEmpty {
                _ = try await store.addInteraction(caseID: item.id, brand: brand, actor: .staff(staff),
                                                   request: NewInteraction(direction: .outbound, contactPoint: point, body: body))
            }
        }
        if request.solved {
            item = try await store.case(item.id, brand: brand)
            if item.status != .resolved {
                item = try await store.updateCase(item.id, brand: brand, actor: .staff(staff), update: CaseUpdate(status: .resolved, reason: "settled on contact"))
            }
        }
        return try await store.case(item.id, brand: brand)
    }
}
