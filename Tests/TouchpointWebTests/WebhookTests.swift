import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing
import TouchpointApplication
import TouchpointCore
import TouchpointStore
@testable import TouchpointWeb

@Suite("SMS, WhatsApp and phone-system webhooks: signed, stored in the inbox, answered 202, then threaded, deduplicated")
struct WebhookTests {
    static func sign(_ body: String, secret: String = "s3cret") -> String {
        let mac = HMAC<SHA256>.authenticationCode(for: Data(body.utf8), using: SymmetricKey(data: Data(secret.utf8)))
        return "sha256=" + mac.map { String(format: "%02x", $0) }.joined()
    }

    static func post(_ client: any TestClientProtocol, _ path: String, _ body: String, signature: String? = nil) async throws -> TestResponse {
        var headers: HTTPFields = [.contentType: "application/json"]
        headers[HTTPField.Name("X-Touchpoint-Signature")!] = signature ?? sign(body)
        return try await client.execute(uri: path, method: .post, headers: headers, body: ByteBuffer(string: body))
    }

    static func stored(_ store: Store) async throws -> Int {
        try await store.database.read { db in try await db.raw("SELECT COUNT(*) AS n FROM inbox").first()?.decode(column: "n", as: Int.self) ?? 0 }
    }

    /// Runs the intake worker's processing over everything stored, then reads back the
    /// envelope a webhook answer names (with the case and interaction it became).
    static func processed(_ fixture: APIFixture, _ response: TestResponse) async throws -> Envelope {
        let text = try #require(try json(response)["envelopeId"] as? String)
        let id = try #require(UUID(text: text))
        try await fixture.inbox.processPending()
        return try await fixture.store.envelope(id, brand: fixture.brandID)
    }

    /// Posts a text webhook that must be stored, processes it, and returns its envelope.
    static func deliver(_ fixture: APIFixture, _ client: any TestClientProtocol, _ path: String, _ body: String) async throws -> Envelope {
        let response = try await post(client, path, body)
        #expect(response.status == .accepted, "\(String(buffer: response.body))")
        #expect(try json(response)["result"] as? String == "stored")
        return try await processed(fixture, response)
    }

    static func setUp(_ fixture: APIFixture) async throws {
        _ = try await fixture.store.createIntegration(id: "test-sms", brand: fixture.brandID, kind: .sms, name: "SMS", secret: "s3cret")
        _ = try await fixture.store.createIntegration(id: "test-wa", brand: fixture.brandID, kind: .whatsApp, name: "WhatsApp", secret: "s3cret")
    }

