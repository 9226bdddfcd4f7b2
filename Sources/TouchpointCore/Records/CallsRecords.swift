import Foundation

/// One event of a call as the phone system reports it.
public struct CallEvent: Sendable, Equatable {
    public var kind: CallEventKind
    public var callID: String
    public var inbound: Bool
    public var from: String?
    public var to: String?
    /// The agent's email, on answer.
    public var user: String?
    public var cause: String?
    public var recordingURL: String?
    public var occurredAt: Date

    public init(
        kind: CallEventKind, callID: String, inbound: Bool, from: String?, to: String?, user: String?, cause: String?,
        recordingURL: String?, occurredAt: Date
    ) {
        self.kind = kind
        self.callID = callID
        self.inbound = inbound
        self.from = from
        self.to = to
        self.user = user
        self.cause = cause
        self.recordingURL = recordingURL
        self.occurredAt = occurredAt
    }
}

/// Who is calling and where the call should ring: what a phone system shows the agent.
public struct ScreenPop: Sendable {
    public var contact: Contact?
    public var account: Account?
    public var serviceModel: ServiceModel?
    public var openCases: [Case]
    /// The account's named CSM, for models that promise a named person.
    public var csm: StaffUser?
    /// The team that takes calls of this customer when no named person does.
    public var teamID: TeamID?
    /// What the customer's model does with a phone call when it does not offer the phone
    /// (nil when it does), and why, in staff's words.
    public var offModel: OffModelAction?
    public var offModelReason: String?

    /// Where the phone system should send the call: `selfService` (the portal or a callback
    /// request, no agent rung) when the model says so, else `agent`.
    public var routingHint: String { offModel == .selfService ? "selfService" : "agent" }

    public init(
        contact: Contact? = nil, account: Account? = nil, serviceModel: ServiceModel? = nil, openCases: [Case], csm: StaffUser? = nil,
        teamID: TeamID? = nil, offModel: OffModelAction? = nil, offModelReason: String? = nil
    ) {
        self.offModel = offModel
        self.offModelReason = offModelReason
        self.contact = contact
        self.account = account
        self.serviceModel = serviceModel
        self.openCases = openCases
        self.csm = csm
        self.teamID = teamID
    }
}

/// What a call event did.
public struct CallResult: Sendable, Equatable {
    /// Set once the call has ended and became an interaction.
    public var interactionID: InteractionID?
    public var caseID: CaseID?
    public var callback: Bool

    public init(interactionID: InteractionID? = nil, caseID: CaseID? = nil, callback: Bool) {
        self.interactionID = interactionID
        self.caseID = caseID
        self.callback = callback
    }
}
