import Foundation
import HummingbirdTesting
import Testing
import TouchpointCore
import TouchpointStore

@testable import TouchpointWeb

/// One customer summary behind the API, the agent's case page and the portal: the same open
/// cases, promises, visits and appointments wherever the customer is looked at.
@Suite("The customer summary, the same everywhere")
struct CustomerSummaryTests {
    @Test func theAPIAndTheCasePageShowTheSameOpenCasesPromisesAndWhatIsComingUp() async throws {
        try await withConsole { fixture, client in
            // setup: Ewa of an account, two open cases and a solved one, a promise, a technician's
            // visit on an open case and a desk appointment, all still to come.
            let store = fixture.store
            let brand = fixture.brandID
            let now = Date()
            let account = try await store.createAccount(brand: brand, actor: .system, name: "Nowak household", profile: AccountProfile())
            let phone = try Identity(kind: .phone, raw: "+48600700800")
            let ewa = try await store.createContact(
                brand: brand, actor: .system, accountID: account.id, name: "Ewa Nowak", title: nil,
                preferredContactPoint: nil, identities: [phone])
            func open(_ subject: String) async throws -> Case {
                try await store.openCase(
                    brand: brand, actor: nil, request: OpenCase(contactPoint: .phone, from: phone, subject: subject, body: subject)
                ).case
            }
            let meter = try await open("Meter shows E5")
            let tariff = try await open("Which tariff suits me?")
            let solved = try await open("Address change")
            _ = try await store.updateCase(solved.id, brand: brand, actor: .system, update: CaseUpdate(status: .resolved))
            let promise = try await store.createCommitment(
                brand: brand, actor: .system, accountID: account.id, caseID: meter.id,
                what: "Call back with the corrected invoice", dueAt: now.addingTimeInterval(86_400), ownerID: nil)
            let technician = try await store.staffUser(email: "technician@acme.example")
            try await store.setTechnician(technician.id, brand: brand, regions: ["warsaw"], travelMinutes: 15)
            let visit = try await store.scheduleVisit(
                caseID: meter.id, brand: brand, actor: .system,
                request: VisitRequest(
                    technicianID: technician.id, start: now.addingTimeInterval(2 * 86_400), minutes: 45,
                    skill: nil, region: "Warsaw", address: "ul. Polna 1"))
            let always = try await store.saveCalendar(
                id: nil, name: "Always open",
                calendar: try CalendarDefinition(
                    timeZone: "Europe/Warsaw",
                    weekly: [
                        "mon": [["00:00", "24:00"]], "tue": [["00:00", "24:00"]], "wed": [["00:00", "24:00"]], "thu": [["00:00", "24:00"]],
                        "fri": [["00:00", "24:00"]], "sat": [["00:00", "24:00"]], "sun": [["00:00", "24:00"]],
                    ]
                ).calendar(), brand: brand, actor: .system)
            let setup = LocationSetup(
                categories: [ServiceCategory(code: "B", name: "Billing", averageServiceMinutes: 15, appointmentsPerSlot: 1)],
                desks: [Desk(code: "1", name: "Desk 1")], calendarId: always.id)
            let centre = try await store.createLocation(
                brand: brand, slug: "centre", name: "Centre", timeZone: "Europe/Warsaw", setup: setup, actor: .system)
            // An hour ahead: the setup takes a minute or more on a loaded machine, long enough for a
            // slot starting a few seconds after `now` to have passed by the time it is booked.
            let slot = try #require(try await store.deskAppointmentSlots(
                location: centre.id, brand: brand, category: "B", from: now.addingTimeInterval(3600), limit: 1).first)
            let desk = try await store.bookDeskAppointment(
                location: centre.id, brand: brand, category: "B", contact: ewa.id, start: slot, caseID: tariff.id,
                actor: .system)

            // act
            let answer = try await client.execute(uri: "/api/v1/contacts/\(ewa.id.text)/summary", method: .get, headers: fixture.headers("agent"))
            let summary = try json(answer)

            // check: only the open cases; the promise, the visit and the appointment; the account with its billing.
            #expect(answer.status == .ok)
            let openCases = try #require(summary["openCases"] as? [[String: Any]])
            #expect(Set(openCases.compactMap { $0["id"] as? String }) == [meter.id.text, tariff.id.text])
            #expect((summary["contact"] as? [String: Any])?["id"] as? String == ewa.id.text)
            #expect((summary["account"] as? [String: Any])?["id"] as? String == account.id.text)
            #expect((summary["openCommitments"] as? [[String: Any]])?.compactMap { $0["id"] as? String } == [promise.id.text])
            #expect((summary["visits"] as? [[String: Any]])?.compactMap { $0["id"] as? String } == [visit.id.text])
            #expect((summary["deskAppointments"] as? [[String: Any]])?.compactMap { $0["id"] as? String } == [desk.id.text])
            #expect((summary["billing"] as? [String: Any])?["invoiceCount"] as? Int == 0)
            let elsewhere = try await client.execute(uri: "/api/v1/contacts/\(ewa.id.text)/summary", method: .get, headers: fixture.headers("globex"))
            #expect(elsewhere.status == .notFound)

            // check: the agent's case page shows the same, from the same summary.
            var agent = ConsoleBrowser(client)
            _ = try await agent.signIn("agent@acme.example")
            let page = String(buffer: try await agent.get("/console/cases/\(meter.number)").body)
            let comingUp = try #require(page.range(of: "id=\"coming-up\"")).upperBound
            let list = String(page[comingUp...].prefix { $0 != "\n" })
            #expect(
                list.contains("Technician&#39;s visit") && list.contains("ul. Polna 1") && list.contains("Appointment: Billing")
                    && list.contains("Centre"))
            let others = try #require(page.range(of: "id=\"other-open\"")).upperBound
            let otherList = String(page[others...].prefix { $0 != "\n" })
            #expect(
                otherList.contains("Acme-\(tariff.number)") && !otherList.contains("Acme-\(solved.number)")
                    && !otherList.contains("Acme-\(meter.number)<"))
            #expect(page.contains("Call back with the corrected invoice"))
        }
    }
}
