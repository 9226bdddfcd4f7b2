import Foundation
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing
import TouchpointCore
@testable import TouchpointWeb

@Suite("The service-model API: policies, rules, calendars, routing, escalation, SLAs and waits")
struct ServiceModelAPITests {
    nonisolated(unsafe) static let weekdays: [String: Any] = ["timeZone": "Europe/Warsaw",
                                         "weekly": ["mon": [["08:00", "12:00"], ["13:00", "17:00"]], "tue": [["08:00", "17:00"]]],
                                         "yearlyHolidays": ["12-25"]]

    @Test func calendarsRoundTripThroughJSONAndICalendar() async throws {
        try await withAPI { fx, client in
            var create = Self.weekdays
            create["name"] = "Office"
            let created = try await client.execute(uri: "/api/v1/calendars", method: .post, headers: fx.headers("admin"), body: body(create))
            #expect(created.status == .created)
            let id = try #require(try json(created)["id"] as? String)
            let forbidden = try await client.execute(uri: "/api/v1/calendars", method: .post, headers: fx.headers("agent"), body: body(create))
            #expect(forbidden.status == .forbidden)
            var bad = create
            bad["weekly"] = ["mon": [["17:00", "08:00"]]]
            bad["name"] = "Bad"
            let invalid = try await client.execute(uri: "/api/v1/calendars", method: .post, headers: fx.headers("admin"), body: body(bad))
            #expect(invalid.status == .unprocessableContent)
            #expect(try json(invalid)["field"] as? String == "weekly.mon[0]")

            let due = try json(try await client.execute(uri: "/api/v1/calendars/\(id)/due?from=2026-11-23T11:30:00%2B01:00&minutes=60",
                                                         method: .get, headers: fx.headers("agent")))
            #expect(due["to"] as? String == "2026-11-23T13:30:00+01:00")
            let minutes = try json(try await client.execute(uri: "/api/v1/calendars/\(id)/minutes?from=2026-11-23T16:00:00&to=2026-11-24T09:00:00",
                                                             method: .get, headers: fx.headers("agent")))
            #expect((minutes["minutes"] as? NSNumber)?.doubleValue == 120)

            let ics = try await client.execute(uri: "/api/v1/calendars/\(id)/ics", method: .get, headers: fx.headers("agent"))
            #expect(ics.headers[.contentType] == "text/calendar; charset=utf-8")
            let text = String(buffer: ics.body)
            #expect(text.hasPrefix("BEGIN:VCALENDAR\r\n"))
            var importHeaders = fx.headers("admin")
            importHeaders[.contentType] = "text/calendar"
            let imported = try await client.execute(uri: "/api/v1/calendars/import?name=Copy", method: .post, headers: importHeaders, body: ByteBuffer(string: text))
            #expect(imported.status == .created)
            let copy = try json(imported)
            #expect(copy["timeZone"] as? String == "Europe/Warsaw")
            #expect((copy["weekly"] as? [String: Any])?["mon"] as? [[String]] == [["08:00", "12:00"], ["13:00", "17:00"]])
            #expect(copy["yearlyHolidays"] as? [String] == ["12-25"])

            // A calendar a policy runs on cannot be deleted.
            let policy = try json(try await client.execute(uri: "/api/v1/service-models/lowTouch", method: .get, headers: fx.headers("agent")))
            var edited = policy
            edited["calendarId"] = id
            edited["model"] = nil
            let put = try await client.execute(uri: "/api/v1/service-models/lowTouch", method: .put, headers: fx.headers("admin"), body: body(edited))
            #expect(put.status == .ok)
            #expect(try json(put)["calendarId"] as? String == id)
            let refused = try await client.execute(uri: "/api/v1/calendars/\(id)", method: .delete, headers: fx.headers("admin"))
            #expect(refused.status == .conflict)
            let deleted = try await client.execute(uri: "/api/v1/calendars/\(try #require(copy["id"] as? String))", method: .delete, headers: fx.headers("admin"))
            #expect(deleted.status == .noContent)
            let other = try await client.execute(uri: "/api/v1/calendars/\(id)", method: .get, headers: fx.headers("globex"))
            #expect(other.status == .notFound)
        }
    }

