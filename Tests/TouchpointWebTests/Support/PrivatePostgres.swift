import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A PostgreSQL cluster of one test's own, on a free port, that the test may stop and start
/// (the shared server `.ci/run` starts must stay up for the other tests). Run as the
/// `postgres` user when the tests run as root, as PostgreSQL refuses to run as root.
final class PrivatePostgres: @unchecked Sendable {
    let port: Int
    let directory: String
    private let bin: String

    var url: String { "postgres://postgres@127.0.0.1:\(port)/postgres" }

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    init() async throws {
        let versions = (try? FileManager.default.contentsOfDirectory(atPath: "/usr/lib/postgresql")) ?? []
        guard let newest = versions.compactMap(Int.init).max() else {
            throw Failure(description: "no PostgreSQL server binaries under /usr/lib/postgresql (apt-get install postgresql)")
        }
        bin = "/usr/lib/postgresql/\(newest)/bin"
        port = try Browser.freePort()
        directory = NSTemporaryDirectory() + "tp-pg-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        if geteuid() == 0 { _ = try await Self.run("/bin/chown", ["postgres", directory]) }
        try await pg("initdb", ["-D", "\(directory)/data", "-U", "postgres", "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8"])
        try await start()
    }

    func start() async throws {
        try await pg(
            "pg_ctl",
            [
                "-D", "\(directory)/data", "-l", "\(directory)/server.log", "-w", "-o",
                "-p \(port) -k \(directory) -c listen_addresses=127.0.0.1", "start",
            ])
    }

    /// `pg_ctl stop -m fast`: sessions are ended at once, as in a failover or a restart.
    func stop() async throws {
        try await pg("pg_ctl", ["-D", "\(directory)/data", "-m", "fast", "-w", "stop"])
    }

    func remove() async {
        try? await pg("pg_ctl", ["-D", "\(directory)/data", "-m", "immediate", "-w", "stop"])
        try? FileManager.default.removeItem(atPath: directory)
    }

    private func pg(_ program: String, _ arguments: [String]) async throws {
        let command = ["\(bin)/\(program)"] + arguments
        let run =
            geteuid() == 0
            ? try await Self.run(
                "/bin/su", ["postgres", "-c", command.map { "'" + $0.replacingOccurrences(of: "'", with: "'\\''") + "'" }.joined(separator: " ")])
            : try await Self.run(command[0], Array(command.dropFirst()))
        guard run.status == 0 else { throw Failure(description: "\(program) failed (\(run.status)): \(run.out) \(run.err)") }
    }

    private static func run(_ executable: String, _ arguments: [String]) async throws -> (status: Int32, out: String, err: String) {
        try await Processes.run(URL(fileURLWithPath: executable), arguments)
    }
}
