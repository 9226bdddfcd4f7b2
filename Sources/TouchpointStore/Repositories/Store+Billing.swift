import Foundation
import SQLKit
import TouchpointCore

extension Store {
    /// Takes invoices in (new numbers are added, known ones updated — a re-import after
    /// payments brings the paid amounts), in transactions of 500. Each draft's customer is a
    /// customer number or an account id of the brand; a draft whose customer is not found is
    /// refused, the rest go in. `progress` hears how many drafts are done.
    public func importInvoices(_ drafts: [InvoiceDraft], brand: BrandID, actor: Actor,
                               progress: (@Sendable (Int) -> Void)? = nil) async throws -> InvoiceImportReport {
        var report = InvoiceImportReport()
        let environment = self.environment
        for start in stride(from: 0, to: drafts.count, by: 500) {
            let batch = Array(drafts[start..<min(start + 500, drafts.count)])
            let result = try await database.write { db -> InvoiceImportReport in
                var report = InvoiceImportReport()
                let now = environment.now()
                var touched: [AccountID: Int] = [:]
                var accounts: [String: AccountID?] = [:]
                for (offset, draft) in batch.enumerated() {
                    let account: AccountID?
                    if let known = accounts[draft.customer] {
                        account = known
                    } else {
                        account = try await Store.billingAccount(draft.customer, brand: brand, on: db)
                        accounts[draft.customer] = account
                    }
                    guard let account else {
                        report.rejected.append((start + offset, "customer", "no customer number or account \(draft.customer) in this brand"))
                        continue
                    }
                    let existing = try await db.raw("SELECT id FROM invoices WHERE brand_id = \(bind: brand.text) AND number = \(bind: draft.number)").first()
                    if let existing {
                        try await db.raw("""
                            UPDATE invoices SET account_id = \(bind: account.text), issued_on = \(bind: draft.issuedOn.description), due_on = \(bind: draft.dueOn.description),
                            amount_minor = \(bind: draft.amountMinor), paid_minor = \(bind: draft.paidMinor), currency = \(bind: draft.currency), updated_at = \(bind: Convert.ms(now))
                            WHERE id = \(bind: try existing.string("id"))
                            """).run()
                        report.updated += 1
                    } else {
                        try await db.raw("""
                            INSERT INTO invoices (id, brand_id, account_id, number, issued_on, due_on, amount_minor, paid_minor, currency, created_at, updated_at)
                            VALUES (\(bind: environment.newID().text), \(bind: brand.text), \(bind: account.text), \(bind: draft.number), \(bind: draft.issuedOn.description),
                                    \(bind: draft.dueOn.description), \(bind: draft.amountMinor), \(bind: draft.paidMinor), \(bind: draft.currency),
                                    \(bind: Convert.ms(now)), \(bind: Convert.ms(now)))
                            """).run()
                        report.created += 1
                    }
                    touched[account, default: 0] += 1
                }
                // One event per account and batch, not one per invoice: the timeline says the
                // billing facts changed, the invoices themselves are on the account.
                var events: [DomainEvent] = []
                for (account, count) in touched {
                    events += self.events([EventDraft(type: .billingUpdated, payload: ["invoices": .int(count)])], brand: brand, actor: actor,
                                          account: account, contact: nil, caseID: nil, at: now)
                }
                try await Store.insert(events: events, on: db)
                return report
            }
            report.created += result.created
            report.updated += result.updated
            report.rejected += result.rejected
            progress?(start + batch.count)
        }
        return report
    }

    /// The account a billing customer reference names: a customer number's contact's
    /// account, or an account id.
    static func billingAccount(_ reference: String, brand: BrandID, on db: any SQLDatabase) async throws -> AccountID? {
        if let id = UUID(text: reference) {
            return try await db.raw("SELECT id FROM accounts WHERE id = \(bind: id.text) AND brand_id = \(bind: brand.text)").first().map { try $0.uuid("id") }
        }
        guard let identity = try? Identity(kind: .customerNumber, raw: reference), let found = try await resolve(identity, brand: brand, on: db) else { return nil }
        return found.account
    }

    public func invoices(accountID: AccountID, brand: BrandID) async throws -> [Invoice] {
        try await database.read { db in
            try await db.raw("""
                SELECT * FROM invoices WHERE account_id = \(bind: accountID.text) AND brand_id = \(bind: brand.text) ORDER BY due_on DESC, number DESC LIMIT 500
                """).all().map(Store.invoice(from:))
        }
    }

    /// The billing facts of an account on `today` (UTC by default), as every contact point shows them.
    public func billingSummary(accountID: AccountID, brand: BrandID) async throws -> BillingSummary {
        BillingSummary(invoices: try await invoices(accountID: accountID, brand: brand), today: CivilDate(environment.now(), timeZone: .gmt))
    }

    static func invoice(from row: any SQLRow) throws -> Invoice {
        guard let issued = CivilDate(try row.string("issued_on")), let due = CivilDate(try row.string("due_on")) else {
            throw StoreError.unavailable("corrupt invoice date")
        }
        return Invoice(id: try row.uuid("id"), brandID: try row.uuid("brand_id"), accountID: try row.uuid("account_id"), number: try row.string("number"),
                       issuedOn: issued, dueOn: due, amountMinor: try row.int("amount_minor"), paidMinor: try row.int("paid_minor"),
                       currency: try row.string("currency"))
    }
}
