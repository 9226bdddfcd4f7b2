import Foundation

/// What a staff notification email needs: who gets it, from which mailbox, about what.
public struct StaffEmailTarget: Sendable, Equatable {
    public var name: String
    public var email: String
    public var mailbox: Mailbox
    public var brandName: String
    public var casePrefix: String
    /// The case the notification is about, when it is about one.
    public var caseNumber: Int?
    public var caseSubject: String?
    /// The language the person reads in: their own choice, else the brand's.
    public var language: Language

    public init(
        name: String, email: String, mailbox: Mailbox, brandName: String, casePrefix: String, caseNumber: Int? = nil, caseSubject: String? = nil,
        language: Language = .en
    ) {
        self.name = name
        self.email = email
        self.mailbox = mailbox
        self.brandName = brandName
        self.casePrefix = casePrefix
        self.caseNumber = caseNumber
        self.caseSubject = caseSubject
        self.language = language
    }
}