    @Test func policiesAndRulesAreValidatedAndExplained() async throws {
        try await withAPI { fx, client in
            let list = try json(try await client.execute(uri: "/api/v1/service-models", method: .get, headers: fx.headers("agent")))
            #expect((list["items"] as? [[String: Any]])?.compactMap { $0["model"] as? String } == ["techTouch", "lowTouch", "midTouch", "highTouch"])
            var policy = try json(try await client.execute(uri: "/api/v1/service-models/highTouch", method: .get, headers: fx.headers("agent")))
            #expect(policy["escalationCeiling"] as? String == "executive")
            #expect(policy["csmCapacity"] as? Int == 25)
            policy["atRiskShare"] = 2
            let bad = try await client.execute(uri: "/api/v1/service-models/highTouch", method: .put, headers: fx.headers("admin"), body: body(policy))
            #expect(bad.status == .unprocessableContent)
            #expect(try json(bad)["field"] as? String == "atRiskShare")
            let unknown = try await client.execute(uri: "/api/v1/service-models/platinum", method: .get, headers: fx.headers("agent"))
            #expect(unknown.status == .notFound)

            let account = try json(try await client.execute(uri: "/api/v1/accounts", method: .post, headers: fx.headers("admin"),
                                                              body: body(["name": "Steelworks", "annualValue": 240_000, "complexity": "high", "stage": "adoption"])))
            #expect(account["serviceModel"] as? String == "highTouch")
            #expect(account["modelExplanation"] as? String == "High-touch: annual value 240,000 ≥ 100,000 and complexity high (rule 'Strategic')")
            let id = try #require(account["id"] as? String)
            let model = try json(try await client.execute(uri: "/api/v1/accounts/\(id)/service-model", method: .get, headers: fx.headers("agent")))
            #expect(model["rule"] as? String == "Strategic")
            #expect((model["policy"] as? [String: Any])?["humanReach"] as? String == "namedPerson")

            // The account's named CSM: picked by room, and the book shows the load.
            let csm = try await fx.store.createStaffUser(brand: fx.brandID, email: "csm@acme.example", name: "Cora", role: .csm, team: nil)
            let owned = try json(try await client.execute(uri: "/api/v1/accounts/\(id)/csm", method: .post, headers: fx.headers("admin"), body: body([:])))
            #expect(owned["ownerCsmId"] as? String == csm.id.text)
            let book = try json(try await client.execute(uri: "/api/v1/csm/book", method: .get, headers: fx.headers("agent")))
            let load = try #require((book["loads"] as? [[String: Any]])?.first)
            #expect((load["accounts"] as? [String: Int])?["highTouch"] == 1)
            #expect((load["utilization"] as? NSNumber)?.doubleValue == 0.04)
            #expect((book["capacities"] as? [String: Int])?["highTouch"] == 25)
            let wait = try json(try await client.execute(uri: "/api/v1/wait-estimate?contactPoint=kiosk&accountId=\(id)", method: .get, headers: fx.headers("agent")))
            #expect(wait["serviceModel"] as? String == "highTouch")
            #expect(wait["humanReach"] as? String == "namedPerson")
            #expect(wait["humanAvailable"] as? Bool == false, "the brand has no teams yet")

            // A contact with a role: today with the account (high-touch); the candidate rules give
            // IT admins self-service of their own.
            let admin = try await client.execute(uri: "/api/v1/contacts", method: .post, headers: fx.headers("admin"),
                                                 body: body(["name": "Jan Admin", "title": "IT admin", "accountId": id,
                                                             "identities": [["kind": "email", "value": "jan@steelworks.example"]]]))
            #expect(admin.status == .created)
            let candidate: [String: Any] = ["defaultModel": "lowTouch", "rules": [
                ["name": "Admins self-serve", "model": "techTouch", "conditions": [["attribute": "contactRole", "op": "contains", "value": "it admin"]]],
                ["name": "Huge", "model": "midTouch", "conditions": [["attribute": "annualValue", "op": "gte", "value": 1_000_000]]]]]
            let dry = try json(try await client.execute(uri: "/api/v1/segmentation/dry-run", method: .post, headers: fx.headers("admin"), body: body(candidate)))
            #expect((dry["counts"] as? [String: Int])?["lowTouch"] == 1)
            #expect((dry["changes"] as? [[String: Any]])?.first?["from"] as? String == "highTouch")
            let contactChange = try #require((dry["contactChanges"] as? [[String: Any]])?.first)
            #expect(contactChange["name"] as? String == "Jan Admin" && contactChange["accountName"] as? String == "Steelworks")
            #expect(contactChange["from"] as? String == "highTouch" && contactChange["to"] as? String == "techTouch")
            let unchanged = try json(try await client.execute(uri: "/api/v1/accounts/\(id)", method: .get, headers: fx.headers("agent")))
            #expect(unchanged["serviceModel"] as? String == "highTouch")
            let badRule: [String: Any] = ["defaultModel": "lowTouch", "rules": [
                ["name": "Odd", "model": "midTouch", "conditions": [["attribute": "stage", "op": "gte", "value": 3]]]]]
            let rejected = try await client.execute(uri: "/api/v1/segmentation/rules", method: .put, headers: fx.headers("admin"), body: body(badRule))
            #expect(rejected.status == .unprocessableContent)
            #expect(try json(rejected)["field"] as? String == "rules[0].conditions[0].op")
            let saved = try json(try await client.execute(uri: "/api/v1/segmentation/rules", method: .put, headers: fx.headers("admin"), body: body(candidate)))
            #expect(saved["changedAccounts"] as? Int == 1)
        }
    }

