import Foundation

/// A member of staff: agent, CSM, technician, billing, manager, executive or administrator.
public struct StaffUser: Codable, Equatable, Sendable {
    public var id: UserID
    public var brandID: BrandID
    public var email: String
    public var name: String
    public var role: Role
    public var teamID: TeamID?
    /// The language they chose for the console and their notification emails; nil: their
    /// browser's in the console, the brand's in emails.
    public var language: Language?

    public init(id: UserID, brandID: BrandID, email: String, name: String, role: Role, teamID: TeamID?, language: Language? = nil) {
        self.id = id
        self.brandID = brandID
        self.email = email
        self.name = name
        self.role = role
        self.teamID = teamID
        self.language = language
    }
}
