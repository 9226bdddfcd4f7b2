import Foundation

/// A registered kiosk: a touch screen at a location, signed in as a device with its own token.
public struct Kiosk: Sendable, Equatable {
    public var id: UUID
    public var brandID: BrandID
    public var locationID: UUID?
    public var name: String
    /// After this long without a touch the screen forgets the customer.
    public var idleSeconds: Int
    /// The languages it offers, the first by default (`en`, `pl`).
    public var languages: [String]

    public init(id: UUID, brandID: BrandID, locationID: UUID? = nil, name: String, idleSeconds: Int, languages: [String]) {
        self.id = id
        self.brandID = brandID
        self.locationID = locationID
        self.name = name
        self.idleSeconds = idleSeconds
        self.languages = languages
    }
}

/// A customer identified at a kiosk; it ends on "done", on the idle reset, or after 10 minutes.
public struct KioskSession: Sendable, Equatable {
    public var kioskID: UUID
    public var contactID: ContactID
    public var method: String
    public var expiresAt: Date

    public init(kioskID: UUID, contactID: ContactID, method: String, expiresAt: Date) {
        self.kioskID = kioskID
        self.contactID = contactID
        self.method = method
        self.expiresAt = expiresAt
    }
}

/// Why a kiosk could not identify someone; said on the screen without telling whether a
/// number exists.
public enum KioskRefusal: Error, Equatable, Sendable {
    case notRecognized
    case codeWrongOrExpired
    case tooManyAttempts
}
