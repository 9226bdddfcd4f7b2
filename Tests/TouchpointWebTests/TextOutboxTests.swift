import Foundation
import Testing
import TouchpointApplication
import TouchpointChannels
import TouchpointCore
import TouchpointStore
@testable import TouchpointWeb

/// A local HTTP server standing in for an SMS/WhatsApp provider (real providers cannot be
/// reached from here): it checks our signature, answers by path, and prints what it got.
private let providerScript = #"""
import hashlib, hmac, http.server, json, os, sys, threading
secret = sys.argv[1].encode()
class Provider(http.server.BaseHTTPRequestHandler):
    count = 0
    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        expected = "sha256=" + hmac.new(secret, body, hashlib.sha256).hexdigest()
        if self.headers.get("X-Touchpoint-Signature") != expected:
            self.send_response(401); self.end_headers(); return
        message = json.loads(body)
        print(json.dumps({"path": self.path, "to": message["to"], "text": message["text"], "channel": message["channel"],
                          "template": message.get("template")}), flush=True)
        if self.path == "/refuse":
            self.send_response(400); self.end_headers(); self.wfile.write(b'{"error":"invalid number"}'); return
        if self.path == "/busy":
            self.send_response(503); self.end_headers(); return
        Provider.count += 1
        answer = json.dumps({"messageId": "prov-%d" % Provider.count}).encode()
        self.send_response(200); self.send_header("Content-Type", "application/json"); self.send_header("Content-Length", str(len(answer)))
        self.end_headers(); self.wfile.write(answer)
    def log_message(self, *args): pass
