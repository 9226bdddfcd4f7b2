import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdWebSocket
import NIOCore
import TouchpointApplication
import TouchpointCore

/// The request context of WebSocket upgrades.
public struct LiveContext: RequestContext, WebSocketRequestContext {
    public var coreContext: CoreRequestContextStorage
    public let webSocket: WebSocketHandlerReference<LiveContext>
    /// The connection asking to upgrade: a refused handshake's answer is fixed up on it.
    let channel: any Channel

    public init(source: Source) {
        self.coreContext = .init(source: source)
        self.webSocket = .init()
        self.channel = source.channel
    }
}

/// Builds the router of WebSocket upgrades: `/console/live` tells a signed-in console page
/// what changed in its brand, so it can refresh the parts that show it without a reload;
/// `/chat/{brand}/ws` and `/console/chats/{caseId}/ws` are the two sides of a web chat.
public func buildWebSocketRouter(app: UseCases, inbox: Inbox, config: WebConfig) -> Router<LiveContext> {
    let router = Router(context: LiveContext.self)
    let hub = LiveHub(app: app)
    let cookies = CookiePolicy(secure: config.isHTTPS)
    @Sendable func session(_ request: Request) async throws -> StaffSession? {
        guard let token = request.cookies[cookies.session]?.value else { return nil }
        return try await app.signIn.session(token: token)
    }
    router.ws("console/live") { request, _ in
        // Browsers send Origin with every WebSocket handshake; another site's page must not
        // ride on the cookie (cross-site WebSocket hijacking).
        guard let origin = request.headers[.origin], PageMiddleware.isSameOrigin(origin, request) else { throw HTTPError(.forbidden) }
        guard try await session(request) != nil else { throw HTTPError(.unauthorized) }
        return .upgrade([:])
    } onUpgrade: { inbound, outbound, context in
        guard let signedIn = try await session(context.request) else { return }
        let events = hub.subscribe(brand: signedIn.user.brandID)
        // One writer: the brand's events and the collision indicator both speak on the socket.
        let (frames, sink) = AsyncStream.makeStream(of: String.self)
        let presence = LivePresence(app: app, user: signedIn.user) { sink.yield($0) }
        try await withThrowingTaskGroup(of: Void.self) { group in
            // The page closing ends the inbound stream, and with it the subscription.
            group.addTask {
                for try await message in inbound.messages(maxSize: 4096) {
                    if case .text(let text) = message { await presence.heard(text) }
                }
            }
            group.addTask {
                for await event in events {
                    guard signedIn.expiresAt > app.environment.now() else { return }
                    sink.yield(String(decoding: try JSONIO.encoder.encode(event), as: UTF8.self))
                }
            }
            group.addTask { await presence.follow() }
            group.addTask {
                for await frame in frames { try await outbound.write(.text(frame)) }
            }
            try await group.next()
            sink.finish()
            group.cancelAll()
        }
    }
    let relay = ChatRelay()
    ChatSocket.add(to: router, app: app, inbox: inbox, hub: hub, relay: relay)
    AgentChatSocket.add(to: router, app: app, hub: hub, relay: relay, session: session)
    Board.addSocket(to: router, app: app, hub: hub)
    return router
}
