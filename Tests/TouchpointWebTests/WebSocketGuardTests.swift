import NIOCore
import NIOEmbedded
import NIOHTTP1
import Testing
@testable import TouchpointWeb

/// The frame-header follower that closes a WebSocket on a client frame without a mask, fed
/// bytes the way a network delivers them: frames of every length form, split anywhere.
@Suite("WebSocket frames without a mask")
struct WebSocketGuardTests {
    /// A client frame: FIN + text, the length in its 7-bit, 16-bit or 64-bit form, masked or not.
    static func frame(length: Int, masked: Bool = true, lengthForm: Int? = nil) -> [UInt8] {
        let mask: UInt8 = masked ? 0x80 : 0
        var bytes: [UInt8] = [0x81]
        switch lengthForm ?? (length < 126 ? 7 : length <= 0xFFFF ? 16 : 64) {
        case 7: bytes.append(mask | UInt8(length))
        case 16: bytes += [mask | 126, UInt8(length >> 8), UInt8(length & 0xFF)]
        default: bytes += [mask | 127] + (0..<8).reversed().map { UInt8(truncatingIfNeeded: length >> ($0 * 8)) }
        }
        if masked { bytes += [1, 2, 3, 4] }
        return bytes + [UInt8](repeating: 0x61, count: length)
    }

    static func upgradedChannel() throws -> EmbeddedChannel {
        let channel = EmbeddedChannel(handler: UnmaskedFrameGuard())
        try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 9)).wait()
        channel.pipeline.fireUserInboundEventTriggered(
            HTTPServerUpgradeEvents.upgradeComplete(toProtocol: "websocket", upgradeRequest: HTTPRequestHead(version: .http1_1, method: .GET, uri: "/")))
        return channel
    }

    static func forwarded(_ channel: EmbeddedChannel) throws -> [UInt8] {
        var bytes: [UInt8] = []
        while let buffer = try channel.readInbound(as: ByteBuffer.self) { bytes += buffer.readableBytesView }
        return bytes
    }

    @Test(arguments: [1, 2, 3, 7, 64])
    func maskedFramesPassWhereverTheyAreSplit(chunk: Int) throws {
        // setup: frames of every length form, one of them empty, one with a 64-bit length
        let stream = Self.frame(length: 0) + Self.frame(length: 5) + Self.frame(length: 125) + Self.frame(length: 126)
            + Self.frame(length: 300) + Self.frame(length: 3, lengthForm: 64) + Self.frame(length: 200, lengthForm: 64)
        let channel = try Self.upgradedChannel()
        // act
        for start in stride(from: 0, to: stream.count, by: chunk) {
            try channel.writeInbound(channel.allocator.buffer(bytes: stream[start..<min(start + chunk, stream.count)]))
        }
        // check: every byte went on, nothing was written back, the connection is open
        #expect(try Self.forwarded(channel) == stream)
        #expect(try channel.readOutbound(as: ByteBuffer.self) == nil)
        #expect(channel.isActive)
    }

    @Test(arguments: [1, 2, 5, 1000])
    func anUnmaskedFrameClosesWith1002AndIsNotPassedOn(chunk: Int) throws {
        let good = Self.frame(length: 10) + Self.frame(length: 300)
        let stream = good + Self.frame(length: 4, masked: false) + Self.frame(length: 2)
        let channel = try Self.upgradedChannel()
        for start in stride(from: 0, to: stream.count, by: chunk) where channel.isActive {
            try channel.writeInbound(channel.allocator.buffer(bytes: stream[start..<min(start + chunk, stream.count)]))
        }
        // check: the frames before it went on; at most its first header byte followed them
        // (split reads hand bytes on before the mask bit arrives); then a close with 1002
        let passed = try Self.forwarded(channel)
        #expect(passed.starts(with: good) && passed.count <= good.count + 1)
        let close = try #require(try channel.readOutbound(as: ByteBuffer.self))
        #expect(Array(close.readableBytesView) == [0x88, 0x02, 0x03, 0xEA])
        #expect(!channel.isActive)
    }

    @Test func beforeTheUpgradeNothingIsLookedAt() throws {
        // An HTTP request part before the upgrade passes through untouched.
        let channel = EmbeddedChannel(handler: UnmaskedFrameGuard())
        try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 9)).wait()
        let head = HTTPServerRequestPart.head(HTTPRequestHead(version: .http1_1, method: .GET, uri: "/chat/acme/ws"))
        try channel.writeInbound(head)
        #expect(try channel.readInbound(as: HTTPServerRequestPart.self) == head)
        #expect(channel.isActive)
    }
}
