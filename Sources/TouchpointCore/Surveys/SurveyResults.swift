import Foundation

/// How survey results are grouped.
public enum SurveyGrouping: String, WireEnum {
    case contactPoint, model, team, agent, week, month
}

/// Surveys of one group (or all), counted by score: `answers[score]` is how many answered
/// with it; `sent - answered` went unanswered.
public struct SurveyTally: Equatable, Sendable {
    public var key: String
    public var label: String
    public var sent: Int
    public var answers: [Int: Int]

    public init(key: String, label: String, sent: Int = 0, answers: [Int: Int] = [:]) {
        self.key = key
        self.label = label
        self.sent = sent
        self.answers = answers
    }

    public var answered: Int { answers.values.reduce(0, +) }
    /// Answered of sent, 0–1 (nil when nothing was sent).
    public var responseRate: Double? { sent == 0 ? nil : Double(answered) / Double(sent) }
    public var average: Double? {
        answered == 0 ? nil : Double(answers.reduce(0) { $0 + $1.key * $1.value }) / Double(answered)
    }
    func count(_ scores: ClosedRange<Int>) -> Int { answers.filter { scores.contains($0.key) }.values.reduce(0, +) }
    /// Satisfaction: the share answering 4 or 5, in percent. Recommendation: promoters (9–10)
    /// minus detractors (0–6), in points from −100 to 100 (the net promoter score).
    public func score(_ kind: SurveyKind) -> Double? {
        guard answered > 0 else { return nil }
        let total = Double(answered)
        switch kind {
        case .csat: return 100 * Double(count(4...5)) / total
        case .nps: return 100 * (Double(count(9...10)) - Double(count(0...6))) / total
        }
    }
    public var promoters: Int { count(9...10) }
    public var passives: Int { count(7...8) }
    public var detractors: Int { count(0...6) }

    mutating func add(score: Int?, count: Int) {
        sent += count
        if let score { answers[score, default: 0] += count }
    }
}

/// Survey results over a period: everything, and by the chosen grouping.
public struct SurveyResults: Equatable, Sendable {
    public var kind: SurveyKind
    public var by: SurveyGrouping
    public var total: SurveyTally
    public var groups: [SurveyTally]

    /// One counted row from the store: the group's key (a contact point, a model, a team or
    /// an agent id; empty when it has none), the day the survey was sent, the score (nil:
    /// not answered) and how many.
    public struct Row: Sendable {
        public var key: String
        public var day: CivilDate
        public var score: Int?
        public var count: Int

        public init(key: String, day: CivilDate, score: Int?, count: Int) {
            self.key = key
            self.day = day
            self.score = score
            self.count = count
        }
    }

    /// Tallies `rows`; `label` names a key as people read it (a team's name, "Email").
    public static func tally(_ rows: [Row], kind: SurveyKind, by: SurveyGrouping, label: (String) -> String) -> SurveyResults {
        var total = SurveyTally(key: "", label: "All")
        var groups: [String: SurveyTally] = [:]
        for row in rows {
            total.add(score: row.score, count: row.count)
            let key: String
            switch by {
            case .week:
                // The Monday the week starts on (ISO weeks).
                // Day 0 of the ordinal, 1970-01-01, was a Thursday (3 days after a Monday).
                let weekday = ((row.day.ordinal + 3) % 7 + 7) % 7
                key = row.day.adding(days: -weekday).description
            case .month: key = String(format: "%04d-%02d", row.day.year, row.day.month)
            default: key = row.key
            }
            groups[key, default: SurveyTally(key: key, label: by == .week ? "Week of \(key)" : by == .month ? key : label(key))].add(
                score: row.score, count: row.count)
        }
        let ordered = groups.values.sorted { by == .week || by == .month ? $0.key < $1.key : ($0.sent, $1.label) > ($1.sent, $0.label) }
        return SurveyResults(kind: kind, by: by, total: total, groups: ordered)
    }
}
