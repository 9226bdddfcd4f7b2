/// An invoice as it arrives from the billing system (a CSV row or the API), checked but not
/// yet tied to an account.
public struct InvoiceDraft: Sendable, Equatable {
    public var number: String
    /// A customer number (`C-10000`) or an account id.
    public var customer: String
    public var issuedOn: CivilDate
    public var dueOn: CivilDate
    public var amountMinor: Int
    public var paidMinor: Int
    public var currency: String

    public init(number: String, customer: String, issuedOn: CivilDate, dueOn: CivilDate, amountMinor: Int, paidMinor: Int, currency: String) {
        self.number = number
        self.customer = customer
        self.issuedOn = issuedOn
        self.dueOn = dueOn
        self.amountMinor = amountMinor
        self.paidMinor = paidMinor
        self.currency = currency
    }

    /// Checks one invoice given as text fields (the CSV's columns, or the API's).
    public static func check(number: String?, customer: String?, issuedOn: String?, dueOn: String?, amount: String?, paid: String?,
                             currency: String?) throws(ValidationError) -> InvoiceDraft {
        func required(_ value: String?, _ field: String) throws(ValidationError) -> String {
            guard let value = value?.trimmingCharacters(in: .whitespaces), !value.isEmpty else { throw ValidationError(field: field, reason: "is required") }
            return value
        }
        let number = try required(number, "number")
        guard number.count <= 64, !number.contains(where: { $0.isNewline }) else { throw ValidationError(field: "number", reason: "at most 64 characters on one line") }
        let customer = try required(customer, "customer")
        guard let issued = CivilDate(try required(issuedOn, "issued_on")) else { throw ValidationError(field: "issued_on", reason: "a date as YYYY-MM-DD") }
        guard let due = CivilDate(try required(dueOn, "due_on")) else { throw ValidationError(field: "due_on", reason: "a date as YYYY-MM-DD") }
        guard !(due < issued) else { throw ValidationError(field: "due_on", reason: "is before the issue date") }
        guard let amountMinor = Money.minorUnits(try required(amount, "amount")) else {
            throw ValidationError(field: "amount", reason: "an amount such as 120.50")
        }
        guard amountMinor >= 0 else { throw ValidationError(field: "amount", reason: "must not be negative (credit notes are not invoices)") }
        var paidMinor = 0
        if let paid = paid?.trimmingCharacters(in: .whitespaces), !paid.isEmpty {
            guard let value = Money.minorUnits(paid), value >= 0 else { throw ValidationError(field: "paid", reason: "an amount such as 120.50") }
            guard value <= amountMinor else { throw ValidationError(field: "paid", reason: "is more than the amount") }
            paidMinor = value
        }
        let code = try required(currency, "currency").uppercased()
        guard code.count == 3, code.allSatisfy({ $0.isASCII && $0.isLetter }) else { throw ValidationError(field: "currency", reason: "a three-letter code such as PLN or EUR") }
        return InvoiceDraft(number: number, customer: customer, issuedOn: issued, dueOn: due, amountMinor: amountMinor, paidMinor: paidMinor, currency: code)
    }
}

/// A row the import did not take, and why.
public struct RowRejection: Sendable, Equatable, CustomStringConvertible {
    public var line: Int
    public var field: String
    public var reason: String

    public init(line: Int, field: String, reason: String) {
        self.line = line
        self.field = field
        self.reason = reason
    }

    public var description: String { "line \(line), \(field): \(reason)" }
}

/// Reading an invoice CSV: a header naming the columns (in any order), then one invoice per
/// record.
public enum InvoiceCSV {
    public static let requiredColumns = ["number", "customer", "issued_on", "due_on", "amount", "currency"]
    public static let optionalColumns = ["paid"]

    /// The drafts with their line numbers, and the rows refused with the reason.
    public static func read(_ text: String) throws(ValidationError) -> (drafts: [(line: Int, draft: InvoiceDraft)], rejected: [RowRejection]) {
        let records: [CSV.Record]
        do {
            records = try CSV.parse(text)
        } catch {
            switch error {
            case .unterminatedQuote(let line): throw ValidationError(field: "file", reason: "a quoted field starting on line \(line) never ends")
            }
        }
        guard let header = records.first else { throw ValidationError(field: "file", reason: "is empty") }
        let names = header.fields.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        for column in requiredColumns where !names.contains(column) {
            throw ValidationError(field: "header", reason: "no column \(column) (needs \(requiredColumns.joined(separator: ", ")); optional: paid)")
        }
        var drafts: [(Int, InvoiceDraft)] = []
        var rejected: [RowRejection] = []
        var seen: [String: Int] = [:]
        for record in records.dropFirst() {
            guard record.fields.count == names.count else {
                rejected.append(RowRejection(line: record.line, field: "row", reason: "has \(record.fields.count) fields, the header \(names.count)"))
                continue
            }
            let value = Dictionary(zip(names, record.fields), uniquingKeysWith: { first, _ in first })
            do {
                let draft = try InvoiceDraft.check(number: value["number"], customer: value["customer"], issuedOn: value["issued_on"], dueOn: value["due_on"],
                                                   amount: value["amount"], paid: value["paid"], currency: value["currency"])
                if let earlier = seen[draft.number] {
                    rejected.append(RowRejection(line: record.line, field: "number", reason: "\(draft.number) is also on line \(earlier)"))
                    continue
                }
                seen[draft.number] = record.line
                drafts.append((record.line, draft))
            } catch {
                rejected.append(RowRejection(line: record.line, field: error.field, reason: error.reason))
            }
        }
        return (drafts, rejected)
    }
}
