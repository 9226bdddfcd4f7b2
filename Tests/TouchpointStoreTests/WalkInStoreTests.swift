import Foundation
import Testing
import TouchpointCore
@testable import TouchpointStore
import TouchpointTestSupport

/// The walk-in queue kept in the database: numbering under concurrency, a visit from ticket
/// to timeline, on every database.
@Suite("Walk-in queue in the store")
struct WalkInStoreTests {
    static let setup = LocationSetup(categories: [ServiceCategory(code: "B", name: "Billing", averageServiceMinutes: 6)],
                                     desks: [Desk(code: "1", name: "Desk 1"), Desk(code: "2", name: "Desk 2")])

    @Test(arguments: Backend.available)
    func numbersAreUniqueUnderConcurrentTakers(backend: Backend) async throws {
        try await withStore(backend) { store in
            let brand = try await store.createBrand(slug: "acme", name: "Acme", casePrefix: "Acme", defaultCallingCode: "48")
            let location = try await store.createLocation(brand: brand.id, slug: "centre", name: "Centre", timeZone: "Europe/Warsaw", setup: Self.setup, actor: .system)
            let numbers = try await withThrowingTaskGroup(of: Int.self) { group in
                for _ in 0..<20 {
                    group.addTask {
                        try await store.takeTicket(location: location.id, brand: brand.id, category: "B", contact: nil, identity: nil, caseID: nil,
                                                   source: "test", actor: .system).number
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(numbers.sorted() == Array(1...20))
        }
    }

    @Test(arguments: Backend.available)
    func aVisitEndsOnTheCustomersTimeline(backend: Backend) async throws {
        try await withStore(backend) { store in
            let brand = try await store.createBrand(slug: "acme", name: "Acme", casePrefix: "Acme", defaultCallingCode: "48")
            let staff = try await store.createStaffUser(brand: brand.id, email: "desk@acme.example", name: "Dana Desk", role: .agentL1, team: nil)
            let location = try await store.createLocation(brand: brand.id, slug: "centre", name: "Centre", timeZone: "Europe/Warsaw", setup: Self.setup, actor: .system)
            let customer = try Identity(kind: .customerNumber, raw: "C-1001")
            let ticket = try await store.takeTicket(location: location.id, brand: brand.id, category: "B", contact: nil, identity: customer, caseID: nil,
                                                    source: "kiosk", actor: .system)
            let contact = try #require(ticket.contactID)
            let called = try #require(try await store.callNext(location: location.id, desk: "2", brand: brand.id, staff: staff.id))
            #expect(called.id == ticket.id && called.desk == "2")
            #expect(try await store.callNext(location: location.id, desk: "2", brand: brand.id, staff: staff.id) == nil)
            _ = try await store.moveTicket(ticket.id, brand: brand.id, actor: .staff(staff.id), step: .arrived)
            let (done, interaction) = try await store.finishVisit(ticket.id, brand: brand.id, staff: staff.id, outcome: .followUp, note: "Wants a payment plan.")
            #expect(done.state == .done && done.caseID != nil)
            let visit = try #require(interaction)
            #expect(visit.contactPoint == .inPerson && visit.contactID == contact && visit.caseID == done.caseID)
            #expect(visit.text.contains("Visit B001 at Centre, desk 2") && visit.text.contains("payment plan"))
            let timeline = try await store.contactTimeline(contact, brand: brand.id, limit: 50, cursor: nil).items
            let kinds = timeline.compactMap { entry -> String? in
                if case .event(let event) = entry { return event.type.rawValue }
                return nil
            }
            #expect(kinds.contains("visit.queued") && kinds.contains("visit.called"))
            #expect(timeline.contains { if case .interaction(let item) = $0 { item.id == visit.id } else { false } })
            let state = try await store.queueState(location: location.id, brand: brand.id)
            #expect(state.waiting.isEmpty && state.openDesks["2"] == staff.id)
        }
    }

    @Test(arguments: Backend.available)
    func aKioskSendsOneNumberFewCodes(backend: Backend) async throws {
        let clock = TestClock(Date(timeIntervalSince1970: 1_800_000_000))
        try await withStore(backend, environment: clock.environment) { store in
            let brand = try await store.createBrand(slug: "acme", name: "Acme", casePrefix: "Acme", defaultCallingCode: "48")
            let location = try await store.createLocation(brand: brand.id, slug: "centre", name: "Centre", timeZone: "Europe/Warsaw", setup: Self.setup, actor: .system)
            _ = try await store.registerKiosk(brand: brand.id, location: location.id, name: "Lobby", idleSeconds: 60, languages: ["en"], token: "kiosk-token")
            let kiosk = try #require(try await store.kiosk(token: "kiosk-token"))
            await #expect(throws: StoreError.self, "no SMS integration: no codes") { try await store.kioskSendCode(kiosk, phone: "+48600100400") }
            _ = try await store.createIntegration(id: "sms", brand: brand.id, kind: .sms, name: "SMS", secret: "s")
            _ = try await store.createContact(brand: brand.id, actor: .system, accountID: nil, name: "Known", title: nil, preferredContactPoint: nil,
                                              identities: [try Identity(kind: .phone, raw: "+48600100400")])
            // Known and unknown numbers alike: three codes, then a refusal until the window passes.
            for phone in ["+48600100400", "+48600100499"] {
                for _ in 0..<3 { try await store.kioskSendCode(kiosk, phone: phone) }
                await #expect(throws: KioskRefusal.tooManyAttempts) { try await store.kioskSendCode(kiosk, phone: phone) }
            }
            let codes = try await store.outbox(brand: brand.id, state: nil, contactPoints: [.sms, .whatsApp], limit: 200, cursor: nil).items
            #expect(codes.count == 3 && codes.allSatisfy { $0.recipient == "+48600100400" })
            clock.set(clock.now.addingTimeInterval(15 * 60 + 1))
            // The code speaks the screen's language.
            try await store.kioskSendCode(kiosk, phone: "+48600100400", language: .pl)
            let sent = try await store.outbox(brand: brand.id, state: nil, contactPoints: [.sms, .whatsApp], limit: 200, cursor: nil).items
            #expect(sent.count == 4)
            let polish = CustomerMessages(.pl).kioskCode(brand: brand.name, code: "CODE").components(separatedBy: "CODE")
            #expect(sent.contains { item in polish.allSatisfy { item.text?.text.contains($0) == true } })
        }
    }
}