    @Test func casesAreRoutedEscalatedAndCarrySLAClocks() async throws {
        try await withAPI { fx, client in
            let teams = try await fx.store.teamProfiles(brand: fx.brandID)
            #expect(teams.isEmpty)
            let team = try await fx.store.createTeam(brand: fx.brandID, name: "Desk")
            let agents = try json(try await client.execute(uri: "/api/v1/staff", method: .get, headers: fx.headers("admin")))
            let agentID = try #require((agents["items"] as? [[String: Any]])?.first { $0["role"] as? String == "agentL1" }?["id"] as? String)
            let patch = try await client.execute(uri: "/api/v1/teams/\(team.id.text)", method: .patch, headers: fx.headers("admin"),
                                                 body: body(["strategy": "roundRobin", "skills": ["Billing"], "averageHandleMinutes": 6]))
            #expect(try json(patch)["skills"] as? [String] == ["billing"])
            let staff = try await client.execute(uri: "/api/v1/staff/\(agentID)", method: .patch, headers: fx.headers("admin"),
                                                 body: body(["teamId": team.id.text, "skills": ["billing"], "capacity": 3]))
            #expect(try json(staff)["capacity"] as? Int == 3)
            let presence = try await client.execute(uri: "/api/v1/me/presence", method: .put, headers: fx.headers("agent"), body: body(["presence": "available"]))
            #expect(try json(presence)["presence"] as? String == "available")
            let topics = try await client.execute(uri: "/api/v1/routing/topics", method: .put, headers: fx.headers("admin"),
                                                  body: body(["topics": [["name": "billing", "skills": ["billing"], "level": 1]]]))
            #expect(topics.status == .ok)

            let opened = try json(try await client.execute(uri: "/api/v1/cases", method: .post, headers: fx.headers("agent"),
                                                             body: body(["contactPoint": "email", "from": "payer@example.com", "subject": "Invoice",
                                                                         "body": "Too high", "topic": "billing"])))
            #expect(opened["assigneeId"] as? String == agentID)
            #expect(opened["serviceModel"] as? String == "techTouch")
            #expect(opened["topic"] as? String == "billing")
            #expect(opened["slaDueAt"] != nil)
            let sla = try json(try await client.execute(uri: "/api/v1/cases/1/sla", method: .get, headers: fx.headers("agent")))
            let clocks = try #require(sla["clocks"] as? [[String: Any]])
            #expect(clocks.map { $0["clock"] as? String } == ["firstResponse", "resolution"])
            #expect(clocks.first?["state"] as? String == "onTrack")
            #expect(clocks.first?["targetMinutes"] as? Int == 1440)
            #expect(sla["availability"] as? String == "24/7")

            let wait = try json(try await client.execute(uri: "/api/v1/wait-estimate?contactPoint=email&topic=billing", method: .get, headers: fx.headers("agent")))
            #expect(wait["humanAvailable"] as? Bool == true)
            #expect(wait["teamName"] as? String == "Desk")
            #expect(wait["demandExceedsCapacity"] as? Bool == false)
            // The email case is an arrival for a chat estimate too: the same people answer both.
            let chatWait = try json(try await client.execute(uri: "/api/v1/wait-estimate?contactPoint=webChat&topic=billing", method: .get, headers: fx.headers("agent")))
            #expect((chatWait["explanation"] as? String)?.contains(", 1 arrivals/h") == true, "\(chatWait["explanation"] ?? "")")
            // On chat each agent holds as many chats as the model's policy says (2 by default).
            #expect((chatWait["explanation"] as? String)?.hasPrefix("1 agent(s) × 2 chats at once") == true, "\(chatWait["explanation"] ?? "")")
            #expect(!((wait["explanation"] as? String)?.contains("chats at once") ?? true))
            var techTouch = try json(try await client.execute(uri: "/api/v1/service-models/techTouch", method: .get, headers: fx.headers("agent")))
            #expect(techTouch["chatsAtOnce"] as? Int == 2)
            techTouch["model"] = nil
            techTouch["chatsAtOnce"] = 0
            let refused = try await client.execute(uri: "/api/v1/service-models/techTouch", method: .put, headers: fx.headers("admin"), body: body(techTouch))
            let refusal = try json(refused)
            #expect(refused.status == .unprocessableContent && refusal["field"] as? String == "chatsAtOnce")
            techTouch["chatsAtOnce"] = 4
            _ = try await client.execute(uri: "/api/v1/service-models/techTouch", method: .put, headers: fx.headers("admin"), body: body(techTouch))
            let fourAtOnce = try json(try await client.execute(uri: "/api/v1/wait-estimate?contactPoint=webChat&topic=billing", method: .get, headers: fx.headers("agent")))
            #expect((fourAtOnce["explanation"] as? String)?.hasPrefix("1 agent(s) × 4 chats at once") == true, "\(fourAtOnce["explanation"] ?? "")")
            let missing = try await client.execute(uri: "/api/v1/wait-estimate", method: .get, headers: fx.headers("agent"))
            #expect(try json(missing)["field"] as? String == "contactPoint")

            let noReason = try await client.execute(uri: "/api/v1/cases/1/escalate", method: .post, headers: fx.headers("agent"), body: body([:]))
            #expect(noReason.status == .unprocessableContent)
            let up = try json(try await client.execute(uri: "/api/v1/cases/1/escalate", method: .post, headers: fx.headers("agent"),
                                                         body: body(["reason": "needs a specialist"])))
            #expect((up["escalation"] as? [String: Any])?["to"] as? String == "level2")
            #expect((up["case"] as? [String: Any])?["level"] as? Int == 2)
            // Tech-touch goes no higher than level 2: a request for a manager is refused.
            let manager = try await client.execute(uri: "/api/v1/cases/1/manager-request", method: .post, headers: fx.headers("agent"), body: body(["note": "angry"]))
            #expect(manager.status == .conflict)
            #expect(try json(manager)["detail"] as? String == "the case is at level 2; Tech-touch cases escalate no higher than level 2")
            let down = try json(try await client.execute(uri: "/api/v1/cases/1/deescalate", method: .post, headers: fx.headers("agent"),
                                                           body: body(["reason": "simple after all"])))
            #expect((down["case"] as? [String: Any])?["level"] as? Int == 1)
            let routed = try json(try await client.execute(uri: "/api/v1/cases/1/route", method: .post, headers: fx.headers("agent")))
            #expect((routed["explanation"] as? String)?.contains("round-robin") == true)
        }
    }

