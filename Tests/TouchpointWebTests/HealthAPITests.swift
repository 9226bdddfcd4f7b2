import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing
import TouchpointApplication
import TouchpointCore

/// Computed health over the API: the account's health with components, trend, churn risk
/// and reasons; imported product use; the brand's weights, checked; other brands see nothing.
@Suite("Account health over the API")
struct HealthAPITests {
    @Test func healthIsExplainedUsageIsImportedAndWeightsAreChecked() async throws {
        try await withAPI { fx, client in
            func call(_ method: HTTPRequest.Method, _ path: String, _ text: String? = nil, as who: String = "admin") async throws
                -> (HTTPResponse.Status, [String: Any]) { try await fx.call(client, method, path, text, as: who) }
            var (status, account) = try await call(
                .post, "/api/v1/accounts", #"{"name": "Ciepłownia Miejska", "annualValue": 20000, "renewalOn": "2027-01-10"}"#)
            #expect(status == .created && account["renewalOn"] as? String == "2027-01-10" && account["churnRisk"] as? String == "low", "\(account)")
            let id = try #require(account["id"] as? String)
            #expect(try await call(.post, "/api/v1/accounts", #"{"name": "X", "renewalOn": "2027-02-30"}"#).0 == .unprocessableContent)

            var (healthStatus, health) = try await call(.get, "/api/v1/accounts/\(id)/health")
            #expect(healthStatus == .ok, "\(health)")
            let components = try #require(health["components"] as? [[String: Any]])
            let sum = components.reduce(0.0) { $0 + ($1["contribution"] as? Double ?? 0) }
            #expect(abs(sum - Double(health["score"] as? Int ?? -1)) < 1e-9)
            #expect(components.allSatisfy { $0["signal"] is String && $0["value"] is Double && $0["weight"] is Int && $0["explanation"] is String })
            #expect((health["trend"] as? [String: Any])?["direction"] as? String == "steady")
            #expect(health["churnRisk"] as? String != nil && health["reasons"] is [String])
            #expect((health["missingSignals"] as? [String])?.contains("usage") == true)

            // Product use: low adoption lowers the score, with its explanation.
            let recently = CivilDate(Date().addingTimeInterval(-4 * 86_400), timeZone: .gmt)
            (healthStatus, health) = try await call(
                .post, "/api/v1/accounts/\(id)/usage",
                #"{"days": [{"date": "\#(recently)", "activeUsers": 3, "licensedUsers": 30}]}"#)
            #expect(healthStatus == .ok, "\(health)")
            let usage = try #require((health["components"] as? [[String: Any]])?.first { $0["signal"] as? String == "usage" })
            #expect(usage["explanation"] as? String == "10% of licensed users active (3 of 30)")
            var (badStatus, bad) = try await call(
                .post, "/api/v1/accounts/\(id)/usage", #"{"days": [{"date": "2026-12-01", "activeUsers": 3, "licensedUsers": 0}]}"#)
            #expect(badStatus == .unprocessableContent && bad["field"] as? String == "days[0].licensedUsers", "\(bad)")

            // Weights: read, changed (the score follows), refused when they do not sum to 100.
            var (_, settings) = try await call(.get, "/api/v1/health/settings")
            #expect((settings["weights"] as? [String: Int])?["csat"] == 15 && settings["windowDays"] as? Int == 90)
            (badStatus, bad) = try await call(.put, "/api/v1/health/settings", #"{"weights": {"usage": 60, "openCases": 30}}"#)
            #expect(badStatus == .unprocessableContent && bad["field"] as? String == "weights", "\(bad)")
            (badStatus, bad) = try await call(.put, "/api/v1/health/settings", #"{"weights": {"mood": 100}}"#)
            #expect(badStatus == .unprocessableContent || badStatus == .badRequest, "\(bad)")
            #expect(try await call(.put, "/api/v1/health/settings", #"{"weights": {"usage": 100}}"#, as: "agent").0 == .forbidden)
            (status, settings) = try await call(.put, "/api/v1/health/settings", #"{"weights": {"usage": 100}}"#)
            #expect(status == .ok && settings["recomputedAccounts"] as? Int == 1, "\(settings)")
            (_, health) = try await call(.get, "/api/v1/accounts/\(id)/health")
            #expect(health["score"] as? Int == 14, "only product use counts now: 10% ÷ 70% = 14")

            // Another brand's account is not found; the book lists health and renewal.
            #expect(try await call(.get, "/api/v1/accounts/\(id)/health", as: "globex").0 == .notFound)
            (_, account) = try await call(.get, "/api/v1/accounts/\(id)")
            #expect(account["healthScore"] as? Int == 14)
            let (bookStatus, book) = try await call(.get, "/api/v1/csm/book")
            #expect(bookStatus == .ok && book["accounts"] is [[String: Any]], "\(book)")
        }
    }
}
