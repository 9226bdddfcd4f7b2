import Foundation

/// How much human contact an account gets (seed 004: tech, low, mid and high touch).
public enum ServiceModel: String, WireEnum, Comparable {
    case techTouch, lowTouch, midTouch, highTouch

    public static func < (lhs: ServiceModel, rhs: ServiceModel) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}

/// Whether and how a customer reaches a person.
public enum HumanReach: String, WireEnum {
    /// Automation answers, and a person is never offered: no "talk to a person" button in the
    /// chat or in the assistant's answers, no offer when the assistant is stuck (it points to
    /// self-service instead). A customer who explicitly asks for a person (writes "person",
    /// "konsultant") still gets one, on every contact point.
    case onlyIfAsked
    /// A person is offered as a choice: the widget and the assistant's answers show "talk to
    /// a person", and a stuck assistant offers one.
    case onRequest
    /// A person answers directly.
    case direct

    /// Whether the customer is shown the way to a person (a button, an offer); with
    /// `onlyIfAsked` they reach one only by asking in their own words.
    public var offersPerson: Bool { self != .onlyIfAsked }
    /// A named person (the account's CSM) is the customer's contact.
    case namedPerson
}

/// Response and resolution targets in service minutes (business minutes for models on a
/// business calendar, wall-clock minutes for 24/7 ones).
public struct SLATargets: Codable, Equatable, Sendable {
    public var firstResponseMinutes: Int
    public var nextResponseMinutes: Int
    public var resolutionMinutes: Int

    public init(firstResponseMinutes: Int, nextResponseMinutes: Int, resolutionMinutes: Int) {
        self.firstResponseMinutes = firstResponseMinutes
        self.nextResponseMinutes = nextResponseMinutes
        self.resolutionMinutes = resolutionMinutes
    }

    public func minutes(_ kind: SLAClockKind) -> Int {
        switch kind {
        case .firstResponse: firstResponseMinutes
        case .nextResponse: nextResponseMinutes
        case .resolution: resolutionMinutes
        }
    }

    func validated(field: String) throws(ValidationError) -> SLATargets {
        for (name, value) in [("firstResponseMinutes", firstResponseMinutes), ("nextResponseMinutes", nextResponseMinutes),
                              ("resolutionMinutes", resolutionMinutes)] where !(1...525_600).contains(value) {
            throw ValidationError(field: "\(field).\(name)", reason: "must be between 1 and 525600 minutes, got \(value)")
        }
        return self
    }

    /// Targets for each priority, from the normal ones: urgent a quarter, high a half, low double.
    static func scaled(_ normal: SLATargets) -> SLATable {
        func times(_ factor: Double) -> SLATargets {
            SLATargets(firstResponseMinutes: max(1, Int(Double(normal.firstResponseMinutes) * factor)),
                       nextResponseMinutes: max(1, Int(Double(normal.nextResponseMinutes) * factor)),
                       resolutionMinutes: max(1, Int(Double(normal.resolutionMinutes) * factor)))
        }
        return SLATable(low: times(2), normal: normal, high: times(0.5), urgent: times(0.25))
    }
}

/// SLA targets per case priority.
public struct SLATable: Codable, Equatable, Sendable {
    public var low: SLATargets
    public var normal: SLATargets
    public var high: SLATargets
    public var urgent: SLATargets

    public init(low: SLATargets, normal: SLATargets, high: SLATargets, urgent: SLATargets) {
        self.low = low
        self.normal = normal
        self.high = high
        self.urgent = urgent
    }

    public subscript(priority: Priority) -> SLATargets {
        switch priority {
        case .low: low
        case .normal: normal
        case .high: high
        case .urgent: urgent
        }
    }
}

/// Cases of accounts worth at least `minAnnualValue` start at least at `step`.
public struct ValueEscalation: Codable, Equatable, Sendable {
    public var minAnnualValue: Double
    public var step: EscalationStep

    public init(minAnnualValue: Double, step: EscalationStep) {
        self.minAnnualValue = minAnnualValue
        self.step = step
    }
}

