import Foundation
import TouchpointCore
import TouchpointStore

/// Which emails each staff member wants about their cases.
public struct StaffNotifications: Sendable {
    let store: Store

    /// Whether a staff member gets their notifications by email.
    public func emailNotifications(userID: UserID) async throws -> Bool {
        try await store.emailNotifications(userID: userID)
    }

    /// Turns a staff member's emails about their cases on or off.
    public func setEmailNotifications(_ on: Bool, userID: UserID, brand: BrandID) async throws {
        try await store.setEmailNotifications(on, userID: userID, brand: brand)
    }
}
