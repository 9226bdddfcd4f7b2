import Foundation
import Testing
@testable import TouchpointCore

@Suite("Mentions in internal notes: who \"@…\" names")
struct MentionsTests {
    let ola = Mentions.Person(id: UUID(), name: "Ola Nowak", email: "ola.nowak@acme.example")
    let olaK = Mentions.Person(id: UUID(), name: "Ola Kowalska", email: "okowalska@acme.example")
    let zoe = Mentions.Person(id: UUID(), name: "Zoé Lis", email: "zl@acme.example")
    let piotr = Mentions.Person(id: UUID(), name: "Piotr Wiśniewski", email: "piotr@acme.example")
    var people: [Mentions.Person] { [ola, olaK, zoe, piotr] }

    @Test func fullNamesUniqueFirstNamesAndAddressesName() {
        #expect(Mentions.find(in: "@Ola Nowak can you check?", among: people) == [ola.id])
        #expect(Mentions.find(in: "Ask @piotr and @okowalska.", among: people) == [piotr.id, olaK.id])
        #expect(Mentions.find(in: "cc @ola.nowak", among: people) == [ola.id])
        // Without case or accents; the longer name wins over the first name alone.
        #expect(Mentions.find(in: "@zoe lis, @PIOTR WIŚNIEWSKI", among: people) == [zoe.id, piotr.id])
    }

    @Test func ambiguousPartialAndEmbeddedTextNamesNobody() {
        // Two colleagues are called Ola: "@Ola" alone is nobody.
        #expect(Mentions.find(in: "@Ola please", among: people).isEmpty)
        // An address, a partial word and a longer word are not mentions.
        #expect(Mentions.find(in: "write to piotr@acme.example", among: people).isEmpty)
        #expect(Mentions.find(in: "@Pio and @Piotrek", among: people).isEmpty)
        #expect(Mentions.find(in: "no at signs here", among: people).isEmpty)
        #expect(Mentions.find(in: "@", among: people).isEmpty)
        // Each person once, in the order first named.
        #expect(Mentions.find(in: "@piotr @zoe @piotr", among: people) == [piotr.id, zoe.id])
    }

    @Test func theExcerptIsOneShortLine() {
        #expect(Mentions.excerpt("Check the meter\n\n  please ") == "Check the meter please")
        let long = String(repeating: "word ", count: 60)
        #expect(Mentions.excerpt(long).count == 140 && Mentions.excerpt(long).hasSuffix("…"))
    }
}
