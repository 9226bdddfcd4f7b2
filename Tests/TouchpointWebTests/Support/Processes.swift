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
    static func run(_ executable: URL, _ arguments: [String], input: Data? = nil, environment: [String: String]? = nil) async throws
        -> (status: Int32, out: String, err: String) {
        try await offPool { try runBlocking(executable, arguments, input: input, environment: environment) }
    }

    /// Runs blocking work on a new thread and waits for it without blocking the pool.
    static func offPool<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            Thread { continuation.resume(with: Result { try work() }) }.start()
        }
    }

    private static func runBlocking(_ executable: URL, _ arguments: [String], input: Data?, environment: [String: String]?) throws
        -> (status: Int32, out: String, err: String) {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        if let environment { process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 } }
        let out = Pipe(), err = Pipe(), stdin = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = stdin
        // Foundation's Process.run on Linux is not safe to call from two threads at once (it
        // crashed copying a spawn argument while another test started its own program).
        try spawning.withLock { try process.run() }
        // Feed and drain concurrently, so neither side blocks on a full pipe.
        let writer = Thread {
            if let input { stdin.fileHandleForWriting.write(input) }
            try? stdin.fileHandleForWriting.close()
        }
        writer.start()
        let errors = ErrorCollector(err.fileHandleForReading)
        let output = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: output, as: UTF8.self), errors.text())
    }

    /// Held while a program starts (see `runBlocking`).
    static let spawning = NSLock()

    /// `python3 -c SCRIPT ARGS…`.
    static func python(_ script: String, _ arguments: [String]) async throws -> (status: Int32, out: String, err: String) {
        try await run(URL(fileURLWithPath: "/usr/bin/env"), ["python3", "-c", script] + arguments)
    }
}

/// Reads a pipe to its end on a thread of its own.
private final class ErrorCollector: @unchecked Sendable {
    private var data = Data()
    private let done = DispatchSemaphore(value: 0)

    init(_ handle: FileHandle) {
        Thread { [self] in
            data = handle.readDataToEndOfFile()
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
    let process = Process()
    private let output = Pipe()
    private let input = Pipe()

    private let errors = Pipe()

    /// Starts `python3 -c script arguments…`.
    convenience init(python script: String, _ arguments: [String]) throws {
        try self.init(URL(fileURLWithPath: "/usr/bin/env"), ["python3", "-c", script] + arguments, capturingErrors: false)
    }

    /// Starts a program; with `capturingErrors` its standard error is kept for `errorText()`
    /// (read once it has ended: a program that writes more than a pipe holds must not use it).
    init(_ executable: URL, _ arguments: [String], environment: [String: String] = [:], capturingErrors: Bool = true) throws {
        process.executableURL = executable
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        process.standardOutput = output
        if capturingErrors { process.standardError = errors }
        process.standardInput = input
        try Processes.spawning.withLock { try process.run() }
    }

    /// Reads lines until one contains `text` (false when the output ended first).
    func waitFor(_ text: String) async -> Bool {
        while true {
            let line = await line()
            if line.contains(text) { return true }
            if line.isEmpty, !process.isRunning { return false }
        }
    }

    /// Sends SIGTERM and waits up to `seconds` for the program to end; its exit status, or nil
    /// if it had to be killed.
    func terminate(within seconds: Double) async -> Int32? {
        process.terminate()
        let deadline = Date().addingTimeInterval(seconds)
        while process.isRunning, Date() < deadline { try? await Task.sleep(for: .milliseconds(50)) }
        guard !process.isRunning else {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            return nil
        }
        return process.terminationStatus
    }

    /// Everything the program wrote to standard error (read after it ended).
    func errorText() -> String {
        String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    }

    /// The next line the program printed.
    func line() async -> String {
        (try? await Processes.offPool { self.readLine() }) ?? ""
    }

    private func readLine() -> String {
        var bytes: [UInt8] = []
        while true {
            let data = output.fileHandleForReading.readData(ofLength: 1)
            guard let byte = data.first else { break }
            if byte == 0x0A { break }
            bytes.append(byte)
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    func stop() {
        try? input.fileHandleForWriting.close()
        if process.isRunning { process.terminate() }
        process.waitUntilExit()
    }
}
