import Foundation

/// Erlang C: the probability that a contact waits, and the average wait, for `agents`
/// servers under `traffic` erlangs (arrival rate × average handle time).
public enum ErlangC {
    /// P(wait > 0); 1 when the queue cannot keep up (traffic ≥ agents).
    public static func probabilityOfWaiting(agents: Int, traffic: Double) -> Double {
        guard agents > 0 else { return 1 }
        guard traffic > 0 else { return 0 }
        let n = Double(agents)
        if traffic >= n { return 1 }
        // Erlang B by the stable recurrence, then C from B.
        var b = 1.0
        for k in 1...agents {
            b = traffic * b / (Double(k) + traffic * b)
        }
        return n * b / (n - traffic * (1 - b))
    }

    /// The average wait of all contacts, in the unit of `handleTime`.
    public static func averageWait(agents: Int, traffic: Double, handleTime: Double) -> Double? {
        guard agents > 0, Double(agents) > traffic else { return nil }
        return probabilityOfWaiting(agents: agents, traffic: traffic) * handleTime / (Double(agents) - traffic)
    }
}

/// What a wait estimate is made from.
public struct QueueSnapshot: Sendable, Equatable {
    /// Contacts already waiting ahead.
    public var waiting: Int
    /// Available agents with the right skills and level.
    public var agents: Int
    /// Arrivals per hour, recently.
    public var arrivalsPerHour: Double
    /// Average handle time in minutes.
    public var averageHandleMinutes: Double
    /// Whether people work now (the team's and the model's calendars).
    public var open: Bool
    public var nextOpening: Date?
    /// Contacts one agent handles at once (chats, as the model's policy says; 1 elsewhere).
    public var sessionsPerAgent: Int

    public init(waiting: Int, agents: Int, arrivalsPerHour: Double, averageHandleMinutes: Double, open: Bool, nextOpening: Date?,
                sessionsPerAgent: Int = 1) {
        self.sessionsPerAgent = max(1, sessionsPerAgent)
        self.waiting = waiting
        self.agents = agents
        self.arrivalsPerHour = arrivalsPerHour
        self.averageHandleMinutes = averageHandleMinutes
        self.open = open
        self.nextOpening = nextOpening
    }
}

/// A wait estimate for a customer about to make contact.
public struct WaitEstimate: Sendable, Equatable {
    public var humanAvailable: Bool
    /// Expected wait in minutes; nil when nobody is there to answer.
    public var minutes: Double?
    public var probabilityOfWaiting: Double?
    /// Arrivals bring more work than the agents can handle: the queue grows while it lasts,
    /// so the wait is long and the figure is the least a contact now should expect.
    public var demandExceedsCapacity: Bool
    public var explanation: String

    public init(humanAvailable: Bool, minutes: Double?, probabilityOfWaiting: Double?, demandExceedsCapacity: Bool = false, explanation: String) {
        self.humanAvailable = humanAvailable
        self.minutes = minutes
        self.probabilityOfWaiting = probabilityOfWaiting
        self.demandExceedsCapacity = demandExceedsCapacity
        self.explanation = explanation
    }

    /// Combines Erlang C (steady state) with the queue already in front: the larger wins,
    /// since a long queue right now outweighs the average. When arrivals bring more work than
    /// the agents can do, Erlang C has no steady state; the queue decides: with every agent busy,
    /// a contact now starts when the `waiting` ahead and itself have each had a turn, one
    /// handle time per agent.
    public static func estimate(_ queue: QueueSnapshot) -> WaitEstimate {
        guard queue.open else {
            let when = queue.nextOpening.map { " until \(Instant.iso($0))" } ?? ""
            return WaitEstimate(humanAvailable: false, minutes: nil, probabilityOfWaiting: nil, explanation: "closed\(when)")
        }
        guard queue.agents > 0 else {
            return WaitEstimate(humanAvailable: false, minutes: nil, probabilityOfWaiting: nil,
                                explanation: "no agent with the needed skills and level is available; \(queue.waiting) waiting")
        }
        let aht = max(0.5, queue.averageHandleMinutes)
        let traffic = queue.arrivalsPerHour * aht / 60
        // An agent holding several chats at once is that many servers.
        let servers = queue.agents * queue.sessionsPerAgent
        let pWait = ErlangC.probabilityOfWaiting(agents: servers, traffic: traffic)
        let erlang = ErlangC.averageWait(agents: servers, traffic: traffic, handleTime: aht)
        // A queue means every agent is busy; so does demand beyond them.
        let allBusy = queue.waiting > 0 || erlang == nil
        let queueWait = allBusy ? Double(queue.waiting + 1) * aht / Double(servers) : 0
        let minutes = max(queueWait, erlang ?? queueWait)
        let sessions = queue.sessionsPerAgent > 1 ? " × \(queue.sessionsPerAgent) chats at once" : ""
        var why = "\(queue.agents) agent(s)\(sessions), \(queue.waiting) waiting, \(Numbers.grouped(queue.arrivalsPerHour)) arrivals/h, handle time \(Numbers.grouped(aht)) min"
        if let erlang {
            why += "; Erlang C \(String(format: "%.1f", erlang)) min (P(wait) \(String(format: "%.2f", pWait)))"
            if allBusy { why += "; behind the \(queue.waiting) waiting \(String(format: "%.1f", queueWait)) min" }
        } else {
            why += "; demand (\(String(format: "%.1f", traffic)) agents' worth) exceeds the \(servers) agent(s)' worth at work: the wait is long and grows "
                + "while this lasts; behind the \(queue.waiting) waiting at least \(String(format: "%.1f", queueWait)) min"
        }
        return WaitEstimate(humanAvailable: true, minutes: (minutes * 10).rounded() / 10, probabilityOfWaiting: pWait,
                            demandExceedsCapacity: erlang == nil, explanation: why)
    }
}

/// ISO 8601 text of instants for explanations.
enum Instant {
    static func iso(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.string(from: date)
    }
}
