import Foundation
import Testing
import TouchpointApp
import TouchpointCore
import TouchpointStore

/// The demo brand's assistant in the chat widget's protocol, over a real WebSocket: it
/// answers at once with the article and suggested answers, takes a tap on one of them, and
/// hands over to a person; the widget's article suggestions as the visitor types.
@Suite("The assistant in the web chat", .serialized)
struct ChatbotSocketTests {
    @Test func theAssistantAnswersInTheWidgetAndHandsOverWhenAsked() async throws {
        try await TestServer.run { server in
            try await server.openAroundTheClock()
            let visitor = try await SocketClient.open(port: server.port, path: "/chat/acme/ws")
            let id = UUID().uuidString.lowercased()
            try visitor.send(["type": "hello", "visitor": id, "lastSeq": 0])
            let ready = try await visitor.next("ready")
            #expect(ready["mode"] as? String == "assistant" && ready["humanAvailable"] as? Bool == false)
            #expect((ready["notice"] as? String)?.contains("assistant") == true)

            try visitor.send(["type": "message", "clientId": "v1", "text": "How do I read my electricity meter?"])
            #expect(try await visitor.next("stored")["seq"] as? Int == 1)
            let answer = try await visitor.next("message", where: { $0["from"] as? String == "bot" })
            #expect(answer["seq"] as? Int == 2)
            #expect((answer["text"] as? String)?.contains("How to read your electricity meter") == true)
            #expect((answer["text"] as? String)?.contains("\(server.base)/portal/acme/help/") == true, "\(answer)")
            // A visitor not known yet is served as the default (tech-touch) model, whose people
            // are reached only if asked: no "Talk to a person" button.
            let replies = try #require(answer["replies"] as? [String])
            #expect(replies == ["Yes, solved", "No"])
            #expect((ready["notice"] as? String)?.contains("Ask for a person") == false)
            let caseID = try #require(try await server.store.chatCase(brand: server.brand.id, visitor: id))
            #expect(try await server.store.case(caseID, brand: server.brand.id).botState == .bot)

            // Asking in their own words still reaches one; the case goes to the people's queue.
            try visitor.send(["type": "message", "clientId": "v2", "text": "I want to talk to a person"])
            let handOff = try await visitor.next("message", where: { $0["from"] as? String == "bot" && ($0["seq"] as? Int ?? 0) > 3 })
            #expect((handOff["text"] as? String)?.contains("person") == true)
            let item = try await server.store.case(caseID, brand: server.brand.id)
            #expect(item.botState == .waiting && item.teamID != nil)
            let interactions = try await server.store.interactions(caseID: caseID, brand: server.brand.id)
            #expect(interactions.filter { $0.contactPoint == .chatbot && $0.direction == .outbound }.allSatisfy { $0.metadata["assistant"] != nil })
            // The agent's side sees the assistant's messages as such.
            let messages = try await server.store.chatMessages(caseID: caseID, brand: server.brand.id, after: 0)
            #expect(messages.map(\.from) == ["visitor", "bot", "visitor", "bot"])
            await visitor.close()
            // A Polish page's widget is told in Polish.
            let polish = try await SocketClient.open(port: server.port, path: "/chat/acme/ws")
            try polish.send(["type": "hello", "visitor": UUID().uuidString.lowercased(), "lastSeq": 0, "lang": "pl"])
            #expect((try await polish.next("ready")["notice"] as? String)?.hasPrefix("Nasz asystent odpowie od razu") == true)
            await polish.close()
        }
    }

    @Test func theWidgetSuggestsPublicArticlesAsTheVisitorTypes() async throws {
        try await TestServer.run { server in
            let port = server.port
            func get(_ path: String) async throws -> (Int, String, [String: Any]) {
                let (status, head, body) = try await Processes.offPool { try RawHTTP.exchange(port: port, method: "GET", path: path) }
                return (status, head, (try? JSONSerialization.jsonObject(with: body) as? [String: Any]) ?? [:])
            }
            let (status, head, found) = try await get(
                "/chat/acme/articles?q=" + "jak zapłacić fakturę".addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)
            #expect(status == 200)
            #expect(head.lowercased().contains("access-control-allow-origin: *"))
            #expect(found["heading"] as? String == "Te artykuły mogą pomóc:")
            let articles = try #require(found["articles"] as? [[String: Any]])
            #expect(articles.first?["title"] as? String == "Jak zapłacić fakturę")
            #expect((articles.first?["url"] as? String)?.hasPrefix("http://127.0.0.1:\(port)/portal/acme/help/") == true)
            // Anything typed is a search, never an error; an unknown brand is a 404.
            for typed in ["%22", "AND", "*", "%F0%9F%94%A5", ""] {
                #expect(try await get("/chat/acme/articles?q=\(typed)").0 == 200, "\(typed)")
            }
            #expect(try await get("/chat/nobody/articles?q=x").0 == 404)
            // Pages people sign in on (and the kiosk's) are never kept by a browser or a proxy.
            #expect(try await get("/console/login").1.lowercased().contains("cache-control: no-store"))
        }
    }
}
