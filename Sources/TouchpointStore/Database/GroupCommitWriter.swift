import Foundation
import SQLKit

/// One writer that gathers the commands arriving together into one transaction and
/// answers each caller after the shared commit.
///
/// A durable SQLite commit costs one fsync (~1.4 ms here), so one transaction per command
/// caps writes at a few hundred per second; sharing the commit lets the same fsync cover
/// every command of a batch. Each command runs inside its own savepoint, so a command that
/// fails is rolled back alone and the others of its batch still commit.
actor GroupCommitWriter {
    private final class Job: @unchecked Sendable {
        // Set once by `perform` (inside the batch) and read after the commit; the writer
        // actor serializes both, hence the unchecked Sendable.
        let perform: @Sendable (any SQLDatabase) async throws -> Void
        let succeed: @Sendable () -> Void
        let fail: @Sendable (any Error) -> Void
        init(perform: @escaping @Sendable (any SQLDatabase) async throws -> Void,
             succeed: @escaping @Sendable () -> Void, fail: @escaping @Sendable (any Error) -> Void) {
            self.perform = perform
            self.succeed = succeed
            self.fail = fail
        }
    }

    private final class ResultBox<T>: @unchecked Sendable {
        var value: T?
    }

    private let connection: any SQLDatabase
    /// Where batches run: the connection's own thread, when the driver has one.
    private let executor: (any TaskExecutor)?
    private let maxBatch: Int
    private var pending: [Job] = []
    private var draining = false

    init(connection: any SQLDatabase, executor: (any TaskExecutor)? = nil, maxBatch: Int = 512) {
        self.connection = connection
        self.executor = executor
        self.maxBatch = maxBatch
    }

    func submit<T: Sendable>(_ body: @escaping @Sendable (any SQLDatabase) async throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
            let box = ResultBox<T>()
            pending.append(Job(
                perform: { db in box.value = try await body(db) },
                succeed: { continuation.resume(returning: box.value!) },
                fail: { continuation.resume(throwing: $0) }))
            if !draining {
                draining = true
                Task { await self.drain() }
            }
        }
    }

    private func drain() async {
        while !pending.isEmpty {
            let batch = Array(pending.prefix(maxBatch))
            pending.removeFirst(batch.count)
            await withTaskExecutorPreference(executor) { await self.run(batch) }
        }
        draining = false
    }

    private func run(_ batch: [Job]) async {
        var outcomes: [(Job, (any Error)?)] = []
        outcomes.reserveCapacity(batch.count)
        do {
            try await connection.raw("BEGIN IMMEDIATE").run()
        } catch {
            for job in batch { job.fail(StoreError.unavailable("could not start a transaction: \(error)")) }
            return
        }
        // Savepoints isolate the commands of a shared batch; a batch of one needs none,
        // since a failure there rolls back the whole transaction below.
        let isolate = batch.count > 1
        do {
            for job in batch {
                if isolate { try await connection.raw("SAVEPOINT command").run() }
                do {
                    try await job.perform(connection)
                    if isolate { try await connection.raw("RELEASE command").run() }
                    outcomes.append((job, nil))
                } catch {
                    if isolate {
                        try await connection.raw("ROLLBACK TO command").run()
                        try await connection.raw("RELEASE command").run()
                    }
                    outcomes.append((job, error))
                }
            }
            // Nothing to keep when every command failed: roll back and spare the fsync.
            try await connection.raw(outcomes.contains { $0.1 == nil } ? "COMMIT" : "ROLLBACK").run()
        } catch {
            // The transaction itself failed (disk full, I/O error): nothing of the batch
            // is stored, so every caller is told to retry.
            try? await connection.raw("ROLLBACK").run()
            for job in batch { job.fail(StoreError.unavailable("could not commit: \(error)")) }
            return
        }
        for (job, error) in outcomes {
            if let error { job.fail(error) } else { job.succeed() }
        }
    }
}
