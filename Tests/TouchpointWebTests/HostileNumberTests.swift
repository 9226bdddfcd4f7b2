import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

/// Numbers an attacker or a careless script sends: each is refused with a 422 naming the
/// field, and nothing traps (a trap would take every brand's server down, and this test
/// process with it).
@Suite("Hostile numbers in the API")
struct HostileNumberTests {
    /// Values around the limits of Double and Int, written as a client would send them.
    static let extremes = ["1e19", "-1e19", "1e308", "-1e308", "9223372036854775808", "1.0000000000001e12", "1e400", "-1e400"]

    @Test func amountsAndThresholdsAreBoundedAndNamed() async throws {
        try await withAPI { fx, client in
            func post(_ path: String, _ json: String, method: HTTPRequest.Method = .post) async throws -> (HTTPResponse.Status, [String: Any]) {
                let response = try await client.execute(uri: path, method: method, headers: fx.headers("admin"), body: ByteBuffer(string: json))
                return (response.status, (try? JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any]) ?? [:])
            }
            for value in Self.extremes {
                let account = try await post("/api/v1/accounts", #"{"name": "Shop", "annualValue": \#(value)}"#)
                #expect(account.0 == .unprocessableContent && account.1["field"] as? String == "annualValue", "\(value): \(account)")
                let order = try await post("/api/v1/accounts", #"{"name": "Shop", "averageOrderValue": \#(value)}"#)
                #expect(order.0 == .unprocessableContent && order.1["field"] as? String == "averageOrderValue", "\(value): \(order)")
                for attribute in ["annualValue", "complexity"] {
                    let rules =
                        #"{"defaultModel": "lowTouch", "rules": [{"name": "Big", "model": "midTouch", "conditions": [{"attribute": "\#(attribute)", "op": "\#(attribute == "complexity" ? "eq" : "gte")", "value": \#(value)}]}]}"#
                    for (path, method) in [("/api/v1/segmentation/rules", HTTPRequest.Method.put), ("/api/v1/segmentation/dry-run", .post)] {
                        let answer = try await post(path, rules, method: method)
                        #expect(answer.0 == .unprocessableContent, "\(path) \(attribute) \(value): \(answer)")
                        #expect(answer.1["field"] as? String == "rules[0].conditions[0].value", "\(path) \(attribute) \(value): \(answer)")
                    }
                }
            }
            for value in ["1e30", "101", "-1", "9223372036854775808", "1e400"] {
                let health = try await post("/api/v1/accounts", #"{"name": "Shop", "healthScore": \#(value)}"#)
                #expect(health.0 == .unprocessableContent && health.1["field"] as? String == "healthScore", "\(value): \(health)")
            }
            // At the bound and negative zero are fine.
            let top = try await post("/api/v1/accounts", #"{"name": "Utility", "annualValue": 1e12, "averageOrderValue": -0.0}"#)
            #expect(top.0 == .created, "\(top)")
            #expect(top.1["annualValue"] as? Double == 1e12)
            let book = try await client.execute(uri: "/api/v1/csm/book", method: .get, headers: fx.headers("admin"))
            #expect(book.status == .ok)
        }
    }

    @Test func aSupportLevelOutOfRangeIsAnInvalidFieldNotMalformedJSON() async throws {
        try await withAPI { fx, client in
            for value in ["1e30", "4", "0", "-1", "2.5", "9223372036854775808", "1e400"] {
                let body = #"{"contactPoint": "email", "from": "jan@example.org", "subject": "Help", "body": "x", "level": \#(value)}"#
                let response = try await client.execute(
                    uri: "/api/v1/cases", method: .post, headers: fx.headers("agent"), body: ByteBuffer(string: body))
                let problem = (try? JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any]) ?? [:]
                #expect(response.status == .unprocessableContent && problem["field"] as? String == "level", "\(value): \(response.status) \(problem)")
            }
        }
    }

    /// A number beyond a Double (`1e400`) is named like any other out-of-range number, not
    /// called malformed JSON; a body nested too deep to follow is still just malformed.
    @Test func aNumberBeyondADoubleIsNamedAndDeepNestingIsRefusedCalmly() async throws {
        try await withAPI { fx, client in
            func post(_ json: String) async throws -> (HTTPResponse.Status, [String: Any]) {
                let response = try await client.execute(uri: "/api/v1/accounts", method: .post, headers: fx.headers("admin"), body: ByteBuffer(string: json))
                return (response.status, (try? JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any]) ?? [:])
            }
            let nested = try await post(#"{"name": "Shop", "goals": ["a", "b"], "annualValue": 1E+400}"#)
            #expect(nested.0 == .unprocessableContent && nested.1["field"] as? String == "annualValue", "\(nested)")
            let inArray = try await post(#"{"name": "Shop", "goals": [1e400]}"#)
            #expect(inArray.0 == .unprocessableContent && inArray.1["field"] as? String == "goals[0]", "\(inArray)")
            let deep = try await post(#"{"name": "Shop", "goals": "# + String(repeating: "[", count: 100_000) + "1e400" + String(repeating: "]", count: 100_000) + "}")
            #expect(deep.0 == .badRequest, "\(deep.0)")
            let broken = try await post(#"{"name": "Shop", "annualValue": 1e400"#)
            #expect(broken.0 == .badRequest, "malformed JSON stays malformed: \(broken)")
            for word in ["nan", "inf", "-infinity", "0x1p9999"] {
                let notJSON = try await post(#"{"name": "Shop", "annualValue": \#(word), "goals": [1e400]}"#)
                #expect(notJSON.0 == .badRequest, "\(word) is not JSON: \(notJSON)")
            }
        }
    }
}
