import Foundation

/// What a visit request asks for.
public struct VisitRequest: Sendable {
    public var technicianID: UserID?
    public var start: Date
    public var minutes: Int
    public var skill: String?
    public var region: String
    public var address: String?

    public init(technicianID: UserID?, start: Date, minutes: Int, skill: String?, region: String, address: String?) {
        self.technicianID = technicianID
        self.start = start
        self.minutes = minutes
        self.skill = skill
        self.region = region
        self.address = address
    }
}
