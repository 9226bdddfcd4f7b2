import Foundation

/// One row of the deflection report.
public struct DeflectionRow: Sendable, Equatable {
    public var contactPoint: ContactPoint
    public var serviceModel: ServiceModel?
    public var articleID: ArticleID?
    public var conversations: Int
    /// Conversations that never reached a person.
    public var selfService: Int
    /// Of those, the ones whose contact then had no human contact within the window.
    public var deflected: Int
    /// Self-service conversations whose window has not ended yet (counted neither way).
    public var inWindow: Int
    public var handedOff: Int

    public init(
        contactPoint: ContactPoint, serviceModel: ServiceModel?, articleID: ArticleID?, conversations: Int, selfService: Int, deflected: Int,
        inWindow: Int, handedOff: Int
    ) {
        self.contactPoint = contactPoint
        self.serviceModel = serviceModel
        self.articleID = articleID
        self.conversations = conversations
        self.selfService = selfService
        self.deflected = deflected
        self.inWindow = inWindow
        self.handedOff = handedOff
    }
}