    @Test func unsignedWronglySignedAndUnknownAreRefusedWithNothingStored() async throws {
        try await withAPI { fixture, client in
            try await Self.setUp(fixture)
            let body = #"{"messageId": "m1", "from": "+48600100200", "text": "Hello"}"#
            let unsigned = try await client.execute(uri: "/api/v1/webhooks/sms/test-sms", method: .post, headers: [.contentType: "application/json"],
                                                    body: ByteBuffer(string: body))
            #expect(unsigned.status == .unauthorized)
            #expect(unsigned.headers[.contentType] == "application/problem+json")
            let wrong = try await Self.post(client, "/api/v1/webhooks/sms/test-sms", body, signature: Self.sign(body, secret: "other"))
            #expect(wrong.status == .unauthorized)
            let tampered = try await Self.post(client, "/api/v1/webhooks/sms/test-sms", body.replacingOccurrences(of: "Hello", with: "Hallo"),
                                               signature: Self.sign(body))
            #expect(tampered.status == .unauthorized)
            #expect(try await Self.post(client, "/api/v1/webhooks/sms/nobody", body).status == .notFound)
            #expect(try await Self.post(client, "/api/v1/webhooks/whatsapp/test-sms", body).status == .notFound, "an SMS integration is no WhatsApp one")
            let malformed = try await Self.post(client, "/api/v1/webhooks/sms/test-sms", #"{"messageId": "m1", "text": }"#)
            #expect(malformed.status == .badRequest)
            #expect(try json(malformed)["detail"] as? String == "the body is not valid JSON")
            let badNumber = try await Self.post(client, "/api/v1/webhooks/sms/test-sms", #"{"messageId": "m2", "from": "call me", "text": "x"}"#)
            #expect(badNumber.status == .unprocessableContent)
            #expect(try json(badNumber)["field"] as? String == "from")
            let huge = #"{"messageId": "m3", "from": "+48600100200", "media": [{"url": "https://cdn.example/v.mp4", "size": 99999999}]}"#
            #expect(try await Self.post(client, "/api/v1/webhooks/sms/test-sms", huge).status == .contentTooLarge)
            #expect(try await Self.stored(fixture.store) == 0)
        }
    }

    @Test func messagesThreadIntoOneCaseAndReplaysChangeNothing() async throws {
        try await withAPI { fixture, client in
            try await Self.setUp(fixture)
            // A national number is completed with the brand's calling code (48).
            let first = #"{"messageId": "sms-1", "from": "600 100 200", "to": "+48100", "text": "My meter shows E5", "receivedAt": "2026-11-25T08:00:00Z"}"#
            let opened = try await Self.post(client, "/api/v1/webhooks/sms/test-sms", first)
            #expect(opened.status == .accepted)
            let result = try json(opened)
            #expect(result["result"] as? String == "stored" && result["caseId"] == nil, "answered before it is processed")
            let envelope = try await Self.processed(fixture, opened)
            #expect(envelope.state == .processed && envelope.contactPoint == .sms && envelope.source == "test-sms")
            let item = try await fixture.store.case(try #require(envelope.caseID), brand: fixture.brandID)
            #expect(item.contactPoint == .sms && item.subject == "My meter shows E5")
            let contact = try await fixture.store.contact(item.contactID, brand: fixture.brandID)
            #expect(contact.identities.contains(Identity(storedKind: .phone, value: "+48600100200")))

            let again = try await Self.post(client, "/api/v1/webhooks/sms/test-sms", first)
            #expect(again.status == .ok)
            let repeated = try json(again)
            #expect(repeated["result"] as? String == "duplicate" && repeated["envelopeId"] as? String == envelope.id.text)
            let second = try await Self.deliver(fixture, client, "/api/v1/webhooks/sms/test-sms",
                                                #"{"messageId": "sms-2", "from": "+48600100200", "text": "Photo attached", "media": ["https://cdn.example/p.jpg"]}"#)
            #expect(second.caseID == item.id)
            // A provider's text with control characters in it (a NUL would fail PostgreSQL's write) is kept without them.
            let third = try await Self.deliver(fixture, client, "/api/v1/webhooks/sms/test-sms",
                                               #"{"messageId": "sms-3", "from": "+48600100200", "text": "Meter\u0000 still\u0007 off\nthanks"}"#)
            #expect(third.state == .processed && third.caseID == item.id)
            var interactions = try await fixture.store.interactions(caseID: item.id, brand: fixture.brandID)
            #expect(interactions.last?.text == "Meter still off\nthanks")
            interactions.removeLast()
            #expect(interactions.map(\.providerMessageID) == ["sms-1", "sms-2"])
            #expect(interactions[1].metadata["media"] == "https://cdn.example/p.jpg" && interactions[0].metadata["integration"] == "test-sms")
            #expect(interactions[0].occurredAt == JSONIO.parseDate("2026-11-25T08:00:00Z"))

            // The same person on WhatsApp is another contact point: its own case.
            let whatsApp = try await Self.deliver(fixture, client, "/api/v1/webhooks/whatsapp/test-wa", #"{"messageId": "wa-1", "from": "+48600100200", "text": "Hi on WhatsApp"}"#)
            let waCase = try await fixture.store.case(try #require(whatsApp.caseID), brand: fixture.brandID)
            #expect(waCase.contactPoint == .whatsApp && waCase.id != item.id)
            #expect(try await Self.stored(fixture.store) == 4)
        }
    }

    @Test func stopAndStartAreRecorded() async throws {
        try await withAPI { fixture, client in
            try await Self.setUp(fixture)
            _ = try await Self.deliver(fixture, client, "/api/v1/webhooks/sms/test-sms", #"{"messageId": "s1", "from": "+48600100201", "text": " stop. "}"#)
            #expect(try await fixture.store.optedOut(brand: fixture.brandID, contactPoint: .sms, address: "+48600100201"))
            #expect(try await !fixture.store.optedOut(brand: fixture.brandID, contactPoint: .whatsApp, address: "+48600100201"))
            // "Please stop calling me" is a message, not the keyword.
            _ = try await Self.deliver(fixture, client, "/api/v1/webhooks/sms/test-sms", #"{"messageId": "s2", "from": "+48600100202", "text": "Please stop calling me"}"#)
            #expect(try await !fixture.store.optedOut(brand: fixture.brandID, contactPoint: .sms, address: "+48600100202"))
            _ = try await Self.deliver(fixture, client, "/api/v1/webhooks/sms/test-sms", #"{"messageId": "s3", "from": "+48600100201", "text": "START"}"#)
            #expect(try await !fixture.store.optedOut(brand: fixture.brandID, contactPoint: .sms, address: "+48600100201"))
        }
    }

    @Test func deliveryReportsLandOnTheOutboundMessage() async throws {
        try await withAPI { fixture, client in
            try await Self.setUp(fixture)
            let opened = try await Self.deliver(fixture, client, "/api/v1/webhooks/sms/test-sms", #"{"messageId": "in-1", "from": "+48600100203", "text": "Hello"}"#)
            let item = try await fixture.store.case(try #require(opened.caseID), brand: fixture.brandID)
            let agent = try await fixture.store.staffUser(email: "agent@acme.example")
            _ = try await fixture.store.addInteraction(caseID: item.id, brand: fixture.brandID, actor: .staff(agent.id),
                                                       request: NewInteraction(direction: .outbound, body: "Hi!", providerMessageID: "out-1"))
            let delivered = try await Self.deliver(fixture, client, "/api/v1/webhooks/sms/test-sms", #"{"messageId": "out-1", "status": "delivered"}"#)
            #expect(delivered.state == .processed && delivered.reason == nil && delivered.caseID == item.id)
            _ = try await Self.deliver(fixture, client, "/api/v1/webhooks/sms/test-sms", #"{"messageId": "out-1", "status": "failed", "error": "unreachable"}"#)
            let reply = try #require(try await fixture.store.interactions(caseID: item.id, brand: fixture.brandID).last)
            #expect(reply.metadata["delivery"] == "failed" && reply.metadata["deliveryError"] == "unreachable")
            let events = try await fixture.store.auditLog(brand: fixture.brandID, caseID: item.id, limit: 50, cursor: nil).items
            #expect(events.contains { $0.type == .messageFailed })
            let unknown = try await Self.deliver(fixture, client, "/api/v1/webhooks/sms/test-sms", #"{"messageId": "never-sent", "status": "delivered"}"#)
            #expect(unknown.state == .processed && unknown.reason == "unmatched")
            let replay = try await Self.post(client, "/api/v1/webhooks/sms/test-sms", #"{"messageId": "out-1", "status": "delivered"}"#)
            #expect(replay.status == .ok)
            #expect(try json(replay)["result"] as? String == "duplicate")
        }
    }

    @Test func operatorsListRerunAndDiscardTheInboxThroughTheAPI() async throws {
        try await withAPI { fixture, client in
            // setup: one envelope whose body cannot be read (quarantined at once), one good one.
            try await Self.setUp(fixture)
            let broken = try await fixture.store.accept(NewEnvelope(brandID: fixture.brandID, contactPoint: .sms, source: "test-sms",
                                                                    providerKey: "message:broken", lane: "x", raw: Array(#"{"text": 5}"#.utf8)))
            let good = try await Self.deliver(fixture, client, "/api/v1/webhooks/sms/test-sms", #"{"messageId": "g1", "from": "+48600100260", "text": "Hi"}"#)

            // act + check: the quarantine lists it with its stage and reason, for admins of its brand only.
            let listed = try await client.execute(uri: "/api/v1/inbox?state=quarantined", method: .get, headers: fixture.headers("admin"))
            let items = try #require(try json(listed)["items"] as? [[String: Any]])
            #expect(items.count == 1 && items[0]["id"] as? String == broken.id.text && items[0]["stage"] as? String == "normalize")
            #expect((items[0]["reason"] as? String)?.hasPrefix("the body cannot be read") == true && items[0]["contactPoint"] as? String == "sms")
            #expect(try await client.execute(uri: "/api/v1/inbox", method: .get, headers: fixture.headers("agent")).status == .forbidden)
            #expect(try await client.execute(uri: "/api/v1/inbox/\(broken.id.text)", method: .get, headers: fixture.headers("globex")).status == .notFound)
            let badState = try await client.execute(uri: "/api/v1/inbox?state=lost", method: .get, headers: fixture.headers("admin"))
            #expect(badState.status == .unprocessableContent)
            #expect(try json(badState)["field"] as? String == "state")
            let shown = try json(try await client.execute(uri: "/api/v1/inbox/\(good.id.text)", method: .get, headers: fixture.headers("admin")))
            #expect(shown["state"] as? String == "processed" && shown["caseId"] as? String == good.caseID?.text)
            let raw = try await client.execute(uri: "/api/v1/inbox/\(broken.id.text)/raw", method: .get, headers: fixture.headers("admin"))
            #expect(String(buffer: raw.body) == #"{"text": 5}"#)

            // A re-run cannot cure an unreadable body: it is quarantined again; a processed one is no re-run's business.
            let rerun = try json(try await client.execute(uri: "/api/v1/inbox/\(broken.id.text)/rerun", method: .post, headers: fixture.headers("admin")))
            #expect(rerun["state"] as? String == "quarantined" && rerun["attempts"] as? Int == 1)
            #expect(try await client.execute(uri: "/api/v1/inbox/\(good.id.text)/rerun", method: .post, headers: fixture.headers("admin")).status == .conflict)
            let discarded = try json(try await client.execute(uri: "/api/v1/inbox/\(broken.id.text)/discard", method: .post, headers: fixture.headers("admin")))
            #expect(discarded["state"] as? String == "discarded")
            #expect(try await client.execute(uri: "/api/v1/inbox/\(broken.id.text)/raw", method: .get, headers: fixture.headers("admin")).status == .conflict)
            let events = try await fixture.store.auditLog(brand: fixture.brandID, caseID: nil, limit: 50, cursor: nil).items.map(\.type)
            #expect(events.filter { $0 == .intakeQuarantined }.count == 2 && events.contains(.intakeRerun) && events.contains(.intakeDiscarded))
        }
    }

    /// A high-touch account with a named CSM and its contact with a phone number.
    static func highTouchCaller(_ fixture: APIFixture) async throws -> (contact: ContactID, csm: StaffUser) {
        _ = try await fixture.store.createIntegration(id: "test-pbx", brand: fixture.brandID, kind: .cti, name: "PBX", secret: "s3cret")
        let csm = try await fixture.store.createStaffUser(brand: fixture.brandID, email: "csm@acme.example", name: "Celina", role: .csm, team: nil)
        _ = try await fixture.store.updateAgent(csm.id, brand: fixture.brandID, actor: .system, changes: AgentChanges(presence: .available))
        _ = try await fixture.store.createTeam(brand: fixture.brandID, name: "First line")
        let account = try await fixture.store.createAccount(brand: fixture.brandID, actor: .system, name: "Bakeries",
                                                            profile: AccountProfile(annualValue: 400_000, complexity: .high, ownerCSM: csm.id))
        let contact = try await fixture.store.createContact(brand: fixture.brandID, actor: .system, accountID: account.id, name: "Kasia", title: nil, preferredContactPoint: nil,
                                                            identities: [Identity(storedKind: .phone, value: "+48600700800")])
        return (contact.id, csm)
    }

    /// Posts a call event; returns the answer (with the screen pop for `newCall`) and the
    /// envelope after the intake worker's processing.
    @discardableResult
    static func call(_ fixture: APIFixture, _ client: any TestClientProtocol, _ event: String, _ callID: String, at time: String,
                     from: String = "+48600700800", extra: String = "") async throws -> (answer: [String: Any], envelope: Envelope) {
        let body = #"{"event": "\#(event)", "callId": "\#(callID)", "direction": "in", "from": "\#(from)", "to": "+48221000000", "occurredAt": "\#(time)"\#(extra)}"#
        let response = try await post(client, "/api/v1/webhooks/cti/test-pbx", body)
        #expect(response.status == .accepted || response.status == .ok, "\(event): \(String(buffer: response.body))")
        return (try json(response), try await processed(fixture, response))
    }

    @Test func aNewCallIsAnsweredWithWhoCallsAndWhomToRing() async throws {
        try await withAPI { fixture, client in
            let (contact, csm) = try await Self.highTouchCaller(fixture)
            let account = try #require(try await fixture.store.contact(contact, brand: fixture.brandID).accountID)
            _ = try await fixture.store.createCommitment(brand: fixture.brandID, actor: .system, accountID: account, caseID: nil,
                                                         what: "Call back about the new oven", dueAt: Date().addingTimeInterval(86_400), ownerID: nil)
            let (pop, stored) = try await Self.call(fixture, client, "newCall", "c1", at: "2026-11-25T10:00:00Z")
            // The facts of the customer summary, as the case page shows them.
            #expect(pop["billing"] as? String == "No invoices on file")
            #expect((pop["openCommitments"] as? [[String: Any]])?.first?["what"] as? String == "Call back about the new oven")
            #expect((pop["comingUp"] as? [Any])?.isEmpty == true)
            #expect(pop["result"] as? String == "stored" && stored.state == .processed && stored.interactionID == nil)
            #expect(pop["known"] as? Bool == true && pop["serviceModel"] as? String == "highTouch")
            #expect((pop["contact"] as? [String: Any])?["id"] as? String == contact.text)
            #expect((pop["account"] as? [String: Any])?["name"] as? String == "Bakeries")
            #expect((pop["ringFirst"] as? [String: Any])?["email"] as? String == csm.email)
            let stranger = try await Self.call(fixture, client, "newCall", "c2", at: "2026-11-25T10:00:00Z", from: "+48511222333").answer
            #expect(stranger["known"] as? Bool == false && stranger["ringFirst"] == nil && stranger["billing"] == nil)
            // A repeated newCall is answered the same and stored once.
            let again = try await Self.call(fixture, client, "newCall", "c1", at: "2026-11-25T10:00:00Z").answer
            #expect(again["result"] as? String == "duplicate" && again["known"] as? Bool == true)
            #expect(again["envelopeId"] as? String == stored.id.text)
        }
    }

    /// The screen pop has a budget: reads that do not answer in time (a database that went
    /// away just after the store) are given up and the stored event is answered without them.
    @Test func theScreenPopNeverHoldsTheAnswerPastItsBudget() async throws {
        // Work that would take ten minutes is given up at the budget and cancelled (which
        // ends a database call at once); were it not, the answer would be its 1.
        let cancelled = CancelFlag()
        let late = await API.within(.milliseconds(200)) { () async throws -> Int in
            do { try await Task.sleep(for: .seconds(600)) } catch {
                await cancelled.set()
                throw error
            }
            return 1
        }
        #expect(late == nil)
        #expect(await cancelled.value, "the work is cancelled, not left running")
        #expect(await API.within(.seconds(60)) { 42 } == 42)
        #expect(await API.within(.seconds(60)) { () async throws -> Int in throw StoreError.unavailable("the database went away") } == nil)
        #expect(API.screenPopBudget < .seconds(10), "phone systems give up after about ten seconds")
    }

    @Test func aCallerWhoseModelOffersNoPhoneIsPointedToSelfServiceAndCountedWhenServed() async throws {
        try await withAPI { fixture, client in
            let (_, _) = try await Self.highTouchCaller(fixture)
            // A known customer without an account is tech-touch: no phone in the model.
            let olek = try await fixture.store.createContact(brand: fixture.brandID, actor: .system, accountID: nil, name: "Olek", title: nil,
                                                             preferredContactPoint: nil, identities: [Identity(storedKind: .phone, value: "+48600700900")])
            let pop = try await Self.call(fixture, client, "newCall", "t1", at: "2026-11-25T10:00:00Z", from: "+48600700900").answer
            #expect(pop["routingHint"] as? String == "selfService" && pop["selfServicePath"] as? String == "/portal/acme")
            #expect(pop["offModel"] as? String == "Phone is not offered to Tech-touch customers (pointed to self-service)")
            let highTouch = try await Self.call(fixture, client, "newCall", "t2", at: "2026-11-25T10:00:00Z").answer
            #expect(highTouch["routingHint"] as? String == "agent" && highTouch["offModel"] == nil && highTouch["selfServicePath"] == nil)
            // The wait for a person, as the routing API estimates it, for the phone system to announce.
            let (_, estimate) = try await fixture.call(client, .get, "/api/v1/wait-estimate?contactPoint=phone&accountId=\(try #require((highTouch["account"] as? [String: Any])?["id"] as? String))")
            #expect(highTouch["humanAvailable"] as? Bool == estimate["humanAvailable"] as? Bool && highTouch["waitExplanation"] as? String == estimate["explanation"] as? String)
            #expect(highTouch["waitExplanation"] != nil && highTouch["demandExceedsCapacity"] as? Bool == estimate["demandExceedsCapacity"] as? Bool)
            // The phone system put him through anyway: served, and recorded as off-model.
            try await Self.call(fixture, client, "answer", "t1", at: "2026-11-25T10:00:20Z", from: "+48600700900", extra: #", "user": "agent@acme.example""#)
            let done = try await Self.call(fixture, client, "hangup", "t1", at: "2026-11-25T10:03:00Z", from: "+48600700900",
                                           extra: #", "cause": "normalClearing""#).envelope
            let item = try await fixture.store.case(try #require(done.caseID), brand: fixture.brandID)
            #expect(item.contactID == olek.id && item.tags.contains("off-model"))
            let call = try #require(try await fixture.store.interactions(caseID: item.id, brand: fixture.brandID).first)
            #expect(call.metadata["offModel"] == "Phone is not offered to Tech-touch customers (pointed to self-service)")
            // A policy can serve such calls instead.
            var policy = try await fixture.store.serviceConfig(brand: fixture.brandID).policy(.techTouch)
            policy.offModel = [.phone: .serve]
            _ = try await fixture.store.setPolicy(policy, brand: fixture.brandID, actor: .system)
            let served = try await Self.call(fixture, client, "newCall", "t3", at: "2026-11-25T11:00:00Z", from: "+48600700900").answer
            #expect(served["routingHint"] as? String == "agent" && served["offModel"] as? String == "Phone is not offered to Tech-touch customers (served and counted)")
        }
    }

    @Test func aFinishedCallIsOneInteractionWhateverTheOrderOfItsEvents() async throws {
        try await withAPI { fixture, client in
            let (contact, _) = try await Self.highTouchCaller(fixture)
            // The hang-up and the answer overtake the newCall.
            let early = try await Self.call(fixture, client, "hangup", "c3", at: "2026-11-25T10:02:40Z",
                                            extra: #", "cause": "normalClearing", "recordingUrl": "https://pbx.example/r/c3.mp3""#).envelope
            #expect(early.state == .processed && early.interactionID == nil, "a normal hang-up waits for its answer")
            let answered = try await Self.call(fixture, client, "answer", "c3", at: "2026-11-25T10:00:30Z", extra: #", "user": "agent@acme.example""#).envelope
            let caseID = try #require(answered.caseID)
            try await Self.call(fixture, client, "newCall", "c3", at: "2026-11-25T10:00:00Z")
            try await Self.call(fixture, client, "hangup", "c3", at: "2026-11-25T10:02:40Z", extra: #", "cause": "normalClearing""#)
            let item = try await fixture.store.case(caseID, brand: fixture.brandID)
            #expect(item.contactID == contact && item.contactPoint == .phone && !item.tags.contains("callback"))
            let calls = try await fixture.store.interactions(caseID: item.id, brand: fixture.brandID)
            #expect(calls.count == 1)
            #expect(calls[0].text == "Inbound call, 2 min 10 s with agent")
            #expect(calls[0].metadata["durationSeconds"] == "130" && calls[0].metadata["outcome"] == "answered")
            #expect(calls[0].metadata["recordingUrl"] == "https://pbx.example/r/c3.mp3")
            // The next call of the same customer joins the open phone case.
            try await Self.call(fixture, client, "newCall", "c4", at: "2026-11-25T11:00:00Z")
            try await Self.call(fixture, client, "hangup", "c4", at: "2026-11-25T11:00:20Z", extra: #", "cause": "cancel""#)
            let later = try await fixture.store.interactions(caseID: item.id, brand: fixture.brandID)
            #expect(later.count == 2 && later[1].text == "Missed inbound call after 20 s (cancel)")
        }
    }

    @Test func aMissedCallIsACallbackCaseWhenTheModelOffersThePhone() async throws {
        try await withAPI { fixture, client in
            let (contact, csm) = try await Self.highTouchCaller(fixture)
            try await Self.call(fixture, client, "newCall", "c5", at: "2026-11-25T10:00:00Z")
            let missed = try await Self.call(fixture, client, "hangup", "c5", at: "2026-11-25T10:00:45Z", extra: #", "cause": "noAnswer""#).envelope
            let callback = try await fixture.store.case(try #require(missed.caseID), brand: fixture.brandID)
            #expect(callback.contactID == contact && callback.tags == ["callback"] && callback.priority == .high)
            #expect(callback.assigneeID == csm.id, "the named CSM calls back")

            // A stranger without an account is served tech-touch, which offers no phone: the
            // missed call is on their timeline, on no case.
            try await Self.call(fixture, client, "newCall", "c6", at: "2026-11-25T10:00:00Z", from: "+48511222333")
            let stranger = try await Self.call(fixture, client, "hangup", "c6", at: "2026-11-25T10:00:30Z", from: "+48511222333",
                                               extra: #", "cause": "noAnswer""#).envelope
            #expect(stranger.caseID == nil && stranger.interactionID != nil && stranger.state == .processed)
            let found = try await fixture.store.contacts(brand: fixture.brandID, accountID: nil, identity: Identity(storedKind: .phone, value: "+48511222333"),
                                                         query: nil, limit: 5, cursor: nil).items
            let timeline = try await fixture.store.contactTimeline(try #require(found.first).id, brand: fixture.brandID, limit: 10, cursor: nil).items
            #expect(timeline.contains { if case .interaction(let item) = $0 { item.text.hasPrefix("Missed inbound call") } else { false } })
            let bad = try await Self.post(client, "/api/v1/webhooks/cti/test-pbx", #"{"event": "ring", "callId": "x", "direction": "in", "occurredAt": "2026-11-25T10:00:00Z"}"#)
            #expect(bad.status == .unprocessableContent || bad.status == .badRequest)
        }
    }

    @Test func administratorsCreateIntegrationsWithRandomSecretsShownOnce() async throws {
        try await withAPI { fixture, client in
            let create = #"{"id": "Shop-SMS", "kind": "sms", "name": "Shop SMS", "providerUrl": "https://sms.example/send"}"#
            #expect(try await client.execute(uri: "/api/v1/integrations", method: .post, headers: fixture.headers("agent"), body: ByteBuffer(string: create)).status == .forbidden)
            let created = try await client.execute(uri: "/api/v1/integrations", method: .post, headers: fixture.headers("admin"), body: ByteBuffer(string: create))
            #expect(created.status == .created)
            let object = try json(created)
            let secret = try #require(object["secret"] as? String)
            #expect(secret.count >= 40 && object["id"] as? String == "shop-sms" && object["webhookPath"] as? String == "/api/v1/webhooks/sms/shop-sms")
            let listed = String(buffer: try await client.execute(uri: "/api/v1/integrations", method: .get, headers: fixture.headers("admin")).body)
            #expect(listed.contains("shop-sms") && !listed.contains(secret))

            let message = #"{"messageId": "x1", "from": "+48600100400", "text": "Hi"}"#
            #expect(try await Self.post(client, "/api/v1/webhooks/sms/shop-sms", message, signature: Self.sign(message, secret: secret)).status == .accepted)
            let rotated = try json(try await client.execute(uri: "/api/v1/integrations/shop-sms/secret", method: .post, headers: fixture.headers("admin")))
            let fresh = try #require(rotated["secret"] as? String)
            #expect(fresh != secret)
            let next = #"{"messageId": "x2", "from": "+48600100400", "text": "Again"}"#
            #expect(try await Self.post(client, "/api/v1/webhooks/sms/shop-sms", next, signature: Self.sign(next, secret: secret)).status == .unauthorized)
            #expect(try await Self.post(client, "/api/v1/webhooks/sms/shop-sms", next, signature: Self.sign(next, secret: fresh)).status == .accepted)

            let badURL = try await client.execute(uri: "/api/v1/integrations/shop-sms", method: .patch, headers: fixture.headers("admin"),
                                                  body: ByteBuffer(string: #"{"providerUrl": "ftp://x"}"#))
            #expect(badURL.status == .unprocessableContent)
            let cleared = try json(try await client.execute(uri: "/api/v1/integrations/shop-sms", method: .patch, headers: fixture.headers("admin"),
                                                            body: ByteBuffer(string: #"{"providerUrl": null}"#)))
            #expect(cleared["providerUrl"] == nil && cleared["name"] as? String == "Shop SMS")
            let other = try await client.execute(uri: "/api/v1/integrations/shop-sms/secret", method: .post, headers: fixture.headers("globex"))
            #expect(other.status == .notFound)
        }
    }

    /// The words of the newest text in the outbox to `phone`.
    static func lastText(_ store: Store, brand: BrandID, to phone: String) async throws -> String? {
        let texts = try await store.outbox(brand: brand, state: nil, contactPoints: [.sms, .whatsApp], limit: 200, cursor: nil).items
        return texts.first { $0.recipient == phone }?.text?.text
    }

    @Test func aNumberIsTakenByTextAndTheCallIsTextedBack() async throws {
        try await withAPI { fixture, client in
            try await Self.setUp(fixture)
            let store = fixture.store
            let brand = fixture.brandID
            let location = try await store.createLocation(brand: brand, slug: "centre", name: "Centre", timeZone: "Europe/Warsaw", setup: LocationSetup(
                categories: [ServiceCategory(code: "B", name: "Billing", averageServiceMinutes: 6), ServiceCategory(code: "C", name: "Contracts", averageServiceMinutes: 10)],
                desks: [Desk(code: "1", name: "Desk 1")]), actor: .system)
            let agent = try #require(try await store.staffUsers(brand: brand).first { $0.email == "agent@acme.example" })
            var sent = 0
            func text(_ id: String, _ from: String, _ words: String) async throws -> Envelope {
                try await Self.deliver(fixture, client, "/api/v1/webhooks/sms/test-sms", #"{"messageId": "\#(id)", "from": "\#(from)", "text": "\#(words)"}"#)
            }
            func lastReply(to phone: String) async throws -> String? { try await Self.lastText(store, brand: brand, to: phone) }

            // Without a category the customer is asked for one; nothing is issued, no case opened.
            let ask = try await text("q1", "+48600100250", "QUEUE")
            #expect(ask.caseID == nil && ask.interactionID != nil)
            #expect(try await store.queueState(location: location.id, brand: brand).tickets.isEmpty)
            #expect(try await lastReply(to: "+48600100250") == "Acme: what is your visit about? Text QUEUE and a letter: B Billing, C Contracts.")
            _ = try await text("q2", "+48600100250", "queue b")
            #expect(try await lastReply(to: "+48600100250")?.hasPrefix("Acme: your number is B001 at Centre (Billing).") == true)
            // Asking again gives the same number.
            _ = try await text("q3", "+48600100250", "Queue B!")
            #expect(try await lastReply(to: "+48600100250") == "Acme: you already have number B001 at Centre. Text QUEUE LEAVE to give it up.")
            let state = try await store.queueState(location: location.id, brand: brand)
            #expect(state.tickets.count == 1)
            let ticket = try #require(state.tickets.first)

            // The desk calls: the customer is texted where to go, on their timeline.
            let called = try #require(try await store.callNext(location: location.id, desk: "1", brand: brand, staff: agent.id))
            #expect(called.id == ticket.id)
            #expect(try await lastReply(to: "+48600100250") == "Acme: B001, please come to Desk 1 at Centre.")
            let contact = try #require(ticket.contactID)
            let history = try await store.contactTimeline(contact, brand: brand, limit: 50, cursor: nil).items.compactMap { entry -> Interaction? in
                if case .interaction(let item) = entry { return item }
                return nil
            }
            #expect(history.filter { $0.direction == .inbound }.count == 3 && history.filter { $0.direction == .outbound }.count == 4)
            #expect(history.allSatisfy { $0.caseID == nil && $0.contactPoint == .sms })
            #expect(try await store.cases(brand: brand, filter: CaseFilter(contactID: contact), limit: 10, cursor: nil).items.isEmpty)

            // Opted out: a call again is not texted.
            _ = try await text("q4", "+48600100250", "STOP")
            sent = try await store.outbox(brand: brand, state: nil, contactPoints: [.sms, .whatsApp], limit: 200, cursor: nil).items.count
            _ = try await store.moveTicket(ticket.id, brand: brand, actor: .staff(agent.id), step: .recall)
            #expect(try await store.outbox(brand: brand, state: nil, contactPoints: [.sms, .whatsApp], limit: 200, cursor: nil).items.count == sent)

            // Another customer takes a number and gives it up.
            _ = try await text("q5", "+48600100251", "NUMEREK C")
            #expect(try await lastReply(to: "+48600100251")?.hasPrefix("Acme: your number is C001 at Centre (Contracts).") == true)
            _ = try await text("q6", "+48600100251", "queue leave")
            #expect(try await lastReply(to: "+48600100251") == "Acme: you left the queue (C001). Text QUEUE to take a new number.")
            #expect(try await store.queueState(location: location.id, brand: brand).tickets.first { $0.label == "C001" }?.state == .cancelled)
            // A longer message that starts with the word is an ordinary one.
            let ordinary = try await text("q7", "+48600100251", "Queue at your office was very long today")
            #expect(ordinary.caseID != nil)

            // The brand writes in Polish from now on; an agent may not change that, nor to a language it does not have.
            let asAgent = try await client.execute(uri: "/api/v1/brand", method: .patch, headers: fixture.headers("agent"),
                                                   body: ByteBuffer(string: #"{"language": "pl"}"#))
            #expect(asAgent.status == .forbidden)
            let german = try await client.execute(uri: "/api/v1/brand", method: .patch, headers: fixture.headers("admin"),
                                                  body: ByteBuffer(string: #"{"language": "de"}"#))
            let germanProblem = try json(german)
            #expect(german.status == .unprocessableContent && germanProblem["field"] as? String == "language")
            let polish = try json(try await client.execute(uri: "/api/v1/brand", method: .patch, headers: fixture.headers("admin"),
                                                           body: ByteBuffer(string: #"{"language": "pl"}"#)))
            #expect(polish["language"] as? String == "pl" && polish["slug"] as? String == "acme")
            _ = try await text("q8", "+48600100252", "NUMEREK C")
            #expect(try await lastReply(to: "+48600100252")?.hasPrefix("Acme: Twój numerek to C002 w Centre (Contracts).") == true)
            _ = try await text("q9", "+48600100252", "NUMEREK REZYGNUJĘ")
            #expect(try await lastReply(to: "+48600100252") == "Acme: numerek C002 anulowany. Wyślij NUMEREK, aby pobrać nowy.")
        }
    }
}

/// Whether a piece of work saw its cancellation.
private actor CancelFlag {
    private(set) var value = false
    func set() { value = true }
}