    @Test func anAccountGrowingStrategicGetsTheCSMOfItsRegionAndLanguageAndTheBookSuggestsOwners() async throws {
        try await withAPI { fx, client in
            // setup: two CSMs, one covering Mazowieckie in Polish, one Pomorskie in English
            let ewa = try await fx.store.createStaffUser(brand: fx.brandID, email: "ewa@acme.example", name: "Ewa", role: .csm, team: nil)
            let tom = try await fx.store.createStaffUser(brand: fx.brandID, email: "tom@acme.example", name: "Tom", role: .csm, team: nil)
            let (status, ewaProfile) = try await fx.call(client, .patch, "/api/v1/staff/\(ewa.id.text)",
                                                         #"{"regions": [" Mazowieckie ", "mazowieckie"], "languages": ["pl"]}"#)
            #expect(status == .ok && ewaProfile["regions"] as? [String] == ["Mazowieckie"] && ewaProfile["languages"] as? [String] == ["pl"])
            _ = try await fx.call(client, .patch, "/api/v1/staff/\(tom.id.text)", #"{"regions": ["Pomorskie"], "languages": ["en"]}"#)
            #expect(try await fx.call(client, .patch, "/api/v1/staff/\(tom.id.text)", #"{"regions": [""]}"#).1["field"] as? String == "regions[0]")

            // act: two small accounts, in Mazowieckie speaking Polish and in Pomorskie, grow strategic
            let strategic = #"{"annualValue": 400000, "complexity": "high"}"#
            func grown(_ body: String) async throws -> (HTTPResponse.Status, [String: Any]) {
                let (status, small) = try await fx.call(client, .post, "/api/v1/accounts", body)
                #expect(status == .created && small["ownerCsmId"] == nil)
                return try await fx.call(client, .patch, "/api/v1/accounts/\(small["id"] as? String ?? "")", strategic)
            }
            let (created, warsaw) = try await grown(#"{"name": "Huta Warszawa", "region": "Mazowieckie", "language": "pl"}"#)
            let (_, gdansk) = try await grown(#"{"name": "Stocznia", "region": "pomorskie"}"#)
            // check: each gets the CSM of its region, and says why
            #expect(created == .ok && warsaw["region"] as? String == "Mazowieckie" && warsaw["language"] as? String == "pl")
            #expect(warsaw["ownerCsmId"] as? String == ewa.id.text && gdansk["ownerCsmId"] as? String == tom.id.text, "\(warsaw) \(gdansk)")
            let accountID = try #require((warsaw["id"] as? String).flatMap(UUID.init(uuidString:)))
            let why = try await fx.store.auditLog(brand: fx.brandID, caseID: nil, limit: 100, cursor: nil).items
                .first { $0.type == .accountUpdated && $0.accountID == accountID && $0.payload["why"] != nil }?.payload["why"]
            #expect(why == .string("High-touch accounts have a named CSM: the CSM with the most room in Mazowieckie who speaks Polish"), "\(String(describing: why))")
            let german = try await fx.call(client, .post, "/api/v1/accounts", #"{"name": "X", "language": "de"}"#)
            #expect(german.0 == .unprocessableContent && german.1["field"] as? String == "language", "\(german)")

            // With every book full, a third waits, and the book says so; with room again it suggests Ewa.
            var policy = try await fx.call(client, .get, "/api/v1/service-models/highTouch").1
            policy["model"] = nil
            policy["csmCapacity"] = 1
            _ = try await client.execute(uri: "/api/v1/service-models/highTouch", method: .put, headers: fx.headers("admin"), body: body(policy))
            let (_, third) = try await grown(#"{"name": "Elektrownia", "region": "Mazowieckie"}"#)
            #expect(third["ownerCsmId"] == nil || third["ownerCsmId"] is NSNull)
            var owners = try #require(try await fx.call(client, .get, "/api/v1/csm/book").1["owners"] as? [[String: Any]])
            #expect(owners.count == 1 && owners.first?["accountName"] as? String == "Elektrownia" && owners.first?["csmId"] == nil)
            #expect(owners.first?["reason"] as? String == "every CSM's book is full for High-touch accounts")
            policy["csmCapacity"] = 5
            _ = try await client.execute(uri: "/api/v1/service-models/highTouch", method: .put, headers: fx.headers("admin"), body: body(policy))
            owners = try #require(try await fx.call(client, .get, "/api/v1/csm/book").1["owners"] as? [[String: Any]])
            #expect(owners.first?["csmId"] as? String == ewa.id.text && owners.first?["name"] as? String == "Ewa")
            #expect(owners.first?["reason"] as? String == "the CSM with the most room in Mazowieckie")
        }
    }
}
