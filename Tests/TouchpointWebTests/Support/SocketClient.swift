import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// A WebSocket client over a plain socket (RFC 6455: the handshake, masked text frames out,
/// unmasked frames in), written for the chat tests so the handshake carries exactly the
/// headers a browser would (Origin, Cookie). Frames received are kept in order, and a test
/// waits for the next one of a kind.
final class SocketClient: @unchecked Sendable {
    private let lock = NSLock()
    private var received: [[String: Any]] = []
    private var cursor = 0
    private var closed = false
    /// The status of the server's close frame, once one came.
    private var closeCode: UInt16?
    private let fd: Int32
    private let reader = DispatchGroup()

    /// Connects and upgrades; throws `refused` with the status when the server says no. The
    /// handshake blocks on its socket, so it runs on a thread of its own: on the concurrency
    /// pool, two handshakes at once held both threads the in-process server needed to answer.
    static func open(port: Int, path: String, headers: [String: String] = [:]) async throws -> SocketClient {
        try await Processes.offPool { try SocketClient(port: port, path: path, headers: headers) }
    }

    private init(port: Int, path: String, headers: [String: String]) throws {
        fd = try RawHTTP.connected(port: port)
        let key = Data((0..<16).map { _ in UInt8.random(in: 0...255) }).base64EncodedString()
        var request = "GET \(path) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        request += "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: \(key)\r\n"
        for (name, value) in headers.sorted(by: { $0.key < $1.key }) { request += "\(name): \(value)\r\n" }
        try write(Data((request + "\r\n").utf8))
        var buffer = Data()
        var chunk = [UInt8](repeating: 0, count: 4096)
        while buffer.range(of: Data("\r\n\r\n".utf8)) == nil {
            let count = recv(fd, &chunk, chunk.count, 0)
            guard count > 0 else {
                Glibc.close(fd)
                throw SocketClientError.io("connection closed during the handshake")
            }
            buffer.append(contentsOf: chunk[0..<count])
        }
        let end = buffer.range(of: Data("\r\n\r\n".utf8))!
        let head = String(decoding: buffer[..<end.lowerBound], as: UTF8.self)
        let status = Int(head.split(separator: " ").dropFirst().first ?? "") ?? 0
        guard status == 101 else {
            Glibc.close(fd)
            throw SocketClientError.refused(status)
        }
        let rest = Data(buffer[end.upperBound...])
        reader.enter()
        Thread.detachNewThread { [self] in
            read(startingWith: rest)
            reader.leave()
        }
    }

    /// Reads frames until the connection ends.
    private func read(startingWith initial: Data) {
        var pending = [UInt8](initial)
        var chunk = [UInt8](repeating: 0, count: 65_536)
        func need(_ count: Int) -> Bool {
            while pending.count < count {
                let got = recv(fd, &chunk, chunk.count, 0)
                if got <= 0 { return false }
                pending.append(contentsOf: chunk[0..<got])
            }
            return true
        }
        while need(2) {
            let opcode = pending[0] & 0x0F
            var length = Int(pending[1] & 0x7F)
            var header = 2
            if length == 126 {
                guard need(4) else { break }
                length = Int(pending[2]) << 8 | Int(pending[3])
                header = 4
            } else if length == 127 {
                guard need(10) else { break }
                length = (2..<10).reduce(0) { $0 << 8 | Int(pending[$1]) }
                header = 10
            }
            guard need(header + length) else { break }
            let payload = Array(pending[header..<header + length])
            pending.removeFirst(header + length)
            if opcode == 0x8 {
                if payload.count >= 2 { lock.withLock { closeCode = UInt16(payload[0]) << 8 | UInt16(payload[1]) } }
                break
            }
            if opcode == 0x1, let frame = try? JSONSerialization.jsonObject(with: Data(payload)) as? [String: Any] {
                lock.withLock { received.append(frame) }
            }
        }
        lock.withLock { closed = true }
    }

    private func write(_ data: Data) throws {
        try data.withUnsafeBytes { raw in
            var sent = 0
            while sent < raw.count {
                let written = Glibc.send(fd, raw.baseAddress! + sent, raw.count - sent, Int32(MSG_NOSIGNAL))
                guard written > 0 else { throw SocketClientError.io("send failed") }
                sent += written
            }
        }
    }

    /// One masked frame, as every client frame must be (or, to test the server, one without a mask).
    private func frame(opcode: UInt8, _ payload: [UInt8], masked: Bool = true) throws {
        let maskBit: UInt8 = masked ? 0x80 : 0
        var bytes: [UInt8] = [0x80 | opcode]
        if payload.count < 126 {
            bytes.append(maskBit | UInt8(payload.count))
        } else {
            bytes += [maskBit | 126, UInt8(payload.count >> 8), UInt8(payload.count & 0xFF)]
        }
        guard masked else { return try write(Data(bytes + payload)) }
        let mask = (0..<4).map { _ in UInt8.random(in: 0...255) }
        bytes += mask
        bytes += payload.enumerated().map { $0.element ^ mask[$0.offset % 4] }
        try write(Data(bytes))
    }

    func send(_ message: [String: Any]) throws {
        try frame(opcode: 0x1, Array(try JSONSerialization.data(withJSONObject: message)))
    }

    /// A text frame without the mask RFC 6455 requires of a client.
    func sendUnmasked(_ message: [String: Any]) throws {
        try frame(opcode: 0x1, Array(try JSONSerialization.data(withJSONObject: message)), masked: false)
    }

    /// Waits up to 5 s for the server to end the connection; the status of its close frame
    /// (nil when it sent none), or a failure when the connection stays open.
    func serverClosed(sourceLocation: SourceLocation = #_sourceLocation) async throws -> UInt16? {
        for _ in 0..<250 {
            if let code = lock.withLock({ closed ? .some(closeCode) : nil }) { return code }
            try await Task.sleep(for: .milliseconds(20))
        }
        Issue.record("the server kept the connection open", sourceLocation: sourceLocation)
        throw SocketClientError.timedOut("close")
    }

    /// The next frame of `type` (and matching `condition`) after the last one returned;
    /// frames of other kinds in between are skipped. `key` names the field that holds the
    /// kind (`type` on the chat, `event` on the console's live socket).
    func next(_ type: String, key: String = "type", where condition: @escaping ([String: Any]) -> Bool = { _ in true },
              sourceLocation: SourceLocation = #_sourceLocation) async throws -> [String: Any] {
        for _ in 0..<250 {
            let found: [String: Any]? = lock.withLock {
                while cursor < received.count {
                    let frame = received[cursor]
                    cursor += 1
                    if frame[key] as? String == type, condition(frame) { return frame }
                }
                return nil
            }
            if let found { return found }
            try await Task.sleep(for: .milliseconds(20))
        }
        let seen = lock.withLock { received.map { String(describing: $0["type"] ?? "?") } }
        Issue.record("no \(type) frame within 5 s; got \(seen)", sourceLocation: sourceLocation)
        throw SocketClientError.timedOut(type)
    }

    /// Every frame so far of one kind.
    func all(_ type: String) -> [[String: Any]] {
        lock.withLock { received.filter { $0["type"] as? String == type } }
    }

    /// Says goodbye and closes the socket (the server sees the peer leave).
    func close() async {
        try? frame(opcode: 0x8, [0x03, 0xE8])
        shutdown(fd, Int32(SHUT_RDWR))
        await withCheckedContinuation { done in reader.notify(queue: .global()) { done.resume() } }
        Glibc.close(fd)
    }
}

enum SocketClientError: Error {
    case io(String)
    case refused(Int)
    case timedOut(String)
}
