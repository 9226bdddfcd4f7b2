import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
import TouchpointCore
import TouchpointStore
@testable import TouchpointWeb

/// The walk-in queue over the JSON API: a location, numbers, the desk's steps, errors.
@Suite("Walk-in queue over the API")
struct WalkInAPITests {
    nonisolated(unsafe) static let location: [String: Any] = [
        "slug": "centre", "name": "Centre", "timeZone": "Europe/Warsaw",
        "categories": [["code": "B", "name": "Billing", "averageServiceMinutes": 6], ["code": "C", "name": "Contracts", "averageServiceMinutes": 10]],
        "desks": [["code": "1", "name": "Desk 1", "categories": ["B"]], ["code": "2", "name": "Desk 2", "categories": ["B", "C"]]],
    ]

    @Test func aDeskWorksThroughTheQueue() async throws {
        try await withAPI { fixture, client in
            let created = try await client.execute(uri: "/api/v1/locations", method: .post, headers: fixture.headers("admin"), body: body(Self.location))
            #expect(created.status == .created)
            #expect(try await client.execute(uri: "/api/v1/locations", method: .post, headers: fixture.headers("agent"), body: body(Self.location)).status == .forbidden)
            func take(_ category: String, _ customer: String? = nil) async throws -> [String: Any] {
                var request: [String: Any] = ["category": category]
                if let customer { request["customer"] = ["kind": "customerNumber", "value": customer] }
                let response = try await client.execute(uri: "/api/v1/locations/centre/tickets", method: .post, headers: fixture.headers("agent"), body: body(request))
                #expect(response.status == .created)
                return try json(response)
            }
            let first = try await take("B", "C-1001")
            let second = try await take("C")
            #expect(first["label"] as? String == "B001" && second["label"] as? String == "C001" && first["contactId"] != nil)
            let unknown = try await client.execute(uri: "/api/v1/locations/centre/tickets", method: .post, headers: fixture.headers("agent"), body: body(["category": "X"]))
            #expect(unknown.status == .unprocessableContent && String(buffer: unknown.body).contains("no service category X"))

            var queue = try json(try await client.execute(uri: "/api/v1/locations/centre/queue", method: .get, headers: fixture.headers("agent")))
            #expect((queue["waits"] as? [[String: Any]])?.first?["minutes"] == nil, "no desk is open yet")

            let next = try await client.execute(uri: "/api/v1/locations/centre/desks/1/next", method: .post, headers: fixture.headers("agent"))
            let called = try json(next)
            #expect(called["label"] as? String == "B001" && called["state"] as? String == "called" && called["desk"] as? String == "1")
            // Desk 1 serves only billing: nobody else waits for it.
            #expect(try await client.execute(uri: "/api/v1/locations/centre/desks/1/next", method: .post, headers: fixture.headers("agent")).status == .noContent)
            let id = try #require(called["id"] as? String)
            let early = try await client.execute(uri: "/api/v1/tickets/\(id)/finish", method: .post, headers: fixture.headers("agent"), body: body(["outcome": "nonsense"]))
            #expect(early.status == .badRequest || early.status == .unprocessableContent)
            let recalled = try json(try await client.execute(uri: "/api/v1/tickets/\(id)/recall", method: .post, headers: fixture.headers("agent")))
            #expect(recalled["calls"] as? Int == 2)
            let arrived = try await client.execute(uri: "/api/v1/tickets/\(id)/arrived", method: .post, headers: fixture.headers("agent"))
            #expect(arrived.status == .ok, "\(String(buffer: arrived.body))")
            // Billing sends the customer on to contracts, keeping their place: desk 2 calls them before C001.
            let moved = try json(try await client.execute(uri: "/api/v1/tickets/\(id)/transfer", method: .post, headers: fixture.headers("agent"),
                                                          body: body(["category": "C", "reason": "moving house"])))
            #expect(moved["state"] as? String == "waiting" && moved["category"] as? String == "C" && moved["label"] as? String == "B001")
            let desk2 = try json(try await client.execute(uri: "/api/v1/locations/centre/desks/2/next", method: .post, headers: fixture.headers("manager")))
            #expect(desk2["id"] as? String == id)
            _ = try await client.execute(uri: "/api/v1/tickets/\(id)/arrived", method: .post, headers: fixture.headers("manager"))
            let done = try json(try await client.execute(uri: "/api/v1/tickets/\(id)/finish", method: .post, headers: fixture.headers("manager"),
                                                         body: body(["outcome": "resolved", "note": "New contract from January."])))
            #expect(done["state"] as? String == "done" && done["outcome"] as? String == "resolved")
            let again = try await client.execute(uri: "/api/v1/tickets/\(id)/finish", method: .post, headers: fixture.headers("manager"), body: body(["outcome": "resolved"]))
            #expect(again.status == .conflict && String(buffer: again.body).contains("a done ticket cannot be finished"))
            let contact = try #require(first["contactId"] as? String)
            let timeline = String(buffer: try await client.execute(uri: "/api/v1/contacts/\(contact)/timeline", method: .get, headers: fixture.headers("agent")).body)
            #expect(timeline.contains("New contract from January.") && timeline.contains("inPerson"))

            queue = try json(try await client.execute(uri: "/api/v1/locations/centre/queue", method: .get, headers: fixture.headers("agent")))
            let open = (queue["openDesks"] as? [[String: Any]])?.compactMap { $0["desk"] as? String }
            #expect(open == ["1", "2"])
            // Another brand sees no such location.
            #expect(try await client.execute(uri: "/api/v1/locations/centre/queue", method: .get, headers: fixture.headers("globex")).status == .notFound)
        }
    }
}
