import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
import TouchpointCore
import TouchpointStore
@testable import TouchpointWeb

@Suite("The on-call API: rosters, cover, paging preferences and answering a page")
struct OnCallAPITests {
    @Test func aRosterIsSetCoveredAndItsPageAnswered() async throws {
        try await withAPI { fx, client in
            // setup: a team of one first-line agent (at home, as everyone is by default) and the staff's ids
            let team = try await fx.store.createTeam(brand: fx.brandID, name: "Desk")
            let staff = try #require(json(try await client.execute(uri: "/api/v1/staff", method: .get, headers: fx.headers("admin")))["items"] as? [[String: Any]])
            func id(_ name: String) -> String { staff.first { $0["name"] as? String == name }?["id"] as? String ?? "missing \(name)" }
            let agent = id("agent"), manager = id("manager"), technician = id("technician")
            _ = try await fx.call(client, .patch, "/api/v1/staff/\(agent)", #"{"teamId": "\#(team.id.text)"}"#)

            // act: an administrator sets a weekly rotation of the agent and the manager
            let rotation = #"{"rotation": ["\#(agent)", "\#(manager)"], "timeZone": "Europe/Warsaw", "startsOn": "2026-01-05", "acknowledgeWithinMinutes": 10}"#
            let (status, set) = try await fx.call(client, .put, "/api/v1/teams/\(team.id.text)/on-call", rotation)
            // check: the roster with names, who is on call now and the shifts ahead, alternating
            #expect(status == .ok)
            let roster = try #require(set["roster"] as? [String: Any])
            #expect((roster["rotation"] as? [[String: Any]])?.compactMap { $0["name"] as? String } == ["agent", "manager"])
            #expect(roster["handoffDay"] as? String == "mon" && roster["handoffTime"] as? String == "09:00" && roster["models"] as? [String] == ["highTouch"])
            let upcoming = try #require(set["upcoming"] as? [[String: Any]])
            let names = upcoming.compactMap { $0["name"] as? String }
            #expect(names.count == 6 && zip(names, names.dropFirst()).allSatisfy { $0 != $1 }, "\(names)")
            #expect((set["onCallNow"] as? [String: Any])?["name"] as? String == names.first)

            // Only administrators set rosters; a bad field is named.
            #expect(try await fx.call(client, .put, "/api/v1/teams/\(team.id.text)/on-call", rotation, as: "manager").0 == .forbidden)
            let bad = try await client.execute(uri: "/api/v1/teams/\(team.id.text)/on-call", method: .put, headers: fx.headers("admin"),
                                               body: body(["rotation": [agent], "timeZone": "Mars/Olympus"]))
            #expect(bad.status == .unprocessableContent && bad.headers[.contentType] == "application/problem+json")
            #expect(try json(bad)["field"] as? String == "timeZone")
            let stranger = try await fx.call(client, .put, "/api/v1/teams/\(team.id.text)/on-call", #"{"rotation": ["\#(UUID())"], "timeZone": "UTC"}"#)
            #expect(stranger.0 == .unprocessableContent && stranger.1["field"] as? String == "rotation[0]")
            #expect(try await fx.call(client, .get, "/api/v1/teams/\(UUID())/on-call").0 == .notFound)

            // A manager puts the technician on call for the next two hours.
            let now = Date()
            let cover = #"{"userId": "\#(technician)", "from": "\#(JSONIO.format(now.addingTimeInterval(-60)))", "until": "\#(JSONIO.format(now.addingTimeInterval(7200)))", "reason": "swap with agent"}"#
            #expect(try await fx.call(client, .post, "/api/v1/teams/\(team.id.text)/on-call/overrides", cover, as: "agent").0 == .forbidden)
            let (covered, withCover) = try await fx.call(client, .post, "/api/v1/teams/\(team.id.text)/on-call/overrides", cover, as: "manager")
            #expect(covered == .created)
            let onCall = try #require(withCover["onCallNow"] as? [String: Any])
            #expect(onCall["name"] as? String == "technician" && onCall["overrideReason"] as? String == "swap with agent")

            // Paging preferences: SMS needs a number; a national number takes the brand's code.
            let (_, paged) = try await fx.call(client, .patch, "/api/v1/staff/\(technician)", #"{"phone": "601 234 567", "pageBy": "sms"}"#)
            #expect(paged["phone"] as? String == "+48601234567" && paged["pageBy"] as? String == "sms")
            let noPhone = try await fx.call(client, .patch, "/api/v1/staff/\(agent)", #"{"pageBy": "sms"}"#)
            #expect(noPhone.0 == .unprocessableContent && noPhone.1["field"] as? String == "pageBy")

            // A strategic customer writes while nobody is at work: the technician (covering) has it and is paged.
            let account = try await fx.store.createAccount(brand: fx.brandID, actor: .system, name: "Foundry",
                                                           profile: AccountProfile(annualValue: 250_000, complexity: .high))
            _ = try await fx.store.createContact(brand: fx.brandID, actor: .system, accountID: account.id, name: "Olga", title: nil,
                                                 preferredContactPoint: nil, identities: [Identity(storedKind: .email, value: "olga@foundry.example")])
            let (_, opened) = try await fx.call(client, .post, "/api/v1/cases",
                                                #"{"contactPoint": "email", "from": "olga@foundry.example", "subject": "Furnace down", "body": "Nothing works"}"#)
            #expect(opened["assigneeId"] as? String == technician, "\(opened)")
            let (_, page) = try await fx.call(client, .get, "/api/v1/cases/1/on-call", as: "agent")
            #expect(page["state"] as? String == "open" && page["name"] as? String == "technician" && page["acknowledgeWithinMinutes"] as? Int == 10)
            #expect((page["next"] as? [[String: Any]])?.compactMap { $0["name"] as? String }.isEmpty == false, "the rotation comes next")
            let caseID = try #require((opened["id"] as? String).flatMap(UUID.init(uuidString:)))
            let events = try await fx.store.auditLog(brand: fx.brandID, caseID: caseID, limit: 50, cursor: nil).items
            #expect(events.contains { $0.type == .onCallPaged && $0.payload["by"] == .string("sms") }, "paged by SMS, as the technician asked")

            // Only the person paged answers.
            let notYou = try await fx.call(client, .post, "/api/v1/cases/1/on-call/acknowledge", as: "agent")
            #expect(notYou.0 == .conflict && (notYou.1["detail"] as? String)?.contains("technician") == true)
            let answer = try await fx.call(client, .post, "/api/v1/cases/1/on-call/acknowledge", as: "technician")
            #expect(answer.0 == .ok && answer.1["state"] as? String == "acknowledged")
            #expect(try await fx.call(client, .get, "/api/v1/cases/2/on-call").0 == .notFound)

            // Removing the roster leaves nobody on call.
            let removed = try await client.execute(uri: "/api/v1/teams/\(team.id.text)/on-call", method: .delete, headers: fx.headers("admin"))
            #expect(removed.status == .noContent)
            let (_, none) = try await fx.call(client, .get, "/api/v1/teams/\(team.id.text)/on-call", as: "agent")
            #expect(none["roster"] == nil && none["onCallNow"] == nil && (none["upcoming"] as? [Any])?.isEmpty == true)
        }
    }

    @Test func theConsoleAsksThePersonOnCallToSayTheyAreOnIt() async throws {
        try await withConsole { fx, client in
            // setup: the agent alone in a team, at home and on call; a strategic customer writes
            let team = try await fx.store.createTeam(brand: fx.brandID, name: "Desk")
            let agent = try await fx.store.staffUser(email: "agent@acme.example")
            _ = try await fx.store.updateAgent(agent.id, brand: fx.brandID, actor: .system, changes: AgentChanges(teamID: .some(team.id)))
            _ = try await fx.store.setRoster(OnCallRoster(rotation: [agent.id], timeZone: "Europe/Warsaw", startsOn: "2026-01-05"),
                                             team: team.id, brand: fx.brandID, actor: .system)
            let account = try await fx.store.createAccount(brand: fx.brandID, actor: .system, name: "Foundry",
                                                           profile: AccountProfile(annualValue: 250_000, complexity: .high))
            _ = try await fx.store.createContact(brand: fx.brandID, actor: .system, accountID: account.id, name: "Olga", title: nil,
                                                 preferredContactPoint: nil, identities: [Identity(storedKind: .email, value: "olga@foundry.example")])
            let opened = try await fx.store.openCase(brand: fx.brandID, actor: nil, request: OpenCase(
                contactPoint: .email, from: Identity(storedKind: .email, value: "olga@foundry.example"), subject: "Furnace down", body: "Nothing works."))
            #expect(opened.case.assigneeID == agent.id)
            let path = "/console/cases/\(opened.case.number)"

            // A colleague reads who was paged; the person on call gets the button.
            var lead = ConsoleBrowser(client)
            _ = try await lead.signIn("manager@acme.example")
            let seen = String(buffer: try await lead.get(path).body)
            #expect(seen.contains("agent is on call for this case and was paged (page 1 of 2)") && !seen.contains("id=\"on-call-answer\""))
            #expect(seen.contains("On call: agent paged by email (page 1 of 2)"), "the page is on the timeline")
            let queues = String(buffer: try await lead.get("/console/queues").body)
            #expect(queues.contains("<td data-label=\"On call\" class=\"on-call\">agent until"))

            var browser = ConsoleBrowser(client)
            _ = try await browser.signIn("agent@acme.example")
            let mine = try await browser.get(path)
            #expect(String(buffer: mine.body).contains("You are on call for this case (page 1 of 2)"))
            let answered = try await browser.post(path + "/on-call", ["csrf": ConsoleBrowser.csrf(mine)])
            #expect(answered.headers[.location] == path + "?done=on-call")
            let after = String(buffer: try await browser.get(path + "?done=on-call").body)
            #expect(after.contains("You said you are on it") && !after.contains("id=\"on-call\""))
            #expect(after.contains("On call: agent is on it: said they are on it"))
            #expect(try await fx.store.onCallPage(case: opened.case.id, brand: fx.brandID)?.state == "acknowledged")
        }
    }
}
