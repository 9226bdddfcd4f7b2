/// In-person service: locations with their desks and service categories, who staffs which
/// desk, and the walk-in queue's tickets (numbered per location, category and local day).
enum Migration0013WalkIn {
    static let migration = Migration(version: 13, name: "walk_in") { _ in
        [
            """
            CREATE TABLE locations (
                id TEXT PRIMARY KEY, brand_id TEXT NOT NULL REFERENCES brands(id), slug TEXT NOT NULL, name TEXT NOT NULL,
                time_zone TEXT NOT NULL, setup TEXT NOT NULL, created_at BIGINT NOT NULL, UNIQUE (brand_id, slug))
            """,
            """
            CREATE TABLE desk_staff (
                location_id TEXT NOT NULL REFERENCES locations(id), desk TEXT NOT NULL, user_id TEXT NOT NULL REFERENCES staff_users(id),
                since BIGINT NOT NULL, PRIMARY KEY (location_id, desk))
            """,
            """
            CREATE TABLE queue_tickets (
                id TEXT PRIMARY KEY, brand_id TEXT NOT NULL REFERENCES brands(id), location_id TEXT NOT NULL REFERENCES locations(id),
                day TEXT NOT NULL, issued_category TEXT NOT NULL, category TEXT NOT NULL, number INTEGER NOT NULL, state TEXT NOT NULL, priority INTEGER NOT NULL DEFAULT 0,
                contact_id TEXT REFERENCES contacts(id), case_id TEXT REFERENCES cases(id), desk TEXT, target_desk TEXT, source TEXT NOT NULL,
                outcome TEXT, served_by TEXT, interaction_id TEXT, calls INTEGER NOT NULL DEFAULT 0, taken_at BIGINT NOT NULL, queued_at BIGINT NOT NULL,
                called_at BIGINT, serving_at BIGINT, finished_at BIGINT, UNIQUE (location_id, day, issued_category, number))
            """,
            "CREATE INDEX queue_tickets_location_day ON queue_tickets (location_id, day, state)",
            "CREATE INDEX queue_tickets_contact ON queue_tickets (contact_id, taken_at)",
        ]
    }
}
