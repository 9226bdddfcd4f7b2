/// Computed health: the latest score, trend and churn risk on the account (segmentation and the CSM
/// book read them there), the first computed score as the trend's baseline, one snapshot per
/// account and day for the trend, and the product use a company imports.
enum Migration0028Health {
    static let migration = Migration(version: 28, name: "health") { _ in
        [
            "ALTER TABLE accounts ADD COLUMN renewal_on TEXT",
            "ALTER TABLE accounts ADD COLUMN churn_risk TEXT NOT NULL DEFAULT 'low'",
            "ALTER TABLE accounts ADD COLUMN health_trend TEXT",
            "ALTER TABLE accounts ADD COLUMN health_change INTEGER",
            "ALTER TABLE accounts ADD COLUMN health_since TEXT",
            "ALTER TABLE accounts ADD COLUMN health_since_score INTEGER",
            """
            CREATE TABLE health_snapshots (
                account_id TEXT NOT NULL REFERENCES accounts(id), day TEXT NOT NULL, brand_id TEXT NOT NULL,
                score INTEGER NOT NULL, churn_risk TEXT NOT NULL, PRIMARY KEY (account_id, day))
            """,
            // The daily pass reads one day of every account of a brand.
            "CREATE INDEX health_snapshots_day ON health_snapshots (brand_id, day)",
            """
            CREATE TABLE account_usage (
                account_id TEXT NOT NULL REFERENCES accounts(id), day TEXT NOT NULL, brand_id TEXT NOT NULL,
                active_users INTEGER NOT NULL, licensed_users INTEGER NOT NULL, PRIMARY KEY (account_id, day))
            """,
            "CREATE INDEX account_usage_day ON account_usage (brand_id, day)",
            // Conversations of a brand by time: the health pass counts a window of them (and
            // reports by period will), without walking the whole history.
            "CREATE INDEX interactions_brand_time ON interactions (brand_id, occurred_at, contact_id)",
        ]
    }
}
