import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing
import TouchpointApplication
import TouchpointCore

/// The assistant over the API: its part of a model's policy, checked; where a case's
/// conversation stands; and the deflection report.
@Suite("The assistant over the API")
struct ChatbotAPITests {
    @Test func policiesCarryTheAssistantAndTheReportCountsConversations() async throws {
        try await withAPI { fx, client in
            func call(_ method: HTTPRequest.Method, _ path: String, _ text: String? = nil, as who: String = "admin") async throws
                -> (HTTPResponse.Status, [String: Any]) { try await fx.call(client, method, path, text, as: who) }
            // The policy shows the assistant's settings; a change is checked, field by field.
            var (status, policy) = try await call(.get, "/api/v1/service-models/techTouch")
            #expect(status == .ok)
            let bot = try #require(policy["chatbot"] as? [String: Any])
            #expect(bot["mode"] as? String == "firstLine" && bot["handOff"] as? String == "whenAsked" && bot["confidentAt"] as? Double == 0.7)
            policy["chatbot"] = ["mode": "firstLine", "handOff": "never", "confidentAt": 0.4, "unsureAt": 0.6]
            var sent = String(decoding: try JSONSerialization.data(withJSONObject: policy), as: UTF8.self)
            (status, policy) = try await call(.put, "/api/v1/service-models/techTouch", sent)
            #expect(status == .unprocessableContent && policy["field"] as? String == "chatbot.unsureAt", "\(policy)")
            (_, policy) = try await call(.get, "/api/v1/service-models/techTouch")
            policy["chatbot"] = ["mode": "firstLine", "handOff": "never", "confidentAt": 0.8]
            sent = String(decoding: try JSONSerialization.data(withJSONObject: policy), as: UTF8.self)
            (status, policy) = try await call(.put, "/api/v1/service-models/techTouch", sent)
            #expect(status == .ok, "\(policy)")
            #expect((policy["chatbot"] as? [String: Any])?["handOff"] as? String == "never")
            #expect((policy["chatbot"] as? [String: Any])?["unsureAt"] as? Double == 0.35)
            // The off-model actions (defaults shown) and the continuation window travel the same way.
            #expect((policy["offModel"] as? [String: String])?["phone"] == "selfService" && policy["continueWithinMinutes"] as? Int == 1440)
            policy["offModel"] = ["phone": "serve"]
            policy["continueWithinMinutes"] = 50_000
            sent = String(decoding: try JSONSerialization.data(withJSONObject: policy), as: UTF8.self)
            (status, policy) = try await call(.put, "/api/v1/service-models/techTouch", sent)
            #expect(status == .unprocessableContent && policy["field"] as? String == "continueWithinMinutes", "\(policy)")
            (_, policy) = try await call(.get, "/api/v1/service-models/techTouch")
            policy["offModel"] = ["phone": "serve"]
            policy["continueWithinMinutes"] = 0
            sent = String(decoding: try JSONSerialization.data(withJSONObject: policy), as: UTF8.self)
            (status, policy) = try await call(.put, "/api/v1/service-models/techTouch", sent)
            #expect(status == .ok && policy["continueWithinMinutes"] as? Int == 0, "\(policy)")
            #expect((policy["offModel"] as? [String: String])?["phone"] == "serve" && (policy["offModel"] as? [String: String])?["fieldService"] == "approval")

            // A chat the assistant answers: the case says so, and the report counts it.
            let app = UseCases(store: fx.store, publicURL: "https://help.example")
            _ = try await app.knowledge.create(
                ArticleDraft(
                    title: "Reading the meter", summary: "Where the numbers are.", body: "Read the meter from left to right.", language: .en,
                    status: .published), brand: fx.brandID, author: nil)
            let receipt = try await fx.inbox.receiveChatMessage(
                ChatPayload(
                    visitor: "visitor-0123456789abcdef", clientId: "c1", text: "reading the meter", identity: nil, name: nil, leftMessage: false),
                brand: fx.brandID)
            let caseID = try #require(receipt.caseID)
            #expect(try await app.chatbot.answerLatest(caseID: caseID, brand: fx.brandID) != nil)
            let (_, item) = try await call(.get, "/api/v1/cases/\(caseID.text)")
            #expect(item["assistant"] as? String == "bot")
            let (reportStatus, report) = try await call(.get, "/api/v1/chatbot/deflection")
            #expect(reportStatus == .ok && report["windowDays"] as? Int == 7)
            let totals = try #require(report["totals"] as? [String: Any])
            #expect(totals["conversations"] as? Int == 1 && totals["selfService"] as? Int == 1 && totals["inWindow"] as? Int == 1)
            #expect((report["rows"] as? [[String: Any]])?.first?["articleTitle"] as? String == "Reading the meter")
            // Bad input names its field; the report is for those who write the articles.
            let (badStatus, bad) = try await call(.get, "/api/v1/chatbot/deflection?from=yesterday")
            #expect(badStatus == .unprocessableContent && bad["field"] as? String == "from", "\(bad)")
            #expect(try await call(.get, "/api/v1/chatbot/deflection?from=2026-12-02T00:00:00Z&to=2026-12-01T00:00:00Z").0 == .unprocessableContent)
            #expect(try await call(.get, "/api/v1/chatbot/deflection", as: "agent").0 == .forbidden)
        }
    }
}
