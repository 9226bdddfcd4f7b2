import Foundation
import Hummingbird
import TouchpointApplication
import TouchpointCore

extension API {
    func addCommitmentRoutes(to group: RouterGroup<TouchpointContext>) {
        group.get("accounts/{id}/commitments") { request, context in
            let caller = try context.caller(may: .readCustomers)
            let id = try context.parameters.id()
            _ = try await app.accounts.account(id, brand: caller.brandID)
            let all = try Query(request: request).choice("status", of: ["open", "all"]) == "all"
            let now = app.environment.now()
            let items = try await app.commitments.commitments(accountID: id, brand: caller.brandID, includeSettled: all)
            return JSONIO.response(PageDTO(items: items.map { CommitmentDTO($0, now: now) }, nextCursor: nil))
        }
        group.post("accounts/{id}/commitments") { request, context in
            let caller = try context.caller(may: .manageCommitments)
            let body = try await io.decode(CommitmentCreateRequest.self, from: request)
            let item = try await app.commitments.createCommitment(brand: caller.brandID, actor: .staff(caller.userID), accountID: try context.parameters.id(),
                                                        caseID: body.caseId, what: body.what, dueAt: body.dueAt, ownerID: body.ownerId,
                                                        kind: body.kind ?? .promise)
            return JSONIO.response(CommitmentDTO(item, now: app.environment.now()), status: .created)
        }
        group.post("accounts/{id}/payment-plans") { request, context in
            let caller = try context.caller(may: .manageCommitments)
            let body = try await io.decode(PaymentPlanRequest.self, from: request)
            guard let total = Money.minorUnits(body.total) else { throw ValidationError(field: "total", reason: "an amount such as 1200.00") }
            let items = try await app.commitments.createPaymentPlan(brand: caller.brandID, actor: .staff(caller.userID), accountID: try context.parameters.id(),
                                                          caseID: body.caseId, totalMinor: total, currency: body.currency, instalments: body.instalments,
                                                          firstDue: body.firstDue, everyDays: body.everyDays ?? 30, invoice: body.invoice)
            let now = app.environment.now()
            return JSONIO.response(PageDTO(items: items.map { CommitmentDTO($0, now: now) }, nextCursor: nil), status: .created)
        }
        group.patch("commitments/{id}") { request, context in
            let caller = try context.caller(may: .manageCommitments)
            let body = try await io.decode(CommitmentPatchRequest.self, from: request)
            let item = try await app.commitments.updateCommitment(try context.parameters.id(), brand: caller.brandID, actor: .staff(caller.userID), changes: body.changes)
            return JSONIO.response(CommitmentDTO(item, now: app.environment.now()))
        }
    }
}
