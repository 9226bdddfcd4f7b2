/// The contact points each case was reached on, one row per case and contact point with the
/// case's creation time, so "cases by contact point" is read newest first from an index of
/// that contact point's cases instead of checking every case of the brand for an interaction.
enum Migration0033CasePoints {
    static let migration = Migration(version: 33, name: "case contact points") { _ in
        [
            """
            CREATE TABLE case_points (
                case_id TEXT NOT NULL, contact_point TEXT NOT NULL, brand_id TEXT NOT NULL, created_at BIGINT NOT NULL,
                PRIMARY KEY (case_id, contact_point))
            """,
            "CREATE INDEX case_points_newest ON case_points (brand_id, contact_point, created_at, case_id)",
            """
            INSERT INTO case_points (case_id, contact_point, brand_id, created_at)
            SELECT DISTINCT i.case_id, i.contact_point, c.brand_id, c.created_at FROM interactions i JOIN cases c ON c.id = i.case_id
            """,
        ]
    }
}
