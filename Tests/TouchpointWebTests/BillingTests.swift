import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
import TouchpointApp
import TouchpointCore
import TouchpointStore
@testable import TouchpointWeb

/// Invoices in through the CLI and the API, and the same billing facts on every contact point.
@Suite("Billing: invoice import and the facts every contact point shows", .serialized)
struct BillingImportTests {
    @Test func theCLIImportsACSVWithProgressAndReportsRejectedRows() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tp-billing-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let binary = try Processes.touchpoint()
        #expect(try await Processes.run(binary, ["demo", "--data-dir", directory]).status == 0)
        // 1,200 invoices of the demo's customers (three batches), and two bad rows.
        var csv = "number;customer;issued_on;due_on;amount;currency;paid\n"
        for index in 0..<1200 {
            csv += "FV/\(index);C-\(10_000 + index % 20);2026-10-01;2026-10-31;\(100 + index).50;PLN;\(index % 2 == 0 ? "0" : "\(100 + index).50")\n"
        }
        csv += "FV/x;C-99999;2026-10-01;2026-10-31;10;PLN;\n"
        csv += "FV/y;C-10000;2026-10-01;2026-10-31;ten;PLN;\n"
        let file = directory + "/invoices.csv"
        try csv.write(toFile: file, atomically: true, encoding: .utf8)
        let run = try await Processes.run(binary, ["import", "invoices", file, "--data-dir", directory, "--brand", "acme"])
        #expect(run.status == 2)
        #expect(run.out.contains("Imported 1200 invoices (1200 new, 0 updated)"))
        #expect(run.out.contains("line 1202, customer: no customer number or account C-99999 in this brand"))
        #expect(run.out.contains("line 1203, amount: an amount such as 120.50"))
        #expect(run.err.contains("100% 1201/1201 rows"), "the progress bar counts the rows checked")
        // Importing again after payments updates, nothing doubles.
        let again = try await Processes.run(binary, ["import", "invoices", file, "--data-dir", directory, "--brand", "acme"])
        #expect(again.out.contains("Imported 1200 invoices (0 new, 1200 updated)"))
        let broken = directory + "/broken.csv"
        try "number,customer\n\"F/1,C-1\n".write(toFile: broken, atomically: true, encoding: .utf8)
        let refused = try await Processes.run(binary, ["import", "invoices", broken, "--data-dir", directory])
        #expect(refused.status == 65 && refused.err.contains("never ends"))
    }

    @Test func theAPIImportsAndEveryContactPointTellsTheSameFacts() async throws {
        try await withConsole { fixture, client in
            let account = try await fixture.store.createAccount(brand: fixture.brandID, actor: .system, name: "Kowalski Bakery", profile: AccountProfile())
            _ = try await fixture.store.createContact(brand: fixture.brandID, actor: .system, accountID: account.id, name: "Jan Kowalski", title: nil,
                                                      preferredContactPoint: nil,
                                                      identities: [Identity(storedKind: .customerNumber, value: "C-500"), Identity(storedKind: .email, value: "jan@bakery.example")])
            let request: [String: Any] = ["invoices": [
                ["number": "FV/1", "customer": "C-500", "issuedOn": "2026-01-01", "dueOn": "2026-01-15", "amount": 40, "currency": "PLN"],
                ["number": "FV/2", "customer": account.id.text, "issuedOn": "2099-01-01", "dueOn": "2099-01-15", "amount": "70.10", "paid": 0.1, "currency": "PLN"],
                ["number": "FV/3", "customer": "C-404", "issuedOn": "2026-01-01", "dueOn": "2026-01-15", "amount": 1, "currency": "PLN"],
                ["number": "FV/4", "customer": "C-500", "issuedOn": "2026-01-01", "dueOn": "2026-01-15", "amount": 1, "currency": "PLNX"],
            ]]
            let imported = try json(try await client.execute(uri: "/api/v1/invoices", method: .post, headers: fixture.headers("admin"), body: body(request)))
            #expect(imported["created"] as? Int == 2)
            let rejected = try #require(imported["rejected"] as? [[String: Any]])
            #expect(rejected.map { $0["field"] as? String } == ["invoices[2].customer", "invoices[3].currency"])
            #expect(try await client.execute(uri: "/api/v1/invoices", method: .post, headers: fixture.headers("agent"), body: body(request)).status == .forbidden)

            let sentence = "110.00 PLN owed, 40.00 PLN overdue (1 invoice)"
            let listed = try json(try await client.execute(uri: "/api/v1/accounts/\(account.id.text)/invoices", method: .get, headers: fixture.headers("agent")))
            #expect((listed["summary"] as? [String: Any])?["sentence"] as? String == sentence)
            #expect((listed["items"] as? [[String: Any]])?.compactMap { $0["status"] as? String } == ["partiallyPaid", "overdue"])

            // The staff console, on the case page and the account page.
            let opened = try await fixture.store.openCase(brand: fixture.brandID, actor: nil,
                                                          request: OpenCase(contactPoint: .email, from: Identity(storedKind: .email, value: "jan@bakery.example"),
                                                                            subject: "Why two invoices?", body: "Hello"))
            var browser = ConsoleBrowser(client)
            _ = try await browser.signIn("agent@acme.example")
            #expect(String(buffer: try await browser.get("/console/cases/\(opened.case.number)").body).contains(sentence))
            #expect(String(buffer: try await browser.get("/console/accounts/\(account.id.text)").body).contains(sentence))
        }
    }

    @Test func paymentPlansAndPromisesToPayAreFollowedUpByBillingStaff() async throws {
        try await TestServer.run { server in
            let brand = server.brand.id
            let account = try #require(try await server.store.accounts(brand: brand, query: nil, stage: nil, limit: 1, cursor: nil).items.first)
            let plan = try await server.store.createPaymentPlan(brand: brand, actor: .system, accountID: account.id, caseID: nil, totalMinor: 100_000,
                                                                currency: "pln", instalments: 3, firstDue: Date().addingTimeInterval(-3600), everyDays: 30,
                                                                invoice: "FV/9")
            #expect(plan.map(\.what) == ["Instalment 1/3: 333.33 PLN of FV/9", "Instalment 2/3: 333.33 PLN of FV/9", "Instalment 3/3: 333.34 PLN of FV/9"])
            #expect(plan.allSatisfy { $0.kind == .instalment })
            let before = try await server.store.cases(brand: brand, filter: CaseFilter(accountID: account.id), limit: 200, cursor: nil).items.count

            // The first instalment fell due an hour ago (with any of the demo's own promises
            // that are overdue): one billing case, and only once.
            #expect(try await server.store.fireCommitmentReminders(now: Date()) >= 1)
            #expect(try await server.store.fireCommitmentReminders(now: Date()) == 0)
            let cases = try await server.store.cases(brand: brand, filter: CaseFilter(accountID: account.id), limit: 200, cursor: nil).items
            #expect(cases.count == before + 1)
            let followUp = try #require(cases.first { $0.subject == "Payment promise due: Instalment 1/3: 333.33 PLN of FV/9" })
            let billingDesk = try await server.store.teamProfiles(brand: brand).first { $0.team.name == "Billing desk" }?.team.id
            #expect(followUp.contactPoint == .billing && followUp.topic == "billing" && followUp.teamID == billingDesk)

            // A promise to pay made on a case that now waits for the customer reopens it with a note.
            let waiting = try await server.store.updateCase(followUp.id, brand: brand, actor: .system, update: CaseUpdate(status: .pending))
            _ = try await server.store.createCommitment(brand: brand, actor: .system, accountID: account.id, caseID: waiting.id,
                                                        what: "Pays 333.33 PLN", dueAt: Date().addingTimeInterval(-60), ownerID: nil, kind: .promiseToPay)
            #expect(try await server.store.fireCommitmentReminders(now: Date()) == 1)
            #expect(try await server.store.case(followUp.id, brand: brand).status == .open)
            let note = try #require(try await server.store.interactions(caseID: followUp.id, brand: brand).last)
            #expect(note.direction == .internal && note.text.hasPrefix("Follow-up: Pays 333.33 PLN was due"))
        }
    }
}
