import Foundation
import Testing
import TouchpointApp
import TouchpointCore
import TouchpointStore

/// The demo a newcomer starts with is a calm, believable day at a Polish energy utility:
/// a small backlog with one or two cases past their deadline (there were 114 breaches and
/// 160 escalations), people with distinct, correctly spelled names, and histories whose
/// times make sense.
@Suite("Demo data a newcomer trusts")
struct DemoDataTests {
    @Test func theDemoIsACalmDayWithBelievableHistories() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tp-demo-\(UUID().uuidString)").path
        let store = try await Touchpoint.openStore(.sqlite(directory: directory), logger: .init(label: "demo-test"))
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let now = Date()
        _ = try await DemoData.load(into: store, now: now)
        let loaded = Date()
        let brand = try #require(try await store.brands().first { $0.slug == "acme" })
        #expect(brand.timeZone == "Europe/Warsaw")

        let active = try await store.cases(brand: brand.id, filter: CaseFilter(statuses: CaseStatus.allCases.filter(\.isActive)), limit: 500, cursor: nil).items
        let labels = active.compactMap { $0.sla?.label(at: now) }
        let breached = labels.filter { $0 == .breached }.count
        let needAttention = labels.filter(\.needsAttention).count
        #expect((10...40).contains(active.count), "a small backlog, not \(active.count) open cases")
        #expect((1...2).contains(breached), "one or two breached, not \(breached)")
        #expect(needAttention <= 6, "\(needAttention) cases need attention")

        let events = try await store.events(brand: brand.id, since: now.addingTimeInterval(-100 * 86_400), limit: 100_000)
        #expect(events.filter { $0.type == .caseEscalated }.count <= 4)

        // Every history starts with the case's first message, in order, and nothing is dated after now.
        for item in try await store.cases(brand: brand.id, filter: CaseFilter(), limit: 500, cursor: nil).items {
            let interactions = try await store.interactions(caseID: item.id, brand: brand.id)
            let times = interactions.map(\.occurredAt)
            #expect(times == times.sorted() && times.allSatisfy { $0 <= loaded }, "case \(item.number)")
            if let first = interactions.first { #expect(abs(first.occurredAt.timeIntervalSince(item.createdAt)) < 1, "case \(item.number)") }
        }

        // Customers are different people, their names spelled with Polish letters.
        let contacts = try await store.contacts(brand: brand.id, accountID: nil, identity: nil, query: nil, limit: 500, cursor: nil).items
        let names = contacts.compactMap(\.name)
        #expect(Set(names).count == names.count, "\(names.count - Set(names).count) names repeat")
        #expect(names.contains { $0.contains("ł") || $0.contains("ń") || $0.contains("ś") || $0.contains("ó") })
        #expect(names.allSatisfy { name in
            // A woman's name with a -ski surname would be a grammatical error.
            let parts = name.split(separator: " ")
            return !(parts.count == 2 && parts[0].hasSuffix("a") && parts[1].hasSuffix("ski"))
        }, "\(names)")
        await store.database.shutdown()
    }
}
