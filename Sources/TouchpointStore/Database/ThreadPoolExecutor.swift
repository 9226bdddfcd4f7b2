import NIOPosix

/// Runs a task's jobs on the SQLite writer's own thread.
///
/// SQLiteNIO executes each statement on its thread pool and resumes the caller from there.
/// With the writer's batch running on that same thread, a statement and the code around it
/// follow each other in one thread's queue instead of waking three threads per statement,
/// which measured as most of a write's cost.
final class ThreadPoolExecutor: TaskExecutor, @unchecked Sendable {
    // NIOThreadPool is thread-safe; it only lacks the Sendable annotation.
    private let pool: NIOThreadPool

    init(pool: NIOThreadPool) {
        self.pool = pool
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        let executor = asUnownedTaskExecutor()
        pool.submit { _ in job.runSynchronously(on: executor) }
    }
}
