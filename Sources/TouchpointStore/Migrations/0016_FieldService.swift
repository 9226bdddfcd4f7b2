/// Field service: technicians' regions and travel time (skills and hours are their routing
/// profile's), and visits to customers for cases.
enum Migration0016FieldService {
    static let migration = Migration(version: 16, name: "field_service") { _ in
        [
            """
            CREATE TABLE technicians (
                user_id TEXT PRIMARY KEY REFERENCES staff_users(id), brand_id TEXT NOT NULL REFERENCES brands(id), regions TEXT NOT NULL,
                travel_minutes INTEGER NOT NULL, updated_at BIGINT NOT NULL)
            """,
            """
            CREATE TABLE appointments (
                id TEXT PRIMARY KEY, brand_id TEXT NOT NULL REFERENCES brands(id), case_id TEXT NOT NULL REFERENCES cases(id),
                technician_id TEXT NOT NULL REFERENCES staff_users(id), start_at BIGINT NOT NULL, end_at BIGINT NOT NULL, region TEXT NOT NULL,
                address TEXT, status TEXT NOT NULL, sequence INTEGER NOT NULL DEFAULT 0, outcome TEXT, created_at BIGINT NOT NULL, updated_at BIGINT NOT NULL)
            """,
            "CREATE INDEX appointments_technician ON appointments (technician_id, start_at)",
            "CREATE INDEX appointments_case ON appointments (case_id)",
        ]
    }
}
