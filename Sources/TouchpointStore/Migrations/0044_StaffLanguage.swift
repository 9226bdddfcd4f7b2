/// The language a staff member reads the console and their notification emails in; none
/// means their browser's, else the brand's.
enum Migration0044StaffLanguage {
    static let migration = Migration(version: 44, name: "staff language") { _ in
        ["ALTER TABLE staff_users ADD COLUMN language TEXT"]
    }
}
