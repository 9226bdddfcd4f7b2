import Foundation

/// An invoice of an account as the billing system knows it; Touchpoint keeps a copy so every
/// contact point tells a customer the same thing about what they owe.
public struct Invoice: Sendable, Equatable {
    public enum Status: String, WireEnum {
        case open, partiallyPaid, paid, overdue
    }

    public var id: UUID
    public var brandID: BrandID
    public var accountID: AccountID
    /// The billing system's number, unique in the brand; importing it again updates it.
    public var number: String
    public var issuedOn: CivilDate
    public var dueOn: CivilDate
    /// In the currency's minor unit (cents, grosze), so sums are exact.
    public var amountMinor: Int
    public var paidMinor: Int
    public var currency: String

    public init(id: UUID, brandID: BrandID, accountID: AccountID, number: String, issuedOn: CivilDate, dueOn: CivilDate, amountMinor: Int,
                paidMinor: Int, currency: String) {
        self.id = id
        self.brandID = brandID
        self.accountID = accountID
        self.number = number
        self.issuedOn = issuedOn
        self.dueOn = dueOn
        self.amountMinor = amountMinor
        self.paidMinor = paidMinor
        self.currency = currency
    }

    public var outstandingMinor: Int { max(0, amountMinor - paidMinor) }

    /// Its state on `today` (the brand's calendar day): unpaid after the due day is overdue.
    public func status(on today: CivilDate) -> Status {
        if outstandingMinor == 0 { return .paid }
        if dueOn < today { return .overdue }
        return paidMinor > 0 ? .partiallyPaid : .open
    }
}

/// A calendar day without a time or zone (invoice dates).
public struct CivilDate: Comparable, Hashable, Sendable, CustomStringConvertible {
    public var year: Int
    public var month: Int
    public var day: Int

    /// Parses `YYYY-MM-DD`, checking the day exists.
    public init?(_ text: String) {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
              let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2]), (1...12).contains(month), day >= 1 else { return nil }
        let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
        let days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]
        guard day <= days else { return nil }
        self.year = year
        self.month = month
        self.day = day
    }

    /// The day `date` falls on in `timeZone`.
    public init(_ date: Date, timeZone: TimeZone) {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let parts = calendar.dateComponents([.year, .month, .day], from: date)
        year = parts.year ?? 1970
        month = parts.month ?? 1
        day = parts.day ?? 1
    }

    public var description: String { String(format: "%04d-%02d-%02d", year, month, day) }

    public static func < (lhs: CivilDate, rhs: CivilDate) -> Bool {
        (lhs.year, lhs.month, lhs.day) < (rhs.year, rhs.month, rhs.day)
    }
}

/// What every contact point says about an account's bills.
public struct BillingSummary: Sendable, Equatable {
    public var currency: String?
    /// Unpaid, in minor units.
    public var outstandingMinor: Int
    public var overdueMinor: Int
    public var overdueCount: Int
    /// The earliest due day of what is unpaid and not yet overdue.
    public var nextDue: CivilDate?
    public var invoiceCount: Int

    /// One line a person can read out: "Nothing owed", "120.00 PLN owed, 40.00 PLN overdue (1 invoice)".
    public var sentence: String {
        guard outstandingMinor > 0, let currency else { return invoiceCount == 0 ? "No invoices on file" : "Nothing owed" }
        var text = "\(Money.format(outstandingMinor)) \(currency) owed"
        if overdueMinor > 0 { text += ", \(Money.format(overdueMinor)) \(currency) overdue (\(overdueCount) invoice\(overdueCount == 1 ? "" : "s"))" }
        else if let nextDue { text += ", next due \(nextDue)" }
        return text
    }

    public init(invoices: [Invoice], today: CivilDate) {
        // Sums across currencies would mean nothing; the most used currency is summarized.
        let byCurrency = Dictionary(grouping: invoices, by: \.currency)
        let main = byCurrency.max { $0.value.count < $1.value.count }
        currency = main?.key
        let mine = main?.value ?? []
        outstandingMinor = mine.reduce(0) { $0 + $1.outstandingMinor }
        let overdue = mine.filter { $0.status(on: today) == .overdue }
        overdueMinor = overdue.reduce(0) { $0 + $1.outstandingMinor }
        overdueCount = overdue.count
        nextDue = mine.filter { $0.outstandingMinor > 0 && $0.dueOn >= today }.map(\.dueOn).min()
        invoiceCount = invoices.count
    }
}

/// Amounts in minor units as people write them.
public enum Money {
    /// "1234.5" or "1 234,50" → 123450; nil when it is not an amount with at most two decimals.
    public static func minorUnits(_ text: String) -> Int? {
        var cleaned = text.trimmingCharacters(in: .whitespaces).filter { $0 != " " && $0 != "\u{00A0}" }
        if cleaned.contains(","), !cleaned.contains(".") { cleaned = cleaned.replacingOccurrences(of: ",", with: ".") }
        let negative = cleaned.hasPrefix("-")
        if negative { cleaned.removeFirst() }
        let parts = cleaned.split(separator: ".", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count), !parts[0].isEmpty, parts[0].allSatisfy(\.isASCII), parts[0].allSatisfy(\.isNumber),
              parts[0].count <= 13, let whole = Int(parts[0]) else { return nil }
        var cents = 0
        if parts.count == 2 {
            let fraction = parts[1]
            guard (1...2).contains(fraction.count), fraction.allSatisfy(\.isASCII), fraction.allSatisfy(\.isNumber), let value = Int(fraction) else { return nil }
            cents = fraction.count == 1 ? value * 10 : value
        }
        let total = whole * 100 + cents
        return negative ? -total : total
    }

    public static func format(_ minor: Int) -> String {
        let sign = minor < 0 ? "-" : ""
        let value = abs(minor)
        return "\(sign)\(value / 100).\(String(format: "%02d", value % 100))"
    }
}
