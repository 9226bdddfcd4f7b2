import Foundation

/// Whether an agent takes work now.
public enum Presence: String, WireEnum {
    case available, away, offline
}

/// How a team picks the agent for a case.
public enum AssignmentStrategy: String, WireEnum {
    /// The available agent with the most room, among those with the skills and level.
    case leastLoaded
    /// Eligible agents in turn.
    case roundRobin
    /// The account's named CSM when the model has one (else least-loaded).
    case namedCSM
}

/// An agent as routing sees them at one moment.
public struct AgentState: Sendable, Equatable {
    public var id: UserID
    public var teamID: TeamID?
    /// The level an agent works at (agents); nil for roles that take no queue work.
    public var level: SupportLevel?
    public var skills: Set<String>
    /// The most active cases the agent may hold.
    public var capacity: Int
    public var activeCases: Int
    public var presence: Presence
    /// Whether the agent's shift calendar (if any) is open now.
    public var onShift: Bool

    public init(id: UserID, teamID: TeamID?, level: SupportLevel?, skills: Set<String>, capacity: Int, activeCases: Int,
                presence: Presence, onShift: Bool) {
        self.id = id
        self.teamID = teamID
        self.level = level
        self.skills = skills
        self.capacity = capacity
        self.activeCases = activeCases
        self.presence = presence
        self.onShift = onShift
    }

    public var hasRoom: Bool { activeCases < capacity }
    public var isReachable: Bool { presence == .available && onShift }

    /// Whether the agent may take a case needing `skills` at `level`.
    public func qualifies(skills needed: Set<String>, level neededLevel: SupportLevel) -> Bool {
        guard let level, level >= neededLevel else { return false }
        return needed.isSubset(of: skills)
    }
}

/// A team's routing settings.
public struct TeamRouting: Sendable, Equatable {
    public var id: TeamID
    public var name: String
    /// The topics' skills the team covers.
    public var skills: Set<String>
    /// The support levels the team serves (empty: all).
    public var levels: Set<SupportLevel>
    public var strategy: AssignmentStrategy
    /// The agent who got the last case, for round-robin.
    public var lastAssigned: UserID?

    public init(id: TeamID, name: String, skills: Set<String>, levels: Set<SupportLevel>, strategy: AssignmentStrategy, lastAssigned: UserID? = nil) {
        self.id = id
        self.name = name
        self.skills = skills
        self.levels = levels
        self.strategy = strategy
        self.lastAssigned = lastAssigned
    }

    func serves(_ level: SupportLevel) -> Bool { levels.isEmpty || levels.contains(level) }
}

/// A topic a case can be about: the skills it needs, the level it starts at and
/// optionally the team that owns it.
public struct RoutingTopic: Codable, Sendable, Equatable {
    public var name: String
    public var skills: [String]
    public var level: SupportLevel
    public var teamId: TeamID?
    /// How customers read the topic, by language code (`{"en": "Bills and payments", "pl":
    /// "Rachunki i płatności"}`); without one, the name with a capital letter.
    public var labels: [String: String]?

    public init(name: String, skills: [String], level: SupportLevel, teamId: TeamID? = nil, labels: [String: String]? = nil) {
        self.labels = labels
        self.name = name
        self.skills = skills
        self.level = level
        self.teamId = teamId
    }

    public func validated(field: String) throws(ValidationError) -> RoutingTopic {
        var copy = self
        copy.name = try Check.text(name, field: "\(field).name", max: 80).lowercased()
        copy.skills = try RoutingTopic.skills(skills, field: "\(field).skills")
        if let labels { copy.labels = try Check.translations(labels, field: "\(field).labels", max: 100) }
        return copy
    }

    /// The topic as a customer reading `language` sees it on the kiosk and the portal.
    public func label(in language: Language) -> String {
        labels?[language.rawValue] ?? labels?[Language.en.rawValue] ?? name.prefix(1).uppercased() + name.dropFirst()
    }

    /// Skills are lower-case words, unique, at most 30.
    public static func skills(_ raw: [String], field: String) throws(ValidationError) -> [String] {
        guard raw.count <= 30 else { throw ValidationError(field: field, reason: "at most 30 skills") }
        var seen: [String] = []
        for (index, skill) in raw.enumerated() {
            let clean = try Check.text(skill, field: "\(field)[\(index)]", max: 64).lowercased()
            if !seen.contains(clean) { seen.append(clean) }
        }
        return seen
    }
}

