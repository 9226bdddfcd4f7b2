import Hummingbird
import HummingbirdCore
import HummingbirdWebSocket
import Logging
import NIOCore
import NIOHTTP1
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// What the HTTP server tolerates from a connection: how long it may sit idle (or dribble a
/// request's headers), how large the headers may be, and an answer to what is not HTTP.
public enum HTTPLimits {
    /// The server for `webSocketRouter` and the application's router, with these limits.
    /// - Parameter idleTimeout: how long a connection may stay without a request in progress,
    ///   including one whose headers are still arriving a byte at a time.
    /// Connections beyond `maxConnections` may only ask `/health` or `/ready` (load balancers and
    /// operators still see how the server is); beyond `maxConnections + healthReserve` a
    /// connection is answered 503 at once. The default keeps below the process's limit of
    /// open files, so the server never runs out of them however many sockets are opened.
    public static func defaultMaxConnections() -> Int {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 else { return 900 }
        // Room for the database, the listeners, logs and the health reserve.
        return max(16, Int(min(limit.rlim_cur, 1_000_000)) - 128)
    }

    public static let healthReserve = 32

    public static func server(
        webSocketRouter: Router<LiveContext>, idleTimeout: Duration, maxConnections: Int = defaultMaxConnections()
    ) -> HTTPServerBuilder {
        let parts = idleTimeout.components
        let timeout = TimeAmount.nanoseconds(parts.seconds * 1_000_000_000 + parts.attoseconds / 1_000_000_000)
        // Headers a browser or an API client sends fit many times over; 100 KB of them is an attack.
        let decoder = HTTP1Channel.Configuration.DecoderConfiguration(
            maxHeaderFieldSize: 16 * 1024, maxHeaderListSize: 64 * 1024, maxHeaderFieldCount: 200)
        let configuration = HTTP1WebSocketUpgradeChannel.Configuration(
            http1: HTTP1Channel.Configuration(idleTimeout: timeout, httpDecoderConfiguration: decoder))
        let webSocketResponder = RefusalKeepingResponder(inner: webSocketRouter.buildResponder())
        let connections = OpenConnections(max: maxConnections, reserve: healthReserve)
        return HTTPServerBuilder { responder in
            GuardedHTTPChannel(
                inner: HTTP1WebSocketUpgradeChannel(responder: responder, webSocketResponder: webSocketResponder, configuration: configuration),
                firstRequestWithin: timeout, connections: connections)
        }
    }
}

/// A server channel whose requests the HTTP parser rejects — a version other than 1.x, bytes
/// that are not HTTP, a NUL in a header, headers too large, a bad Content-Length — get 505,
/// 400 or 431 and a closed connection, and whose first request must have arrived within the
/// idle timeout. Hummingbird leaves parser errors to the application, which never sees a
/// request then, and starts its idle timer only after a first request: without this a client
/// got no answer and a connection that never sent a whole request stayed open for good.
struct GuardedHTTPChannel<Inner: ServerChildChannel>: ServerChildChannel {
    typealias Value = Inner.Value
    let inner: Inner
    let firstRequestWithin: TimeAmount
    let connections: OpenConnections

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        let admission = connections.open()
        channel.closeFuture.whenComplete { [connections] _ in connections.close() }
        return inner.setup(channel: channel, logger: logger).flatMapThrowing { value in
            // The answer is written as bytes from the head of the pipeline, past the HTTP
            // encoder (which only takes responses of requests it saw); the error is caught
            // right after the decoder that raised it, before any upgrade handling.
            let writer = RawAnswerWriter()
            let pipeline = channel.pipeline.syncOperations
            try pipeline.addHandler(writer, position: .first)
            let decoder = try pipeline.handler(type: ByteToMessageHandler<HTTPRequestDecoder>.self)
            try pipeline.addHandler(
                RequestGuard(writer: writer, firstRequestWithin: firstRequestWithin, admission: admission), position: .after(decoder))
            // Right after the upgrader: once it is done, the next handler to read is this one.
            if let upgrader = try? pipeline.handler(type: NIOTypedHTTPServerUpgradeHandler<HTTP1WebSocketUpgradeChannel.UpgradeResult>.self) {
                try pipeline.addHandler(UnmaskedFrameGuard(), position: .after(upgrader))
            }
            return value
        }
    }

    func handle(value: Value, logger: Logger) async {
        await inner.handle(value: value, logger: logger)
    }
}

