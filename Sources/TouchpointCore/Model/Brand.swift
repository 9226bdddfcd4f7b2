import Foundation

/// The isolation boundary: staff see only their brand's data, and case numbers count per brand.
public struct Brand: Codable, Equatable, Sendable {
    public var id: BrandID
    /// Short lower-case handle, unique (`acme`).
    public var slug: String
    public var name: String
    /// Shown before case numbers, e.g. `Acme` in `[Acme #1234]`.
    public var casePrefix: String
    /// Completes national phone numbers written without a country code (digits, e.g. "48").
    public var defaultCallingCode: String?
    /// The language the brand writes to its customers in.
    public var language: Language
    /// IANA zone every time shown to staff and customers is read in (a location's own zone
    /// wins for what happens there).
    public var timeZone: String

    public init(id: BrandID, slug: String, name: String, casePrefix: String, defaultCallingCode: String?, language: Language = .en,
                timeZone: String = "UTC") {
        self.id = id
        self.slug = slug
        self.name = name
        self.casePrefix = casePrefix
        self.defaultCallingCode = defaultCallingCode
        self.language = language
        self.timeZone = timeZone
    }

    public var zone: TimeZone { TimeZone(identifier: timeZone) ?? .gmt }

    /// How the brand's people read times: in its zone, in `language` (the brand's own when
    /// nil: what it writes to customers in).
    public func reader(_ language: Language? = nil) -> ReaderTime {
        ReaderTime(zone: zone, language: language ?? self.language)
    }
}

/// A group of staff that owns cases.
public struct Team: Codable, Equatable, Sendable {
    public var id: TeamID
    public var brandID: BrandID
    public var name: String

    public init(id: TeamID, brandID: BrandID, name: String) {
        self.id = id
        self.brandID = brandID
        self.name = name
    }
}
