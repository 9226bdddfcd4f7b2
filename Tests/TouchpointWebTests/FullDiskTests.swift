import Foundation
import Hummingbird
import HummingbirdTesting
import SQLKit
import Testing
import TouchpointStore
@testable import TouchpointWeb

/// SQLite on a full disk. The fault is SQLite's own: `PRAGMA max_page_count` caps the file at
/// its size, so the next page it needs fails with SQLITE_FULL exactly as a full filesystem
/// does (the same error code and path through the writer), without a tiny filesystem.
@Suite("A full disk on SQLite")
struct FullDiskTests {
    static func cap(_ store: Store, pages: Int?) async throws {
        _ = try await store.database.write { db in
            let count = try await db.raw("PRAGMA page_count").first()?.decode(column: "page_count", as: Int.self) ?? 0
            try await db.raw("PRAGMA max_page_count = \(unsafeRaw: String(pages ?? count))").run()
        }
    }

    @Test func writesAreRefusedWithRetryReadsGoOnAndItRecoversByItself() async throws {
        try await withAPI { fx, client in
            // setup: the file may not grow by a page.
            try await Self.cap(fx.store, pages: nil)
            // act: new cases (4 KB each) until one cannot be stored.
            var refused: TestResponse?
            var stored = 0
            for index in 0..<300 {
                let response = try await client.execute(
                    uri: "/api/v1/cases", method: .post, headers: fx.headers("agent"),
                    body: body(["subject": "Full disk \(index)", "contactPoint": "email", "from": "full\(index)@example.com",
                                "body": String(repeating: "x", count: 4000)]))
                if response.status == .created { stored += 1 } else { refused = response; break }
            }
            // check: a refusal to retry, not an error of the request; reads still answer.
            let refusal = try #require(refused, "300 cases fit in a file that may not grow")
            #expect(refusal.status == .serviceUnavailable && refusal.headers[.retryAfter] == "5", "\(refusal.status) \(String(buffer: refusal.body))")
            #expect(String(buffer: refusal.body).contains("full"))
            let list = try await client.execute(uri: "/api/v1/cases?limit=1", method: .get, headers: fx.headers("agent"))
            #expect(list.status == .ok)
            let health = try await client.execute(uri: "/health", method: .get)
            let database = try json(health)["database"] as? [String: Any]
            #expect(health.status == .serviceUnavailable && database?["status"] as? String == "read-only", "\(String(buffer: health.body))")
            #expect((database?["problem"] as? String)?.contains("full") == true)
            let ready = try await client.execute(uri: "/ready", method: .get)
            #expect(ready.status == .serviceUnavailable && String(buffer: ready.body).contains("full"))
            // act: space again; the next write commits and clears the state, with no restart.
            try await Self.cap(fx.store, pages: 1_073_741_823)
            let again = try await client.execute(
                uri: "/api/v1/cases", method: .post, headers: fx.headers("agent"),
                body: body(["subject": "After", "contactPoint": "email", "from": "after@example.com", "body": "space again"]))
            #expect(again.status == .created)
            let healthy = try await client.execute(uri: "/health", method: .get)
            let state = try json(healthy)["database"] as? [String: Any]
            #expect(healthy.status == .ok && state?["status"] as? String == "ok")
            // check: the refused case was not half kept.
            let search = try await client.execute(uri: "/api/v1/cases?q=%22Full%20disk%20\(stored)%22", method: .get, headers: fx.headers("agent"))
            let found = try json(search)["items"] as? [Any]
            #expect(found?.isEmpty == true, "\(String(buffer: search.body))")
        }
    }
}
