/// Where a customer is and the language they speak, and the regions and languages each
/// staff member covers, so a new account gets a CSM near it who speaks its language.
enum Migration0042CSMReach {
    static let migration = Migration(version: 42, name: "csm reach") { _ in
        [
            "ALTER TABLE accounts ADD COLUMN region TEXT",
            "ALTER TABLE accounts ADD COLUMN language TEXT",
            "ALTER TABLE staff_users ADD COLUMN regions TEXT NOT NULL DEFAULT '[]'",
            "ALTER TABLE staff_users ADD COLUMN languages TEXT NOT NULL DEFAULT '[]'",
        ]
    }
}
