/// Each person's notifications (the `staff.notified` events addressed to them), for their
/// list in the console and its count of unseen ones, read by person without walking the
/// brand's events. Written with the event; notifications from before this version are not
/// listed.
enum Migration0040StaffNotices {
    static let migration = Migration(version: 40, name: "staff notices") { _ in
        [
            """
            CREATE TABLE staff_notices (
                event_id TEXT PRIMARY KEY,
                user_id TEXT NOT NULL,
                brand_id TEXT NOT NULL,
                at BIGINT NOT NULL,
                seen_at BIGINT
            )
            """,
            "CREATE INDEX staff_notices_user ON staff_notices (user_id, at, event_id)",
            "CREATE INDEX staff_notices_unseen ON staff_notices (user_id) WHERE seen_at IS NULL",
        ]
    }
}
