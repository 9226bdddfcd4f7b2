import Foundation
import SQLKit
import TouchpointCore

/// A database that fires a signal after each committed write; the store wraps its
/// database in one, so nothing else has to remember to.
struct SignallingDatabase: Database {
    let base: any Database
    let signal: CommitSignal

    var dialect: SQLDialectKind { base.dialect }
    var describe: String { base.describe }

    func read<T: Sendable>(_ body: @escaping @Sendable (any SQLDatabase) async throws -> T) async throws -> T {
        try await base.read(body)
    }

    func write<T: Sendable>(_ body: @escaping @Sendable (any SQLDatabase) async throws -> T) async throws -> T {
        let result = try await base.write(body)
        signal.fire()
        return result
    }

    func write<T: Sendable>(limits: DatabaseLimits, _ body: @escaping @Sendable (any SQLDatabase) async throws -> T) async throws -> T {
        let result = try await base.write(limits: limits, body)
        signal.fire()
        return result
    }

    func writeFailure() async -> String? { await base.writeFailure() }
    var returns: CommitSignal { base.returns }

    func shutdown() async { await base.shutdown() }
}
