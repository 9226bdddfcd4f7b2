import Foundation
import SQLKit
import TouchpointCore

extension Store {
    /// Whether a staff member gets their notifications by email.
    public func emailNotifications(userID: UserID) async throws -> Bool {
        try await database.read { db in
            try await db.raw("SELECT email_notifications FROM staff_users WHERE id = \(bind: userID.text)").first()?.int("email_notifications") == 1
        }
    }

    /// Keeps the language a staff member reads in (nil: their browser's, else the brand's).
    public func setStaffLanguage(_ language: Language?, userID: UserID, brand: BrandID) async throws {
        try await database.write { db in
            try await db.raw("""
                UPDATE staff_users SET language = \(bind: language?.rawValue) WHERE id = \(bind: userID.text) AND brand_id = \(bind: brand.text)
                """).run()
        }
    }

    public func setEmailNotifications(_ on: Bool, userID: UserID, brand: BrandID) async throws {
        try await database.write { db in
            try await db.raw("""
                UPDATE staff_users SET email_notifications = \(bind: on ? 1 : 0) WHERE id = \(bind: userID.text) AND brand_id = \(bind: brand.text)
                """).run()
        }
    }
}
