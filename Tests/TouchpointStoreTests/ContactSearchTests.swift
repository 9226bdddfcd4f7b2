import Foundation
import Testing
import TouchpointCore
import TouchpointTestSupport

@testable import TouchpointStore

@Suite("Customer search by words, on every database")
struct ContactSearchTests {
    @Test(arguments: Backend.available)
    func customersAreFoundByNameEmailPhoneAndNumberAndKeepUpWithChanges(backend: Backend) async throws {
        try await withStore(backend) { store in
            // setup: customers with names, addresses and numbers; one from a first email; another brand's namesake.
            let fx = try await Fixture.make(store)
            let other = try await Fixture.make(store, slug: "other")
            func create(_ name: String?, _ identities: [Identity], in brand: BrandID) async throws -> Contact {
                try await store.createContact(
                    brand: brand, actor: .system, accountID: nil, name: name, title: nil,
                    preferredContactPoint: nil, identities: identities)
            }
            let jan = try await create("Jan Kowalski", [try Identity(kind: .email, raw: "jan.k@example.com")], in: fx.brand.id)
            let anna = try await create(
                "Anna Nowak",
                [
                    try Identity(kind: .phone, raw: "+48 600 100 200"),
                    try Identity(kind: .customerNumber, raw: "c-10007"),
                ], in: fx.brand.id)
            let zaneta = try await create("Żaneta Kowalczyk", [], in: fx.brand.id)
            _ = try await create("Jan Kowalski", [], in: other.brand.id)
            let mailed = try await store.openCase(brand: fx.brand.id, actor: nil, request: try fx.email("ewa.lis@example.org")).case.contactID
            func found(_ text: String) async throws -> [ContactID] {
                try await store.contacts(brand: fx.brand.id, accountID: nil, identity: nil, query: text, limit: 10, cursor: nil).items.map(\.id)
            }

            // check: words start names, addresses and numbers; all words must match; the brand's own only.
            #expect(try await found("kowal") == [jan.id, zaneta.id])
            #expect(try await found("Jan Kow") == [jan.id])
            #expect(try await found("jan.k@example.com") == [jan.id])
            #expect(try await found("600 100 200") == [anna.id])
            #expect(try await found("+48600100200") == [anna.id])
            #expect(try await found("C-10007") == [anna.id])
            #expect(try await found("zaneta") == [zaneta.id])
            #expect(try await found("Żaneta") == [zaneta.id])
            #expect(try await found("ewa.lis") == [mailed])
            #expect(try await found("nobody") == [])
            // What a person types never errors: quotes, operators, stars, emoji, a NUL.
            for text in ["\"", "AND", "kowal*", "NEAR(", "🙂", "a\u{0}b", "-", "'"] { _ = try await found(text) }

            // act: a new name, an added and a removed identity.
            _ = try await store.updateContact(
                jan.id, brand: fx.brand.id, actor: .system,
                changes: ContactChanges(
                    name: .some("Janusz Zieliński"), addIdentities: [try Identity(kind: .phone, raw: "+48 511 222 333")],
                    removeIdentities: [try Identity(kind: .email, raw: "jan.k@example.com")]))
            // check: found by the new words only, in the place it had.
            #expect(try await found("kowal") == [zaneta.id])
            #expect(try await found("zielinski") == [jan.id])
            #expect(try await found("511222333") == [jan.id])
            #expect(try await found("jan.k") == [])
            #expect(try await found("Z") == [jan.id, zaneta.id])
        }
    }

    @Test(arguments: Backend.available)
    func aSearchPagesThroughEveryMatchOnce(backend: Backend) async throws {
        try await withStore(backend) { store in
            // setup: 23 Nowaks among others.
            let fx = try await Fixture.make(store)
            var nowaks: [ContactID] = []
            for index in 0..<40 {
                let name = index % 7 == 3 ? "Ola Lis \(index)" : "Piotr Nowak \(index)"
                let contact = try await store.createContact(
                    brand: fx.brand.id, actor: .system, accountID: nil, name: name, title: nil,
                    preferredContactPoint: nil, identities: [])
                if name.contains("Nowak") { nowaks.append(contact.id) }
            }
            // act: every page of five.
            var seen: [ContactID] = []
            var cursor: Cursor?
            repeat {
                let page = try await store.contacts(brand: fx.brand.id, accountID: nil, identity: nil, query: "nowak", limit: 5, cursor: cursor)
                seen += page.items.map(\.id)
                cursor = try page.nextCursor.map { try Cursor(token: $0) }
            } while cursor != nil
            // check: each once, in the order they were added.
            #expect(seen == nowaks)
        }
    }
}