/// Sits after the HTTP decoder: closes the connection when no request head arrived in time,
/// and turns the decoder's errors into an answer.
final class RequestGuard: ChannelInboundHandler, RemovableChannelHandler {
    // Only the first read is looked at (always a request head); the rest (bodies, or after an
    // upgrade WebSocket bytes) is forwarded untouched.
    typealias InboundIn = HTTPServerRequestPart
    /// The answer when the server has no room for the connection.
    static let busy = "503 Service Unavailable\r\nRetry-After: 5"
    private let writer: RawAnswerWriter
    private let firstRequestWithin: TimeAmount
    /// Beyond the limit a connection may only ask `/health` or `/ready`; beyond the reserve, nothing.
    private let admission: OpenConnections.Admission
    private var deadline: Scheduled<Void>?
    private var first = true

    init(writer: RawAnswerWriter, firstRequestWithin: TimeAmount, admission: OpenConnections.Admission) {
        self.writer = writer
        self.firstRequestWithin = firstRequestWithin
        self.admission = admission
    }

    func handlerAdded(context: ChannelHandlerContext) {
        let channel = context.channel
        deadline = context.eventLoop.scheduleTask(in: firstRequestWithin) { channel.close(promise: nil) }
        if context.channel.isActive { refuseIfFull() }
    }

    func channelActive(context: ChannelHandlerContext) {
        // Nothing can be written to a connection before it is active.
        refuseIfFull()
        context.fireChannelActive()
    }

    private func refuseIfFull() {
        if admission == .refused { writer.answer(Self.busy) }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        deadline?.cancel()
        deadline = nil
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        // The first thing the decoder passes on is a whole request head: from here on the
        // server's own idle timer (between requests) and the request's handling take over.
        deadline?.cancel()
        deadline = nil
        if first {
            first = false
            if admission == .healthOnly, case .head(let head) = unwrapInboundIn(data), !["/health", "/ready"].contains(head.uri.split(separator: "?").first ?? "") {
                writer.answer(Self.busy)
                return
            }
        }
        context.fireChannelRead(data)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        guard let parserError = error as? HTTPParserError else {
            context.fireErrorCaught(error)
            return
        }
        writer.answer(Self.statusLine(parserError))
    }

    static func statusLine(_ error: HTTPParserError) -> String {
        switch error {
        case .headerOverflow: "431 Request Header Fields Too Large"
        case .invalidVersion: "505 HTTP Version Not Supported"
        default: "400 Bad Request"
        }
    }
}

/// At the head of the pipeline: writes an answer straight to the socket, once, and closes.
final class RawAnswerWriter: ChannelOutboundHandler, RemovableChannelHandler, @unchecked Sendable {
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer
    // Set and used on the channel's event loop only.
    private var context: ChannelHandlerContext?
    private var answered = false

    func handlerAdded(context: ChannelHandlerContext) { self.context = context }
    func handlerRemoved(context: ChannelHandlerContext) { self.context = nil }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        context.write(data, promise: promise)
    }

    func answer(_ statusLine: String) {
        guard let context, !answered else { return }
        answered = true
        let text = "HTTP/1.1 \(statusLine)\r\nConnection: close\r\nContent-Length: 0\r\n\r\n"
        context.writeAndFlush(wrapOutboundOut(context.channel.allocator.buffer(string: text)), promise: nil)
        context.close(promise: nil)
    }
}

/// How many connections the server has open, and whether one more may come in.
final class OpenConnections: Sendable {
    enum Admission { case admitted, healthOnly, refused }

    private let count = Atomic<Int>(0)
    private let max: Int
    private let reserve: Int

    init(max: Int, reserve: Int) {
        self.max = max
        self.reserve = reserve
    }

    /// Counts a new connection in and says what it may do.
    func open() -> Admission {
        let now = count.add(1, ordering: .relaxed).newValue
        return now <= max ? .admitted : now <= max + reserve ? .healthOnly : .refused
    }

    func close() { count.subtract(1, ordering: .relaxed) }
}
