import Foundation

/// One signal's part in a health score.
public struct HealthComponent: Codable, Equatable, Sendable {
    public var signal: HealthSignal
    /// The measured value (a count, days, an average or a share), as the explanation reads it.
    public var value: Double
    /// The brand's weight for the signal, in points of 100.
    public var weight: Int
    /// How well the account does on this signal alone, 0…100.
    public var score: Double
    /// Points this signal adds to the health score; the contributions sum to the score.
    public var contribution: Double
    /// What the signal found.
    public var finding: HealthFinding
    /// The finding in English, as the API and events carry it.
    public var explanation: String { finding.words(.en) }
}

/// An account's health at one moment: the score and why.
public struct HealthReport: Codable, Equatable, Sendable {
    /// 0 (about to leave) … 100 (thriving).
    public var score: Int
    public var components: [HealthComponent]
    /// Signals the account has no data for; their weight went to the others.
    public var missing: [HealthSignal]
}

/// Computes health from signals: each signal scores 0…100 on its own, and the score is the
/// weighted average over the signals the account has data for (missing ones are left out and
/// the remaining weights renormalised, so an account without invoices is not punished for it).
public enum HealthScore {
    public static func compute(_ inputs: HealthInputs, settings: HealthSettings) -> HealthReport {
        var present: [(signal: HealthSignal, value: Double, score: Double, finding: HealthFinding)] = []
        var missing: [HealthSignal] = []
        for signal in HealthSignal.allCases where settings.weight(signal) > 0 {
            if let measured = measure(signal, inputs, settings: settings) {
                present.append((signal, measured.0, measured.1, measured.2))
            } else {
                missing.append(signal)
            }
        }
        let totalWeight = present.reduce(0) { $0 + settings.weight($1.signal) }
        // Nothing known at all: a neutral score, said so by every signal being missing.
        guard totalWeight > 0 else { return HealthReport(score: 50, components: [], missing: missing) }
        let exact = present.map { Double(settings.weight($0.signal)) * $0.score / Double(totalWeight) }
        let score = Int((exact.reduce(0, +)).rounded())
        let tenths = apportion(exact.map { $0 * 10 }, total: score * 10)
        let components = present.enumerated().map { index, item in
            HealthComponent(
                signal: item.signal, value: item.value, weight: settings.weight(item.signal), score: (item.score * 10).rounded() / 10,
                contribution: Double(tenths[index]) / 10, finding: item.finding)
        }
        return HealthReport(score: score, components: components, missing: missing)
    }

    /// A signal's value, its own score and what it found; nil when the account has no data for it.
    static func measure(_ signal: HealthSignal, _ inputs: HealthInputs, settings: HealthSettings) -> (Double, Double, HealthFinding)? {
        let window = settings.windowDays
        switch signal {
        case .openCases:
            let n = inputs.openCases
            return (Double(n), clamp(100 - 20 * Double(n)), .openCases(n))
        case .caseAge:
            guard let days = inputs.oldestOpenDays else { return (0, 100, .noCaseWaiting) }
            // Two days is a normal case; a month open means the customer has waited too long.
            let score = clamp(100 * (30 - days) / 28)
            return (rounded(days), days <= 2 ? 100 : score, .oldestCaseWaited(days: days))
        case .slaBreaches:
            let n = inputs.slaBreaches
            return (Double(n), clamp(100 - 25 * Double(n)), .responseTimesMissed(n, windowDays: window))
        case .escalations:
            let n = inputs.escalations
            return (Double(n), clamp(100 - 20 * Double(n)), .escalations(n, windowDays: window))
        case .csat:
            guard let csat = inputs.csat, csat.count > 0 else { return nil }
            return (rounded(csat.average), clamp((csat.average - 1) / 4 * 100), .satisfaction(average: csat.average, answers: csat.count))
        case .nps:
            guard let nps = inputs.nps, nps.count > 0 else { return nil }
            return (rounded(nps.average), clamp(nps.average * 10), .recommendation(average: nps.average, answers: nps.count))
        case .overdueInvoices:
            guard let invoices = inputs.invoices else { return nil }
            guard invoices.overdue > 0 else { return (0, 100, .invoicesPaid) }
            let score = clamp(100 - 30 * Double(invoices.overdue) - Double(invoices.oldestOverdueDays) / 2)
            return (Double(invoices.overdue), score, .overdueInvoices(invoices.overdue, oldestDays: invoices.oldestOverdueDays))
        case .contactFrequency:
            guard let model = inputs.model else { return nil }
            let expected = settings.expectation(model)
            let n = inputs.contacts
            if n < expected.min {
                return (Double(n), clamp(100 * Double(n) / Double(expected.min)), .conversations(n, windowDays: window, expected: .atLeast(expected.min)))
            }
            if n > expected.max {
                // Twice the expected number halves the score; three times leaves nothing.
                let over = Double(n - expected.max) / Double(expected.max)
                return (Double(n), clamp(100 - 50 * over), .conversations(n, windowDays: window, expected: .atMost(expected.max)))
            }
            return (Double(n), 100, .conversations(n, windowDays: window, expected: .met))
        case .usage:
            guard let usage = inputs.usage, usage.licensed > 0 else { return nil }
            let share = usage.active / usage.licensed
            // Seven in ten licensed users active is a healthy adoption.
            return (rounded(share), clamp(share / 0.7 * 100), .usage(active: usage.active, licensed: usage.licensed))
        case .engagement:
            guard let engagement = inputs.engagement, engagement.reached > 0 else { return nil }
            let share = Double(engagement.engaged) / Double(engagement.reached)
            // Ignoring automated mail is common and not alarming by itself (30); answering half
            // of it is as engaged as customers get (100).
            return (rounded(share), clamp(30 + share * 140), .outreach(engaged: engagement.engaged, reached: engagement.reached, windowDays: window))
        }
    }

    /// Whole numbers whose sum is `total` and each within one of its exact value (largest
    /// remainders first), so the shown contributions add up to the shown score.
    static func apportion(_ exact: [Double], total: Int) -> [Int] {
        var parts = exact.map { Int($0.rounded(.down)) }
        var difference = total - parts.reduce(0, +)
        let byRemainder = exact.indices.sorted { (exact[$0] - Double(parts[$0]), $1) > (exact[$1] - Double(parts[$1]), $0) }
        var index = 0
        while difference > 0, !byRemainder.isEmpty {
            parts[byRemainder[index % byRemainder.count]] += 1
            difference -= 1
            index += 1
        }
        index = 0
        while difference < 0, !byRemainder.isEmpty {
            let candidate = byRemainder[byRemainder.count - 1 - index % byRemainder.count]
            if parts[candidate] > 0 { parts[candidate] -= 1; difference += 1 }
            index += 1
        }
        return parts
    }

    static func clamp(_ value: Double) -> Double { min(100, max(0, value)) }
    static func rounded(_ value: Double) -> Double { (value * 100).rounded() / 100 }
}
