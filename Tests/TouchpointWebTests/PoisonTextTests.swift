import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Testing

/// Text with a NUL in it, as a script or an attacker sends it: refused with a 422 naming the
/// field (PostgreSQL cannot store a NUL, so before this it failed at the write with a 503 there),
/// and a search for it is a search, not an error.
@Suite("Poison text in the API")
struct PoisonTextTests {
    @Test func aNULInAFieldIsRefusedByNameAndInASearchIsASpace() async throws {
        try await withAPI { fx, client in
            // act
            let opened = try await client.execute(
                uri: "/api/v1/cases", method: .post, headers: fx.headers("agent"),
                body: ByteBuffer(string: #"{"contactPoint": "email", "from": "x@example.com", "subject": "a\u0000b", "body": "hi"}"#))
            let note = try await client.execute(
                uri: "/api/v1/accounts", method: .post, headers: fx.headers("admin"), body: ByteBuffer(string: #"{"name": "Shop\u0000"}"#))
            let search = try await client.execute(uri: "/api/v1/cases?q=%00", method: .get, headers: fx.headers("agent"))
            // check
            let openedProblem = try json(opened)
            let noteProblem = try json(note)
            #expect(opened.status == .unprocessableContent && openedProblem["field"] as? String == "subject", "\(String(buffer: opened.body))")
            #expect(opened.headers[.contentType] == "application/problem+json")
            #expect(note.status == .unprocessableContent && noteProblem["field"] as? String == "name")
            #expect(search.status == .ok)
        }
    }
}
