import Foundation

/// How likely an account is to leave, from its health, its trend, its renewal and what went
/// wrong lately.
public enum ChurnRisk: String, WireEnum, Comparable {
    case low, medium, high

    public static func < (lhs: ChurnRisk, rhs: ChurnRisk) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}

/// A health score on one day (a daily snapshot).
public struct HealthPoint: Codable, Equatable, Sendable {
    public var day: CivilDate
    public var score: Int

    public init(day: CivilDate, score: Int) {
        self.day = day
        self.score = score
    }
}

/// Which way health moves: today's score against the snapshot about `days` ago.
public struct HealthTrend: Codable, Equatable, Sendable {
    public enum Direction: String, WireEnum { case rising, steady, falling }

    public var direction: Direction
    /// Points gained (negative: lost) since `since`.
    public var change: Int
    /// The day compared with; nil when there is no earlier snapshot yet.
    public var since: CivilDate?
    /// The daily snapshots, oldest first, ending with today.
    public var points: [HealthPoint]

    /// Five points either way is noise; beyond it the account is moving.
    public static let threshold = 5

    /// Compares `score` today with the snapshot closest to `days` before (the oldest one when
    /// history is shorter); `history` may hold today's earlier snapshot, which is replaced.
    public static func of(score: Int, today: CivilDate, history: [HealthPoint], days: Int = 30) -> HealthTrend {
        let earlier = history.filter { $0.day < today }.sorted { $0.day < $1.day }
        let points = earlier + [HealthPoint(day: today, score: score)]
        let target = today.adding(days: -days)
        guard let base = earlier.last(where: { $0.day <= target }) ?? earlier.first else {
            return HealthTrend(direction: .steady, change: 0, since: nil, points: points)
        }
        let change = score - base.score
        let direction: Direction = change >= threshold ? .rising : change <= -threshold ? .falling : .steady
        return HealthTrend(direction: direction, change: change, since: base.day, points: points)
    }
}

/// The churn risk and the reasons for it. Each finding adds points; 4 or more is high, 2 or
/// more medium. The reasons are the findings, the weightiest first.
public struct ChurnAssessment: Codable, Equatable, Sendable {
    public var risk: ChurnRisk
    /// The findings behind the risk, the weightiest first.
    public var findings: [ChurnReason]

    /// The reasons in English, as the API and events carry them.
    public var reasons: [String] { reasons(.en) }

    /// The reasons in `language`.
    public func reasons(_ language: Language) -> [String] { findings.map { $0.words(language) } }

    public static func assess(
        score: Int, trend: HealthTrend, renewalOn: CivilDate?, today: CivilDate, stage: JourneyStage,
        inputs: HealthInputs
    ) -> ChurnAssessment {
        if stage == .churned { return ChurnAssessment(risk: .high, findings: [.churned]) }
        var findings: [(points: Int, reason: ChurnReason)] = []
        if score < 40 {
            findings.append((2, .lowHealth(score: score)))
        } else if score < 60 {
            findings.append((1, .middlingHealth(score: score)))
        }
        if let since = trend.since {
            let fell = -trend.change
            if fell >= 20 {
                findings.append((2, .healthFell(points: fell, since: since)))
            } else if fell >= 10 {
                findings.append((1, .healthFell(points: fell, since: since)))
            }
        }
        if let renewalOn {
            let days = renewalOn.days(since: today)
            if (0...90).contains(days), score < 60 || trend.direction == .falling {
                findings.append((days <= 30 ? 2 : 1, .renewalNear(on: renewalOn, inDays: days, healthBelow60: score < 60)))
            }
        }
        if inputs.slaBreaches >= 2 { findings.append((1, .responseTimesMissed(inputs.slaBreaches))) }
        if inputs.escalations >= 1 { findings.append((1, .escalated(inputs.escalations))) }
        if let invoices = inputs.invoices, invoices.overdue > 0, invoices.oldestOverdueDays >= 30 {
            findings.append((1, .invoiceOverdue(days: invoices.oldestOverdueDays)))
        }
        if let csat = inputs.csat, csat.count > 0, csat.average < 3 { findings.append((1, .unhappy(satisfaction: csat.average))) }
        if let nps = inputs.nps, nps.count > 0, nps.average <= 6 { findings.append((1, .wouldNotRecommend(score: nps.average))) }
        if stage == .atRisk { findings.append((1, .markedAtRisk)) }
        let points = findings.reduce(0) { $0 + $1.points }
        let risk: ChurnRisk = points >= 4 ? .high : points >= 2 ? .medium : .low
        let ordered = findings.enumerated().sorted { ($0.element.points, -$0.offset) > ($1.element.points, -$1.offset) }.map(\.element.reason)
        return ChurnAssessment(risk: risk, findings: ordered)
    }
}
