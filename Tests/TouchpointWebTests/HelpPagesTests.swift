import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
import TouchpointApplication
import TouchpointCore
import TouchpointStore

@testable import TouchpointWeb

/// The portal's help pages over HTTP: open to anyone for public articles, more for a
/// signed-in customer, never staff-only ones; search, topics, languages and feedback.
@Suite("Help pages of the portal")
struct HelpPagesTests {
    @Test func anyoneSearchesReadsAndSaysWhetherItHelped() async throws {
        try await withConsole { fixture, client in
            _ = try await PortalTests.setUp(fixture)
            let kb = UseCases(store: fixture.store).knowledge
            let brand = fixture.brandID
            let invoice = try await kb.create(
                ArticleDraft(
                    title: "Jak zapłacić fakturę", summary: "Przelew albo karta.", body: "Zapłać **przelewem** na numer z faktury.",
                    language: .pl, status: .published, category: "Płatności"), brand: brand, author: nil)
            let english = try await kb.create(
                ArticleDraft(
                    title: "How to pay an invoice", body: "Pay by bank transfer.", language: .en, status: .published,
                    category: "Payments"), translationOf: invoice.id, brand: brand, author: nil)
            let customersOnly = try await kb.create(
                ArticleDraft(
                    title: "Faktura korygująca", body: "Korekta faktury po reklamacji.", language: .pl,
                    status: .published, visibility: .customers), brand: brand, author: nil)
            let staffOnly = try await kb.create(
                ArticleDraft(
                    title: "Faktury – procedura wewnętrzna", body: "Tylko dla zespołu: faktura.", language: .pl,
                    status: .published, visibility: .internal), brand: brand, author: nil)
            var browser = ConsoleBrowser(client)

            // A visitor who is not signed in: the public article, in Polish, words marked.
            let found = try await browser.get("/portal/acme/help?lang=pl&q=zaplacic%20fakturze")
            let page = String(buffer: found.body)
            #expect(found.status == .ok)
            #expect(page.contains("<html lang=\"pl\">") && page.contains("W czym możemy pomóc?"))
            // The header speaks the page's language too.
            #expect(page.contains(">Zaloguj się</a>") && page.contains(">Pomoc</a>") && !page.contains(">Sign in</a>"))
            #expect(page.contains("/portal/acme/help/\(invoice.id.text)?lang=pl") && page.contains("<mark>"))
            #expect(!page.contains(customersOnly.id.text) && !page.contains(staffOnly.id.text))
            #expect(page.contains("Płatności"))
            // Nothing found says so and is counted for authors.
            let nothing = String(buffer: try await browser.get("/portal/acme/help?lang=en&q=smart%20plug").body)
            #expect(nothing.contains("We found nothing"))
            #expect(try await kb.analytics(brand: brand).unanswered.map(\.query) == ["smart plug"])
            // The article page: rendered, counted as a view, linked to its translation.
            let article = try await browser.get("/portal/acme/help/\(invoice.id.text)")
            let text = String(buffer: article.body)
            #expect(text.contains("<strong>przelewem</strong>") && text.contains("/portal/acme/help/\(english.id.text)?lang=en"))
            #expect(try await kb.article(invoice.id, brand: brand, reader: .staff)?.views == 1)
            // Staff-only and customers-only articles are not there for a visitor.
            #expect(try await browser.get("/portal/acme/help/\(staffOnly.id.text)").status == .notFound)
            #expect(try await browser.get("/portal/acme/help/\(customersOnly.id.text)").status == .notFound)
            // "No", with what was missing: counted on the version read.
            let no = try await browser.post(
                "/portal/acme/help/\(invoice.id.text)/feedback",
                ["csrf": "", "version": "1", "helpful": "no", "comment": "Brak numeru konta"])
            #expect(no.status == .ok && String(buffer: no.body).contains("Poprawimy ten tekst"))
            #expect(try await kb.versions(invoice.id, brand: brand).first?.notHelpful == 1)

            // Signed in, the customer also finds what is written for customers.
            try await PortalTests.signIn(&browser, fixture, as: "jan@example.org")
            let signedIn = String(buffer: try await browser.get("/portal/acme/help?lang=pl&q=faktura").body)
            #expect(signedIn.contains(customersOnly.id.text) && !signedIn.contains(staffOnly.id.text))
            #expect(try await browser.get("/portal/acme/help/\(customersOnly.id.text)").status == .ok)
            // Hostile searches are just words.
            for query in ["%22", "AND%20*", "%F0%9F%94%A5", "NEAR(a", "%00"] {
                #expect(try await browser.get("/portal/acme/help?q=\(query)").status == .ok, "\(query)")
            }
        }
    }
}
