import Foundation
import SQLKit
import TouchpointCore

/// Changes to a commitment; `nil` keeps a field.
public struct CommitmentChanges: Sendable {
    public var status: CommitmentStatus?
    public var what: String?
    public var dueAt: Date?
    public var ownerID: UserID??

    public init(status: CommitmentStatus? = nil, what: String? = nil, dueAt: Date? = nil, ownerID: UserID?? = nil) {
        self.status = status
        self.what = what
        self.dueAt = dueAt
        self.ownerID = ownerID
    }
}

extension Store {
    /// Records a promise to the customer on the account (and the case it came from).
    public func createCommitment(brand: BrandID, actor: Actor, accountID: AccountID, caseID: CaseID?, what: String, dueAt: Date,
                                 ownerID: UserID?) async throws -> Commitment {
        let text = try Check.text(what, field: "what", max: 2000)
        let environment = self.environment
        return try await database.write { db in
            _ = try await Store.account(accountID, brand: brand, on: db)
            var contactID: ContactID?
            if let caseID {
                let item = try await Store.case(caseID, brand: brand, on: db)
                contactID = item.contactID
            }
            if let ownerID { try await Store.requireStaff(ownerID, brand: brand, field: "ownerId", on: db) }
            let now = environment.now()
            let commitment = Commitment(id: environment.newID(), brandID: brand, accountID: accountID, caseID: caseID, what: text,
                                        dueAt: dueAt, ownerID: ownerID ?? actor.id, createdAt: now, updatedAt: now)
            try await db.raw("""
                INSERT INTO commitments (id, brand_id, account_id, case_id, what, due_at, owner_id, status, created_at, updated_at)
                VALUES (\(bind: commitment.id.text), \(bind: brand.text), \(bind: accountID.text), \(bind: caseID?.text), \(bind: text),
                \(bind: Convert.ms(dueAt)), \(bind: commitment.ownerID?.text), 'open', \(bind: Convert.ms(now)), \(bind: Convert.ms(now)))
                """).run()
            try await Store.insert(events: [DomainEvent(
                id: environment.newID(), brandID: brand, type: .commitmentCreated, actor: actor, accountID: accountID, contactID: contactID,
                caseID: caseID, payload: ["commitmentId": .string(commitment.id.text), "what": .string(text),
                                          "dueAt": .string(ISO8601DateFormatter().string(from: dueAt))], occurredAt: now)], on: db)
            return commitment
        }
    }

    public func updateCommitment(_ id: CommitmentID, brand: BrandID, actor: Actor, changes: CommitmentChanges) async throws -> Commitment {
        let what = try changes.what.map { try Check.text($0, field: "what", max: 2000) }
        let environment = self.environment
        return try await database.write { db in
            guard let row = try await db.raw("SELECT * FROM commitments WHERE id = \(bind: id.text) AND brand_id = \(bind: brand.text)").first() else {
                throw StoreError.notFound("commitment \(id.text)")
            }
            let current = try Store.commitment(from: row)
            let now = environment.now()
            var next = current
            var payload: [String: JSONValue] = ["commitmentId": .string(id.text)]
            if let status = changes.status, status != current.status {
                do { next = try current.moving(to: status, now: now) } catch {
                    // Settled promises are a state clash, not a malformed request.
                    throw StoreError.conflict((error as? ValidationError)?.reason ?? "\(error)")
                }
                payload["status"] = .object(["from": .string(current.status.rawValue), "to": .string(status.rawValue)])
            } else if current.status != .open, what != nil || changes.dueAt != nil || changes.ownerID != nil {
                throw StoreError.conflict("a \(current.status.rawValue) commitment cannot be changed")
            }
            if let what, what != next.what { next.what = what; payload["what"] = .string(what) }
            if let due = changes.dueAt, due != next.dueAt { next.dueAt = due; payload["dueAt"] = .string(ISO8601DateFormatter().string(from: due)) }
            if let owner = changes.ownerID, owner != next.ownerID {
                if let owner { try await Store.requireStaff(owner, brand: brand, field: "ownerId", on: db) }
                next.ownerID = owner
                payload["ownerId"] = .optionalString(owner?.text)
            }
            guard payload.count > 1 else { return current }
            next.updatedAt = now
            try await db.raw("""
                UPDATE commitments SET status = \(bind: next.status.rawValue), what = \(bind: next.what), due_at = \(bind: Convert.ms(next.dueAt)),
                owner_id = \(bind: next.ownerID?.text), updated_at = \(bind: Convert.ms(now)) WHERE id = \(bind: id.text)
                """).run()
            try await Store.insert(events: [DomainEvent(
                id: environment.newID(), brandID: brand, type: .commitmentUpdated, actor: actor, accountID: next.accountID, contactID: nil,
                caseID: next.caseID, payload: payload, occurredAt: now)], on: db)
            return next
        }
    }

    /// Commitments of an account, soonest due first; only open ones unless `includeSettled`.
    public func commitments(accountID: AccountID, brand: BrandID, includeSettled: Bool) async throws -> [Commitment] {
        try await database.read { db in
            var sql = SQLQueryString("SELECT * FROM commitments WHERE account_id = \(bind: accountID.text) AND brand_id = \(bind: brand.text)")
            if !includeSettled { sql.appendLiteral(" AND status = 'open'") }
            sql.appendLiteral(" ORDER BY due_at, id LIMIT 500")
            return try await db.raw(sql).all().map(Store.commitment(from:))
        }
    }

    static func commitment(from row: any SQLRow) throws -> Commitment {
        Commitment(id: try row.uuid("id"), brandID: try row.uuid("brand_id"), accountID: try row.uuid("account_id"),
                   caseID: try row.optionalUUID("case_id"), what: try row.string("what"), dueAt: try row.date("due_at"),
                   ownerID: try row.optionalUUID("owner_id"), status: try row.wire("status", as: CommitmentStatus.self),
                   createdAt: try row.date("created_at"), updatedAt: try row.date("updated_at"))
    }
}
