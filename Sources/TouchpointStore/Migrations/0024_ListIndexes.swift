/// Indexes for the lists operators and agents page through newest first, so each page reads
/// its own rows instead of sorting every row of the brand: the outbox (all of it, or one
/// contact point), the inbox and received mail without a state, and cases by level.
enum Migration0024ListIndexes {
    static let migration = Migration(version: 24, name: "list indexes") { _ in
        [
            "CREATE INDEX outbox_brand_created ON outbox (brand_id, created_at, id)",
            "CREATE INDEX outbox_brand_point ON outbox (brand_id, contact_point, created_at, id)",
            "CREATE INDEX inbox_brand_received ON inbox (brand_id, received_at, id)",
            "CREATE INDEX inbound_mail_brand_received ON inbound_mail (brand_id, received_at, id)",
            "CREATE INDEX cases_level ON cases (brand_id, level, created_at, id)",
        ]
    }
}
