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

    /// Runs `executable` to its end, feeding `input` on standard input.
    static func run(_ executable: URL, _ arguments: [String], input: Data? = nil, environment: [String: String]? = nil) throws
        -> (status: Int32, out: String, err: String) {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        if let environment { process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 } }
        let out = Pipe(), err = Pipe(), stdin = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = stdin
        try process.run()
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

    /// `python3 -c SCRIPT ARGS…`.
    static func python(_ script: String, _ arguments: [String]) throws -> (status: Int32, out: String, err: String) {
        try run(URL(fileURLWithPath: "/usr/bin/env"), ["python3", "-c", script] + arguments)
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
