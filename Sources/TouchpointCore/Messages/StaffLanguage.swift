import Foundation

// The words staff read for stored values, in the language the console speaks to them.
// English is the value's `words`/`label`; these add Polish.

extension ContactPoint {
    /// The contact point's name in `language`.
    public func label(_ language: Language) -> String {
        guard language == .pl else { return label }
        return switch self {
        case .email: "E-mail"
        case .phone: "Telefon"
        case .webChat: "Czat"
        case .sms: "SMS"
        case .whatsApp: "WhatsApp"
        case .portal: "Portal"
        case .chatbot: "Asystent"
        case .kiosk: "Kiosk"
        case .inPerson: "Punkt obsługi"
        case .fieldService: "Wizyta technika"
        case .billing: "Dział rozliczeń"
        }
    }
}

extension CaseStatus {
    /// The status as people say it: "pending" / "oczekuje".
    public func words(_ language: Language) -> String {
        switch (self, language) {
        case (_, .en): rawValue
        case (.new, .pl): "nowa"
        case (.open, .pl): "otwarta"
        case (.pending, .pl): "oczekuje"
        case (.resolved, .pl): "rozwiązana"
        case (.closed, .pl): "zamknięta"
        }
    }
}

extension Priority {
    /// The priority as people say it: "urgent" / "pilny".
    public func words(_ language: Language) -> String {
        switch (self, language) {
        case (_, .en): rawValue
        case (.low, .pl): "niski"
        case (.normal, .pl): "normalny"
        case (.high, .pl): "wysoki"
        case (.urgent, .pl): "pilny"
        }
    }
}

extension SLALabel {
    /// The label in `language`: "breached" / "przekroczone".
    public func words(_ language: Language) -> String {
        guard language == .pl else { return words }
        return switch self {
        case .onTrack: "w terminie"
        case .atRisk: "zagrożone"
        case .breached: "przekroczone"
        case .paused: "wstrzymane"
        case .met: "dotrzymane"
        case .metLate: "dotrzymane po terminie"
        }
    }
}

extension SupportLevel {
    /// "Level 2" / "Poziom 2".
    public func words(_ language: Language) -> String {
        language.say("Level \(rawValue)", "Poziom \(rawValue)")
    }
}

extension EscalationStep {
    /// The step in `language`: "level 2" / "poziom 2", "manager" / "kierownik".
    public func words(_ language: Language) -> String {
        guard language == .pl else { return words }
        return switch self {
        case .level1: "poziom 1"
        case .level2: "poziom 2"
        case .level3: "poziom 3"
        case .manager: "kierownik"
        case .executive: "dyrekcja"
        }
    }
}

extension Role {
    /// The role in `language`: "Agent, level 2" / "Agent, poziom 2".
    public func words(_ language: Language) -> String {
        guard language == .pl else { return words }
        return switch self {
        case .agentL1: "Agent, poziom 1"
        case .agentL2: "Agent, poziom 2"
        case .agentL3: "Agent, poziom 3"
        case .csm: "Opiekun klienta"
        case .technician: "Technik terenowy"
        case .billing: "Dział rozliczeń"
        case .manager: "Kierownik"
        case .executive: "Dyrektor"
        case .admin: "Administrator"
        }
    }
}

extension IdentityKind {
    /// What the identity is in `language`: "Customer number" / "Numer klienta".
    public func words(_ language: Language) -> String {
        guard language == .pl else { return words }
        return switch self {
        case .email: "E-mail"
        case .phone: "Telefon"
        case .chatVisitor: "Czat"
        case .whatsApp: "WhatsApp"
        case .customerNumber: "Numer klienta"
        }
    }
}

extension JourneyStage {
    /// The stage in `language`: "at risk" / "zagrożony".
    public func words(_ language: Language) -> String {
        guard language == .pl else { return words }
        return switch self {
        case .onboarding: "wdrożenie"
        case .adoption: "korzystanie"
        case .renewal: "odnowienie"
        case .expansion: "rozwój"
        case .atRisk: "zagrożony"
        case .churned: "utracony"
        }
    }
}

extension CommitmentStatus {
    /// The promise's state in `language`: "open" / "otwarta".
    public func words(_ language: Language) -> String {
        switch (self, language) {
        case (_, .en): rawValue
        case (.open, .pl): "otwarta"
        case (.kept, .pl): "dotrzymana"
        case (.broken, .pl): "niedotrzymana"
        case (.cancelled, .pl): "odwołana"
        }
    }
}