server = http.server.HTTPServer(("127.0.0.1", 0), Provider)
print(server.server_address[1], flush=True)
threading.Thread(target=server.serve_forever, daemon=True).start()
sys.stdin.read()  # the test closes standard input to stop the provider
os._exit(0)
"""#

@Suite("Outbound SMS and WhatsApp through a provider over HTTP", .serialized)
struct TextOutboxTests {
    /// An SMS case from a customer, and an integration posting to `path` of the provider.
    static func smsCase(_ fixture: APIFixture, provider: String, path: String, kind: IntegrationKind = .sms) async throws -> Case {
        let integration = try await fixture.store.createIntegration(id: "out-\(kind.rawValue.lowercased())", brand: fixture.brandID, kind: kind, name: "Provider",
                                                                    secret: "s3cret", providerURL: provider + path)
        let result = try await fixture.store.processText(InboundText(messageID: "in-1", from: "+48600100300", to: nil, text: "Is my meter fixed?", media: [],
                                                                     receivedAt: nil),
                                                         integration: integration, envelope: UUID())
        return try await fixture.store.case(try #require(result.caseID), brand: fixture.brandID)
    }

    @Test func aReplyIsPostedSignedAndItsProviderIdCatchesTheDeliveryReport() async throws {
        let provider = try Background(python: providerScript, ["s3cret"])
        defer { provider.stop() }
        let port = await provider.line()
        try await withAPI { fixture, _ in
            let item = try await Self.smsCase(fixture, provider: "http://127.0.0.1:\(port)", path: "/send")
            let agent = try await fixture.store.staffUser(email: "agent@acme.example")
            let (_, reply) = try await fixture.store.addInteraction(caseID: item.id, brand: fixture.brandID, actor: .staff(agent.id),
                                                                    request: NewInteraction(direction: .outbound, body: "Yes, since this morning."))
            let worker = DeliveryWorker(store: fixture.store, drivers: [ProviderDriver()], logger: .init(label: "test"))
            #expect(try await worker.deliverDue() == 1)
            let received = await provider.line()
            #expect(received.contains(#""to": "+48600100300""#) && received.contains("Yes, since this morning.") && received.contains(#""channel": "sms""#))
            let sent = try #require(try await fixture.store.outbox(brand: fixture.brandID, state: nil, contactPoints: [.sms, .whatsApp], limit: 200, cursor: nil).items.first)
            #expect(sent.state == .sent && sent.providerMessageID == "prov-1")
            let stored = try await fixture.store.interaction(reply.id, brand: fixture.brandID)
            #expect(stored.providerMessageID == "prov-1" && stored.metadata["delivery"] == "sent")
            let integration = try #require(try await fixture.store.integration(id: "out-sms"))
            #expect(try await fixture.store.recordDelivery(.delivered, error: nil, messageID: "prov-1", integration: integration, envelope: UUID()))
            #expect(try await fixture.store.interaction(reply.id, brand: fixture.brandID).metadata["delivery"] == "delivered")
            #expect(try await worker.deliverDue() == 0, "nothing is sent twice")
        }
    }

    @Test func aRefusalFailsTheMessageAndAnOutageIsRetried() async throws {
        let provider = try Background(python: providerScript, ["s3cret"])
        defer { provider.stop() }
        let port = await provider.line()
        try await withAPI { fixture, client in
            let item = try await Self.smsCase(fixture, provider: "http://127.0.0.1:\(port)", path: "/busy")
            let agent = try await fixture.store.staffUser(email: "agent@acme.example")
            _ = try await fixture.store.addInteraction(caseID: item.id, brand: fixture.brandID, actor: .staff(agent.id),
                                                       request: NewInteraction(direction: .outbound, body: "Hello"))
            let worker = DeliveryWorker(store: fixture.store, drivers: [ProviderDriver()], logger: .init(label: "test"))
            #expect(try await worker.deliverDue() == 1)
            _ = await provider.line()
            var entry = try #require(try await fixture.store.outbox(brand: fixture.brandID, state: nil, contactPoints: [.sms, .whatsApp], limit: 200, cursor: nil).items.first)
            #expect(entry.state == .pending && entry.lastError == "the provider answered 503")
            #expect(try await worker.deliverDue() == 0, "the retry waits for its backoff")

            // The same message against a provider that refuses it.
            try await fixture.store.database.write { db in
                try await db.raw("UPDATE integrations SET provider_url = \(bind: "http://127.0.0.1:\(port)/refuse")").run()
                try await db.raw("UPDATE outbox SET next_attempt_at = 0").run()
            }
            #expect(try await worker.deliverDue() == 1)
            _ = await provider.line()
            entry = try #require(try await fixture.store.outbox(brand: fixture.brandID, state: nil, contactPoints: [.sms, .whatsApp], limit: 200, cursor: nil).items.first)
            #expect(entry.state == .failed && entry.lastError?.contains("invalid number") == true)
            let events = try await fixture.store.auditLog(brand: fixture.brandID, caseID: item.id, limit: 50, cursor: nil).items
            #expect(events.contains { $0.type == .messageFailed })

            // The dead letter is listed for operators with the other contact points' and sent again.
            let listed = try json(try await client.execute(uri: "/api/v1/outbox?state=failed&contactPoint=sms,whatsApp", method: .get,
                                                           headers: fixture.headers("admin")))
            let dead = try #require((listed["items"] as? [[String: Any]])?.first)
            #expect(dead["id"] as? String == entry.id.text && dead["contactPoint"] as? String == "sms" && dead["text"] as? String == "Hello")
            let mailOnly = try json(try await client.execute(uri: "/api/v1/mail/outbound?state=failed", method: .get, headers: fixture.headers("admin")))
            #expect((mailOnly["items"] as? [Any])?.isEmpty == true)
            let asAgent = try await client.execute(uri: "/api/v1/outbox", method: .get, headers: fixture.headers("agent"))
            #expect(asAgent.status == .forbidden)
            let retried = try json(try await client.execute(uri: "/api/v1/outbox/\(entry.id.text)/retry", method: .post, headers: fixture.headers("admin")))
            #expect(retried["state"] as? String == "pending" && retried["attempts"] as? Int == 0)
            let again = try await client.execute(uri: "/api/v1/outbox/\(entry.id.text)/retry", method: .post, headers: fixture.headers("admin"))
            #expect(again.status == .conflict)
            let unknown = try await client.execute(uri: "/api/v1/outbox?contactPoint=fax", method: .get, headers: fixture.headers("admin"))
            #expect(unknown.status == .unprocessableContent)
        }
    }

    @Test func optOutsAndTheWhatsAppWindowRefuseAReply() async throws {
        try await withAPI { fixture, _ in
            let item = try await Self.smsCase(fixture, provider: "http://127.0.0.1:9", path: "/send")
            let integration = try #require(try await fixture.store.integration(id: "out-sms"))
            _ = try await fixture.store.processText(InboundText(messageID: "in-2", from: "+48600100300", to: nil, text: "STOP", media: [], receivedAt: nil),
                                                    integration: integration, envelope: UUID())
            let agent = try await fixture.store.staffUser(email: "agent@acme.example")
            await #expect(throws: StoreError.self) {
                _ = try await fixture.store.addInteraction(caseID: item.id, brand: fixture.brandID, actor: .staff(agent.id),
                                                           request: NewInteraction(direction: .outbound, body: "Hello"))
            }
            #expect(try await fixture.store.outbox(brand: fixture.brandID, state: nil, contactPoints: [.sms, .whatsApp], limit: 200, cursor: nil).items.isEmpty)

            // WhatsApp: free-form answers only within 24 hours of the customer's last message.
            let wa = try await fixture.store.createIntegration(id: "out-wa", brand: fixture.brandID, kind: .whatsApp, name: "WA", secret: "s3cret",
                                                               providerURL: "http://127.0.0.1:9/send")
            let old = try await fixture.store.processText(InboundText(messageID: "wa-1", from: "+48600100301", to: nil, text: "Hello?", media: [],
                                                                      receivedAt: Date().addingTimeInterval(-25 * 3600)),
                                                          integration: wa, envelope: UUID())
            do {
                _ = try await fixture.store.addInteraction(caseID: try #require(old.caseID), brand: fixture.brandID, actor: .staff(agent.id),
                                                           request: NewInteraction(direction: .outbound, body: "Sorry for the wait"))
                Issue.record("a free-form WhatsApp reply after 25 hours was accepted")
            } catch StoreError.conflict(let why) {
                #expect(why.contains("24 hours"))
            }
            let recent = try await fixture.store.processText(InboundText(messageID: "wa-2", from: "+48600100301", to: nil, text: "Anyone?", media: [],
                                                                         receivedAt: nil),
                                                             integration: wa, envelope: UUID())
            _ = try await fixture.store.addInteraction(caseID: try #require(recent.caseID), brand: fixture.brandID, actor: .staff(agent.id),
                                                       request: NewInteraction(direction: .outbound, body: "Here!"))
            #expect(try await fixture.store.outbox(brand: fixture.brandID, state: nil, contactPoints: [.sms, .whatsApp], limit: 200, cursor: nil).items.map(\.recipient) == ["+48600100301"])
        }
    }

    @Test func anApprovedTemplateWritesToAWhatsAppCustomerAfterTheWindow() async throws {
        let provider = try Background(python: providerScript, ["s3cret"])
        defer { provider.stop() }
        let port = await provider.line()
        try await withAPI { fixture, client in
            let wa = try await fixture.store.createIntegration(id: "out-wa", brand: fixture.brandID, kind: .whatsApp, name: "WA", secret: "s3cret",
                                                               providerURL: "http://127.0.0.1:\(port)/send")
            // Templates are registered through the API, checked as WhatsApp would.
            let gap = try await client.execute(uri: "/api/v1/integrations/out-wa", method: .patch, headers: fixture.headers("admin"),
                                               body: body(["templates": [["name": "case_update", "language": "en", "text": "Hi {{1}}, see {{3}}"]]]))
            #expect(gap.status == .unprocessableContent && String(buffer: gap.body).contains("templates[0].text"))
            let templates: [[String: Any]] = [
                ["name": "case_update", "language": "en", "text": "Hello {{1}}, there is news on your case {{2}}. Reply to continue."],
                ["name": "case_update", "language": "pl", "text": "Dzień dobry {{1}}, sprawa {{2}} ma nowe informacje."],
            ]
            let saved = try json(try await client.execute(uri: "/api/v1/integrations/out-wa", method: .patch, headers: fixture.headers("admin"),
                                                          body: body(["templates": templates])))
            #expect((saved["templates"] as? [Any])?.count == 2)

            let old = try await fixture.store.processText(InboundText(messageID: "wa-1", from: "+48600100301", to: nil, text: "Hello?", media: [],
                                                                      receivedAt: Date().addingTimeInterval(-30 * 3600)),
                                                          integration: wa, envelope: UUID())
            let path = "/api/v1/cases/\(try #require(old.caseID).text)/interactions"
            let ambiguous = try await client.execute(uri: path, method: .post, headers: fixture.headers("agent"),
                                                     body: body(["type": "reply", "template": ["name": "case_update", "parameters": ["Anna", "#7"]]]))
            #expect(ambiguous.status == .unprocessableContent && String(buffer: ambiguous.body).contains("template.language"))
            let short = try await client.execute(uri: path, method: .post, headers: fixture.headers("agent"),
                                                 body: body(["type": "reply", "template": ["name": "case_update", "language": "en", "parameters": ["Anna"]]]))
            #expect(short.status == .unprocessableContent && String(buffer: short.body).contains("takes 2 parameter(s), got 1"))
            let asNote = try await client.execute(uri: path, method: .post, headers: fixture.headers("agent"),
                                                 body: body(["type": "note", "body": "x", "template": ["name": "case_update", "language": "en", "parameters": ["a", "b"]]]))
            #expect(asNote.status == .unprocessableContent)
            let sent = try await client.execute(uri: path, method: .post, headers: fixture.headers("agent"),
                                                body: body(["type": "reply", "template": ["name": "case_update", "language": "en", "parameters": ["Anna", "#7"]]]))
            #expect(sent.status == .created)
            let reply = try json(sent)
            #expect(reply["text"] as? String == "Hello Anna, there is news on your case #7. Reply to continue.")

            let worker = DeliveryWorker(store: fixture.store, drivers: [ProviderDriver()], logger: .init(label: "test"))
            #expect(try await worker.deliverDue() == 1)
            let received = try #require(try JSONSerialization.jsonObject(with: Data(await provider.line().utf8)) as? [String: Any])
            let template = try #require(received["template"] as? [String: Any])
            #expect(received["channel"] as? String == "whatsApp" && received["to"] as? String == "+48600100301")
            #expect(template["name"] as? String == "case_update" && template["language"] as? String == "en")
            #expect(template["parameters"] as? [String] == ["Anna", "#7"])
            #expect((try await fixture.store.outbox(brand: fixture.brandID, state: nil, contactPoints: [.sms, .whatsApp], limit: 200, cursor: nil).items.first?.state) == .sent)
        }
    }

    @Test func anIntegrationsOwnOptOutWordsAreHonoured() async throws {
        try await withAPI { fixture, client in
            let item = try await Self.smsCase(fixture, provider: "http://127.0.0.1:9", path: "/send")
            let set = try json(try await client.execute(uri: "/api/v1/integrations/out-sms", method: .patch, headers: fixture.headers("admin"),
                                                        body: body(["optOutKeywords": ["abmelden", "Rezygnuję"]])))
            #expect(set["optOutKeywords"] as? [String] == ["ABMELDEN", "REZYGNUJĘ"])
            let bad = try await client.execute(uri: "/api/v1/integrations/out-sms", method: .patch, headers: fixture.headers("admin"),
                                               body: body(["optOutKeywords": ["stop!"]]))
            #expect(bad.status == .unprocessableContent && String(buffer: bad.body).contains("optOutKeywords[0]"))
            let integration = try #require(try await fixture.store.integration(id: "out-sms"))
            _ = try await fixture.store.processText(InboundText(messageID: "in-9", from: "+48600100300", to: nil, text: "rezygnuję.", media: [], receivedAt: nil),
                                                    integration: integration, envelope: UUID())
            let agent = try await fixture.store.staffUser(email: "agent@acme.example")
            await #expect(throws: StoreError.self) {
                _ = try await fixture.store.addInteraction(caseID: item.id, brand: fixture.brandID, actor: .staff(agent.id),
                                                           request: NewInteraction(direction: .outbound, body: "Hello"))
            }
        }
    }
}
