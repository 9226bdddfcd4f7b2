import Foundation

extension ContactPoint {
    /// The name staff read.
    public var label: String {
        switch self {
        case .email: "Email"
        case .phone: "Phone"
        case .webChat: "Web chat"
        case .sms: "SMS"
        case .whatsApp: "WhatsApp"
        case .portal: "Portal"
        case .chatbot: "Chatbot"
        case .kiosk: "Kiosk"
        case .inPerson: "Walk-in"
        case .fieldService: "Field visit"
        case .billing: "Billing desk"
        }
    }
}

extension ServiceModel {
    /// The model as staff say it.
    public var words: String {
        switch self {
        case .techTouch: "Tech-touch"
        case .lowTouch: "Low-touch"
        case .midTouch: "Mid-touch"
        case .highTouch: "High-touch"
        }
    }
}

extension EscalationStep {
    /// The step as staff say it: "level 2", "manager".
    public var words: String {
        switch self {
        case .level1: "level 1"
        case .level2: "level 2"
        case .level3: "level 3"
        case .manager: "manager"
        case .executive: "executive"
        }
    }
}

extension IdentityKind {
    /// What the identity is, as a person reads it beside its value.
    public var words: String {
        switch self {
        case .email: "Email"
        case .phone: "Phone"
        case .chatVisitor: "Chat visitor"
        case .whatsApp: "WhatsApp"
        case .customerNumber: "Customer number"
        }
    }
}

extension JourneyStage {
    public var words: String {
        switch self {
        case .atRisk: "at risk"
        default: rawValue
        }
    }
}

/// Stored names (event types, payload values) turned into the words staff read, for the
/// places that show what was recorded: timelines and notifications.
public enum StaffWords {
    /// A value from an event's payload in `language`: a service model, escalation step, SLA
    /// clock, visit outcome, case status or priority in words; anything else as it is.
    public static func value(_ raw: String, _ language: Language) -> String {
        if let model = ServiceModel(rawValue: raw) { return model.words }
        if let step = EscalationStep(rawValue: raw) { return step.words(language) }
        if let clock = SLAClockKind(rawValue: raw) { return clock.label(language) }
        if let outcome = Appointment.Outcome(rawValue: raw) { return outcome.words(language) }
        if let status = CaseStatus(rawValue: raw) { return status.words(language) }
        if let priority = Priority(rawValue: raw) { return priority.words(language) }
        return raw
    }

    /// A changed field of a case as staff name it: "priority" reads "Priority" / "Priorytet".
    public static func field(_ name: String, _ language: Language) -> String {
        guard language == .pl else { return spaced(name) }
        return switch name {
        case "priority": "Priorytet"
        case "status": "Status"
        case "subject": "Temat"
        case "topic": "Rodzaj sprawy"
        case "tags": "Tagi"
        case "teamId": "Zespół"
        case "assigneeId": "Osoba"
        case "serviceModel": "Model obsługi"
        case "level": "Poziom wsparcia"
        case "contactPoint": "Punkt kontaktu"
        default: spaced(name)
        }
    }

    /// An event without words of its own on a timeline: "contact.optedOut" reads "Contact
    /// opted out" / "Klient zrezygnował z wiadomości".
    public static func event(_ type: EventType, _ language: Language) -> String {
        guard language == .pl else { return spaced(type.rawValue) }
        return switch type {
        case .contactOptedOut: "Klient zrezygnował z wiadomości"
        case .portalLinkSent: "Wysłano link do portalu"
        case .portalSignedIn: "Klient zalogował się w portalu"
        case .playbookEntered: "Rozpoczęto scenariusz"
        case .playbookStep: "Krok scenariusza"
        case .playbookEnded: "Zakończono scenariusz"
        case .playbookLinkOpened: "Klient otworzył link ze scenariusza"
        case .assistantStateChanged: "Zmiana w rozmowie z asystentem"
        case .accountHealthChanged: "Zmieniła się kondycja firmy"
        case .intakeQuarantined, .mailQuarantined: "Wiadomość wstrzymana do sprawdzenia"
        case .intakeRerun, .mailRerun: "Wiadomość przetworzona ponownie"
        case .intakeDiscarded, .mailDiscarded: "Wiadomość odrzucona"
        case .deskOpened: "Stanowisko otwarte"
        case .deskClosed: "Stanowisko zamknięte"
        default: spaced(type.rawValue)
        }
    }

    /// A stored name spelled out: "deskAppointment.checkedIn" reads "Desk appointment
    /// checked in".
    static func spaced(_ name: String) -> String {
        let spaced = name.replacingOccurrences(of: ".", with: " ").reduce(into: "") { text, character in
            if character.isUppercase { text += " " + character.lowercased() } else { text.append(character) }
        }
        return spaced.prefix(1).uppercased() + spaced.dropFirst()
    }

    /// An amount with its thousands grouped: 413195 reads "413,195".
    public static func amount(_ value: Double) -> String {
        Numbers.grouped(value)
    }
}

extension Appointment.Outcome {
    /// How the visit ended, as the technician and the agent say it.
    public var words: String {
        switch self {
        case .resolved: "resolved"
        case .partsNeeded: "parts needed"
        case .revisit: "needs another visit"
        }
    }
}

extension HumanReach {
    /// How a customer of the model reaches a person, as staff read it.
    public var words: String {
        switch self {
        case .onlyIfAsked: "only when the customer asks (never offered)"
        case .onRequest: "offered, when the customer wants one"
        case .direct: "answers directly"
        case .namedPerson: "their named advisor"
        }
    }
}

extension Role {
    /// The role as staff say it: "Agent, level 2", "Administrator".
    public var words: String {
        switch self {
        case .agentL1: "Agent, level 1"
        case .agentL2: "Agent, level 2"
        case .agentL3: "Agent, level 3"
        case .csm: "Customer success manager"
        case .technician: "Field technician"
        case .billing: "Billing desk"
        case .manager: "Manager"
        case .executive: "Executive"
        case .admin: "Administrator"
        }
    }
}
