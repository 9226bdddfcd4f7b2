import TouchpointCore
import Foundation
import Metrics
import SQLKit

/// One writer that gathers the commands arriving together into one transaction and
/// answers each caller after the shared commit.
///
/// A durable SQLite commit costs one fsync (~1.4 ms here), so one transaction per command
/// caps writes at a few hundred per second; sharing the commit lets the same fsync cover
/// every command of a batch. A command that fails is rolled back alone and the others of its
/// batch still commit (see `run`).
actor GroupCommitWriter {
    private final class Job: Sendable {
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

    // Written by `perform` (again if its batch is re-run) and read after the commit; the
    // writer runs both one after the other, hence the unchecked Sendable.
    private final class ResultBox<T>: @unchecked Sendable {
        var value: T?
    }

    private let connection: any SQLDatabase
    /// Where batches run: the connection's own thread, when the driver has one.
    private let executor: (any TaskExecutor)?
    private let maxBatch: Int
    private var pending: [Job] = []
    private var draining = false
    /// Why the last transaction could not start or commit; nil after one commits.
    private(set) var failure: String?
    /// Fired by the first commit after a failed one.
    nonisolated let returns = CommitSignal()

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
            Recorder(label: "touchpoint_group_commit_batch_size").record(batch.count)
            await withTaskExecutorPreference(executor) { await self.run(batch) }
        }
        draining = false
    }

    /// Runs a batch in one transaction. Commands almost never fail inside the store (input is
    /// validated before), so the batch first runs without savepoints, which cost a sub-journal
    /// write per page and an FTS flush per command. When a command does fail, the transaction
    /// is rolled back, that command is answered with its error, and the others run again,
    /// each in its own savepoint, so they commit while any further failure stays alone.
    private func run(_ batch: [Job]) async {
        switch await attempt(batch, isolated: false) {
        case .done:
            return
        case .failed(let index, let error):
            batch[index].fail(error)
            var rest = batch
            rest.remove(at: index)
            if !rest.isEmpty { _ = await attempt(rest, isolated: true) }
        }
    }

    private enum Attempt {
        case done
        /// The command at this index failed while running without savepoints; nothing was kept.
        case failed(Int, any Error)
    }

    private func attempt(_ batch: [Job], isolated: Bool) async -> Attempt {
        let texts = PendingSearchTexts()
        return await PendingSearchTexts.$current.withValue(texts) { await attempt(batch, isolated: isolated, texts: texts) }
    }

    private func attempt(_ batch: [Job], isolated: Bool, texts: PendingSearchTexts) async -> Attempt {
        var failures: [Int: any Error] = [:]
        do {
            try await connection.raw("BEGIN IMMEDIATE").run()
        } catch {
            failure = "could not start a transaction: \(error)"
            for job in batch { job.fail(StoreError.unavailable("could not start a transaction: \(error)")) }
            return .done
        }
        do {
            for (index, job) in batch.enumerated() {
                if isolated { try await connection.raw("SAVEPOINT command").run() }
                texts.begin(command: index)
                do {
                    try await job.perform(connection)
                    if isolated { try await connection.raw("RELEASE command").run() }
                } catch {
                    // A full disk or a locked file fails the whole batch, to be retried.
                    if let failure = error as? SQLiteFailure, failure.isEnvironmental { throw failure }
                    guard isolated else {
                        try await connection.raw("ROLLBACK").run()
                        return .failed(index, error)
                    }
                    try await connection.raw("ROLLBACK TO command").run()
                    texts.discard(command: index)
                    try await connection.raw("RELEASE command").run()
                    failures[index] = error
                }
            }
            // Nothing to keep when every command failed: roll back and spare the fsync.
            if failures.count < batch.count {
                try await texts.flush(on: connection)
                try await connection.raw("COMMIT").run()
                if failure != nil { returns.fire() }
                failure = nil
            } else {
                try await connection.raw("ROLLBACK").run()
            }
        } catch {
            // The transaction itself failed (disk full, a locked file, I/O error): nothing of
            // the batch is stored, so every caller is told to retry.
            try? await connection.raw("ROLLBACK").run()
            failure = "could not commit: \(error)"
            for job in batch { job.fail(StoreError.unavailable("could not commit: \(error)")) }
            return .done
        }
        for (index, job) in batch.enumerated() {
            if let error = failures[index] { job.fail(error) } else { job.succeed() }
        }
        return .done
    }
}
