import Foundation

/// Where a ticket taken by text message is texted when a desk calls it.
public struct TextBack: Sendable, Equatable {
    public var integrationID: String
    public var recipient: String

    public init(integrationID: String, recipient: String) {
        self.integrationID = integrationID
        self.recipient = recipient
    }
}
