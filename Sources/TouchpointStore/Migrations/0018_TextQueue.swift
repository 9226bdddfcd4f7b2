/// Numbers taken by text message are texted back through the same integration when a desk
/// calls them; kiosk codes count their sends, so one number cannot be flooded with codes.
enum Migration0018TextQueue {
    static let migration = Migration(version: 18, name: "text_queue") { _ in
        [
            "ALTER TABLE queue_tickets ADD COLUMN integration_id TEXT",
            "ALTER TABLE queue_tickets ADD COLUMN phone TEXT",
            "ALTER TABLE kiosk_codes ADD COLUMN sends INTEGER NOT NULL DEFAULT 1",
            "ALTER TABLE kiosk_codes ADD COLUMN window_start BIGINT NOT NULL DEFAULT 0",
        ]
    }
}
