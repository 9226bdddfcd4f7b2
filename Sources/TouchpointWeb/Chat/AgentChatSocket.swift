import Foundation
import Hummingbird
import HummingbirdWebSocket
import TouchpointApplication
import TouchpointCore

/// The agents' side of a web chat, over a WebSocket at `/console/chats/{caseId}/ws` (the
/// case page opens it for a case that came from the widget).
///
/// Client → server: `hello` {lastSeq}, `message` {clientId, text}, `typing` {active},
/// `read` {seq}. Server → client: `ready` {online (the visitor is connected), seq (how far
/// the visitor has read), caseNumber}, `message` {seq, from, text, clientId, name, at},
/// `stored` {clientId, seq}, `typing` {from, name, active}, `read` {from, seq},
/// `presence` {online}, `error` {detail}. Several agents may watch one chat; each sees the
/// others' typing.
enum AgentChatSocket {
    actor Conversation {
        let app: UseCases
        let user: StaffUser
        let caseID: CaseID
        let relay: ChatRelay
        let id = UUID()
        let send: @Sendable (ChatSocket.Outbound) -> Void
        let backlog: ChatBacklog

        init(app: UseCases, user: StaffUser, caseID: CaseID, relay: ChatRelay, send: @escaping @Sendable (ChatSocket.Outbound) -> Void) {
            self.app = app
            self.user = user
            self.caseID = caseID
            self.relay = relay
            self.send = send
            self.backlog = ChatBacklog(app: app)
        }

        var firstName: String { ChatSocket.StaffNames.firstName(user.name) }

        func join() {
            relay.join(caseID, side: .agent, id: id) { [send] in send(ChatSocket.Conversation.frame($0)) }
        }

        func leave() {
            relay.leave(caseID, id: id)
            relay.send(.typing(.agent, name: firstName, active: false), on: caseID, from: id)
        }

        func hello(_ message: ChatSocket.Inbound) async throws {
            let session = try await app.chat.chatSession(caseID: caseID, brand: user.brandID)
            send(ChatSocket.Outbound(type: "ready", seq: session?.visitorRead, caseNumber: try await app.cases.case(caseID, brand: user.brandID).number,
                                     online: relay.visitorOnline(caseID)))
            await backlog.greet(after: message.lastSeq)
            try await flush()
        }

        func message(_ message: ChatSocket.Inbound) async throws {
            guard let clientID = message.clientId, (1...64).contains(clientID.count) else { throw ValidationError(field: "clientId", reason: "1 to 64 characters") }
            let text = try Check.text(message.text ?? "", field: "text", max: 4000)
            let seq = try await app.chat.postAgentChatMessage(caseID: caseID, brand: user.brandID, staff: user.id, clientID: clientID, text: text)
            send(ChatSocket.Outbound(type: "stored", seq: seq, clientId: clientID))
            relay.send(.typing(.agent, name: firstName, active: false), on: caseID, from: id)
            try await flush()
        }

        func typing(_ message: ChatSocket.Inbound) {
            relay.send(.typing(.agent, name: firstName, active: message.active ?? false), on: caseID, from: id)
        }

        func read(_ message: ChatSocket.Inbound) async throws {
            guard let seq = message.seq, seq > 0 else { return }
            let stored = try await app.chat.markChatRead(caseID: caseID, brand: user.brandID, side: .agent, seq: min(seq, await backlog.lastSent))
            relay.send(.read(.agent, seq: stored), on: caseID, from: id)
        }

        func flush() async throws {
            try await backlog.flush(caseID: caseID, brand: user.brandID, send: send)
        }
    }

    static func add(to router: Router<LiveContext>, app: UseCases, hub: LiveHub, relay: ChatRelay,
                    session: @escaping @Sendable (Request) async throws -> StaffSession?) {
        @Sendable func chat(_ request: Request, _ parameters: Parameters) async throws -> (StaffUser, CaseID)? {
            guard let signedIn = try await session(request), signedIn.principal.may(.handleCases),
                  let caseID = parameters.get("case").flatMap(UUID.init(text:)),
                  try await app.chat.chatSession(caseID: caseID, brand: signedIn.user.brandID) != nil else { return nil }
            return (signedIn.user, caseID)
        }
        router.ws("console/chats/{case}/ws") { request, context in
            // Same rule as the console's live updates: another site's page must not ride on
            // the session cookie.
            guard let origin = request.headers[.origin], PageMiddleware.isSameOrigin(origin, request) else { throw HTTPError(.forbidden) }
            guard try await session(request) != nil else { throw HTTPError(.unauthorized, message: "sign in to the console first") }
            guard try await chat(request, context.parameters) != nil else { throw HTTPError(.notFound, message: "no such chat") }
            return .upgrade([:])
        } onUpgrade: { inbound, outbound, context in
            guard let (user, caseID) = try await chat(context.request, context.requestContext.parameters) else { return }
            let (frames, sink) = AsyncStream.makeStream(of: ChatSocket.Outbound.self)
            let conversation = Conversation(app: app, user: user, caseID: caseID, relay: relay) { sink.yield($0) }
            await conversation.join()
            let feed = hub.feed(brand: user.brandID, caseID: caseID)
            try await ChatSocket.pump(inbound: inbound, outbound: outbound, frames: frames, sink: sink, events: feed.events,
                                      changed: { _ in try await conversation.flush() }, finished: { await conversation.leave() }) { parsed in
                switch parsed.type {
                case "hello": try await conversation.hello(parsed)
                case "message": try await conversation.message(parsed)
                case "typing": await conversation.typing(parsed)
                case "read": try await conversation.read(parsed)
                default: throw ValidationError(field: "type", reason: "unknown type \(parsed.type)")
                }
            }
        }
    }
}
