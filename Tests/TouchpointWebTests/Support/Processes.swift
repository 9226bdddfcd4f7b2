import Foundation
import Testing

/// Runs programs for tests: the real `touchpoint` binary, and Python as an independent
/// SMTP client.
enum Processes {
    /// The `touchpoint` executable `swift build --build-tests` put next to the test bundle.
    static func touchpoint() throws -> URL {
        let runner = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        var directory = runner.deletingLastPathComponent()
        for _ in 0..<4 {
            let candidate = directory.appendingPathComponent("touchpoint")
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: candidate.path, isDirectory: &isDirectory), !isDirectory.boolValue { return candidate }
            directory.deleteLastPathComponent()
        }
        Issue.record("no touchpoint executable near \(runner.path); build it with swift build --build-tests")
        throw CocoaError(.fileNoSuchFile)
    }

    /// Runs `executable` to its end, feeding `input` on standard input. The waiting
    /// happens on a thread of its own: blocking the few threads of Swift's cooperative pool
    /// would starve the servers the program talks to.
    static func run(
        _ executable: URL, _ arguments: [String], input: Data? = nil, environment: [String: String]? = nil
    ) async throws
        -> (status: Int32, out: String, err: String)
    {
        try await offPool { try runBlocking(executable, arguments, input: input, environment: environment) }
    }

    /// Runs blocking work on a new thread and waits for it without blocking the pool.
    static func offPool<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            Thread { continuation.resume(with: Result { try work() }) }.start()
        }
    }

    private static func runBlocking(
        _ executable: URL, _ arguments: [String], input: Data?, environment: [String: String]?
    ) throws
        -> (status: Int32, out: String, err: String)
    {
        let child = try ChildProcess(executable.path, arguments, environment: environment ?? [:], stdin: .pipe, stdout: .pipe, stderr: .pipe)
        // Feed and drain concurrently, so neither side blocks on a full pipe.
        let writer = Thread {
            if let input, let fd = child.stdin { ChildProcess.writeAll(input, to: fd) }
            if let fd = child.stdin { close(fd) }
        }
        writer.start()
        let errors = ErrorCollector(child.stderr!)
        let output = ChildProcess.readAll(child.stdout!)
        close(child.stdout!)
        let status = child.waitUntilExit()
        return (status, String(decoding: output, as: UTF8.self), errors.text())
    }

    /// `python3 -c SCRIPT ARGS…`.
    static func python(_ script: String, _ arguments: [String]) async throws -> (status: Int32, out: String, err: String) {
        try await run(URL(fileURLWithPath: "/usr/bin/env"), ["python3", "-c", script] + arguments)
    }
}

/// Reads a pipe to its end on a thread of its own, then closes it.
private final class ErrorCollector: @unchecked Sendable {
    private var data = Data()
    private let done = DispatchSemaphore(value: 0)

    init(_ fd: Int32) {
        Thread { [self] in
            data = ChildProcess.readAll(fd)
            close(fd)
            done.signal()
        }.start()
    }

    func text() -> String {
        done.wait()
        return String(decoding: data, as: UTF8.self)
    }
}

/// A program running beside a test (an SMTP sink), stopped with `stop()`.
final class Background: @unchecked Sendable {
    private let child: ChildProcess

    /// Starts `python3 -c script arguments…`.
    convenience init(python script: String, _ arguments: [String]) throws {
        try self.init(URL(fileURLWithPath: "/usr/bin/env"), ["python3", "-c", script] + arguments, capturingErrors: false)
    }

    /// Starts a program; with `capturingErrors` its standard error is kept for `errorText()`
    /// (read once it has ended: a program that writes more than a pipe holds must not use it).
    init(_ executable: URL, _ arguments: [String], environment: [String: String] = [:], capturingErrors: Bool = true) throws {
        child = try ChildProcess(
            executable.path, arguments, environment: environment,
            stdin: .pipe, stdout: .pipe, stderr: capturingErrors ? .pipe : .inherit)
        input = child.stdin
    }

    /// Standard input until `stop()` closes it (guarded: closing a descriptor twice could
    /// close one another test opened meanwhile).
    private var input: Int32?
    private let lock = NSLock()

    deinit {
        [input, child.stdout, child.stderr].compactMap { $0 }.forEach { close($0) }
    }

    /// Reads lines until one contains `text` (false when the output ended first).
    func waitFor(_ text: String) async -> Bool {
        while true {
            let line = await line()
            if line.contains(text) { return true }
            if line.isEmpty, !child.isRunning { return false }
        }
    }

    /// Sends SIGTERM and waits up to `seconds` for the program to end; its exit status, or nil
    /// if it had to be killed.
    func terminate(within seconds: Double) async -> Int32? {
        child.send(signal: SIGTERM)
        let deadline = Date().addingTimeInterval(seconds)
        while child.isRunning, Date() < deadline { try? await Task.sleep(for: .milliseconds(50)) }
        guard !child.isRunning else {
            child.send(signal: SIGKILL)
            child.waitUntilExit()
            return nil
        }
        return child.waitUntilExit()
    }

    /// Everything the program wrote to standard error (read after it ended).
    func errorText() -> String {
        guard let fd = child.stderr else { return "" }
        return String(decoding: ChildProcess.readAll(fd), as: UTF8.self)
    }

    /// The next line the program printed.
    func line() async -> String {
        (try? await Processes.offPool { self.readLine() }) ?? ""
    }

    private func readLine() -> String {
        var bytes: [UInt8] = []
        while let byte = ChildProcess.readByte(child.stdout!), byte != 0x0A { bytes.append(byte) }
        return String(decoding: bytes, as: UTF8.self)
    }

    func stop() {
        // End of input is what tells a sink to finish.
        if let fd = lock.withLock({ input.take() }) { close(fd) }
        if child.isRunning { child.send(signal: SIGTERM) }
        child.waitUntilExit()
    }
}
