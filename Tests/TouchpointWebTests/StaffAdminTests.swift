import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
import TouchpointCore
@testable import TouchpointWeb

/// Adding people and teams without a database client: the API, the console and the CLI.
@Suite("Administrators add staff members and teams")
struct StaffAdminTests {
    @Test func theAPIAddsATeamAndAPersonWhoCanSignInAtOnce() async throws {
        try await withConsole { fixture, client in
            let team = try await client.execute(uri: "/api/v1/teams", method: .post, headers: [.authorization: "Bearer \(fixture.tokens["admin"]!)", .contentType: "application/json"],
                                                body: body(["name": "Meter readings"]))
            #expect(team.status == .created)
            let teamID = try #require(try json(team)["id"] as? String)
            #expect(team.headers[.location] == "/api/v1/teams/\(teamID)")
            // Another team of the same name, in other letters, is refused; so are agents adding teams.
            let again = try await client.execute(uri: "/api/v1/teams", method: .post, headers: [.authorization: "Bearer \(fixture.tokens["admin"]!)", .contentType: "application/json"],
                                                 body: body(["name": "METER READINGS"]))
            #expect(again.status == .conflict && String(buffer: again.body).contains("already a team named"))
            let agentTries = try await client.execute(uri: "/api/v1/teams", method: .post, headers: [.authorization: "Bearer \(fixture.tokens["agent"]!)", .contentType: "application/json"],
                                                      body: body(["name": "Shadow team"]))
            #expect(agentTries.status == .forbidden)

            let added = try await client.execute(uri: "/api/v1/staff", method: .post, headers: [.authorization: "Bearer \(fixture.tokens["admin"]!)", .contentType: "application/json"],
                                                 body: body(["email": "Zofia.Kowalczyk@Acme.example", "name": "Zofia Kowalczyk", "role": "agentL2", "teamId": teamID,
                                                             "password": "a long enough secret"]))
            #expect(added.status == .created, "\(String(buffer: added.body))")
            let person = try json(added)
            #expect(person["email"] as? String == "zofia.kowalczyk@acme.example" && person["role"] as? String == "agentL2" && person["teamId"] as? String == teamID)
            var zofia = ConsoleBrowser(client)
            let signedIn = try await zofia.signIn("zofia.kowalczyk@acme.example", password: "a long enough secret")
            #expect(signedIn.status == .seeOther || signedIn.status == .found)
            #expect(try await zofia.get("/console").status == .ok)

            // The same email again, a team of another brand, a short password, an unknown role.
            let cases: [([String: Any], HTTPResponse.Status, String)] = [
                (["email": "zofia.kowalczyk@acme.example", "name": "Z", "role": "agentL1"], .conflict, "exists"),
                (["email": "new@acme.example", "name": "N", "role": "agentL1", "teamId": UUID().uuidString.lowercased()], .unprocessableContent, "teamId"),
                (["email": "new@acme.example", "name": "N", "role": "agentL1", "password": "short"], .unprocessableContent, "password"),
                (["email": "new@acme.example", "name": "N", "role": "wizard"], .unprocessableContent, "role"),
                (["email": "not an email", "name": "N", "role": "agentL1"], .unprocessableContent, "email"),
            ]
            for (request, status, word) in cases {
                let refused = try await client.execute(uri: "/api/v1/staff", method: .post,
                                                       headers: [.authorization: "Bearer \(fixture.tokens["admin"]!)", .contentType: "application/json"], body: body(request))
                #expect(refused.status == status && String(buffer: refused.body).contains(word), "\(request): \(refused.status) \(String(buffer: refused.body))")
                #expect(refused.headers[.contentType] == "application/problem+json")
            }
            #expect(try await fixture.store.staffUsers(brand: fixture.brandID).filter { $0.email == "new@acme.example" }.isEmpty)
        }
    }

