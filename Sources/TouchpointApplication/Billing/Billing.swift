import Foundation
import TouchpointCore
import TouchpointStore

/// The billing desk: invoices and their import (what an account owes is in the customer summary).
public struct Billing: Sendable {
    let store: Store

    /// Takes invoices in (new numbers are added, known ones updated — a re-import after
    /// payments brings the paid amounts), in transactions of 500. Each draft's customer is a
    /// customer number or an account id of the brand; a draft whose customer is not found is
    /// refused, the rest go in. `progress` hears how many drafts are done.
    public func importInvoices(
        _ drafts: [InvoiceDraft], brand: BrandID, actor: Actor,
        progress: (@Sendable (Int) -> Void)? = nil
    ) async throws -> InvoiceImportReport {
        try await store.importInvoices(drafts, brand: brand, actor: actor, progress: progress)
    }

    /// The invoices of an account, newest first.
    public func invoices(accountID: AccountID, brand: BrandID) async throws -> [Invoice] {
        try await store.invoices(accountID: accountID, brand: brand)
    }
}
