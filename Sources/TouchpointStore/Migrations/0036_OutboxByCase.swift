/// The inbox flags a case whose last reply could not be delivered: the outbox read by case
/// and state, for the fifty cases of a page at a time.
enum Migration0036OutboxByCase {
    static let migration = Migration(version: 36, name: "outbox by case") { _ in
        ["CREATE INDEX outbox_case ON outbox (case_id, state, created_at) WHERE case_id IS NOT NULL"]
    }
}
