import Foundation
import TouchpointCore
import TouchpointStore

/// Each staff member's notifications: their list, what they have not seen, and whether
/// they also get them by email.
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

    /// Keeps the language a staff member reads the console and their emails in; nil leaves
    /// it to their browser (and to the brand for emails).
    public func setLanguage(_ language: Language?, userID: UserID, brand: BrandID) async throws {
        try await store.setStaffLanguage(language, userID: userID, brand: brand)
    }

    /// The person's notifications, newest first, with when each was seen (nil: new).
    public func list(for user: StaffUser, before: Date? = nil, limit: Int = 50) async throws -> [(event: DomainEvent, seenAt: Date?)] {
        try await store.notices(user: user.id, brand: user.brandID, before: before, limit: limit)
    }

    /// How many notifications the person has not seen.
    public func unseen(for user: StaffUser) async throws -> Int {
        try await store.unseenNoticeCount(user: user.id)
    }

    /// The person looked at their list: everything in it is seen.
    public func markSeen(for user: StaffUser) async throws {
        try await store.markNoticesSeen(user: user.id)
    }
}
