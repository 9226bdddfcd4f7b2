import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

/// The knowledge base over the API: writing, versions, restore and diff, search with
/// snippets, feedback, authors' figures, who may do what, and precise errors.
@Suite("Knowledge base over the API")
struct KnowledgeAPITests {
    @Test func authorsWriteVersionAndRestoreAndEveryoneSearches() async throws {
        try await withAPI { fx, client in
            func call(
                _ method: HTTPRequest.Method, _ path: String, _ who: String = "admin", _ json: String? = nil
            ) async throws -> (HTTPResponse.Status, [String: Any], TestResponse) {
                let response = try await client.execute(
                    uri: path, method: method, headers: fx.headers(who), body: json.map { ByteBuffer(string: $0) })
                return (response.status, (try? JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any]) ?? [:], response)
            }
            // Written: 201 with id and version; Markdown rendered, script gone.
            let created = try await call(
                .post, "/api/v1/kb/articles", "manager",
                #"""
                {"title": "Jak zapłacić fakturę", "body": "Zapłać **przelewem** na numer z faktury.\n\n<script>alert(1)</script>", "language": "pl",
                 "status": "published", "category": "Płatności", "tags": ["faktura", "przelew"]}
                """#)
            #expect(created.0 == .created, "\(created.1)")
            let id = try #require(created.1["id"] as? String)
            #expect(created.1["version"] as? Int == 1)
            #expect(created.2.headers[.location] == "/api/v1/kb/articles/\(id)")
            let html = try #require(created.1["html"] as? String)
            #expect(html.contains("<strong>przelewem</strong>") && !html.contains("script"))
            // A translation points at its original; both list each other.
            let english = try await call(
                .post, "/api/v1/kb/articles", "manager",
                #"{"title": "How to pay an invoice", "body": "Pay by bank transfer.", "language": "en", "status": "published", "translationOf": "\#(id)"}"#
            )
            #expect(english.0 == .created)
            let original = try await call(.get, "/api/v1/kb/articles/\(id)")
            #expect((original.1["translations"] as? [[String: Any]])?.first?["language"] as? String == "en")
            // A new version; a save based on an old version is a 409, not an overwrite.
            let changed = try await call(.put, "/api/v1/kb/articles/\(id)", "manager", #"{"body": "Zapłać przelewem albo kartą.", "baseVersion": 1}"#)
            #expect(changed.0 == .ok && changed.1["version"] as? Int == 2 && changed.1["title"] as? String == "Jak zapłacić fakturę")
            let stale = try await call(.put, "/api/v1/kb/articles/\(id)", "manager", #"{"body": "Stale.", "baseVersion": 1}"#)
            #expect(stale.0 == .conflict && stale.2.headers[.contentType]?.hasPrefix("application/problem+json") == true)
            let versions = try await call(.get, "/api/v1/kb/articles/\(id)/versions")
            #expect((versions.1["items"] as? [[String: Any]])?.map { $0["version"] as? Int } == [2, 1])
            let diff = try await call(.get, "/api/v1/kb/articles/\(id)/diff?from=1&to=2")
            #expect((diff.1["lines"] as? [[String: Any]])?.compactMap { $0["change"] as? String }.contains("added") == true)
            let restored = try await call(.post, "/api/v1/kb/articles/\(id)/restore", "manager", #"{"version": 1}"#)
            #expect(restored.1["version"] as? Int == 3 && (restored.1["body"] as? String)?.hasPrefix("Zapłać **przelewem**") == true)
            let one = try await call(.get, "/api/v1/kb/articles/\(id)/versions/1")
            #expect(one.0 == .ok && one.1["body"] != nil)
            #expect(try await call(.get, "/api/v1/kb/articles/\(id)/versions/9").0 == .notFound)
            // Search: inflected, without diacritics, ranked with a marked snippet.
            let search = try await call(.get, "/api/v1/kb/search?q=zaplacic%20fakturze&language=pl")
            let results = try #require(search.1["results"] as? [[String: Any]])
            #expect(results.first?["id"] as? String == id)
            #expect((results.first?["snippet"] as? String)?.contains("<mark>") == true)
            #expect((results.first?["score"] as? Double ?? 0) > 0)
            let hostile = try await call(.get, "/api/v1/kb/search?q=%22%20AND%20*%20%F0%9F%94%A5%20NEAR(")
            #expect(hostile.0 == .ok)
            #expect(try await call(.get, "/api/v1/kb/search").0 == .unprocessableContent)
            // Feedback counts on the version read; authors see it.
            #expect(
                try await call(.post, "/api/v1/kb/articles/\(id)/feedback", "agent", #"{"helpful": false, "comment": "Brak numeru konta"}"#).0
                    == .noContent)
            let analytics = try await call(.get, "/api/v1/kb/analytics", "manager")
            #expect((analytics.1["notHelpful"] as? [[String: Any]])?.first?["id"] as? String == id)
            // Who may do what; another brand sees nothing.
            #expect(try await call(.post, "/api/v1/kb/articles", "agent", #"{"title": "x", "body": "y", "language": "en"}"#).0 == .forbidden)
            #expect(try await call(.get, "/api/v1/kb/analytics", "agent").0 == .forbidden)
            #expect(try await call(.get, "/api/v1/kb/articles/\(id)", "globex").0 == .notFound)
            #expect((try await call(.get, "/api/v1/kb/search?q=faktura", "globex").1["results"] as? [Any])?.isEmpty == true)
            // Precise errors.
            let missing = try await call(.post, "/api/v1/kb/articles", "admin", #"{"title": "x", "language": "en"}"#)
            #expect(missing.0 == .unprocessableContent && missing.1["field"] as? String == "body")
            let models = try await call(
                .post, "/api/v1/kb/articles", "admin", #"{"title": "x", "body": "y", "language": "en", "visibility": "models"}"#)
            #expect(models.0 == .unprocessableContent && models.1["field"] as? String == "models")
            let badFrom = try await call(.get, "/api/v1/kb/articles/\(id)/diff?from=0&to=1")
            #expect(badFrom.0 == .unprocessableContent && badFrom.1["field"] as? String == "from")
            // Deleted: gone from reads and search.
            #expect(try await call(.delete, "/api/v1/kb/articles/\(id)", "manager").0 == .noContent)
            #expect(try await call(.get, "/api/v1/kb/articles/\(id)").0 == .notFound)
            let after = try await call(.get, "/api/v1/kb/search?q=faktura&language=pl")
            #expect((after.1["results"] as? [Any])?.isEmpty == true)
        }
    }
}
