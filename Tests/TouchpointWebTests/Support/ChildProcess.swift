import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A program the tests start with `posix_spawn` directly.
///
/// Foundation's `Process.run` on Linux looks for the highest open descriptor by copying every
/// `/proc/self/fd` entry as a full 256-byte `dirent` name, which reads past the end of the
/// directory buffer; with the ~1,400 descriptors a full test run holds open it crashed CI
/// (SIGSEGV in `memmove`). Here the child closes everything above standard error with
/// `posix_spawn_file_actions_addclosefrom_np`, so no descriptor is enumerated at all, and
/// every read and write retries on `EINTR`.
final class ChildProcess: @unchecked Sendable {
    /// Where one of the child's standard streams goes.
    enum Stream {
        /// The test process's own stream.
        case inherit
        /// `/dev/null`.
        case null
        /// A new pipe; the test's end is in `stdin`, `stdout` or `stderr`.
        case pipe
    }

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    let pid: pid_t
    /// The test's ends of the pipes asked for (nil where the stream was not a pipe).
    let stdin: Int32?
    let stdout: Int32?
    let stderr: Int32?

    private let lock = NSLock()
    private var exitStatus: Int32?

    /// Starts `executable` (a full path) with `arguments`; `environment` is added to the test
    /// process's own.
    init(
        _ executable: String, _ arguments: [String], environment: [String: String] = [:],
        stdin inputStream: Stream = .null, stdout outputStream: Stream = .null, stderr errorStream: Stream = .inherit
    ) throws {
        // A child that ends before reading its input must fail the write, not kill the tests.
        signal(SIGPIPE, SIG_IGN)
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        var childEnds: [Int32] = []
        defer { childEnds.forEach { close($0) } }
        var ours: [Int32?] = []
        for (target, stream) in [(Int32(0), inputStream), (1, outputStream), (2, errorStream)] {
            switch stream {
            case .inherit:
                ours.append(nil)
            case .null:
                let fd = open("/dev/null", O_RDWR | O_CLOEXEC)
                guard fd >= 0 else { throw Failure(description: "cannot open /dev/null: errno \(errno)") }
                childEnds.append(fd)
                posix_spawn_file_actions_adddup2(&actions, fd, target)
                ours.append(nil)
            case .pipe:
                var ends: [Int32] = [0, 0]
                guard pipe(&ends) == 0 else { throw Failure(description: "pipe failed: errno \(errno)") }
                let (childEnd, ourEnd) = target == 0 ? (ends[0], ends[1]) : (ends[1], ends[0])
                childEnds.append(childEnd)
                posix_spawn_file_actions_adddup2(&actions, childEnd, target)
                ours.append(ourEnd)
            }
        }
        // Nothing else the tests hold open reaches the child: a pipe another test is reading
        // would otherwise never see its end while this program lives.
        try Self.closeAbove(2, in: &actions)

        let merged = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp = merged.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        var child: pid_t = 0
        let result = posix_spawn(&child, executable, &actions, nil, argv, envp)
        guard result == 0 else {
            ours.compactMap { $0 }.forEach { close($0) }
            throw Failure(description: "cannot start \(executable): errno \(result)")
        }
        pid = child
        stdin = ours[0]
        stdout = ours[1]
        stderr = ours[2]
    }

    /// `posix_spawn_file_actions_addclosefrom_np` (glibc 2.34) is not in Swift's Glibc module,
    /// so it is looked up by name; without it each open descriptor is closed by number.
    private static func closeAbove(_ highest: Int32, in actions: inout posix_spawn_file_actions_t) throws {
        typealias CloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32
        if let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "posix_spawn_file_actions_addclosefrom_np") {
            guard unsafeBitCast(symbol, to: CloseFrom.self)(&actions, highest + 1) == 0 else {
                throw Failure(description: "addclosefrom_np failed")
            }
            return
        }
        let open = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd")) ?? []
        for fd in open.compactMap({ Int32($0) }) where fd > highest {
            posix_spawn_file_actions_addclose(&actions, fd)
        }
    }

    /// True until the program has ended (and been reaped).
    var isRunning: Bool {
        lock.withLock {
            guard exitStatus == nil else { return false }
            var raw: Int32 = 0
            if waitpid(pid, &raw, WNOHANG) == pid { exitStatus = Self.decode(raw) }
            return exitStatus == nil
        }
    }

    /// Waits for the program to end; its exit code, or the number of the signal that ended it.
    @discardableResult
    func waitUntilExit() -> Int32 {
        while isRunning { usleep(5_000) }
        return lock.withLock { exitStatus ?? -1 }
    }

    /// Sends the program a signal.
    func send(signal number: Int32) { _ = kill(pid, number) }

    /// The same convention as Foundation's `terminationStatus`.
    private static func decode(_ raw: Int32) -> Int32 {
        let signalNumber = raw & 0x7F
        return signalNumber == 0 ? (raw >> 8) & 0xFF : signalNumber
    }

    // MARK: Descriptors

    /// Reads `fd` to its end.
    static func readAll(_ fd: Int32) -> Data {
        var data = Data()
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            let count = read(fd, &buffer, buffer.count)
            if count > 0 {
                data.append(buffer, count: count)
            } else if count < 0, errno == EINTR {
                continue
            } else {
                return data
            }
        }
    }

    /// One byte from `fd`, nil at its end.
    static func readByte(_ fd: Int32) -> UInt8? {
        var byte: UInt8 = 0
        while true {
            let count = read(fd, &byte, 1)
            if count == 1 { return byte }
            if count < 0, errno == EINTR { continue }
            return nil
        }
    }

    /// Writes all of `data` to `fd` (stops early if the reader went away).
    static func writeAll(_ data: Data, to fd: Int32) {
        data.withUnsafeBytes { (raw: UnsafeRawBufferPointer) in
            var offset = 0
            while offset < raw.count {
                let count = write(fd, raw.baseAddress! + offset, raw.count - offset)
                if count > 0 {
                    offset += count
                } else if count < 0, errno == EINTR {
                    continue
                } else {
                    return
                }
            }
        }
    }
}