    @Test func theConsoleAddsAPersonAndATeamAndKeepsWhatWasTypedWhenRefused() async throws {
        try await withConsole { fixture, client in
            var admin = ConsoleBrowser(client)
            _ = try await admin.signIn("admin@acme.example")
            var teams = try #require(PageForm(String(buffer: try await admin.get("/console/admin/teams").body), button: "", formID: "new-team"))
            teams.set("name", "Billing questions")
            let added = try await admin.post("/console/admin/teams", pairs: teams.fields)
            #expect(added.status == .seeOther || added.status == .found)
            let page = String(buffer: try await admin.get("/console/admin/teams?done=added").body)
            #expect(page.contains("Team added") && page.contains("Billing questions") && page.contains("to whoever has the most room"))
            let duplicate = try await admin.post("/console/admin/teams", pairs: teams.fields)
            #expect(duplicate.status == .unprocessableContent && String(buffer: duplicate.body).contains("already a team named"))

            let staffPage = String(buffer: try await admin.get("/console/admin/staff").body)
            #expect(staffPage.contains("<td>Administrator</td>") && staffPage.contains("<td>Agent, level 1</td>") && !staffPage.contains("<td>agentL1</td>"), "roles read as words")
            var person = try #require(PageForm(staffPage, button: "", formID: "new-person"))
            let team = try #require(try await fixture.store.teamProfiles(brand: fixture.brandID).first { $0.team.name == "Billing questions" })
            person.set("name", "Bartosz Zieliński")
            person.set("email", "bartosz@acme.example")
            person.set("role", "billing")
            person.set("team", team.team.id.text)
            person.set("password", "short")
            let refused = try await admin.post("/console/admin/staff", pairs: person.fields)
            let html = String(buffer: refused.body)
            #expect(refused.status == .unprocessableContent && html.contains("id=\"person-error\"") && html.contains("Password:"))
            #expect(html.contains("value=\"Bartosz Zieliński\"") && html.contains("<option value=\"billing\" selected>"), "what was typed stays")
            person.set("password", "correct horse battery")
            let saved = try await admin.post("/console/admin/staff", pairs: person.fields)
            #expect(saved.status == .seeOther || saved.status == .found)
            let user = try await fixture.store.staffUser(email: "bartosz@acme.example")
            #expect(user.role == .billing && user.teamID == team.team.id && user.name == "Bartosz Zieliński")
            var bartosz = ConsoleBrowser(client)
            _ = try await bartosz.signIn("bartosz@acme.example")
            #expect(try await bartosz.get("/console").status == .ok)
            #expect(try await bartosz.get("/console/admin/staff").status == .forbidden)
        }
    }

    @Test func theCLIAddsTheFirstAdministratorOfABrand() async throws {
        let binary = try Processes.touchpoint()
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tp-staff-cli-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        #expect(try await Processes.run(binary, ["demo", "--data-dir", directory]).status == 0)
        let added = try await Processes.run(binary, ["staff", "add", "--data-dir", directory, "--brand", "acme", "--email", "nowa@acme.example",
                                                     "--name", "Natalia Nowak", "--role", "admin", "--team", "technical", "--generate"])
        #expect(added.status == 0, "\(added.err)")
        #expect(added.err.contains("Added Natalia Nowak <nowa@acme.example> as Administrator."))
        let password = added.out.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(password.count == 20)
        let again = try await Processes.run(binary, ["staff", "add", "--data-dir", directory, "--brand", "acme", "--email", "nowa@acme.example",
                                                     "--name", "N", "--role", "admin"])
        #expect(again.status != 0 && again.err.contains("error:") && again.err.contains("exists"), "\(again.err)")
        let unknown = try await Processes.run(binary, ["staff", "add", "--data-dir", directory, "--brand", "nope", "--email", "x@acme.example",
                                                       "--name", "N", "--role", "admin"])
        #expect(unknown.status != 0 && unknown.err.contains("brand nope not found"), "\(unknown.err)")
    }
}
