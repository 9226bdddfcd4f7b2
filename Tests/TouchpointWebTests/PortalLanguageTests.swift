import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
import TouchpointApplication
import TouchpointCore
import TouchpointStore
@testable import TouchpointWeb

@Suite("The portal speaks the customer's language")
struct PortalLanguageTests {
    @Test(arguments: [
        ("pl-PL,pl;q=0.9,en-US;q=0.8,en;q=0.7", Language.pl), ("en-US,en;q=0.9,pl;q=0.8", .en), ("de-DE,de;q=0.9,pl;q=0.5", .pl),
        ("de-DE,de;q=0.9", nil), ("pl;q=0, en", .en), ("*", nil), ("en;q=0.2, pl;q=0.8", .pl), ("", nil), ("PL", .pl),
    ])
    func theBrowsersFirstSupportedPreferenceIsFound(header: String, expected: Language?) {
        #expect(LanguageChoice.browserPreference(header) == expected)
    }

    @Test func aChoiceBeatsTheAccountWhichBeatsTheBrowserWhichBeatsTheBrand() {
        #expect(LanguageChoice.choose(chosen: "en", account: .pl, acceptLanguage: "pl", brand: .pl) == .en)
        #expect(LanguageChoice.choose(chosen: "xx", account: .pl, acceptLanguage: "en", brand: .en) == .pl)
        #expect(LanguageChoice.choose(chosen: nil, account: nil, acceptLanguage: "pl-PL", brand: .en) == .pl)
        #expect(LanguageChoice.choose(chosen: nil, account: nil, acceptLanguage: "fr", brand: .pl) == .pl)
    }

    @Test func aCustomerOfAPolishAccountReadsThePortalInPolishAndMaySwitch() async throws {
        try await withConsole { fixture, client in
            _ = try await fixture.store.saveMailbox(address: "support@acme.example", brand: fixture.brandID, teamID: nil, forwardsOpenForSender: false, actor: .system)
            let account = try await fixture.store.createAccount(brand: fixture.brandID, actor: .system, name: "Piekarnia Kowalscy",
                                                                profile: AccountProfile(annualValue: 2_000, language: .pl))
            _ = try await fixture.store.createContact(brand: fixture.brandID, actor: .system, accountID: account.id, name: "Ola Kowalska", title: nil,
                                                      preferredContactPoint: nil, identities: [Identity(storedKind: .email, value: "ola@example.org")])
            let opened = try await fixture.store.openCase(brand: fixture.brandID, actor: nil, request: OpenCase(
                contactPoint: .email, from: Identity(storedKind: .email, value: "ola@example.org"), subject: "Faktura", body: "Proszę o korektę."))
            var ola = ConsoleBrowser(client)
            // Before signing in nothing says Polish: the brand's English, the browser's Polish.
            #expect(String(buffer: try await ola.get("/portal/acme/login").body).contains("Email me a sign-in link"))
            let polishBrowser = try await client.execute(uri: "/portal/acme/login", method: .get, headers: [.acceptLanguage: "pl-PL,pl;q=0.9"])
            let signIn = String(buffer: polishBrowser.body)
            #expect(signIn.contains("<html lang=\"pl\">") && signIn.contains("Wyślij mi link do logowania"))
            try await PortalTests.signIn(&ola, fixture, as: "ola@example.org")
            // Signed in, the account's language decides.
            let home = String(buffer: try await ola.get("/portal/acme").body)
            #expect(home.contains("<html lang=\"pl\">") && home.contains("<h1>Twoje sprawy</h1>") && home.contains("Zapytaj o coś nowego"))
            #expect(home.contains(CustomerMessages(.pl).caseStatus(opened.case.status)) && home.contains("<td>E-mail</td>"))
            #expect(!home.contains("Your requests") && !home.contains("Ask something new"))
            let page = String(buffer: try await ola.get("/portal/acme/cases/\(opened.case.number)").body)
            #expect(page.contains("Twoja wiadomość") && page.contains("Stan:"))
            // The sign-in link came in Polish too: the account's language, not the brand's.
            let mail = try #require(try await fixture.store.outbox(brand: fixture.brandID, state: nil, limit: 20, cursor: nil).items.first { $0.recipient == "ola@example.org" })
            #expect(mail.email?.mail.subject == CustomerMessages(.pl).portalLink(brand: "Acme", link: "").subject)
            let profile = String(buffer: try await ola.get("/portal/acme/profile").body)
            #expect(profile.contains("Twój profil") && profile.contains("E-mail: ola@example.org"))

            // The switch: English, remembered, back on the same page.
            let switched = try await ola.get("/portal/acme/language/en?back=%2Fportal%2Facme%2Fcases%2F\(opened.case.number)")
            #expect(switched.status == .seeOther && switched.headers[.location] == "/portal/acme/cases/\(opened.case.number)")
            #expect(String(buffer: try await ola.get("/portal/acme").body).contains("<h1>Your requests</h1>"))
            // It leads only to this brand's portal.
            for back in ["https://evil.example/", "//evil.example/portal/acme", "/portal/globex", "/portal/acme//evil.example"] {
                let away = try await ola.get("/portal/acme/language/pl?back=\(HTMLForm.encode(back))")
                #expect(away.headers[.location] == "/portal/acme", "\(back)")
            }
            #expect(try await ola.get("/portal/acme/language/de").status == .notFound)
        }
    }
}