/// What a service model means in practice: the policy that routing, SLAs, escalation,
/// availability, CSM ownership and cost reporting read.
public struct ServicePolicy: Codable, Equatable, Sendable {
    public var model: ServiceModel
    /// The contact points offered to customers of this model.
    public var offeredContactPoints: [ContactPoint]
    public var humanReach: HumanReach
    public var sla: SLATable
    /// The business calendar the model's service runs on; nil for 24/7.
    public var calendarId: CalendarID?
    /// The support level a case of this model enters at.
    public var entryLevel: SupportLevel
    /// The highest step of the escalation ladder a case of this model may reach.
    public var escalationCeiling: EscalationStep
    /// Whether each account of this model has a named CSM.
    public var namedCSM: Bool
    /// How many accounts of this model one CSM may own (nil: no named CSM).
    public var csmCapacity: Int?
    /// The automated playbooks this model runs (executed by the playbook engine).
    public var playbooks: [String]
    /// The assumed cost of one contact on each contact point, in the brand's currency.
    public var costPerContact: [ContactPoint: Double]
    /// The share of an SLA target after which a clock counts as at risk (0.5…0.95).
    public var atRiskShare: Double
    /// Time-based escalation: one step up when a clock is at risk / breached.
    public var escalateOnRisk: Bool
    public var escalateOnBreach: Bool
    /// Value rules: cases of valuable accounts start higher on the ladder.
    public var valueEscalations: [ValueEscalation]
    /// What the assistant does for this model; nil in policies stored before it existed
    /// (read as the model's defaults, see `assistant`).
    public var chatbot: ChatbotPolicy?
    /// How long after a case was last active a customer's message on another contact point
    /// still continues it (one need, one case); 0 turns continuing off; nil in policies
    /// stored before it existed (read as `CaseContinuation.defaultWindowMinutes`).
    public var continueWithinMinutes: Int?

    /// What a contact on a contact point this model does not offer gets, per contact point
    /// (`OffModelAction.defaultAction` for those not named; nil in policies stored before).
    public var offModel: [ContactPoint: OffModelAction]?

    /// How many chats one agent holds at once for customers of this model (nil in policies
    /// stored before it existed: `defaultChatsAtOnce`). Wait estimates for web chat count
    /// each agent this many times.
    public var chatsAtOnce: Int?
    public static let defaultChatsAtOnce = 2
    /// Chats one agent holds at once (the default where none was stored).
    public var chatConcurrency: Int { chatsAtOnce ?? Self.defaultChatsAtOnce }

    /// The continuation window in minutes (the default where none was stored).
    public var continuationWindow: Int { continueWithinMinutes ?? CaseContinuation.defaultWindowMinutes }

    public init(model: ServiceModel, offeredContactPoints: [ContactPoint], humanReach: HumanReach, sla: SLATable, calendarId: CalendarID? = nil,
                entryLevel: SupportLevel, escalationCeiling: EscalationStep, namedCSM: Bool, csmCapacity: Int?, playbooks: [String],
                costPerContact: [ContactPoint: Double], atRiskShare: Double = 0.8, escalateOnRisk: Bool = false, escalateOnBreach: Bool = true,
                valueEscalations: [ValueEscalation] = [], chatbot: ChatbotPolicy? = nil) {
        self.model = model
        self.offeredContactPoints = offeredContactPoints
        self.humanReach = humanReach
        self.sla = sla
        self.calendarId = calendarId
        self.entryLevel = entryLevel
        self.escalationCeiling = escalationCeiling
        self.namedCSM = namedCSM
        self.csmCapacity = csmCapacity
        self.playbooks = playbooks
        self.costPerContact = costPerContact
        self.atRiskShare = atRiskShare
        self.escalateOnRisk = escalateOnRisk
        self.escalateOnBreach = escalateOnBreach
        self.valueEscalations = valueEscalations
        self.chatbot = chatbot ?? ChatbotPolicy.defaults(model)
    }

    /// What the assistant does for this model (the defaults where none was stored).
    public var assistant: ChatbotPolicy { chatbot ?? ChatbotPolicy.defaults(model) }

    /// Whether the model's customers go first in a walk-in queue: those whose model gives
    /// them a named person (high-touch by default).
    public var walkInPriority: Bool { humanReach == .namedPerson }

