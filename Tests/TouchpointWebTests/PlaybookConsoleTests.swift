import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing
import TouchpointApplication
import TouchpointCore

/// Playbooks in the console: written with a form (a mistake comes back on the same form,
/// in the editor's words, with what was typed), shown with their steps and customers, tried
/// in a dry run, paused and resumed; agents without account rights see no editor.
@Suite("Playbooks in the console")
struct PlaybookConsoleTests {
    @Test func aManagerWritesTriesAndPausesAPlaybook() async throws {
        try await withConsole { fixture, client in
            // setup: a customer the playbook will reach.
            _ = try await fixture.store.saveMailbox(
                address: "care@acme.example", brand: fixture.brandID, teamID: nil, forwardsOpenForSender: false, actor: .system)
            let account = try await fixture.store.createAccount(
                brand: fixture.brandID, actor: .system, name: "Piekarnia Kowalski", profile: AccountProfile())
            _ = try await fixture.store.createContact(
                brand: fixture.brandID, actor: .system, accountID: account.id, name: "Jan Kowalski", title: nil, preferredContactPoint: .email,
                identities: [try Identity(kind: .email, raw: "jan@piekarnia.example")])
            var agent = ConsoleBrowser(client)
            _ = try await agent.signIn("agent@acme.example")
            #expect(try await agent.get("/console/playbooks/new").status == .forbidden)
            #expect(!String(buffer: try await agent.get("/console").body).contains("href=\"/console/playbooks\""))

            var manager = ConsoleBrowser(client)
            _ = try await manager.signIn("manager@acme.example")
            let form = try await manager.get("/console/playbooks/new")
            #expect(form.status == .ok && String(buffer: form.body).contains("id=\"playbook-form\""))
            var fields = [
                "csrf": ConsoleBrowser.csrf(form), "name": "Quarterly hello", "status": "active", "trigger": "quarterly", "exit": "replied",
                "s0-type": "send", "s0-id": "hello", "s0-point": "email", "s0-en-subject": "Hello {{contact.frstName}}", "s0-en-body": "How are you?",
                "s1-type": "wait", "s1-duration": "P3D",
                "s2-type": "task", "s2-assignee": "csm", "s2-title": "Call {{account.name}}", "s2-due": "P2D",
            ]
            // act: a misspelled placeholder comes back on the form, with the typed values kept.
            let typo = try await manager.post("/console/playbooks", fields)
            let typoPage = String(buffer: typo.body)
            #expect(typo.status == .unprocessableContent)
            #expect(typoPage.contains("Step 1 templates en subject: unknown placeholder {{contact.frstName}}"), "\(typoPage.prefix(2000))")
            #expect(typoPage.contains("value=\"Quarterly hello\"") && typoPage.contains("How are you?"))
            fields["s1-duration"] = "three days"
            fields["s0-en-subject"] = "Hello {{contact.firstName}}"
            #expect(
                String(buffer: try await manager.post("/console/playbooks", fields).body).contains("Step 2 duration: must be an ISO 8601 duration"))
            fields["s1-duration"] = "P3D"
            let saved = try await manager.post("/console/playbooks", fields)
            #expect(saved.status == .seeOther)
            let location = try #require(saved.headers[.location])
            let playbook = try #require(try await fixture.store.playbooks(brand: fixture.brandID).first)
            #expect(playbook.definition.steps.map(\.type) == [.send, .wait, .task] && playbook.definition.steps[1].duration?.seconds == 3 * 86_400)
            #expect(playbook.definition.exitOn == [.replied] && playbook.definition.trigger.schedule == .quarterly)

            // check: the page says what it does; the dry run shows Jan's first email and when.
            let page = String(buffer: try await manager.get(location).body)
            #expect(
                page.contains("on the first day of each quarter") && page.contains("Wait 3 days")
                    && page.contains("Email: “Hello {{contact.firstName}}”"))
            let tried = String(buffer: try await manager.get("/console/playbooks/\(playbook.id.text)?try=1").body)
            #expect(tried.contains("Who would start now: 1") && tried.contains("Hello Jan"), "\(tried.prefix(3000))")
            // The editor shows the saved steps again; a change is version 2.
            let edit = try await manager.get("/console/playbooks/\(playbook.id.text)/edit")
            #expect(String(buffer: edit.body).contains("value=\"Call {{account.name}}\""))
            fields["csrf"] = ConsoleBrowser.csrf(edit)
            fields["s2-due"] = "P5D"
            #expect(try await manager.post("/console/playbooks/\(playbook.id.text)", fields).status == .seeOther)
            #expect(try await fixture.store.playbook(playbook.id, brand: fixture.brandID).version == 2)
            // Pause and resume.
            _ = try await manager.post("/console/playbooks/\(playbook.id.text)/status", ["csrf": fields["csrf"] ?? "", "status": "paused"])
            #expect(try await fixture.store.playbook(playbook.id, brand: fixture.brandID).status == .paused)
            let list = String(buffer: try await manager.get("/console/playbooks").body)
            #expect(list.contains("Quarterly hello") && list.contains("paused"))
            // Survey results: nothing asked yet, said plainly; the NPS view names its score.
            let results = try await manager.get("/console/surveys?kind=nps&by=team&days=90")
            let resultsPage = String(buffer: results.body)
            #expect(results.status == .ok && resultsPage.contains("Net promoter score") && resultsPage.contains("<option value=\"team\" selected>"))
        }
    }
}
