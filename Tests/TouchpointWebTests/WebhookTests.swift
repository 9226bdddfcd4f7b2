import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing
import TouchpointCore
import TouchpointStore
@testable import TouchpointWeb

@Suite("SMS and WhatsApp webhooks: signed, stored first, threaded, deduplicated")
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
        try await store.database.read { db in try await db.raw("SELECT COUNT(*) AS n FROM webhook_events").first()?.decode(column: "n", as: Int.self) ?? 0 }
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
            #expect(opened.status == .ok)
            let result = try json(opened)
            #expect(result["result"] as? String == "stored")
            let caseNumber = try #require(result["caseNumber"] as? Int)
            let item = try await fixture.store.case(number: caseNumber, brand: fixture.brandID)
            #expect(item.contactPoint == .sms && item.subject == "My meter shows E5")
            let contact = try await fixture.store.contact(item.contactID, brand: fixture.brandID)
            #expect(contact.identities.contains(Identity(storedKind: .phone, value: "+48600100200")))

            let again = try await Self.post(client, "/api/v1/webhooks/sms/test-sms", first)
            #expect(try json(again)["result"] as? String == "duplicate")
            let second = try await Self.post(client, "/api/v1/webhooks/sms/test-sms",
                                             #"{"messageId": "sms-2", "from": "+48600100200", "text": "Photo attached", "media": ["https://cdn.example/p.jpg"]}"#)
            #expect(try json(second)["caseNumber"] as? Int == caseNumber)
            let interactions = try await fixture.store.interactions(caseID: item.id, brand: fixture.brandID)
            #expect(interactions.map(\.providerMessageID) == ["sms-1", "sms-2"])
            #expect(interactions[1].metadata["media"] == "https://cdn.example/p.jpg" && interactions[0].metadata["integration"] == "test-sms")
            #expect(interactions[0].occurredAt == JSONIO.parseDate("2026-11-25T08:00:00Z"))

            // The same person on WhatsApp is another contact point: its own case.
            let whatsApp = try await Self.post(client, "/api/v1/webhooks/whatsapp/test-wa", #"{"messageId": "wa-1", "from": "+48600100200", "text": "Hi on WhatsApp"}"#)
            let waCase = try await fixture.store.case(number: try #require(try json(whatsApp)["caseNumber"] as? Int), brand: fixture.brandID)
            #expect(waCase.contactPoint == .whatsApp && waCase.id != item.id)
            #expect(try await Self.stored(fixture.store) == 3)
        }
    }

    @Test func stopAndStartAreRecorded() async throws {
        try await withAPI { fixture, client in
            try await Self.setUp(fixture)
            let stop = try await Self.post(client, "/api/v1/webhooks/sms/test-sms", #"{"messageId": "s1", "from": "+48600100201", "text": " stop. "}"#)
            #expect(try json(stop)["optOut"] as? Bool == true)
            #expect(try await fixture.store.optedOut(brand: fixture.brandID, contactPoint: .sms, address: "+48600100201"))
            #expect(try await !fixture.store.optedOut(brand: fixture.brandID, contactPoint: .whatsApp, address: "+48600100201"))
            // "Please stop calling me" is a message, not the keyword.
            let sentence = try await Self.post(client, "/api/v1/webhooks/sms/test-sms", #"{"messageId": "s2", "from": "+48600100202", "text": "Please stop calling me"}"#)
            #expect(try json(sentence)["optOut"] == nil)
            let start = try await Self.post(client, "/api/v1/webhooks/sms/test-sms", #"{"messageId": "s3", "from": "+48600100201", "text": "START"}"#)
            #expect(try json(start)["optIn"] as? Bool == true)
            #expect(try await !fixture.store.optedOut(brand: fixture.brandID, contactPoint: .sms, address: "+48600100201"))
        }
    }

    @Test func deliveryReportsLandOnTheOutboundMessage() async throws {
        try await withAPI { fixture, client in
            try await Self.setUp(fixture)
            let opened = try await Self.post(client, "/api/v1/webhooks/sms/test-sms", #"{"messageId": "in-1", "from": "+48600100203", "text": "Hello"}"#)
            let item = try await fixture.store.case(number: try #require(try json(opened)["caseNumber"] as? Int), brand: fixture.brandID)
            let agent = try await fixture.store.staffUser(email: "agent@acme.example")
            _ = try await fixture.store.addInteraction(caseID: item.id, brand: fixture.brandID, actor: .staff(agent.id),
                                                       request: NewInteraction(direction: .outbound, body: "Hi!", providerMessageID: "out-1"))
            let delivered = try await Self.post(client, "/api/v1/webhooks/sms/test-sms", #"{"messageId": "out-1", "status": "delivered"}"#)
            #expect(try json(delivered)["result"] as? String == "recorded")
            let failed = try await Self.post(client, "/api/v1/webhooks/sms/test-sms", #"{"messageId": "out-1", "status": "failed", "error": "unreachable"}"#)
            #expect(try json(failed)["result"] as? String == "recorded")
            let reply = try #require(try await fixture.store.interactions(caseID: item.id, brand: fixture.brandID).last)
            #expect(reply.metadata["delivery"] == "failed" && reply.metadata["deliveryError"] == "unreachable")
            let events = try await fixture.store.auditLog(brand: fixture.brandID, caseID: item.id, limit: 50, cursor: nil).items
            #expect(events.contains { $0.type == .messageFailed })
            let unknown = try await Self.post(client, "/api/v1/webhooks/sms/test-sms", #"{"messageId": "never-sent", "status": "delivered"}"#)
            #expect(try json(unknown)["result"] as? String == "unmatched")
            let replay = try await Self.post(client, "/api/v1/webhooks/sms/test-sms", #"{"messageId": "out-1", "status": "delivered"}"#)
            #expect(try json(replay)["result"] as? String == "duplicate")
        }
    }
}
