import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing
import TouchpointApplication
import TouchpointCore

/// Playbooks over the API: created with ISO 8601 durations and checked (a misspelled
/// placeholder is a 422 naming its field), versioned, paused, tried in a dry run, their
/// enrollments with each step's result; the links in their messages (tracked, and the
/// unsubscribe page that stops them); automation rules.
@Suite("Playbooks over the API")
struct PlaybookAPITests {
    static let quarterly = #"""
        {"name": "Quarterly check-in", "trigger": {"schedule": "quarterly"}, "audience": {"models": ["lowTouch", "techTouch"]},
         "steps": [
           {"id": "hello", "type": "send", "contactPoint": "email",
            "templates": {"en": {"subject": "How is it going, {{contact.firstName}}?", "body": "Tell us: https://example.org/feedback"}}},
           {"id": "pause", "type": "wait", "duration": "PT2S"},
           {"id": "call", "type": "task", "assignee": "csm", "title": "Call {{account.name}}", "due": "P3D"}
         ],
         "exitOn": ["replied", "optedOut"]}
        """#

    @Test func aPlaybookIsCreatedTriedRunAndStopped() async throws {
        try await withAPI { fx, client in
            func call(
                _ method: HTTPRequest.Method, _ path: String, _ text: String? = nil, as who: String = "admin"
            ) async throws
                -> (HTTPResponse.Status, [String: Any])
            { try await fx.call(client, method, path, text, as: who) }
            // setup: a customer with an email address and a mailbox to write from; no quiet hours,
            // since the test runs on the real clock at whatever hour it is in Warsaw.
            #expect(try await call(.put, "/api/v1/automation/settings", #"{"quietHours": ["00:00", "00:00"]}"#).0 == .ok)
            _ = try await fx.store.saveMailbox(
                address: "care@acme.example", brand: fx.brandID, teamID: nil, forwardsOpenForSender: false, actor: .system)
            let (_, account) = try await call(.post, "/api/v1/accounts", #"{"name": "Piekarnia Kowalski", "timeZone": "Europe/Warsaw"}"#)
            #expect(account["timeZone"] as? String == "Europe/Warsaw")
            let accountID = try #require(account["id"] as? String)
            let (contactStatus, _) = try await call(
                .post, "/api/v1/contacts",
                #"{"name": "Jan Kowalski", "accountId": "\#(accountID)", "identities": [{"kind": "email", "value": "jan@piekarnia.example"}]}"#)
            #expect(contactStatus == .created)
            #expect(try await call(.patch, "/api/v1/accounts/\(accountID)", #"{"timeZone": "Mars/Olympus"}"#).0 == .unprocessableContent)

            // Refused, each naming its field.
            var (status, problem) = try await call(
                .post, "/api/v1/playbooks", Self.quarterly.replacingOccurrences(of: "{{contact.firstName}}", with: "{{contact.first}}"))
            #expect(status == .unprocessableContent && problem["field"] as? String == "steps[0].templates.en.subject", "\(problem)")
            (status, problem) = try await call(.post, "/api/v1/playbooks", Self.quarterly.replacingOccurrences(of: "PT2S", with: "2 seconds"))
            #expect(status == .unprocessableContent && problem["field"] as? String == "steps[1].duration", "\(problem)")
            (status, problem) = try await call(
                .post, "/api/v1/playbooks", Self.quarterly.replacingOccurrences(of: "\"schedule\": \"quarterly\"", with: "\"schedule\": \"often\""))
            #expect(status == .unprocessableContent && problem["field"] as? String == "trigger.schedule", "\(problem)")
            #expect(try await call(.post, "/api/v1/playbooks", Self.quarterly, as: "agent").0 == .forbidden)

            // act: created at version 1 with an id.
            var (created, playbook) = try await call(.post, "/api/v1/playbooks", Self.quarterly)
            #expect(
                created == .created && playbook["version"] as? Int == 1
                    && playbook["triggerDescription"] as? String == "on the first day of each quarter", "\(playbook)")
            let id = try #require(playbook["id"] as? String)
            #expect(((playbook["steps"] as? [[String: Any]])?[1])?["duration"] as? String == "PT2S")

            // The dry run finds Jan and shows what he would get, in order, with times.
            let (dryStatus, dry) = try await call(.post, "/api/v1/playbooks/\(id)/dry-run")
            #expect(dryStatus == .ok && dry["wouldEnter"] as? Int == 1, "\(dry)")
            let plan = try #require(((dry["entries"] as? [[String: Any]])?.first)?["plan"] as? [[String: Any]])
            #expect(plan.map { $0["step"] as? String } == ["hello", "pause", "call"])
            #expect((plan.first?["what"] as? String)?.contains("How is it going, Jan?") == true, "\(plan)")
            let (_, narrow) = try await call(
                .post, "/api/v1/playbooks/dry-run", Self.quarterly.replacingOccurrences(of: #"["lowTouch", "techTouch"]"#, with: #"["highTouch"]"#))
            #expect(narrow["wouldEnter"] as? Int == 0 && (narrow["leftOut"] as? [[String: Any]])?.first?["reason"] as? String != nil, "\(narrow)")

            // The schedule starts Jan once; the runner sends the email and sets the wait.
            let app = UseCases(store: fx.store)
            #expect(try await app.playbooks.sweepSchedules() == 1)
            #expect(try await app.playbooks.sweepSchedules() == 0)
            _ = try await PlaybookRunner(store: fx.store, address: PublicAddress(configured: UseCases.localURL)).drain()
            let (_, page) = try await call(.get, "/api/v1/playbooks/\(id)/enrollments?state=active")
            let enrollment = try #require((page["items"] as? [[String: Any]])?.first)
            #expect(
                enrollment["contactName"] as? String == "Jan Kowalski" && enrollment["nextStep"] as? String == "call"
                    && enrollment["version"] as? Int == 1)
            let enrollmentID = try #require(enrollment["id"] as? String)
            let (_, detail) = try await call(.get, "/api/v1/playbooks/\(id)/enrollments/\(enrollmentID)")
            #expect((detail["steps"] as? [[String: Any]])?.map { $0["outcome"] as? String } == ["sent", "done"], "\(detail)")
            (_, playbook) = try await call(.get, "/api/v1/playbooks/\(id)")
            #expect((playbook["enrollments"] as? [String: Int])?["active"] == 1)
            #expect(((playbook["stepResults"] as? [[String: Any]])?.first)?["sent"] as? Int == 1)

            // A changed definition is version 2; pausing and resuming keep it.
            var (putStatus, changed) = try await call(.put, "/api/v1/playbooks/\(id)", Self.quarterly.replacingOccurrences(of: "P3D", with: "P5D"))
            #expect(putStatus == .ok && changed["version"] as? Int == 2)
            (putStatus, changed) = try await call(.post, "/api/v1/playbooks/\(id)/pause")
            #expect(putStatus == .ok && changed["status"] as? String == "paused" && changed["version"] as? Int == 2)
            #expect(try await call(.post, "/api/v1/playbooks/\(id)/resume").1["status"] as? String == "active")
            #expect(try await call(.get, "/api/v1/playbooks/\(id)", as: "globex").0 == .notFound)

            // The email's links: the tracked one forwards; the unsubscribe page asks, then stops the run.
            let mail = try #require(try await fx.store.outbox(brand: fx.brandID, state: nil, limit: 10, cursor: nil).items.compactMap(\.email).first)
            let text = mail.mail.text
            let go = try #require(text.range(of: #"/go/[A-Za-z0-9_-]+"#, options: .regularExpression))
            let forwarded = try await client.execute(uri: String(text[go]), method: .get)
            #expect(forwarded.status == .found && forwarded.headers[.location] == "https://example.org/feedback")
            #expect(try await client.execute(uri: "/go/nothing", method: .get).status == .notFound)
            let stop = try #require(text.range(of: #"/unsubscribe/[A-Za-z0-9_-]+"#, options: .regularExpression))
            let ask = try await client.execute(uri: String(text[stop]), method: .get)
            #expect(ask.status == .ok && String(buffer: ask.body).contains("jan@piekarnia.example"))
            #expect(
                try await fx.store.optedOut(brand: fx.brandID, contactPoint: .email, address: "jan@piekarnia.example") == false,
                "opening the page changes nothing")
            let confirmed = try await client.execute(uri: String(text[stop]), method: .post)
            #expect(confirmed.status == .ok && String(buffer: confirmed.body).contains("no more automated messages"))
            #expect(try await fx.store.optedOut(brand: fx.brandID, contactPoint: .email, address: "jan@piekarnia.example"))
            let events = try await fx.store.events(brand: fx.brandID, since: .distantPast, limit: 500)
            try await PlaybookListener(playbooks: app.playbooks).handle(events.filter { $0.type == .contactOptedOut })
            let (_, after) = try await call(.get, "/api/v1/playbooks/\(id)/enrollments/\(enrollmentID)")
            #expect(after["state"] as? String == "exited" && after["exitReason"] as? String == "opted out of email", "\(after)")
        }
    }

    @Test func automationRulesAreReadAndChecked() async throws {
        try await withAPI { fx, client in
            var (status, settings) = try await fx.call(client, .get, "/api/v1/automation/settings")
            #expect(
                status == .ok && settings["quietHours"] as? [String] == ["21:00", "08:00"] && settings["maxMessages"] as? Int == 1
                    && settings["per"] as? String == "P1D")
            (status, settings) = try await fx.call(
                client, .put, "/api/v1/automation/settings", #"{"quietHours": ["22:00", "07:30"], "per": "PT12H"}"#)
            #expect(
                status == .ok && settings["quietHours"] as? [String] == ["22:00", "07:30"] && settings["per"] as? String == "PT12H", "\(settings)")
            var (bad, problem) = try await fx.call(client, .put, "/api/v1/automation/settings", #"{"timeZone": "Nowhere/City"}"#)
            #expect(bad == .unprocessableContent && problem["field"] as? String == "timeZone")
            (bad, problem) = try await fx.call(client, .put, "/api/v1/automation/settings", #"{"quietHours": ["25:00", "07:00"]}"#)
            #expect(bad == .unprocessableContent && problem["field"] as? String == "quietHours[0]")
            #expect(try await fx.call(client, .put, "/api/v1/automation/settings", #"{"maxMessages": 3}"#, as: "manager").0 == .forbidden)
        }
    }
}