/// What a case needs from routing.
public struct RoutingNeed: Sendable, Equatable {
    public var level: SupportLevel
    public var skills: Set<String>
    /// A team named by the topic or the request.
    public var teamID: TeamID?
    /// The account's CSM, when its model has a named one.
    public var namedCSM: UserID?
    /// Whether the model promises a named person, so the CSM comes first whatever the
    /// team's strategy (otherwise only teams that assign by named CSM use them).
    public var namedPersonFirst: Bool
    /// The case's service model (what the on-call rosters cover); nil when not known.
    public var model: ServiceModel?

    public init(level: SupportLevel, skills: Set<String>, teamID: TeamID? = nil, namedCSM: UserID? = nil, namedPersonFirst: Bool = false,
                model: ServiceModel? = nil) {
        self.model = model
        self.level = level
        self.skills = skills
        self.teamID = teamID
        self.namedCSM = namedCSM
        self.namedPersonFirst = namedPersonFirst
    }
}

/// Where a case goes, and why.
public struct RoutingDecision: Sendable, Equatable {
    public var teamID: TeamID?
    public var assigneeID: UserID?
    public var explanation: String
    /// The team's new round-robin position, when round-robin picked.
    public var roundRobinCursor: UserID?
    /// Whether the assignee is the team's person on call, to be paged.
    public var onCall: Bool

    public init(teamID: TeamID?, assigneeID: UserID?, explanation: String, roundRobinCursor: UserID? = nil, onCall: Bool = false) {
        self.teamID = teamID
        self.assigneeID = assigneeID
        self.explanation = explanation
        self.roundRobinCursor = roundRobinCursor
        self.onCall = onCall
    }
}

/// Pure routing: picks a team by skills and level, then an agent by the team's strategy.
/// It never assigns beyond capacity, to an unreachable agent, or to one without the skills
/// and level the case needs.
public enum CaseRouter {
    /// The teams that could own a case: those serving its level with all the skills it needs.
    public static func candidates(for need: RoutingNeed, among teams: [TeamRouting]) -> [TeamRouting] {
        teams.filter { $0.serves(need.level) && need.skills.isSubset(of: $0.skills) }
    }

    /// The team a case goes to, with the reason: the one it names; else, among the teams
    /// serving its level with all the skills it needs, one with an agent who can take it now
    /// (reachable, with room, qualified for its level and skills); else one with a qualified
    /// member who can take it later; else any. Within each, the most specialised team (fewest
    /// other skills), then by name. A team that serves every level but has nobody at the
    /// case's level never wins over one that does. `onCall` names, per team, the person on
    /// call who would take this case when nobody qualified is at work (only for cases their
    /// roster covers): such a team ranks after one whose qualified people are at work but busy,
    /// and before one whose people are all away.
    public static func team(for need: RoutingNeed, among teams: [TeamRouting], agents: [AgentState],
                            onCall: [TeamID: UserID] = [:]) -> (team: TeamRouting?, why: String) {
        if let named = need.teamID, let found = teams.first(where: { $0.id == named }) {
            return (found, RoutingReason.requested(team: found.name).text)
        }
        let candidates = candidates(for: need, among: teams)
        let skills = need.skills.sorted()
        guard !candidates.isEmpty else {
            return (nil, RoutingReason.noTeam(level: need.level.rawValue, skills: skills).text)
        }
        // Agents by team once, not a walk over every agent per candidate team.
        var byTeam: [TeamID: [AgentState]] = [:]
        for agent in agents where agent.qualifies(skills: need.skills, level: need.level) {
            if let team = agent.teamID { byTeam[team, default: []].append(agent) }
        }
        func qualified(_ team: TeamRouting) -> [AgentState] { byTeam[team.id] ?? [] }
        // 4: someone can take it now; 3: qualified people are at work but full; 2: nobody is
        // at work but someone is on call; 1: someone could, once back; 0: nobody.
        func readiness(_ team: TeamRouting) -> Int {
            let members = qualified(team)
            if members.contains(where: { $0.isReachable && $0.hasRoom }) { return 4 }
            if members.contains(where: \.isReachable) { return 3 }
            if onCall[team.id] != nil { return 2 }
            return members.isEmpty ? 0 : 1
        }
        let ranked = candidates.map { (team: $0, ready: readiness($0)) }
        let best = ranked.min { a, b in
            if a.ready != b.ready { return a.ready > b.ready }
            return (a.team.skills.count, a.team.name) < (b.team.skills.count, b.team.name)
        }!
        var why: [RoutingReason] = [.serves(team: best.team.name, level: need.level.rawValue, skills: skills)]
        switch best.ready {
        case 4:
            // Say so when a more specialised team was passed over for want of anyone free.
            let passed = ranked.filter { $0.ready < 4 && ($0.team.skills.count, $0.team.name) < (best.team.skills.count, best.team.name) }
            if !passed.isEmpty { why.append(.freeHere(passedOver: passed.map(\.team.name).sorted())) }
        case 3: why.append(.busy)
        case 2: why.append(.onCallOnly)
        case 1: why.append(.away)
        default: why.append(.nobodyQualified)
        }
        return (best.team, why.map(\.text).joined(separator: "; "))
    }

