import Foundation

/// An address that receives mail for a brand, and the team its new cases go to.
public struct Mailbox: Codable, Equatable, Sendable {
    /// Lower-cased, unique across brands (the SMTP listener finds the brand by it).
    public var address: String
    public var brandID: BrandID
    public var teamID: TeamID?
    /// A staff member forwarding a customer's mail here opens the case for the customer.
    public var forwardsOpenForSender: Bool
    /// A person (never a machine) opening a case here gets an acknowledgement with its reference.
    public var acknowledges: Bool
    public var createdAt: Date

    public init(address: String, brandID: BrandID, teamID: TeamID?, forwardsOpenForSender: Bool, acknowledges: Bool, createdAt: Date) {
        self.address = address
        self.brandID = brandID
        self.teamID = teamID
        self.forwardsOpenForSender = forwardsOpenForSender
        self.acknowledges = acknowledges
        self.createdAt = createdAt
    }

    /// The host part: our outbound Message-IDs for this mailbox use it.
    public var domain: String { address.split(separator: "@").last.map(String.init) ?? address }
}
