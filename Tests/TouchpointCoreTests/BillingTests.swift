import Foundation
import Testing
@testable import TouchpointCore

/// Invoices: CSV as spreadsheets write it, exact amounts, and one sentence of billing facts.
struct BillingTests {
    @Test func csvQuotesSeparatorsAndLineEnds() throws {
        let text = "\u{FEFF}number;customer;note\r\n\"F/1\";C-1;\"a \"\"quoted\"\"; word\"\r\n\r\nF/2;C-2;\"two\nlines\"\nF/3;C-3;"
        let records = try CSV.parse(text)
        #expect(records.map(\.line) == [1, 2, 4, 6])
        #expect(records[1].fields == ["F/1", "C-1", "a \"quoted\"; word"])
        #expect(records[2].fields == ["F/2", "C-2", "two\nlines"])
        #expect(records[3].fields == ["F/3", "C-3", ""])
        #expect(throws: CSV.Failure.unterminatedQuote(line: 2)) { try CSV.parse("a,b\n\"open,1\n2,3") }
    }

    @Test func amountsAreExactInMinorUnits() {
        #expect(Money.minorUnits("120.5") == 12050)
        #expect(Money.minorUnits("1 234,56") == 123_456)
        #expect(Money.minorUnits("0.07") == 7)
        #expect(Money.minorUnits("-3") == -300)
        for bad in ["", "1.234", "12a", "1,2,3", "."] { #expect(Money.minorUnits(bad) == nil, "\(bad)") }
        #expect(Money.format(123_456) == "1234.56" && Money.format(-5) == "-0.05")
    }

    @Test func rowsAreCheckedAndRejectedWithTheirLine() throws {
        let csv = """
            number,customer,issued_on,due_on,amount,currency,paid
            F/1,C-1,2026-10-01,2026-10-15,120.00,pln,
            F/2,C-1,2026-10-01,2026-09-30,10,PLN,
            F/3,C-2,2026-02-30,2026-03-15,10,PLN,
            F/4,C-2,2026-10-01,2026-10-15,ten,PLN,
            F/1,C-3,2026-10-01,2026-10-15,5,PLN,
            F/5,C-3,2026-10-01,2026-10-15,5,PLN,6
            F/6,C-3,2026-10-01
            """
        let read = try InvoiceCSV.read(csv)
        #expect(read.drafts.map(\.line) == [2])
        #expect(read.drafts[0].draft.currency == "PLN" && read.drafts[0].draft.amountMinor == 12000)
        #expect(read.rejected.map(\.description) == [
            "line 3, due_on: is before the issue date",
            "line 4, issued_on: a date as YYYY-MM-DD",
            "line 5, amount: an amount such as 120.50",
            "line 6, number: F/1 is also on line 2",
            "line 7, paid: is more than the amount",
            "line 8, row: has 3 fields, the header 7",
        ])
        #expect(throws: ValidationError.self) { try InvoiceCSV.read("number,customer\nF/1,C-1") }
    }

    @Test func theSummaryIsOneSentenceForEveryContactPoint() {
        let today = CivilDate("2026-11-25")!
        func invoice(_ number: String, due: String, amount: Int, paid: Int = 0) -> Invoice {
            Invoice(id: UUID(), brandID: UUID(), accountID: UUID(), number: number, issuedOn: CivilDate("2026-09-01")!, dueOn: CivilDate(due)!,
                    amountMinor: amount, paidMinor: paid, currency: "PLN")
        }
        let invoices = [invoice("F/1", due: "2026-11-01", amount: 4000), invoice("F/2", due: "2026-12-10", amount: 8000, paid: 1000),
                        invoice("F/3", due: "2026-10-01", amount: 5000, paid: 5000)]
        #expect(invoices.map { $0.status(on: today) } == [.overdue, .partiallyPaid, .paid])
        let summary = BillingSummary(invoices: invoices, today: today)
        #expect(summary.sentence == "110.00 PLN owed, 40.00 PLN overdue (1 invoice)")
        #expect(BillingSummary(invoices: [invoices[1]], today: today).sentence == "70.00 PLN owed, next due 2026-12-10")
        #expect(BillingSummary(invoices: [invoices[2]], today: today).sentence == "Nothing owed")
        #expect(BillingSummary(invoices: [], today: today).sentence == "No invoices on file")
    }
}
