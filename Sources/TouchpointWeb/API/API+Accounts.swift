import Foundation
import Hummingbird
import TouchpointApplication
import TouchpointCore

extension API {
    func addAccountRoutes(to group: RouterGroup<TouchpointContext>) {
        group.post("accounts") { request, context in
            let caller = try context.caller(may: .manageAccounts)
            let body = try await io.decode(AccountCreateRequest.self, from: request)
            let account = try await app.accounts.createAccount(brand: caller.brandID, actor: .staff(caller.userID), name: body.name, profile: body.profile)
            return JSONIO.response(AccountDTO(account, commitments: []), status: .created,
                                       headers: [.location: "/api/v1/accounts/\(account.id.text)"])
        }
        group.get("accounts") { request, context in
            let caller = try context.caller(may: .readCustomers)
            let query = Query(request: request)
            let page = try await app.accounts.accounts(brand: caller.brandID, query: query.string("q"), stage: try query.wire("stage", as: JourneyStage.self),
                                                limit: try query.limit(), cursor: try query.cursor())
            return JSONIO.response(PageDTO(items: page.items.map { AccountDTO($0) }, nextCursor: page.nextCursor))
        }
        group.get("accounts/{id}") { _, context in
            let caller = try context.caller(may: .readCustomers)
            let id = try context.parameters.id()
            let account = try await app.accounts.account(id, brand: caller.brandID)
            return JSONIO.response(AccountDTO(account, commitments: try await openCommitments(id, caller)))
        }
        group.patch("accounts/{id}") { request, context in
            let caller = try context.caller(may: .manageAccounts)
            let id = try context.parameters.id()
            let body = try await io.decode(AccountPatchRequest.self, from: request)
            let account = try await app.accounts.updateAccount(id, brand: caller.brandID, actor: .staff(caller.userID), changes: body.changes)
            return JSONIO.response(AccountDTO(account, commitments: try await openCommitments(id, caller)))
        }
        group.get("accounts/{id}/timeline") { request, context in
            let caller = try context.caller(may: .readCustomers)
            let query = Query(request: request)
            let page = try await app.timelines.accountTimeline(try context.parameters.id(), brand: caller.brandID, limit: try query.limit(), cursor: try query.cursor())
            return JSONIO.response(PageDTO(items: page.items.map(TimelineEntryDTO.init), nextCursor: page.nextCursor))
        }
    }

    func openCommitments(_ account: AccountID, _ caller: Principal) async throws -> [CommitmentDTO] {
        let now = app.environment.now()
        return try await app.commitments.commitments(accountID: account, brand: caller.brandID, includeSettled: false).map { CommitmentDTO($0, now: now) }
    }
}