    /// Checks an edited policy; the model in the path wins over the body's.
    public func validated(as model: ServiceModel) throws(ValidationError) -> ServicePolicy {
        var copy = self
        copy.model = model
        guard !offeredContactPoints.isEmpty else { throw ValidationError(field: "offeredContactPoints", reason: "offer at least one contact point") }
        copy.offeredContactPoints = ContactPoint.allCases.filter(offeredContactPoints.contains)
        for priority in Priority.allCases {
            _ = try sla[priority].validated(field: "sla.\(priority.rawValue)")
        }
        if copy.namedCSM {
            guard let capacity = csmCapacity, (1...10_000).contains(capacity) else {
                throw ValidationError(field: "csmCapacity", reason: "a model with a named CSM needs a capacity between 1 and 10000 accounts")
            }
        } else {
            copy.csmCapacity = nil
        }
        guard atRiskShare >= 0.5, atRiskShare <= 0.95 else {
            throw ValidationError(field: "atRiskShare", reason: "must be between 0.5 and 0.95, got \(atRiskShare)")
        }
        guard playbooks.count <= 50 else { throw ValidationError(field: "playbooks", reason: "at most 50 playbooks") }
        copy.playbooks = try playbooks.enumerated().map { index, name throws(ValidationError) in try Check.text(name, field: "playbooks[\(index)]", max: 100) }
        for (point, cost) in costPerContact { _ = try Check.nonNegative(cost, field: "costPerContact.\(point.rawValue)") }
        for (index, rule) in valueEscalations.enumerated() {
            _ = try Check.nonNegative(rule.minAnnualValue, field: "valueEscalations[\(index)].minAnnualValue")
            if rule.step > escalationCeiling {
                throw ValidationError(field: "valueEscalations[\(index)].step", reason: "\(rule.step.rawValue) is above the ceiling \(escalationCeiling.rawValue)")
            }
        }
        copy.chatbot = try (chatbot ?? ChatbotPolicy.defaults(model)).validated()
        if let chats = chatsAtOnce, !(1...10).contains(chats) {
            throw ValidationError(field: "chatsAtOnce", reason: "must be between 1 and 10 chats, got \(chats)")
        }
        if let window = continueWithinMinutes, !(0...(30 * 24 * 60)).contains(window) {
            throw ValidationError(field: "continueWithinMinutes", reason: "must be between 0 (never continue) and 43200 minutes (30 days), got \(window)")
        }
        guard entryLevel.step <= escalationCeiling else {
            throw ValidationError(field: "entryLevel", reason: "level \(entryLevel.rawValue) is above the ceiling \(escalationCeiling.rawValue)")
        }
        return copy
    }

    /// The shipped defaults, from fully automated to a named advisor.
    public static func defaults(_ model: ServiceModel) -> ServicePolicy {
        switch model {
        case .techTouch:
            ServicePolicy(model: .techTouch, offeredContactPoints: [.email, .sms, .whatsApp, .portal, .chatbot], humanReach: .onlyIfAsked,
                          sla: SLATargets.scaled(SLATargets(firstResponseMinutes: 1440, nextResponseMinutes: 2880, resolutionMinutes: 7200)),
                          entryLevel: .basic, escalationCeiling: .level2, namedCSM: false, csmCapacity: nil,
                          playbooks: ["welcome-series", "self-service-nudge"],
                          costPerContact: [.email: 2.5, .sms: 0.4, .whatsApp: 0.4, .portal: 0.1, .chatbot: 0.2])
        case .lowTouch:
            ServicePolicy(model: .lowTouch, offeredContactPoints: [.email, .webChat, .sms, .whatsApp, .portal, .chatbot, .kiosk], humanReach: .onRequest,
                          sla: SLATargets.scaled(SLATargets(firstResponseMinutes: 480, nextResponseMinutes: 960, resolutionMinutes: 2400)),
                          entryLevel: .basic, escalationCeiling: .level3, namedCSM: false, csmCapacity: nil,
                          playbooks: ["welcome-series", "renewal-reminder"],
                          costPerContact: [.email: 3, .webChat: 4, .sms: 0.4, .whatsApp: 0.4, .portal: 0.1, .chatbot: 0.2, .kiosk: 1])
        case .midTouch:
            ServicePolicy(model: .midTouch, offeredContactPoints: [.email, .phone, .webChat, .sms, .whatsApp, .portal, .kiosk, .inPerson, .billing],
                          humanReach: .direct,
                          sla: SLATargets.scaled(SLATargets(firstResponseMinutes: 120, nextResponseMinutes: 240, resolutionMinutes: 1440)),
                          entryLevel: .basic, escalationCeiling: .manager, namedCSM: true, csmCapacity: 150,
                          playbooks: ["quarterly-check-in", "renewal-reminder"],
                          costPerContact: [.email: 3, .phone: 8, .webChat: 4, .sms: 0.4, .whatsApp: 0.4, .portal: 0.1, .kiosk: 1, .inPerson: 25, .billing: 10],
                          escalateOnRisk: false, escalateOnBreach: true)
        case .highTouch:
            ServicePolicy(model: .highTouch, offeredContactPoints: ContactPoint.allCases, humanReach: .namedPerson,
                          sla: SLATargets.scaled(SLATargets(firstResponseMinutes: 30, nextResponseMinutes: 60, resolutionMinutes: 480)),
                          entryLevel: .intermediate, escalationCeiling: .executive, namedCSM: true, csmCapacity: 25,
                          playbooks: ["onboarding-plan", "executive-business-review"],
                          costPerContact: [.email: 3, .phone: 12, .webChat: 5, .sms: 0.4, .whatsApp: 0.4, .portal: 0.1, .chatbot: 0.2,
                                           .kiosk: 1, .inPerson: 80, .fieldService: 150, .billing: 15],
                          escalateOnRisk: true, escalateOnBreach: true,
                          valueEscalations: [ValueEscalation(minAnnualValue: 500_000, step: .level3)])
        }
    }
}

extension ContactPoint: CodingKeyRepresentable {}
