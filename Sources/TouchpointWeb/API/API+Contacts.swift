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
        group.get("contacts/{id}/summary") { _, context in
            let caller = try context.caller(may: .readCustomers)
            let summary = try await app.customers.summary(of: try context.parameters.id(), brand: caller.brandID)
            return JSONIO.response(CustomerSummaryDTO(summary, prefix: try await app.staff.brand(caller.brandID).casePrefix, now: app.environment.now()))
        }
        group.get("contacts/{id}/timeline") { request, context in
            let caller = try context.caller(may: .readCustomers)
            let query = Query(request: request)
            let page = try await app.timelines.contactTimeline(try context.parameters.id(), brand: caller.brandID, limit: try query.limit(), cursor: try query.cursor())
            return JSONIO.response(PageDTO(items: page.items.map(TimelineEntryDTO.init), nextCursor: page.nextCursor))
        }
        group.get("contacts/{id}/duplicates") { _, context in
            let caller = try context.caller(may: .readCustomers)
            let found = try await app.contacts.duplicates(of: try context.parameters.id(), brand: caller.brandID)
            return JSONIO.response(DuplicatesDTO(items: found.map { DuplicateDTO(contact: ContactDTO($0.contact), reasons: $0.reasons) }))
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

/// One customer as every contact point shows them (`CustomerSummary`).
struct CustomerSummaryDTO: JSONWritable {
    var contact: ContactDTO
    var account: AccountDTO?
    var openCases: [CaseDTO]
    var openCommitments: [CommitmentDTO]
    var billing: BillingSummaryDTO?
    var visits: [VisitDTO]
    var deskAppointments: [DeskAppointmentDTO]

    init(_ summary: CustomerSummary, prefix: String, now: Date) {
        contact = ContactDTO(summary.contact)
        account = summary.account.map { AccountDTO($0) }
        openCases = summary.openCases.map { CaseDTO($0, prefix: prefix) }
        openCommitments = summary.promises.map { CommitmentDTO($0, now: now) }
        billing = summary.billing.map(BillingSummaryDTO.init)
        visits = summary.visits.map(VisitDTO.init)
        deskAppointments = summary.deskAppointments.map(DeskAppointmentDTO.init)
    }

    func write(to out: inout JSONOut) {
        out.object {
            $0.field("contact", contact)
            $0.field("account", account)
            $0.field("openCases", openCases)
            $0.field("openCommitments", openCommitments)
            $0.field("billing", encoding: billing)
            $0.field("visits", encoding: visits)
            $0.field("deskAppointments", encoding: deskAppointments)
        }
    }
}

/// Contacts that may be the same person as one contact, each with why.
struct DuplicatesDTO: JSONWritable {
    var items: [DuplicateDTO]

    func write(to out: inout JSONOut) {
        out.object { $0.field("items", items) }
    }
}

struct DuplicateDTO: JSONWritable {
    var contact: ContactDTO
    var reasons: [String]

    func write(to out: inout JSONOut) {
        out.object {
            $0.field("contact", contact)
            $0.field("reasons", reasons)
        }
    }
}
