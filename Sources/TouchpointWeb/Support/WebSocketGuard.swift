import Foundation
import Hummingbird
import HummingbirdWebSocket
import NIOCore
import NIOHTTP1

/// The WebSocket router's responder, remembering why it refused a handshake. The upgrader of
/// hummingbird-websocket answers every refused handshake `400` with an empty body, whatever the
/// route said; the refusal (`401` without a session, `403` from another site, `404` for no such
/// brand or chat) is put back into that answer, as problem+json, by a `RefusedUpgradeAnswer`
/// placed in the connection's pipeline before the upgrader writes it.
struct RefusalKeepingResponder<Inner: HTTPResponder>: HTTPResponder where Inner.Context == LiveContext {
    typealias Context = LiveContext
    let inner: Inner

    func respond(to request: Request, context: LiveContext) async throws -> Response {
        let response: Response
        do {
            response = try await inner.respond(to: request, context: context)
        } catch {
            try await Self.keep(Problem.from(error), on: context.channel)
            throw error
        }
        // The upgrader takes only 200 with a handler as "upgrade"; `.dontUpgrade` is 405.
        if response.status != .ok {
            try await Self.keep(Problem(response.status, response.status.reasonPhrase), on: context.channel)
        }
        return response
    }

    static func keep(_ problem: Problem, on channel: any Channel) async throws {
        let answer = RefusedUpgradeAnswer(problem)
        try await channel.eventLoop.submit {
            let pipeline = channel.pipeline.syncOperations
            // After the encoder on the way out: it sees the response the upgrader writes.
            try pipeline.addHandler(answer, position: .after(try pipeline.handler(type: HTTPResponseEncoder.self)))
        }.get()
    }
}

/// Rewrites the upgrader's bare `400` for a refused handshake into the refusal's own status
/// and problem body. Only ever added to a connection whose handshake was refused, so the
/// response it sees is that answer.
final class RefusedUpgradeAnswer: ChannelOutboundHandler, RemovableChannelHandler, @unchecked Sendable {
    typealias OutboundIn = HTTPServerResponsePart
    typealias OutboundOut = HTTPServerResponsePart
    private let status: HTTPResponseStatus
    private let headers: [(String, String)]
    private let body: [UInt8]

    init(_ problem: Problem) {
        status = HTTPResponseStatus(statusCode: problem.status.code)
        body = Array((try? JSONIO.encoder.encode(problem)) ?? Data())
        headers = problem.headers.map { ($0.name.rawName, $0.value) }
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        switch unwrapOutboundIn(data) {
        case .head(var head):
            head.status = status
            head.headers.replaceOrAdd(name: "Content-Type", value: "application/problem+json")
            head.headers.replaceOrAdd(name: "Content-Length", value: String(body.count))
            for (name, value) in headers { head.headers.replaceOrAdd(name: name, value: value) }
            context.write(wrapOutboundOut(.head(head)), promise: promise)
        case .end(let trailers):
            context.write(wrapOutboundOut(.body(.byteBuffer(context.channel.allocator.buffer(bytes: body)))), promise: nil)
            context.write(wrapOutboundOut(.end(trailers)), promise: promise)
        case .body:
            // The upgrader's answer has no body of its own; ours replaces it.
            promise?.succeed()
        }
    }
}

/// RFC 6455 §5.1: a server must close the connection when a client sends a frame that is not
/// masked, with status 1002 (protocol error). swift-websocket reads such frames as if they
/// were masked, so this handler, placed right after the HTTP upgrader, follows the frame
/// headers in the raw bytes once the upgrade is done and hangs up on the first unmasked one
/// before the frame reaches the WebSocket decoder.
final class UnmaskedFrameGuard: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer
    /// A close frame from the server (never masked): FIN + close, length 2, status 1002.
    static let protocolErrorClose: [UInt8] = [0x88, 0x02, 0x03, 0xEA]

    private var upgraded = false
    private var closed = false
    /// The header bytes of the frame being read (at most 14), or empty between frames.
    private var header: [UInt8] = []
    /// Payload bytes of the current frame still to pass.
    private var payloadLeft: UInt64 = 0

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        // The upgrader says so after its handlers are gone and before the bytes it held back
        // come through: from here on every read is WebSocket frames.
        if let upgrade = event as? HTTPServerUpgradeEvents, case .upgradeComplete = upgrade { upgraded = true }
        context.fireUserInboundEventTriggered(event)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        // Before the upgrade, what passes is the HTTP decoder's request parts: not looked at.
        guard upgraded else { return context.fireChannelRead(data) }
        guard !closed else { return }
        var bytes = unwrapInboundIn(data)
        guard let unmaskedAt = firstUnmaskedFrame(in: bytes) else { return context.fireChannelRead(data) }
        closed = true
        if unmaskedAt > 0, let before = bytes.readSlice(length: unmaskedAt) {
            context.fireChannelRead(wrapInboundOut(before))
        }
        let close = context.channel.allocator.buffer(bytes: Self.protocolErrorClose)
        context.writeAndFlush(NIOAny(close), promise: nil)
        context.close(promise: nil)
    }

    /// Follows frame boundaries through `bytes`; the offset in `bytes` where the first frame
    /// without a mask starts (0 when its header began in an earlier read), or nil.
    private func firstUnmaskedFrame(in bytes: ByteBuffer) -> Int? {
        var offset = 0
        let count = bytes.readableBytes
        while offset < count {
            if payloadLeft > 0 {
                let step = Int(min(payloadLeft, UInt64(count - offset)))
                offset += step
                payloadLeft -= UInt64(step)
                continue
            }
            header.append(bytes.getInteger(at: bytes.readerIndex + offset, as: UInt8.self)!)
            offset += 1
            guard header.count >= 2 else { continue }
            if header[1] & 0x80 == 0 { return max(0, offset - header.count) }
            let lengthBytes = [126: 2, 127: 8][Int(header[1] & 0x7F)] ?? 0
            guard header.count == 2 + lengthBytes + 4 else { continue }
            payloadLeft = lengthBytes == 0
                ? UInt64(header[1] & 0x7F)
                : header[2..<2 + lengthBytes].reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
            header = []
        }
        return nil
    }
}
