import Foundation

/// Where a received message is on the intake path.
public enum InboundMailState: String, WireEnum {
    /// Stored durably, not processed yet (the sender has its 250).
    case received
    /// On a case (or recognised as a duplicate or a bounce).
    case processed
    /// Kept with its reason for an operator: unparseable, a loop, a flood.
    case quarantined
    /// An operator threw it away; only its record remains.
    case discarded
}

/// One received message as operators see it (the raw bytes are fetched separately).
public struct InboundMailRecord: Codable, Equatable, Sendable {
    public var id: UUID
    public var brandID: BrandID
    /// The mailbox it arrived at (the first of the brand's recipients).
    public var mailbox: String
    public var recipients: [String]
    /// The SMTP reverse path; "" for the null sender.
    public var envelopeFrom: String
    public var size: Int
    public var receivedAt: Date
    public var state: InboundMailState
    /// Why it was quarantined, or what the filters noticed.
    public var reason: String?
    public var messageID: String?
    public var sender: String?
    public var subject: String?
    public var caseID: CaseID?
    public var interactionID: InteractionID?
    public var attempts: Int
    public var processedAt: Date?

    public init(
        id: UUID, brandID: BrandID, mailbox: String, recipients: [String], envelopeFrom: String, size: Int, receivedAt: Date, state: InboundMailState,
        reason: String? = nil, messageID: String? = nil, sender: String? = nil, subject: String? = nil, caseID: CaseID? = nil,
        interactionID: InteractionID? = nil, attempts: Int, processedAt: Date? = nil
    ) {
        self.id = id
        self.brandID = brandID
        self.mailbox = mailbox
        self.recipients = recipients
        self.envelopeFrom = envelopeFrom
        self.size = size
        self.receivedAt = receivedAt
        self.state = state
        self.reason = reason
        self.messageID = messageID
        self.sender = sender
        self.subject = subject
        self.caseID = caseID
        self.interactionID = interactionID
        self.attempts = attempts
        self.processedAt = processedAt
    }
}

/// What processing a received message did.
public struct MailIntakeResult: Equatable, Sendable {
    public enum Outcome: String, Sendable {
        /// A new case was opened with the message.
        case opened
        /// The message was added to an existing case.
        case appended
        /// The same message (by Message-ID) was processed before.
        case duplicate
        /// A delivery status report, attached to the mail it bounces.
        case bounce
        case quarantined
    }

    public var outcome: Outcome
    public var caseID: CaseID?
    public var caseNumber: Int?
    public var interactionID: InteractionID?
    public var reason: String?

    public init(outcome: Outcome, caseID: CaseID? = nil, caseNumber: Int? = nil, interactionID: InteractionID? = nil, reason: String? = nil) {
        self.outcome = outcome
        self.caseID = caseID
        self.caseNumber = caseNumber
        self.interactionID = interactionID
        self.reason = reason
    }
}

/// Limits of the intake path.
public struct MailIntakeLimits: Sendable {
    /// From this many messages per hour a sender's mail counts as machine mail (never auto-answered).
    public var senderHourlyAutomatic: Int
    /// From this many per hour a sender's further mail is quarantined (two systems ping-ponging).
    public var senderHourlyQuarantine: Int

    public init(senderHourlyAutomatic: Int = 30, senderHourlyQuarantine: Int = 120) {
        self.senderHourlyAutomatic = senderHourlyAutomatic
        self.senderHourlyQuarantine = senderHourlyQuarantine
    }
}
