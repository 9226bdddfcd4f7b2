import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL

/// A small HTTP/1.1 client for posting to a messaging provider: one connection per
/// request, http or https, a deadline on the whole exchange.
struct ProviderClient: Sendable {
    enum Failure: Error, CustomStringConvertible {
        case badURL(String)
        case timedOut
        case closed

        var description: String {
            switch self {
            case .badURL(let url): "not an http(s) URL: \(url)"
            case .timedOut: "the provider did not answer in time"
            case .closed: "the provider closed the connection without an answer"
            }
        }
    }

    var timeout: TimeAmount = .seconds(15)

    /// Posts `body` as JSON with `headers`; returns the status code and the body.
    func post(_ url: String, body: [UInt8], headers: [(String, String)]) async throws -> (status: Int, body: [UInt8]) {
        guard let parsed = URL(string: url), let scheme = parsed.scheme?.lowercased(), scheme == "http" || scheme == "https",
              let host = parsed.host, !host.isEmpty else { throw Failure.badURL(url) }
        let https = scheme == "https"
        let port = parsed.port ?? (https ? 443 : 80)
        let path = (parsed.path.isEmpty ? "/" : parsed.path) + (parsed.query.map { "?\($0)" } ?? "")
        let group = MultiThreadedEventLoopGroup.singleton
        let promise = group.next().makePromise(of: (status: Int, body: [UInt8]).self)
        let tls = https ? try NIOSSLContext(configuration: .makeClientConfiguration()) : nil
        let channel = try await ClientBootstrap(group: group)
            .connectTimeout(timeout)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    if let tls { try channel.pipeline.syncOperations.addHandler(try NIOSSLClientHandler(context: tls, serverHostname: host)) }
                    try channel.pipeline.syncOperations.addHTTPClientHandlers()
                    try channel.pipeline.syncOperations.addHandler(ResponseCollector(promise: promise))
                }
            }
            .connect(host: host, port: port).get()
        let deadline = channel.eventLoop.scheduleTask(in: timeout) { promise.fail(Failure.timedOut) }
        var head = HTTPRequestHead(version: .http1_1, method: .POST, uri: path)
        head.headers.add(name: "Host", value: parsed.port.map { "\(host):\($0)" } ?? host)
        head.headers.add(name: "Content-Type", value: "application/json")
        head.headers.add(name: "Content-Length", value: String(body.count))
        head.headers.add(name: "Connection", value: "close")
        for (name, value) in headers { head.headers.add(name: name, value: value) }
        channel.write(HTTPClientRequestPart.head(head), promise: nil)
        channel.write(HTTPClientRequestPart.body(.byteBuffer(ByteBuffer(bytes: body))), promise: nil)
        channel.writeAndFlush(HTTPClientRequestPart.end(nil), promise: nil)
        defer {
            deadline.cancel()
            channel.close(promise: nil)
        }
        return try await promise.futureResult.get()
    }
}

/// Collects one response and completes the promise once.
private final class ResponseCollector: ChannelInboundHandler {
    typealias InboundIn = HTTPClientResponsePart
    private let promise: EventLoopPromise<(status: Int, body: [UInt8])>
    private var status = 0
    private var body: [UInt8] = []
    private var done = false

    init(promise: EventLoopPromise<(status: Int, body: [UInt8])>) {
        self.promise = promise
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            status = Int(head.status.code)
        case .body(var buffer):
            body += buffer.readBytes(length: buffer.readableBytes) ?? []
        case .end:
            finish(.success((status, body)))
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        finish(.failure(error))
        context.close(promise: nil)
    }

    func channelInactive(context: ChannelHandlerContext) {
        finish(.failure(ProviderClient.Failure.closed))
    }

    private func finish(_ result: Result<(status: Int, body: [UInt8]), any Error>) {
        guard !done else { return }
        done = true
        promise.completeWith(result)
    }
}
