/// Listeners follow the events table after commit: each keeps how far it has read, and
/// reads only the types it reacts to, by an index on type and time.
enum Migration0022Listeners {
    static let migration = Migration(version: 22, name: "listeners") { _ in
        [
            "CREATE TABLE listener_checkpoints (listener TEXT PRIMARY KEY, position BIGINT NOT NULL, updated_at BIGINT NOT NULL)",
            "CREATE INDEX events_type_time ON events (type, occurred_at, id)",
        ]
    }
}
