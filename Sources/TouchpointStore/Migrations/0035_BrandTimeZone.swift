/// The time zone a brand's people read times in (the console, the portal, invitations).
/// Existing brands keep reading UTC until an administrator sets theirs.
enum Migration0035BrandTimeZone {
    static let migration = Migration(version: 35, name: "brand time zone") { _ in
        ["ALTER TABLE brands ADD COLUMN time_zone TEXT NOT NULL DEFAULT 'UTC'"]
    }
}
