import Foundation
import Hummingbird
import TouchpointApplication
import TouchpointCore

extension API {
    func addContactRoutes(to group: RouterGroup<TouchpointContext>) {
        group.post("contacts") { request, context in
            let caller = try context.caller(may: .writeContacts)
            let body = try await io.decode(ContactCreateRequest.self, from: request)
            let identities = try body.identities(callingCode: try await callingCode(caller))
            let contact = try await app.contacts.createContact(brand: caller.brandID, actor: .staff(caller.userID), accountID: body.accountId,
                                                        name: body.name, title: body.title, preferredContactPoint: body.preferredContactPoint,
                                                        identities: identities)
            return JSONIO.response(ContactDTO(contact), status: .created, headers: [.location: "/api/v1/contacts/\(contact.id.text)"])
        }
        group.get("contacts") { request, context in
            let caller = try context.caller(may: .readCustomers)
            let query = Query(request: request)
            var identity: Identity?
            if let kind = try query.wire("identityKind", as: IdentityKind.self) {
                guard let value = query.string("identity") else {
                    throw Problem.invalid(ValidationError(field: "identity", reason: "is required with identityKind"))
                }
                identity = try Identity(kind: kind, raw: value, defaultCallingCode: try await callingCode(caller), field: "identity")
            } else if let email = query.string("email") {
                identity = try Identity(kind: .email, raw: email, field: "email")
            } else if let phone = query.string("phone") {
                identity = try Identity(kind: .phone, raw: phone, defaultCallingCode: try await callingCode(caller), field: "phone")
            }
            let page = try await app.contacts.contacts(brand: caller.brandID, accountID: try query.uuid("accountId"), identity: identity,
                                                query: query.string("q"), limit: try query.limit(), cursor: try query.cursor())
            return JSONIO.response(PageDTO(items: page.items.map { ContactDTO($0) }, nextCursor: page.nextCursor))
        }
        group.get("contacts/{id}") { _, context in
            let caller = try context.caller(may: .readCustomers)
            let contact = try await app.contacts.contact(try context.parameters.id(), brand: caller.brandID)
            let commitments = try await contact.accountID.asyncMap { try await openCommitments($0, caller) }
            return JSONIO.response(ContactDTO(contact, commitments: commitments ?? []))
        }
        group.patch("contacts/{id}") { request, context in
            let caller = try context.caller(may: .writeContacts)
            let body = try await io.decode(ContactPatchRequest.self, from: request)
            let changes = try body.changes(callingCode: try await callingCode(caller))
            let contact = try await app.contacts.updateContact(try context.parameters.id(), brand: caller.brandID, actor: .staff(caller.userID), changes: changes)
            return JSONIO.response(ContactDTO(contact))
        }
        group.get("contacts/{id}/timeline") { request, context in
            let caller = try context.caller(may: .readCustomers)
            let query = Query(request: request)
            let page = try await app.timelines.contactTimeline(try context.parameters.id(), brand: caller.brandID, limit: try query.limit(), cursor: try query.cursor())
            return JSONIO.response(PageDTO(items: page.items.map(TimelineEntryDTO.init), nextCursor: page.nextCursor))
        }
        group.post("contacts/{id}/merge") { request, context in
            let caller = try context.caller(may: .mergeContacts)
            let body = try await io.decode(MergeContactsRequest.self, from: request)
            let contact = try await app.contacts.mergeContacts(survivor: try context.parameters.id(), duplicate: body.duplicateId, brand: caller.brandID,
                                                        actor: .staff(caller.userID), reason: body.reason)
            return JSONIO.response(ContactDTO(contact))
        }
        group.post("contacts/{id}/unmerge") { request, context in
            let caller = try context.caller(may: .unmergeContacts)
            let body = (try? await io.decode(ReasonRequest.self, from: request)) ?? ReasonRequest(reason: nil)
            let contact = try await app.contacts.unmergeContact(try context.parameters.id(), brand: caller.brandID, actor: .staff(caller.userID), reason: body.reason)
            return JSONIO.response(ContactDTO(contact))
        }
    }
}