    /// Routes a case: a team, then an agent by its strategy. When nobody qualified in the
    /// team is at work and `onCall` names the team's person on call (for a case their roster
    /// covers), that person takes it and is paged.
    public static func route(_ need: RoutingNeed, teams: [TeamRouting], agents: [AgentState], onCall: [TeamID: UserID] = [:]) -> RoutingDecision {
        let (chosen, reason) = team(for: need, among: teams, agents: agents, onCall: onCall)
        var why = [reason]
        guard let team = chosen else { return RoutingDecision(teamID: nil, assigneeID: nil, explanation: reason) }
        let members = agents.filter { $0.teamID == team.id }
        let eligible = members.filter { $0.isReachable && $0.hasRoom && $0.qualifies(skills: need.skills, level: need.level) }
            .sorted { $0.id.uuidString < $1.id.uuidString }

        if team.strategy == .namedCSM || need.namedPersonFirst, let csm = need.namedCSM {
            if let owner = agents.first(where: { $0.id == csm }), owner.isReachable, owner.hasRoom {
                why.append(RoutingReason.namedCSM.text)
                return RoutingDecision(teamID: team.id, assigneeID: csm, explanation: why.joined(separator: "; "))
            }
            why.append(RoutingReason.namedCSMAway.text)
        }
        guard !eligible.isEmpty else {
            let atWork = members.contains { $0.isReachable && $0.qualifies(skills: need.skills, level: need.level) }
            if !atWork, let person = onCall[team.id] {
                why.append(RoutingReason.onCallTakes.text)
                return RoutingDecision(teamID: team.id, assigneeID: person, explanation: why.joined(separator: "; "), onCall: true)
            }
            why.append(RoutingReason.queued(level: need.level.rawValue).text)
            return RoutingDecision(teamID: team.id, assigneeID: nil, explanation: why.joined(separator: "; "))
        }
        switch team.strategy {
        case .roundRobin:
            let next = eligible.first { last in team.lastAssigned.map { last.id.uuidString > $0.uuidString } ?? true } ?? eligible[0]
            why.append(RoutingReason.roundRobin.text)
            return RoutingDecision(teamID: team.id, assigneeID: next.id, explanation: why.joined(separator: "; "), roundRobinCursor: next.id)
        case .leastLoaded, .namedCSM:
            // Least loaded by share of capacity; among equals the lowest adequate level, so
            // seniors stay free for the harder work.
            let pick = eligible.min { a, b in
                let left = Double(a.activeCases) / Double(a.capacity), right = Double(b.activeCases) / Double(b.capacity)
                if left != right { return left < right }
                if a.level != b.level { return (a.level?.rawValue ?? 9) < (b.level?.rawValue ?? 9) }
                return a.id.uuidString < b.id.uuidString
            }!
            why.append(RoutingReason.leastLoaded(active: pick.activeCases, capacity: pick.capacity).text)
            return RoutingDecision(teamID: team.id, assigneeID: pick.id, explanation: why.joined(separator: "; "))
        }
    }
}
