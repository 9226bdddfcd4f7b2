import Foundation
import TouchpointCore
import TouchpointStore

/// Promises made to customers (call back, payment plans) and keeping them.
public struct Commitments: Sendable {
    let store: Store

    /// Records a promise to the customer on the account (and the case it came from).
    public func createCommitment(
        brand: BrandID, actor: Actor, accountID: AccountID, caseID: CaseID?, what: String, dueAt: Date,
        ownerID: UserID?, kind: CommitmentKind = .promise
    ) async throws -> Commitment {
        try await store.createCommitment(
            brand: brand, actor: actor, accountID: accountID, caseID: caseID, what: what, dueAt: dueAt, ownerID: ownerID, kind: kind)
    }

    /// A payment plan: the amount in `instalments` equal parts (the last takes the rest), the
    /// first due on `firstDue`, then every `everyDays` days; each part is a commitment the
    /// scheduler follows up.
    public func createPaymentPlan(
        brand: BrandID, actor: Actor, accountID: AccountID, caseID: CaseID?, totalMinor: Int, currency: String,
        instalments: Int, firstDue: Date, everyDays: Int, invoice: String?
    ) async throws -> [Commitment] {
        try await store.createPaymentPlan(
            brand: brand, actor: actor, accountID: accountID, caseID: caseID, totalMinor: totalMinor, currency: currency, instalments: instalments,
            firstDue: firstDue, everyDays: everyDays, invoice: invoice)
    }

    /// Changes a commitment (kept, broken, new due date).
    public func updateCommitment(_ id: CommitmentID, brand: BrandID, actor: Actor, changes: CommitmentChanges) async throws -> Commitment {
        try await store.updateCommitment(id, brand: brand, actor: actor, changes: changes)
    }

    /// Commitments of an account, soonest due first; only open ones unless `includeSettled`.
    public func commitments(accountID: AccountID, brand: BrandID, includeSettled: Bool) async throws -> [Commitment] {
        try await store.commitments(accountID: accountID, brand: brand, includeSettled: includeSettled)
    }
}
