import Foundation
#if canImport(Glibc)
import Glibc
#endif
import Testing

/// A W3C WebDriver client for a real headless Chromium driven by `chromedriver` (Debian's
/// `chromium` and `chromium-driver`, which `.ci/run` installs).
final class Browser: @unchecked Sendable {
    private let driver: ChildProcess
    private let base: URL
    private var sessionID = ""
    private static let elementKey = "element-6066-11e4-a52e-4f735466cecf"

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// Where screenshots are kept for people to look at after a run.
    static let artifacts: URL = {
        let url = URL(fileURLWithPath: FileManager.default.currentDirectoryPath).appendingPathComponent("test-artifacts/screenshots")
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }()

    init() async throws {
        // A port the kernel just handed out and took back: a random one could belong to one
        // of the test servers listening at the same time.
        let port = try Self.freePort()
        base = URL(string: "http://127.0.0.1:\(port)")!
        driver = try ChildProcess("/usr/bin/chromedriver", ["--port=\(port)", "--allowed-ips=127.0.0.1"], stderr: .null)
        var ready = false
        var problem = "no answer"
        for _ in 0..<150 where !ready && driver.isRunning {
            try await Task.sleep(for: .milliseconds(100))
            do {
                let status = try await call("GET", "/status")
                ready = (status["ready"] as? NSNumber)?.boolValue ?? (status["ready"] as? Bool) ?? false
                problem = "status \(status)"
            } catch {
                problem = "\(error)"
            }
        }
        guard ready else {
            stopDriver()
            throw Failure(description: "chromedriver did not start: \(problem)")
        }
        let capabilities: [String: Any] = ["capabilities": ["alwaysMatch": [
            "browserName": "chrome",
            "goog:chromeOptions": ["binary": "/usr/bin/chromium",
                                   "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1280,1000"]],
        ]]]
        let created = try? await call("POST", "/session", capabilities)
        guard let id = (created?["value"] as? [String: Any])?["sessionId"] as? String ?? created?["sessionId"] as? String else {
            stopDriver()
            throw Failure(description: "no WebDriver session: \(String(describing: created))")
        }
        sessionID = id
    }

    func quit() async {
        _ = try? await call("DELETE", "/session/\(sessionID)")
        stopDriver()
    }

    static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw Failure(description: "no socket") }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
                bind(fd, pointer, length) == 0 && getsockname(fd, pointer, &length) == 0
            }
        }
        guard bound else { throw Failure(description: "no free port") }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    /// chromedriver ignores SIGTERM; the browser it started ends with the session.
    private func stopDriver() {
        driver.send(signal: SIGKILL)
        driver.waitUntilExit()
    }

    // MARK: Commands

    func open(_ url: String) async throws { _ = try await command("POST", "url", ["url": url]) }

    var url: String { get async throws { try await command("GET", "url") as? String ?? "" } }
    var title: String { get async throws { try await command("GET", "title") as? String ?? "" } }

    /// The first element matching a CSS selector, waiting up to two seconds for it.
    func element(_ selector: String) async throws -> String {
        for attempt in 0..<20 {
            if let found = try? await command("POST", "element", ["using": "css selector", "value": selector]) as? [String: Any],
               let id = found[Self.elementKey] as? String {
                return id
            }
            if attempt < 19 { try await Task.sleep(for: .milliseconds(100)) }
        }
        throw Failure(description: "no element matches \(selector)")
    }

    /// Sets the window's size (a phone is 390 px wide).
    func resize(width: Int, height: Int) async throws {
        _ = try await command("POST", "window/rect", ["width": width, "height": height])
    }

    func click(_ selector: String) async throws {
        _ = try await command("POST", "element/\(try await element(selector))/click", [:])
    }

    func type(_ selector: String, _ text: String) async throws {
        _ = try await command("POST", "element/\(try await element(selector))/value", ["text": text])
    }

    func text(_ selector: String) async throws -> String {
        try await command("GET", "element/\(try await element(selector))/text") as? String ?? ""
    }

    /// Runs script in the page and returns its result.
    func script(_ source: String) async throws -> Any? {
        try await command("POST", "execute/sync", ["script": source, "args": []])
    }

    /// The text of an open alert, prompt or confirm dialog; nil when none is open.
    func alertText() async -> String? {
        try? await command("GET", "alert/text") as? String
    }

    /// Saves a PNG of the page under test-artifacts/screenshots and returns its size in bytes.
    @discardableResult
    func screenshot(_ name: String) async throws -> Int {
        guard let encoded = try await command("GET", "screenshot") as? String, let png = Data(base64Encoded: encoded) else {
            throw Failure(description: "no screenshot")
        }
        try png.write(to: Self.artifacts.appendingPathComponent("\(name).png"))
        return png.count
    }

    // MARK: Wire

    private func command(_ method: String, _ path: String, _ body: [String: Any]? = nil) async throws -> Any? {
        try await call(method, "/session/\(sessionID)/\(path)", body)["value"] ?? nil
    }

    private func call(_ method: String, _ path: String, _ body: [String: Any]? = nil) async throws -> [String: Any] {
        let payload = try body.map { try JSONSerialization.data(withJSONObject: $0) } ?? Data()
        let port = base.port ?? 0
        let (status, _, data) = try await Processes.offPool {
            try RawHTTP.exchange(port: port, method: method, path: path, headers: ["Content-Type": "application/json"], body: payload)
        }
        let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] ?? [:]
        if status >= 400 {
            let value = object["value"] as? [String: Any]
            throw Failure(description: "\(method) \(path): \(value?["error"] ?? status) \(value?["message"] ?? "")")
        }
        if path == "/status" { return object["value"] as? [String: Any] ?? [:] }
        return object
    }

}

