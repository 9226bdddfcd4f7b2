import Foundation
import Testing
import TouchpointWeb

/// What an attacker sends instead of HTTP, against the real server over real sockets: an
/// answer and a closed connection, never a connection left hanging.
@Suite("Hostile HTTP: malformed requests are answered and closed, idle connections closed", .serialized)
struct HostileHTTPTests {
    /// Sends `bytes` on a fresh connection and reads until the server closes it or `wait`
    /// passes; returns what came back and whether the server closed the connection.
    static func exchange(_ port: Int, _ bytes: [UInt8], wait: TimeInterval) async throws -> (answer: String, closed: Bool) {
        try await Processes.offPool {
            let fd = try RawHTTP.connected(port: port)
            defer { close(fd) }
            var timeout = timeval(tv_sec: 0, tv_usec: 200_000)
            setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
            var sent = 0
            while sent < bytes.count {
                let written = bytes[sent...].withUnsafeBytes { send(fd, $0.baseAddress!, $0.count, 0) }
                guard written > 0 else { break }  // the server may close before it has read everything
                sent += written
            }
            var answer = [UInt8]()
            var buffer = [UInt8](repeating: 0, count: 65_536)
            let deadline = Date().addingTimeInterval(wait)
            while Date() < deadline {
                let count = recv(fd, &buffer, buffer.count, 0)
                if count == 0 { return (String(decoding: answer, as: UTF8.self), true) }
                if count > 0 {
                    answer += buffer[0..<count]
                } else if errno != EAGAIN && errno != EWOULDBLOCK {
                    return (String(decoding: answer, as: UTF8.self), true)
                }
            }
            return (String(decoding: answer, as: UTF8.self), false)
        }
    }

    @Test func malformedRequestsGetAnAnswerAndTheConnectionIsClosed() async throws {
        try await TestServer.run { server in
            let cases: [(String, [UInt8], String)] = [
                ("HTTP/9.9", Array("GET /health HTTP/9.9\r\nHost: x\r\n\r\n".utf8), "505"),
                ("bytes that are not HTTP", [0, 1, 2] + Array("garbage\r\n\r\n".utf8), "400"),
                ("a NUL in a header", Array("GET /health HTTP/1.1\r\nHost: x\r\nX-A: a\0b\r\n\r\n".utf8), "400"),
                ("100 KB of headers", Array("GET /health HTTP/1.1\r\nHost: x\r\nX-A: \(String(repeating: "a", count: 100_000))\r\n\r\n".utf8), "431"),
                ("a bad Content-Length", Array("POST /api/v1/cases HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n".utf8), "400"),
            ]
            for (name, bytes, status) in cases {
                // act
                let (answer, closed) = try await Self.exchange(server.port, bytes, wait: 3)
                // check: the status line says why, and the server hangs up
                #expect(answer.hasPrefix("HTTP/1.1 \(status)"), "\(name): \(answer.prefix(80))")
                #expect(closed, "\(name): the connection stayed open")
            }
            // A good request on the same server still works.
            #expect(try await Processes.offPool { try RawHTTP.exchange(port: server.port, method: "GET", path: "/health") }.status == 200)
        }
    }

    @Test func idleConnectionsAndDribbledHeadersAreClosed() async throws {
        try await TestServer.run(web: WebConfig(idleTimeout: .seconds(1))) { server in
            // act: one connection that says nothing, one that starts a request and stops mid-header,
            // one that asks once and then keeps the connection without a word
            async let silent = Self.exchange(server.port, [], wait: 4)
            async let dribbling = Self.exchange(server.port, Array("GET /health HTTP/1.1\r\nHost: x\r\nX-Slow: a".utf8), wait: 4)
            async let keptAlive = Self.exchange(server.port, Array("GET /health HTTP/1.1\r\nHost: x\r\n\r\n".utf8), wait: 4)
            // check: all closed by the server; only the whole request was answered
            let (quiet, slow, kept) = try await (silent, dribbling, keptAlive)
            #expect(quiet.closed && quiet.answer.isEmpty)
            #expect(slow.closed && !slow.answer.hasPrefix("HTTP/1.1 200"))
            #expect(kept.closed && kept.answer.hasPrefix("HTTP/1.1 200"))
        }
    }

    @Test func beyondTheConnectionLimitOnlyHealthIsAnsweredAndBeyondTheReserveNothing() async throws {
        try await TestServer.run(web: WebConfig(maxConnections: 2)) { server in
            // setup: the limit taken by two idle connections
            let held = try (0..<2).map { _ in try RawHTTP.connected(port: server.port) }
            defer { for fd in held { close(fd) } }
            try await Task.sleep(for: .milliseconds(200))
            // act + check: a third connection may ask /health, not anything else
            let api = try await Self.exchange(server.port, Array("GET /api/v1/openapi.yaml HTTP/1.1\r\nHost: x\r\n\r\n".utf8), wait: 3)
            #expect(api.answer.hasPrefix("HTTP/1.1 503") && api.answer.contains("Retry-After: 5") && api.closed, "\(api.answer.prefix(80))")
            let health = try await Self.exchange(server.port, Array("GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".utf8), wait: 3)
            #expect(health.answer.hasPrefix("HTTP/1.1 200"), "\(health.answer.prefix(80))")
            // the reserve taken too: the next connection is answered 503 before it says anything
            let reserve = try (0..<HTTPLimits.healthReserve).map { _ in try RawHTTP.connected(port: server.port) }
            defer { for fd in reserve { close(fd) } }
            try await Task.sleep(for: .milliseconds(200))
            let refused = try await Self.exchange(server.port, [], wait: 3)
            #expect(refused.answer.hasPrefix("HTTP/1.1 503") && refused.closed, "\(refused.answer.prefix(80))")
        }
    }
}
