import Foundation
import Hummingbird
import TouchpointApplication
import TouchpointCore

struct InvoiceDTO: Encodable {
    var id: String
    var number: String
    var accountId: String
    var issuedOn: String
    var dueOn: String
    var amount: String
    var paid: String
    var outstanding: String
    var currency: String
    var status: Invoice.Status

    init(_ invoice: Invoice, today: CivilDate) {
        id = invoice.id.text
        number = invoice.number
        accountId = invoice.accountID.text
        issuedOn = invoice.issuedOn.description
        dueOn = invoice.dueOn.description
        amount = Money.format(invoice.amountMinor)
        paid = Money.format(invoice.paidMinor)
        outstanding = Money.format(invoice.outstandingMinor)
        currency = invoice.currency
        status = invoice.status(on: today)
    }
}

struct BillingSummaryDTO: Encodable {
    var currency: String?
    var outstanding: String
    var overdue: String
    var overdueCount: Int
    var nextDue: String?
    var invoiceCount: Int
    /// The same words every contact point uses.
    var sentence: String

    init(_ summary: BillingSummary) {
        currency = summary.currency
        outstanding = Money.format(summary.outstandingMinor)
        overdue = Money.format(summary.overdueMinor)
        overdueCount = summary.overdueCount
        nextDue = summary.nextDue?.description
        invoiceCount = summary.invoiceCount
        sentence = summary.sentence
    }
}

/// One invoice in an import request; amounts as strings ("120.50") or numbers.
struct InvoiceImportItem: Decodable {
    var number: String?
    var customer: String?
    var issuedOn: String?
    var dueOn: String?
    var amount: String?
    var paid: String?
    var currency: String?

    enum CodingKeys: String, CodingKey { case number, customer, issuedOn, dueOn, amount, paid, currency }

    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        number = try c.decodeIfPresent(String.self, forKey: .number)
        customer = try c.decodeIfPresent(String.self, forKey: .customer)
        issuedOn = try c.decodeIfPresent(String.self, forKey: .issuedOn)
        dueOn = try c.decodeIfPresent(String.self, forKey: .dueOn)
        currency = try c.decodeIfPresent(String.self, forKey: .currency)
        func money(_ key: CodingKeys) throws -> String? {
            if let text = try? c.decodeIfPresent(String.self, forKey: key) { return text }
            // A JSON number is read through its decimal text, so 120.1 stays 120.10.
            return try c.decodeIfPresent(Decimal.self, forKey: key).map { "\($0)" }
        }
        amount = try money(.amount)
        paid = try money(.paid)
    }
}

struct InvoiceImportRequest: Decodable {
    var invoices: [InvoiceImportItem]
}

struct InvoiceImportResult: Encodable {
    struct Rejected: Encodable {
        var index: Int
        var field: String
        var reason: String
    }

    var created: Int
    var updated: Int
    var rejected: [Rejected]
}

extension API {
    /// Invoices from the billing system, and the billing facts of an account.
    func addBillingRoutes(to group: RouterGroup<TouchpointContext>) {
        group.post("invoices") { request, context in
            let caller = try context.caller(may: .manageAccounts)
            let body = try await io.decode(InvoiceImportRequest.self, from: request)
            guard body.invoices.count <= 10_000 else { throw ValidationError(field: "invoices", reason: "at most 10000 per request") }
            var drafts: [InvoiceDraft] = []
            var positions: [Int] = []
            var rejected: [InvoiceImportResult.Rejected] = []
            for (index, item) in body.invoices.enumerated() {
                do {
                    drafts.append(try InvoiceDraft.check(number: item.number, customer: item.customer, issuedOn: item.issuedOn, dueOn: item.dueOn,
                                                         amount: item.amount, paid: item.paid, currency: item.currency))
                    positions.append(index)
                } catch let error as TouchpointCore.ValidationError {
                    rejected.append(.init(index: index, field: "invoices[\(index)].\(error.field)", reason: error.reason))
                }
            }
            let report = try await app.billing.importInvoices(drafts, brand: caller.brandID, actor: .staff(caller.userID))
            rejected += report.rejected.map { .init(index: positions[$0.index], field: "invoices[\(positions[$0.index])].\($0.field)", reason: $0.reason) }
            return try JSONIO.response(InvoiceImportResult(created: report.created, updated: report.updated, rejected: rejected.sorted { $0.index < $1.index }))
        }
        group.get("accounts/{id}/invoices") { _, context in
            let caller = try context.caller(may: .readCustomers)
            let id = try context.parameters.id()
            _ = try await app.accounts.account(id, brand: caller.brandID)
            let invoices = try await app.billing.invoices(accountID: id, brand: caller.brandID)
            let today = CivilDate(app.environment.now(), timeZone: .gmt)
            struct Page: Encodable {
                var summary: BillingSummaryDTO
                var items: [InvoiceDTO]
            }
            return try JSONIO.response(Page(summary: BillingSummaryDTO(BillingSummary(invoices: invoices, today: today)),
                                            items: invoices.map { InvoiceDTO($0, today: today) }))
        }
    }
}
