/// Staff choose whether their notifications (a case assigned to them, an SLA at risk, a
/// promise due) also reach them by email.
enum Migration0019StaffNotifications {
    static let migration = Migration(version: 19, name: "staff_notifications") { _ in
        ["ALTER TABLE staff_users ADD COLUMN email_notifications INTEGER NOT NULL DEFAULT 1"]
    }
}
