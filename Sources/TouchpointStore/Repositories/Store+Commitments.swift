import Foundation
import SQLKit
import TouchpointCore

extension Store {
    /// Records a promise to the customer on the account (and the case it came from).
    public func createCommitment(brand: BrandID, actor: Actor, accountID: AccountID, caseID: CaseID?, what: String, dueAt: Date,
                                 ownerID: UserID?, kind: CommitmentKind = .promise) async throws -> Commitment {
        let text = try Check.text(what, field: "what", max: 2000)
        let environment = self.environment
        return try await database.write { db in
            try await Store.insertCommitment(brand: brand, actor: actor, accountID: accountID, caseID: caseID, what: text, dueAt: dueAt, ownerID: ownerID,
                                             kind: kind, environment: environment, on: db)
        }
    }

    /// A payment plan: the amount in `instalments` equal parts (the last takes the rest), the
    /// first due on `firstDue`, then every `everyDays` days; each part is a commitment the
    /// scheduler follows up.
    public func createPaymentPlan(brand: BrandID, actor: Actor, accountID: AccountID, caseID: CaseID?, totalMinor: Int, currency: String,
                                  instalments: Int, firstDue: Date, everyDays: Int, invoice: String?) async throws -> [Commitment] {
        guard totalMinor > 0 else { throw ValidationError(field: "total", reason: "must be more than zero") }
        guard (2...60).contains(instalments) else { throw ValidationError(field: "instalments", reason: "between 2 and 60") }
        guard (1...366).contains(everyDays) else { throw ValidationError(field: "everyDays", reason: "between 1 and 366") }
        let code = currency.uppercased()
        guard code.count == 3, code.allSatisfy({ $0.isASCII && $0.isLetter }) else { throw ValidationError(field: "currency", reason: "a three-letter code") }
        let part = totalMinor / instalments
        let environment = self.environment
        return try await database.write { db in
            var made: [Commitment] = []
            for index in 0..<instalments {
                let amount = index == instalments - 1 ? totalMinor - part * (instalments - 1) : part
                let what = "Instalment \(index + 1)/\(instalments): \(Money.format(amount)) \(code)" + (invoice.map { " of \($0)" } ?? "")
                made.append(try await Store.insertCommitment(brand: brand, actor: actor, accountID: accountID, caseID: caseID, what: what,
                                                             dueAt: firstDue.addingTimeInterval(Double(index * everyDays) * 86_400), ownerID: nil,
                                                             kind: .instalment, environment: environment, on: db))
            }
            return made
        }
    }

    static func insertCommitment(brand: BrandID, actor: Actor, accountID: AccountID, caseID: CaseID?, what text: String, dueAt: Date, ownerID: UserID?,
                                 kind: CommitmentKind, environment: TouchpointCore.Environment, on db: any SQLDatabase) async throws -> Commitment {
        _ = try await Store.account(accountID, brand: brand, on: db)
        var contactID: ContactID?
        if let caseID {
            let item = try await Store.case(caseID, brand: brand, on: db)
            contactID = item.contactID
        }
        if let ownerID { try await Store.requireStaff(ownerID, brand: brand, field: "ownerId", on: db) }
        let now = environment.now()
        let commitment = Commitment(id: environment.newID(), brandID: brand, accountID: accountID, caseID: caseID, what: text,
                                    dueAt: dueAt, ownerID: ownerID ?? (actor.kind == .staff ? actor.id : nil), kind: kind, createdAt: now, updatedAt: now)
        try await db.raw("""
            INSERT INTO commitments (id, brand_id, account_id, case_id, what, due_at, owner_id, status, kind, created_at, updated_at)
            VALUES (\(bind: commitment.id.text), \(bind: brand.text), \(bind: accountID.text), \(bind: caseID?.text), \(bind: text),
            \(bind: Convert.ms(dueAt)), \(bind: commitment.ownerID?.text), 'open', \(bind: kind.rawValue), \(bind: Convert.ms(now)), \(bind: Convert.ms(now)))
            """).run()
        try await Store.insert(events: [DomainEvent(
            id: environment.newID(), brandID: brand, type: .commitmentCreated, actor: actor, accountID: accountID, contactID: contactID,
            caseID: caseID, payload: ["commitmentId": .string(commitment.id.text), "what": .string(text), "kind": .string(kind.rawValue),
                                      "dueAt": .string(ISO8601DateFormatter().string(from: dueAt))], occurredAt: now)], on: db)
        return commitment
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

    /// Follows up the customer's promises (to pay, instalments) that fell due unkept, once
    /// each: an internal note on their case, reopened if it was waiting or solved, or a new
    /// billing case for the account (the `billing` topic routes it to billing staff). Our
    /// own promises remind their owner through a `staff.notified` event. Returns how many.
    public func fireCommitmentReminders(now: Date, limit: Int = 100) async throws -> Int {
        let due = try await database.read { db in
            try await db.raw("""
                SELECT * FROM commitments WHERE status = 'open' AND reminded_at IS NULL AND due_at <= \(bind: Convert.ms(now)) ORDER BY due_at, id LIMIT \(bind: limit)
                """).all().map(Store.commitment(from:))
        }
        var fired = 0
        for commitment in due {
            // Claimed first, so two nodes never remind twice.
            let claimed = try await database.write { db in
                try await db.raw("""
                    UPDATE commitments SET reminded_at = \(bind: Convert.ms(now)) WHERE id = \(bind: commitment.id.text) AND reminded_at IS NULL RETURNING id
                    """).all().count == 1
            }
            guard claimed else { continue }
            fired += 1
            let brand = commitment.brandID
            let note = "Follow-up: \(commitment.what) was due \(try await self.brand(brand).reader(.en).moment(commitment.dueAt)) and is not marked kept."
            guard commitment.kind.followedUpByBilling else {
                try await database.write { db in
                    try await Store.insert(events: self.events([EventDraft(type: .staffNotified, payload: [
                        "reason": .string(NoticeReason.promiseDue.text), "commitmentId": .string(commitment.id.text), "what": .string(commitment.what),
                        "staffId": .optionalString(commitment.ownerID?.text)])],
                        brand: brand, actor: .system, account: commitment.accountID, contact: nil, caseID: commitment.caseID, at: now), on: db)
                }
                continue
            }
            if let caseID = commitment.caseID, let item = try? await self.case(caseID, brand: brand), item.status != .closed, item.mergedInto == nil {
                _ = try await addInteraction(caseID: caseID, brand: brand, actor: .system, request: NewInteraction(direction: .internal, body: note))
                if item.status == .pending || item.status == .resolved {
                    _ = try await updateCase(caseID, brand: brand, actor: .system, update: CaseUpdate(status: .open, reason: "a promise to pay fell due"))
                }
                continue
            }
            let people = try await contacts(brand: brand, accountID: commitment.accountID, identity: nil, query: nil, limit: 20, cursor: nil).items
            guard let person = people.first(where: { !$0.identities.isEmpty }), let identity = person.identities.first else { continue }
            _ = try await openCase(brand: brand, actor: .system,
                                   request: OpenCase(contactPoint: .billing, from: identity, subject: "Payment promise due: \(commitment.what)", body: note,
                                                     topic: try await serviceConfig(brand: brand).topic("billing") == nil ? nil : "billing"))
        }
        return fired
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
                   ownerID: try row.optionalUUID("owner_id"), teamID: try row.optionalUUID("team_id"), status: try row.wire("status", as: CommitmentStatus.self),
                   kind: try row.wire("kind", as: CommitmentKind.self), createdAt: try row.date("created_at"), updatedAt: try row.date("updated_at"))
    }
}
