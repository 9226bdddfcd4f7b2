import Foundation
import Testing
@testable import TouchpointCore

@Suite("A new account's CSM: room first within their region and language")
struct CSMReachTests {
    let book0 = Dictionary(uniqueKeysWithValues: ServiceModel.allCases.map { ($0, ServicePolicy.defaults($0)) })

    @Test func theCSMWhoCoversTheRegionAndSpeaksTheLanguageIsPreferredWhileTheyHaveRoom() {
        let ewa = UUID(), tom = UUID(), ida = UUID()
        let book = CSMBook(policies: book0, reach: [
            ewa: CSMReach(regions: ["Mazowieckie"], languages: [.pl]),
            tom: CSMReach(regions: ["Pomorskie"], languages: [.pl, .en]),
            ida: CSMReach(regions: [], languages: [.en]),
        ])
        // Ewa's book is the fullest, yet a Polish customer in Mazowieckie goes to her.
        let owned = (0..<20).map { BookAccount(id: UUID(), name: "H\($0)", model: .highTouch, owner: ewa, annualValue: 1) }
        let loads = book.loads(csms: [ewa, tom, ida], accounts: owned)
        let warsaw = BookAccount(id: UUID(), name: "Warsaw", model: .highTouch, owner: nil, annualValue: 1, region: "mazowieckie", language: .pl)
        let picked = book.pick(for: warsaw, among: loads)
        #expect(picked?.csm == ewa && picked?.why == "the CSM with the most room in mazowieckie who speaks Polish", "\(String(describing: picked))")
        // The region outweighs the language; the language decides between equals; then room.
        let gdansk = BookAccount(id: UUID(), name: "Gdańsk", model: .highTouch, owner: nil, annualValue: 1, region: "Pomorskie", language: .en)
        #expect(book.pick(for: gdansk, among: loads)?.csm == tom)
        let english = BookAccount(id: UUID(), name: "London", model: .highTouch, owner: nil, annualValue: 1, language: .en)
        #expect(book.pick(for: english, among: loads)?.csm == [tom, ida].min { $0.uuidString < $1.uuidString }, "both speak English with empty books")
        let unknown = BookAccount(id: UUID(), name: "Nowhere", model: .highTouch, owner: nil, annualValue: 1)
        #expect(book.pick(for: unknown, among: loads)?.why == "the CSM with the most room" && book.pick(for: unknown, among: loads)?.csm != ewa)
        // A full book is never picked, whatever it covers.
        let full = (0..<25).map { BookAccount(id: UUID(), name: "F\($0)", model: .highTouch, owner: ewa, annualValue: 1) }
        #expect(book.pick(for: warsaw, among: book.loads(csms: [ewa, tom, ida], accounts: full))?.csm != ewa)
    }

    @Test func accountsWaitingForACSMGetSuggestionsThatFitTogether() {
        let ewa = UUID(), tom = UUID()
        let book = CSMBook(policies: book0, reach: [ewa: CSMReach(regions: ["Mazowieckie"], languages: []), tom: CSMReach(regions: [], languages: [])])
        // Ewa has room for one more high-touch account (capacity 25), Tom for two.
        let owned = (0..<24).map { BookAccount(id: UUID(), name: "E\($0)", model: .highTouch, owner: ewa, annualValue: 1) }
            + (0..<23).map { BookAccount(id: UUID(), name: "T\($0)", model: .highTouch, owner: tom, annualValue: 1) }
        let waiting = [300, 200, 100, 50].map {
            BookAccount(id: UUID(), name: "W\($0)", model: .highTouch, owner: nil, annualValue: Double($0), region: "Mazowieckie")
        } + [BookAccount(id: UUID(), name: "Pooled", model: .techTouch, owner: nil, annualValue: 999)]
        let suggestions = book.suggestOwners(for: waiting, loads: book.loads(csms: [ewa, tom], accounts: owned))
        #expect(suggestions.map(\.accountName) == ["W300", "W200", "W100", "W50"], "largest first; pooled models need nobody")
        #expect(suggestions.map(\.csm) == [ewa, tom, tom, nil], "each suggestion fills the book it names")
        #expect(suggestions[0].reason.hasSuffix("in Mazowieckie") && suggestions[3].reason == "every CSM's book is full for High-touch accounts")
    }

    @Test func aRebalancedAccountGoesToACSMOfItsRegion() {
        let ewa = UUID(), tom = UUID(), ida = UUID()
        let book = CSMBook(policies: book0, reach: [tom: CSMReach(regions: ["Pomorskie"], languages: []), ida: CSMReach(regions: [], languages: [])])
        // Ewa holds 26 high-touch accounts (capacity 25); Tom's book is fuller than Ida's.
        var accounts = (0..<25).map { BookAccount(id: UUID(), name: "E\($0)", model: .highTouch, owner: ewa, annualValue: Double(1_000 + $0)) }
        accounts.append(BookAccount(id: UUID(), name: "Stocznia", model: .highTouch, owner: ewa, annualValue: 10, region: "Pomorskie"))
        accounts += (0..<10).map { BookAccount(id: UUID(), name: "T\($0)", model: .highTouch, owner: tom, annualValue: 1) }
        let moves = book.rebalance(csms: [ewa, tom, ida], accounts: accounts)
        #expect(moves.count == 1 && moves.first?.accountName == "Stocznia" && moves.first?.to == tom, "\(moves)")
        #expect(moves.first?.reason == "High-touch book over capacity; to the CSM with the most room in Pomorskie")
    }

    @Test func regionsAreCheckedAndDeduplicated() throws {
        #expect(try CSMBook.regions([" Mazowieckie ", "mazowieckie", "Śląskie"], field: "regions") == ["Mazowieckie", "Śląskie"])
        #expect(throws: ValidationError.self) { try CSMBook.regions(["ok", " "], field: "regions") }
        #expect(throws: ValidationError.self) { try CSMBook.regions((0..<31).map { "R\($0)" }, field: "regions") }
    }
}