/// One HTTP/1.1 request on a fresh loopback connection, read to the end of its body.
/// (Foundation's URLSession on Linux fails against chromedriver with "Failed writing header".)
enum RawHTTP {
    /// A TCP socket connected to a loopback port.
    static func connected(port: Int) throws -> Int32 {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw Browser.Failure(description: "no socket") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard result == 0 else {
            close(fd)
            throw Browser.Failure(description: "cannot connect to port \(port)")
        }
        return fd
    }

    static func exchange(port: Int, method: String, path: String, headers: [String: String] = [:], body: Data = Data()) throws
        -> (status: Int, head: String, body: Data) {
        let fd = try connected(port: port)
        defer { close(fd) }
        var request = "\(method) \(path) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\n"
        for (name, value) in headers.sorted(by: { $0.key < $1.key }) { request += "\(name): \(value)\r\n" }
        let bytes = Data((request + "Content-Length: \(body.count)\r\n\r\n").utf8) + body
        try bytes.withUnsafeBytes { raw in
            var sent = 0
            while sent < raw.count {
                let written = send(fd, raw.baseAddress! + sent, raw.count - sent, 0)
                guard written > 0 else { throw Browser.Failure(description: "send failed") }
                sent += written
            }
        }
        // Read the head, then as many bytes as Content-Length says (chromedriver keeps the
        // connection open even when asked to close it); a protocol switch has no body.
        var response = Data()
        var buffer = [UInt8](repeating: 0, count: 65_536)
        var expected: Int?
        var headEnd: Range<Data.Index>?
        while expected.map({ response.count < $0 }) ?? true {
            let count = recv(fd, &buffer, buffer.count, 0)
            if count <= 0 { break }
            response.append(contentsOf: buffer[0..<count])
            if headEnd == nil, let end = response.range(of: Data("\r\n\r\n".utf8)) {
                headEnd = end
                let head = String(decoding: response[..<end.lowerBound], as: UTF8.self).lowercased()
                // A protocol switch, 204 and 304 have no body at all.
                if head.hasPrefix("http/1.1 101") || head.hasPrefix("http/1.1 204") || head.hasPrefix("http/1.1 304") { break }
                if let line = head.split(separator: "\r\n").first(where: { $0.hasPrefix("content-length:") }),
                   let length = Int(line.dropFirst("content-length:".count).trimmingCharacters(in: .whitespaces)) {
                    expected = end.upperBound - response.startIndex + length
                }
            }
        }
        guard let end = headEnd else { throw Browser.Failure(description: "no HTTP answer") }
        let head = String(decoding: response[..<end.lowerBound], as: UTF8.self)
        let status = Int(head.split(separator: " ").dropFirst().first ?? "") ?? 0
        var payload = Data(response[end.upperBound...])
        if head.lowercased().contains("transfer-encoding: chunked") { payload = dechunk(payload) }
        return (status, head, payload)
    }

    private static func dechunk(_ data: Data) -> Data {
        var out = Data()
        var rest = data[...]
        while let lineEnd = rest.range(of: Data("\r\n".utf8)),
              let size = Int(String(decoding: rest[..<lineEnd.lowerBound], as: UTF8.self).split(separator: ";")[0], radix: 16), size > 0 {
            let start = lineEnd.upperBound
            out.append(rest[start..<min(start + size, rest.endIndex)])
            rest = rest[min(start + size + 2, rest.endIndex)...]
        }
        return out
    }
}
