import Foundation
import Testing
import TouchpointCore
@testable import TouchpointStore
import TouchpointTestSupport

/// What is written to a customer is in their account's language when it has one, else the
/// brand's: the acknowledgement of a new email, the portal's sign-in link.
@Suite("Messages to customers speak the customer's language")
struct CustomerLanguageStoreTests {
    @Test(arguments: Backend.available)
    func aPolishAccountGetsPolishMailFromAnEnglishBrandAndOthersStayEnglish(backend: Backend) async throws {
        try await withStore(backend) { store in
            let fixture = try await Fixture.make(store)
            #expect(fixture.brand.language == .en)
            _ = try await store.saveMailbox(address: "support@acme.example", brand: fixture.brand.id, teamID: fixture.team.id,
                                            forwardsOpenForSender: false, acknowledges: true, actor: .system)
            let polish = try await store.createAccount(brand: fixture.brand.id, actor: .system, name: "Piekarnia", profile: AccountProfile(language: .pl))
            _ = try await store.createContact(brand: fixture.brand.id, actor: .system, accountID: polish.id, name: "Ola", title: nil,
                                              preferredContactPoint: nil, identities: [Identity(storedKind: .email, value: "ola@example.org")])
            for (address, id) in [("ola@example.org", "ola-1@example.org"), ("john@example.org", "john-1@example.org")] {
                let raw = Array("From: \(address)\r\nTo: support@acme.example\r\nSubject: Faktura\r\nMessage-ID: <\(id)>\r\n\r\nProszę o korektę.\r\n".utf8)
                let ids = try await store.receiveMail(raw: raw, envelopeFrom: address, recipients: ["support@acme.example"])
                #expect(try await store.processMail(ids[0], limits: MailIntakeLimits()).outcome == .opened)
            }
            let outbox = try await store.outbox(brand: fixture.brand.id, state: nil, limit: 20, cursor: nil).items
            let toOla = try #require(outbox.first { $0.recipient == "ola@example.org" }?.email?.mail.text)
            let toJohn = try #require(outbox.first { $0.recipient == "john@example.org" }?.email?.mail.text)
            let polishText = CustomerMessages(.pl).mailAcknowledgement(reference: "", subject: "Faktura")
            let englishText = CustomerMessages(.en).mailAcknowledgement(reference: "", subject: "Faktura")
            #expect(toOla.contains(String(polishText.prefix(12))) && !toOla.contains(String(englishText.prefix(12))), "\(toOla)")
            #expect(toJohn.contains(String(englishText.prefix(12))), "\(toJohn)")

            _ = try await store.requestPortalLink(brand: fixture.brand.id, email: "ola@example.org", linkBase: "http://localhost/portal/acme/link/")
            let link = try #require(try await store.outbox(brand: fixture.brand.id, state: nil, limit: 20, cursor: nil).items
                .first { $0.recipient == "ola@example.org" && $0.email?.mail.subject != nil && $0.email?.mail.text.contains("/portal/acme/link/") == true })
            let subject = CustomerMessages(.pl).portalLink(brand: fixture.brand.name, link: "x").subject
            #expect(link.email?.mail.subject == subject)
        }
    }
}
