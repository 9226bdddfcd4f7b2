import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
import TouchpointApplication
import TouchpointCore
import TouchpointStore

@testable import TouchpointWeb

/// Help articles in the console: writing and versions, what changed and restore, articles
/// suggested on a case, and an article made from an agent's reply in one step.
@Suite("Help articles in the console")
struct KnowledgeConsoleTests {
    @Test func authorsWriteRestoreAndAgentsGetSuggestions() async throws {
        try await withConsole { fixture, client in
            var manager = ConsoleBrowser(client)
            _ = try await manager.signIn("manager@acme.example")
            let blank = try await manager.get("/console/kb/new")
            #expect(blank.status == .ok)
            let csrf = ConsoleBrowser.csrf(blank)
            // A refused field shows the form again, with what was typed and why.
            let refused = try await manager.post("/console/kb", ["csrf": csrf, "title": "Jak zapłacić fakturę", "body": " ", "language": "pl"])
            #expect(refused.status == .unprocessableContent)
            let refusedPage = String(buffer: refused.body)
            #expect(refusedPage.contains("Text: must not be empty") && refusedPage.contains("value=\"Jak zapłacić fakturę\""))
            let saved = try await manager.post(
                "/console/kb",
                [
                    "csrf": csrf, "title": "Jak zapłacić fakturę", "body": "Zapłać **przelewem**.", "language": "pl", "status": "published",
                    "visibility": "public", "category": "Płatności", "tags": "faktura, przelew",
                ])
            #expect(saved.status == .seeOther)
            let location = try #require(saved.headers[.location])
            let path = String(location.split(separator: "?")[0])
            let page = String(buffer: try await manager.get(location).body)
            #expect(page.contains("<strong>przelewem</strong>") && page.contains("Saved.") && page.contains("/portal/acme/help/"))
            // A second version, what changed, and back to the first.
            let second = try await manager.post(
                path,
                [
                    "csrf": csrf, "baseVersion": "1", "title": "Jak zapłacić fakturę", "body": "Zapłać przelewem albo kartą.", "language": "pl",
                    "status": "published", "visibility": "public", "category": "Płatności", "tags": "faktura",
                ])
            #expect(second.status == .seeOther)
            let changes = String(buffer: try await manager.get(path + "?diff=2").body)
            #expect(changes.contains("<span class=\"added\">+ Zapłać przelewem albo kartą.</span>"))
            #expect(changes.contains("<span class=\"removed\">− Zapłać **przelewem**.</span>"))
            let restored = try await manager.post(path + "/restore", ["csrf": csrf, "version": "1"])
            #expect(restored.status == .seeOther)
            let id = try #require(UUID(text: String(path.split(separator: "/").last!)))
            let article = try #require(try await UseCases(store: fixture.store).knowledge.article(id, brand: fixture.brandID, reader: .staff))
            #expect(article.version == 3 && article.content.body == "Zapłać **przelewem**.")
            // A stale form does not overwrite the newer version.
            let stale = try await manager.post(path, ["csrf": csrf, "baseVersion": "1", "title": "Old", "body": "Old.", "language": "pl"])
            #expect(stale.status == .conflict)
            #expect(String(buffer: try await manager.get("/console/kb?q=zaplacic").body).contains(path))

            // An agent sees the article suggested on a case about an invoice, and may not write one.
            let opened = try await fixture.store.openCase(
                brand: fixture.brandID, actor: nil,
                request: OpenCase(
                    contactPoint: .email, from: Identity(storedKind: .email, value: "jan@example.org"), name: "Jan", subject: "Faktura",
                    body: "Jak mogę zapłacić fakturę?"))
            var agent = ConsoleBrowser(client)
            _ = try await agent.signIn("agent@acme.example")
            let casePage = try await agent.get("/console/cases/\(opened.case.number)")
            let caseText = String(buffer: casePage.body)
            #expect(caseText.contains("id=\"suggested-articles\"") && caseText.contains("href=\"\(path)\""))
            #expect(caseText.contains("data-insert=\"Jak zapłacić fakturę: http://"))
            #expect(try await agent.get("/console/kb/new").status == .forbidden)
            // The agent's reply becomes an article in one step, for someone who may write.
            _ = try await agent.post(
                "/console/cases/\(opened.case.number)/reply",
                [
                    "csrf": ConsoleBrowser.csrf(casePage), "body": "Fakturę zapłacisz w portalu kartą.",
                    "contactPoint": "email",
                ])
            let withReply = String(buffer: try await manager.get("/console/cases/\(opened.case.number)").body)
            let link = try #require(
                withReply.range(of: #"/console/kb/new\?from=[0-9a-fA-F-]+"#, options: .regularExpression).map { String(withReply[$0]) })
            let prefilled = String(buffer: try await manager.get(link).body)
            #expect(prefilled.contains("Fakturę zapłacisz w portalu kartą.</textarea>") && prefilled.contains("value=\"Faktura\""))
        }
    }
}
