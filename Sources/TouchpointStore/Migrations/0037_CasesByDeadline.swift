/// The inbox's default order, the next SLA deadline first, read from an index: each active
/// case carries its deadline as a sort key (see `Store.deadlineKey`), finished cases none, so
/// the index holds only the backlog however long the history grows. Filled for cases already
/// stored by `Store.backfillDeadlines` when this migration is applied.
enum Migration0037CasesByDeadline {
    static let migration = Migration(version: 37, name: "cases by deadline") { _ in
        [
            "ALTER TABLE cases ADD COLUMN deadline_key BIGINT",
            "CREATE INDEX cases_deadline ON cases (brand_id, deadline_key, id) WHERE deadline_key IS NOT NULL",
            // The backlog in the order it came in, either way, however many finished cases
            // there are (the queries name the active statuses literally, so the planner can
            // use it).
            "CREATE INDEX cases_active ON cases (brand_id, created_at, id) WHERE status IN ('new', 'open', 'pending')",
            // Filters the inbox offers that no other index serves.
            "CREATE INDEX cases_priority ON cases (brand_id, priority, created_at, id)",
            "CREATE INDEX cases_model ON cases (brand_id, service_model, created_at, id)",
        ]
    }
}
