import Foundation

/// Where an inbox envelope is on the intake path.
public enum EnvelopeState: String, WireEnum {
    /// Stored durably and acknowledged; not processed yet.
    case received
    /// Taken into the history (or recognised as nothing to take: a delivery report for an
    /// unknown message).
    case processed
    /// Kept for an operator with the stage and reason it failed at.
    case quarantined
    /// An operator threw it away; its record stays, its body is gone.
    case discarded
}

/// The steps of intake an envelope can fail at.
public enum IntakeStage: String, WireEnum {
    /// Reading the provider's body into a message (pure).
    case normalize
    /// Writing it into the history: identity, threading, the case, the timeline.
    case record
}

/// One acknowledged inbound message or event, as stored before it was processed.
public struct Envelope: Sendable, Equatable {
    public var id: UUID
    public var brandID: BrandID
    public var contactPoint: ContactPoint
    /// What delivered it: the integration's id.
    public var source: String
    /// The provider's key for it (its message id, or call id and event): a second envelope
    /// with the same key from the same source is a retry.
    public var providerKey: String
    /// Envelopes of one lane (a sender, a call) are processed in the order they arrived.
    public var lane: String
    public var receivedAt: Date
    public var state: EnvelopeState
    /// Where the last failure happened and why.
    public var stage: IntakeStage?
    public var reason: String?
    public var attempts: Int
    public var nextAttemptAt: Date?
    public var caseID: CaseID?
    public var interactionID: InteractionID?
    public var processedAt: Date?

    public init(
        id: UUID, brandID: BrandID, contactPoint: ContactPoint, source: String, providerKey: String, lane: String, receivedAt: Date,
        state: EnvelopeState, stage: IntakeStage? = nil, reason: String? = nil, attempts: Int, nextAttemptAt: Date? = nil, caseID: CaseID? = nil,
        interactionID: InteractionID? = nil, processedAt: Date? = nil
    ) {
        self.id = id
        self.brandID = brandID
        self.contactPoint = contactPoint
        self.source = source
        self.providerKey = providerKey
        self.lane = lane
        self.receivedAt = receivedAt
        self.state = state
        self.stage = stage
        self.reason = reason
        self.attempts = attempts
        self.nextAttemptAt = nextAttemptAt
        self.caseID = caseID
        self.interactionID = interactionID
        self.processedAt = processedAt
    }
}

/// What a provider's delivery adds to the inbox.
public struct NewEnvelope: Sendable {
    public var brandID: BrandID
    public var contactPoint: ContactPoint
    public var source: String
    public var providerKey: String
    public var lane: String
    public var raw: [UInt8]

    public init(brandID: BrandID, contactPoint: ContactPoint, source: String, providerKey: String, lane: String, raw: [UInt8]) {
        self.brandID = brandID
        self.contactPoint = contactPoint
        self.source = source
        self.providerKey = providerKey
        self.lane = lane
        self.raw = raw
    }
}
