import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// A TCP port held by the test, so `serve` finds it taken.
final class TakenPort {
    let port: Int
    private let descriptor: Int32

    init() throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, listen(fd, 1) == 0 else {
            close(fd)
            throw CocoaError(.fileWriteUnknown)
        }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) } }
        descriptor = fd
        port = Int(UInt16(bigEndian: address.sin_port))
    }

    deinit { close(descriptor) }
}

@Suite("touchpoint serve as the real binary: a listener that cannot bind stops it; documented flags parse")
struct ServeCLITests {
    /// Runs `serve` on a fresh directory without demo data; `timeout` ends it if it hangs.
    func serve(_ flags: [String]) async throws -> (status: Int32, out: String, err: String) {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tp-serve-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        return try await Processes.run(
            URL(fileURLWithPath: "/usr/bin/timeout"),
            ["60", try Processes.touchpoint().path, "serve", "--data-dir", directory, "--no-demo"] + flags)
    }

    @Test func aMailPortInUseStopsServeWithAClearMessageAndAnError() async throws {
        // setup
        let taken = try TakenPort()
        // act
        let run = try await serve(["--port", "0", "--smtp-port", "\(taken.port)", "--lmtp-port", "-1"])
        // check: it stopped by itself (not killed by the timeout), said why, and never said it was running.
        #expect(run.status != 0 && run.status != 124, "status \(run.status)")
        #expect(run.err.contains("SMTP listener cannot listen on 127.0.0.1:\(taken.port)"), "\(run.err)")
        #expect(!run.out.contains("Touchpoint is running"))
    }

    @Test func logLinesAreJSONWhenAskedAndSIGTERMEndsServe() async throws {
        // setup
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tp-serve-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let serve = try Background(
            try Processes.touchpoint(), ["serve", "--data-dir", directory, "--port", "0", "--smtp-port", "0", "--lmtp-port", "-1"],
            environment: ["LOG_FORMAT": "json", "LOG_LEVEL": "info"])
        // act: once it runs with the demo data, let the scheduler make a pass, then SIGTERM.
        let running = await serve.waitFor("Touchpoint is running")
        try await Task.sleep(for: .milliseconds(1500))
        let status = await serve.terminate(within: 20)
        // check: it ran, ended by itself on SIGTERM with 0; every line is an object with time, level and message.
        #expect(running)
        #expect(status == 0, "status \(String(describing: status))")
        let lines = serve.errorText().split(separator: "\n")
        var components = Set<String>()
        for line in lines {
            let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any], "\(line)")
            #expect(object["time"] is String && object["level"] is String && object["message"] is String, "\(line)")
            if let component = object["component"] as? String { components.insert(component) }
        }
        #expect(lines.contains { $0.contains("Server started and listening") })
        #expect(components.contains("scheduler"), "components seen: \(components)")
    }

    @Test func anHTTPPortInUseStopsServeWithAnError() async throws {
        // setup
        let taken = try TakenPort()
        // act: `-1` is a value here, as the help says (no `=` needed).
        let run = try await serve(["--port", "\(taken.port)", "--smtp-port", "-1", "--lmtp-port", "-1"])
        // check
        #expect(run.status != 0 && run.status != 124, "status \(run.status)")
        #expect(run.err.contains("127.0.0.1:\(taken.port)"), "\(run.err)")
        #expect(!run.err.contains("Missing value"), "\(run.err)")
    }
}
