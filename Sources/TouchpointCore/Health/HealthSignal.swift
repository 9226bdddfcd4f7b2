import Foundation

/// Something the health score of an account is computed from.
public enum HealthSignal: String, WireEnum {
    /// Cases of the account still open.
    case openCases
    /// How long the oldest open case has waited.
    case caseAge
    /// SLA targets missed in the window.
    case slaBreaches
    /// Cases escalated in the window.
    case escalations
    /// Satisfaction answers after resolved cases (1–5).
    case csat
    /// Recommendation answers (0–10).
    case nps
    /// Invoices unpaid after their due day.
    case overdueInvoices
    /// Conversations in the window against what the account's service model expects.
    case contactFrequency
    /// Product use the company imports (active against licensed users).
    case usage
    /// How the customer answers the playbooks' outreach: runs in which they opened a link
    /// or replied, of those that sent them something.
    case engagement

    /// The name a CSM reads.
    public var label: String {
        switch self {
        case .openCases: "Open cases"
        case .caseAge: "Oldest open case"
        case .slaBreaches: "Missed response times"
        case .escalations: "Escalations"
        case .csat: "Satisfaction (CSAT)"
        case .nps: "Recommendation (NPS)"
        case .overdueInvoices: "Overdue invoices"
        case .contactFrequency: "Contact frequency"
        case .usage: "Product use"
        case .engagement: "Response to outreach"
        }
    }
}

/// How many conversations in the window are normal for a service model: fewer than `min`
/// means the relationship has gone quiet, more than `max` that something keeps going wrong.
public struct ContactExpectation: Codable, Equatable, Sendable {
    public var min: Int
    public var max: Int

    public init(min: Int, max: Int) {
        self.min = min
        self.max = max
    }
}

/// What a brand's health scores weigh and expect. Weights are whole points that sum to 100.
public struct HealthSettings: Codable, Equatable, Sendable {
    public var weights: [HealthSignal: Int]
    /// Days looked back for breaches, escalations, surveys and contact frequency.
    public var windowDays: Int
    public var expectedContacts: [ServiceModel: ContactExpectation]

    public init(weights: [HealthSignal: Int], windowDays: Int, expectedContacts: [ServiceModel: ContactExpectation]) {
        self.weights = weights
        self.windowDays = windowDays
        self.expectedContacts = expectedContacts
    }

    public static let defaults = HealthSettings(
        weights: [
            .openCases: 10, .caseAge: 10, .slaBreaches: 15, .escalations: 10, .csat: 15, .nps: 10, .overdueInvoices: 10,
            .contactFrequency: 5, .usage: 10, .engagement: 5,
        ],
        windowDays: 90,
        // Per 90 days. High touch expects regular conversations with its named people; tech
        // touch expects few, and many mean the product or the self-service is failing them.
        expectedContacts: [
            .techTouch: ContactExpectation(min: 0, max: 6), .lowTouch: ContactExpectation(min: 0, max: 10),
            .midTouch: ContactExpectation(min: 2, max: 20), .highTouch: ContactExpectation(min: 4, max: 40),
        ])

    public func weight(_ signal: HealthSignal) -> Int { weights[signal] ?? 0 }

    public func expectation(_ model: ServiceModel) -> ContactExpectation {
        expectedContacts[model] ?? HealthSettings.defaults.expectedContacts[model]!
    }

    /// Checks the settings a brand admin sends: every signal named, weights 0…100 summing to 100.
    public func validated() throws(ValidationError) -> HealthSettings {
        for (signal, weight) in weights where !(0...100).contains(weight) {
            throw ValidationError(field: "weights.\(signal.rawValue)", reason: "must be between 0 and 100, got \(weight)")
        }
        let total = weights.values.reduce(0, +)
        guard total == 100 else { throw ValidationError(field: "weights", reason: "must sum to 100, they sum to \(total)") }
        guard (7...730).contains(windowDays) else {
            throw ValidationError(field: "windowDays", reason: "must be between 7 and 730 days, got \(windowDays)")
        }
        for (model, expected) in expectedContacts {
            guard expected.min >= 0, expected.max >= max(1, expected.min), expected.max <= 100_000 else {
                throw ValidationError(
                    field: "expectedContacts.\(model.rawValue)",
                    reason: "needs 0 ≤ min ≤ max, max at least 1, got \(expected.min)…\(expected.max)")
            }
        }
        return self
    }

    enum CodingKeys: String, CodingKey { case weights, windowDays, expectedContacts }

    // Keys are the wire names of signals and models, so the JSON reads {"weights": {"csat": 15}}.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let defaults = HealthSettings.defaults
        var weights: [HealthSignal: Int] = [:]
        if let raw = try container.decodeIfPresent([String: Int].self, forKey: .weights) {
            for (key, value) in raw {
                guard let signal = HealthSignal(rawValue: key) else {
                    throw DecodingError.dataCorruptedError(
                        forKey: .weights, in: container,
                        debugDescription: "unknown signal '\(key)'; signals are "
                            + HealthSignal.allCases.map(\.rawValue).joined(separator: ", "))
                }
                weights[signal] = value
            }
        } else {
            weights = defaults.weights
        }
        var expected = defaults.expectedContacts
        if let raw = try container.decodeIfPresent([String: ContactExpectation].self, forKey: .expectedContacts) {
            for (key, value) in raw {
                guard let model = ServiceModel(rawValue: key) else {
                    throw DecodingError.dataCorruptedError(
                        forKey: .expectedContacts, in: container, debugDescription: "unknown service model '\(key)'")
                }
                expected[model] = value
            }
        }
        self.init(
            weights: weights, windowDays: try container.decodeIfPresent(Int.self, forKey: .windowDays) ?? defaults.windowDays,
            expectedContacts: expected)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(Dictionary(uniqueKeysWithValues: weights.map { ($0.key.rawValue, $0.value) }), forKey: .weights)
        try container.encode(windowDays, forKey: .windowDays)
        try container.encode(Dictionary(uniqueKeysWithValues: expectedContacts.map { ($0.key.rawValue, $0.value) }), forKey: .expectedContacts)
    }
}
