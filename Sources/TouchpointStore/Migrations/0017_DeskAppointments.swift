/// Desk appointments: a customer's booked time at a location for a service category, on a
/// case; checking in issues a ticket that remembers its appointment.
enum Migration0017DeskAppointments {
    static let migration = Migration(version: 17, name: "desk_appointments") { _ in
        [
            """
            CREATE TABLE desk_appointments (
                id TEXT PRIMARY KEY, brand_id TEXT NOT NULL REFERENCES brands(id), location_id TEXT NOT NULL REFERENCES locations(id),
                category TEXT NOT NULL, contact_id TEXT NOT NULL REFERENCES contacts(id), case_id TEXT NOT NULL REFERENCES cases(id),
                start_at BIGINT NOT NULL, end_at BIGINT NOT NULL, state TEXT NOT NULL, ticket_id TEXT, sequence INTEGER NOT NULL DEFAULT 0,
                created_at BIGINT NOT NULL, updated_at BIGINT NOT NULL)
            """,
            "CREATE INDEX desk_appointments_location ON desk_appointments (location_id, start_at)",
            "CREATE INDEX desk_appointments_contact ON desk_appointments (contact_id, start_at)",
            "CREATE INDEX desk_appointments_state ON desk_appointments (state, start_at)",
            "ALTER TABLE queue_tickets ADD COLUMN appointment_id TEXT",
        ]
    }
}
