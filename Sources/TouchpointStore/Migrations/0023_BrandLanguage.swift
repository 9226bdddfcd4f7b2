/// The language a brand writes to its customers in (acknowledgements, sign-in links,
/// texts from the walk-in queue, appointment invitations).
enum Migration0023BrandLanguage {
    static let migration = Migration(version: 23, name: "brand language") { _ in
        ["ALTER TABLE brands ADD COLUMN language TEXT NOT NULL DEFAULT 'en'"]
    }
}