extension HealthSignal {
    /// The signal's name in `language`: "Overdue invoices" / "Zaległe faktury".
    public func label(_ language: Language) -> String {
        guard language == .pl else { return label }
        return switch self {
        case .openCases: "Otwarte sprawy"
        case .caseAge: "Najstarsza otwarta sprawa"
        case .slaBreaches: "Przekroczone terminy odpowiedzi"
        case .escalations: "Eskalacje"
        case .csat: "Zadowolenie (CSAT)"
        case .nps: "Gotowość polecenia (NPS)"
        case .overdueInvoices: "Zaległe faktury"
        case .contactFrequency: "Częstotliwość kontaktu"
        case .usage: "Korzystanie z produktu"
        case .engagement: "Odpowiedzi na wiadomości automatyczne"
        }
    }
}

extension ChurnRisk {
    /// "high" / "wysokie" (ryzyko).
    public func words(_ language: Language) -> String {
        switch (self, language) {
        case (_, .en): rawValue
        case (.low, .pl): "niskie"
        case (.medium, .pl): "średnie"
        case (.high, .pl): "wysokie"
        }
    }
}

extension ProductComplexity {
    /// "high" / "wysoka".
    public func words(_ language: Language) -> String {
        switch (self, language) {
        case (_, .en): rawValue
        case (.low, .pl): "niska"
        case (.medium, .pl): "średnia"
        case (.high, .pl): "wysoka"
        }
    }
}

extension HumanReach {
    /// How a customer of the model reaches a person, in `language`.
    public func words(_ language: Language) -> String {
        guard language == .pl else { return words }
        return switch self {
        case .onlyIfAsked: "tylko gdy klient poprosi (nigdy nie proponowany)"
        case .onRequest: "proponowany, gdy klient chce"
        case .direct: "odpowiada od razu"
        case .namedPerson: "ich imienny doradca"
        }
    }
}

extension Appointment.Outcome {
    /// How the visit ended, in `language`.
    public func words(_ language: Language) -> String {
        guard language == .pl else { return words }
        return switch self {
        case .resolved: "rozwiązane"
        case .partsNeeded: "potrzebne części"
        case .revisit: "potrzebna kolejna wizyta"
        }
    }
}

extension Ticket.State {
    /// Where a walk-in number is, as the desk says it: "called" / "wezwany".
    public func words(_ language: Language) -> String {
        switch self {
        case .waiting: language.say("waiting", "czeka")
        case .called: language.say("called", "wezwany")
        case .serving: language.say("at the desk", "przy stanowisku")
        case .done: language.say("done", "obsłużony")
        case .noShow: language.say("did not come", "nie podszedł")
        case .cancelled: language.say("left the queue", "opuścił kolejkę")
        }
    }
}

extension DeskAppointment.State {
    /// Where an appointment is: "checked in" / "zameldowany".
    public func words(_ language: Language) -> String {
        switch self {
        case .booked: language.say("booked", "umówiona")
        case .checkedIn: language.say("checked in", "zameldowany")
        case .cancelled: language.say("cancelled", "odwołana")
        case .missed: language.say("missed", "nieodbyta")
        }
    }
}

extension VisitOutcome {
    /// How the desk's form names the outcome, in `language`.
    public func label(_ language: Language) -> String {
        guard language == .pl else { return label }
        return switch self {
        case .resolved: "załatwione"
        case .followUp: "wymaga dalszych działań"
        case .referred: "skierowano dalej"
        }
    }
}

extension SegmentAttribute {
    /// The attribute as staff read it in a rule, in `language`.
    public func label(_ language: Language) -> String {
        guard language == .pl else { return label }
        return switch self {
        case .annualValue: "wartość roczna"
        case .averageOrderValue: "średnia wartość zamówienia"
        case .complexity: "złożoność"
        case .stage: "etap"
        case .healthScore: "wynik kondycji"
        case .goals: "cele"
        case .contactRole: "rola kontaktu"
        case .churnRisk: "ryzyko odejścia"
        }
    }
}

extension ConditionOperator {
    /// The operator in `language`: "not in" / "nie w".
    public func symbol(_ language: Language) -> String {
        guard language == .pl else { return symbol }
        return switch self {
        case .in: "w"
        case .notIn: "nie w"
        case .contains: "zawiera"
        case .notContains: "nie zawiera"
        default: symbol
        }
    }
}

extension SLAClockKind {
    /// "first response" / "pierwsza odpowiedź".
    public func label(_ language: Language) -> String {
        guard language == .pl else { return label }
        return switch self {
        case .firstResponse: "pierwsza odpowiedź"
        case .nextResponse: "kolejna odpowiedź"
        case .resolution: "rozwiązanie"
        }
    }
}
