import Foundation
import Hummingbird
import TouchpointApplication
import TouchpointCore

extension API {
    func addCaseRoutes(to group: RouterGroup<TouchpointContext>) {
        group.post("cases") { request, context in
            let caller = try context.caller(may: .handleCases)
            let body = try await io.decode(CaseCreateRequest.self, from: request)
            let open = try body.validated(callingCode: try await callingCode(caller))
            let opened = try await app.cases.openCase(brand: caller.brandID, actor: .staff(caller.userID), request: open)
            var dto = CaseDTO(opened.case, prefix: try await prefix(caller))
            dto.interaction = InteractionDTO(opened.interaction)
            dto.contactCreated = opened.contactCreated
            dto.duplicate = opened.duplicate
            return JSONIO.response(dto, status: opened.duplicate ? .ok : .created, headers: [.location: "/api/v1/cases/\(opened.case.id.text)"])
        }
        group.get("cases") { request, context in
            let caller = try context.caller(may: .readCustomers)
            let query = Query(request: request)
            var level: SupportLevel?
            if let raw = query.given("level") {
                guard let number = Int(raw), let parsed = SupportLevel(rawValue: number) else {
                    throw Problem.invalid(ValidationError(field: "level", reason: "must be 1, 2 or 3"))
                }
                level = parsed
            }
            var assignee = try query.uuid("assigneeId")
            var unassigned = false
            switch try query.choice("assignee", of: ["me", "none"]) {
            case "me": assignee = caller.userID
            case "none": unassigned = true
            default: break
            }
            let filter = CaseFilter(statuses: try query.wireList("status", as: CaseStatus.self), teamID: try query.uuid("teamId"),
                                    assigneeID: assignee, unassigned: unassigned, level: level,
                                    contactPoint: try query.wire("contactPoint", as: ContactPoint.self),
                                    contactID: try query.uuid("contactId"), accountID: try query.uuid("accountId"), text: query.string("q"),
                                    priority: try query.wire("priority", as: Priority.self), serviceModel: try query.wire("serviceModel", as: ServiceModel.self),
                                    order: try query.choice("sort", of: CaseOrder.allCases.map(\.rawValue)).flatMap(CaseOrder.init(rawValue:)) ?? .newest)
            let page = try await app.cases.cases(brand: caller.brandID, filter: filter, limit: try query.limit(), cursor: try query.cursor())
            let prefix = try await prefix(caller)
            return JSONIO.response(PageDTO(items: page.items.map { CaseDTO($0, prefix: prefix) }, nextCursor: page.nextCursor))
        }
        group.get("cases/{id}") { _, context in
            let caller = try context.caller(may: .readCustomers)
            let item = try await findCase(context, caller)
            var dto = CaseDTO(item, prefix: try await prefix(caller))
            async let interactions = app.cases.interactions(caseID: item.id, brand: caller.brandID)
            async let links = app.cases.links(caseID: item.id, brand: caller.brandID)
            dto.interactions = try await interactions.map(InteractionDTO.init)
            dto.links = try await links.map { CaseLinkDTO(caseId: $0.caseID.text, number: $0.number, subject: $0.subject, status: $0.status, kind: $0.kind) }
            dto.openCommitments = try await item.accountID.asyncMap { try await openCommitments($0, caller) } ?? []
            return JSONIO.response(dto)
        }
        group.patch("cases/{id}") { request, context in
            let caller = try context.caller(may: .handleCases)
            let body = try await io.decode(CasePatchRequest.self, from: request)
            let item = try await findCase(context, caller)
            let updated = try await app.cases.updateCase(item.id, brand: caller.brandID, actor: .staff(caller.userID), update: body.update)
            return JSONIO.response(CaseDTO(updated, prefix: try await prefix(caller)))
        }
        group.get("cases/{id}/interactions") { _, context in
            let caller = try context.caller(may: .readCustomers)
            let item = try await findCase(context, caller)
            let items = try await app.cases.interactions(caseID: item.id, brand: caller.brandID)
            return JSONIO.response(PageDTO(items: items.map(InteractionDTO.init), nextCursor: nil))
        }
        group.post("cases/{id}/interactions") { request, context in
            let caller = try context.caller(may: .handleCases)
            let body = try await io.decode(InteractionCreateRequest.self, from: request)
            let item = try await findCase(context, caller)
            let (_, interaction) = try await app.cases.addInteraction(caseID: item.id, brand: caller.brandID, actor: .staff(caller.userID), request: try body.validated)
            return JSONIO.response(InteractionDTO(interaction), status: .created)
        }
        group.post("cases/{id}/links") { request, context in
            let caller = try context.caller(may: .handleCases)
            let body = try await io.decode(LinkCaseRequest.self, from: request)
            let item = try await findCase(context, caller)
            try await app.cases.linkCases(item.id, to: body.caseId, brand: caller.brandID, actor: .staff(caller.userID))
            let links = try await app.cases.links(caseID: item.id, brand: caller.brandID)
            return JSONIO.response(PageDTO(items: links.map { CaseLinkDTO(caseId: $0.caseID.text, number: $0.number, subject: $0.subject, status: $0.status, kind: $0.kind) }, nextCursor: nil), status: .created)
        }
        group.post("cases/{id}/merge") { request, context in
            let caller = try context.caller(may: .handleCases)
            let body = try await io.decode(MergeCaseRequest.self, from: request)
            let item = try await findCase(context, caller)
            let target = try await app.cases.mergeCase(item.id, into: body.targetId, brand: caller.brandID, actor: .staff(caller.userID))
            return JSONIO.response(CaseDTO(target, prefix: try await prefix(caller)))
        }
    }

    /// The case named by the path: its id, or its number within the caller's brand.
    func findCase(_ context: TouchpointContext, _ caller: Principal) async throws -> Case {
        guard let raw = context.parameters.get("id") else { throw Problem(.notFound, "not found") }
        if let number = Int(raw), number > 0 { return try await app.cases.case(number: number, brand: caller.brandID) }
        guard let id = UUID(text: raw) else { throw Problem(.notFound, "case \(raw) not found") }
        return try await app.cases.case(id, brand: caller.brandID)
    }

    func prefix(_ caller: Principal) async throws -> String {
        try await app.staff.brand(caller.brandID).casePrefix
    }
}
