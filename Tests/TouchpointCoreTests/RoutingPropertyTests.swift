import Foundation
import Testing
@testable import TouchpointCore

@Suite("Routing never assigns beyond capacity or without the skills and level")
struct RoutingPropertyTests {
    typealias Seeded = PropertyTests.Seeded
    static let skillPool = ["billing", "network", "hardware", "spanish", "api"]

    func randomAgents(teams: [TeamRouting], using rng: inout Seeded) -> [AgentState] {
        (0..<Int.random(in: 0...12, using: &rng)).map { _ in
            let capacity = Int.random(in: 1...5, using: &rng)
            return AgentState(id: UUID(), teamID: teams.randomElement(using: &rng)?.id,
                              level: Bool.random(using: &rng) ? SupportLevel.allCases.randomElement(using: &rng) : nil,
                              skills: Set(Self.skillPool.filter { _ in Bool.random(using: &rng) }),
                              capacity: capacity, activeCases: Int.random(in: 0...capacity + 1, using: &rng),
                              presence: Presence.allCases.randomElement(using: &rng)!, onShift: Int.random(in: 0..<4, using: &rng) > 0)
        }
    }

    @Test func randomRoutingKeepsEveryInvariant() {
        var rng = Seeded(state: 2026)
        var assigned = 0
        for _ in 0..<3000 {
            let teams = (0..<Int.random(in: 1...3, using: &rng)).map { index in
                TeamRouting(id: UUID(), name: "T\(index)", skills: Set(Self.skillPool.filter { _ in Bool.random(using: &rng) }),
                            levels: Set(SupportLevel.allCases.filter { _ in Bool.random(using: &rng) }),
                            strategy: AssignmentStrategy.allCases.randomElement(using: &rng)!)
            }
            var agents = randomAgents(teams: teams, using: &rng)
            let csm = Bool.random(using: &rng) ? agents.randomElement(using: &rng)?.id : nil
            let need = RoutingNeed(level: SupportLevel.allCases.randomElement(using: &rng)!,
                                   skills: Set(Self.skillPool.filter { _ in Int.random(in: 0..<4, using: &rng) == 0 }), namedCSM: csm,
                                   namedPersonFirst: Bool.random(using: &rng))
            let decision = CaseRouter.route(need, teams: teams, agents: agents)
            // A case is never left waiting while a team that could own it has someone free for it.
            let someoneFree = CaseRouter.candidates(for: need, among: teams).contains { team in
                agents.contains { $0.teamID == team.id && $0.isReachable && $0.hasRoom && $0.qualifies(skills: need.skills, level: need.level) }
            }
            if someoneFree { #expect(decision.assigneeID != nil, "queued although a qualified agent was free: \(decision.explanation)") }
            if let team = decision.teamID.flatMap({ id in teams.first { $0.id == id } }) {
                #expect(need.skills.isSubset(of: team.skills))
                #expect(team.levels.isEmpty || team.levels.contains(need.level))
            }
            guard let assignee = decision.assigneeID else { continue }
            assigned += 1
            let agent = agents.first { $0.id == assignee }!
            #expect(agent.activeCases < agent.capacity, "never beyond capacity")
            #expect(agent.isReachable, "never to an agent who is away, offline or off shift")
            if assignee != csm {
                #expect(agent.qualifies(skills: need.skills, level: need.level), "never without the skills and level")
                #expect(agent.teamID == decision.teamID)
            }
            // Filling the agent up to capacity must eventually stop assignment to them.
            let index = agents.firstIndex { $0.id == assignee }!
            agents[index].activeCases = agents[index].capacity
            #expect(CaseRouter.route(need, teams: teams, agents: agents).assigneeID != assignee)
        }
        #expect(assigned > 100, "the generator must produce assignable situations too")
    }

    @Test func aCaseGoesToATeamWhereSomeoneCanTakeItNotTheLeastSpecialisedOne() {
        // setup: the demo's shape — a billing desk with no skills and no levels (its staff work
        // no queue level), and a support team whose level-3 agent is free
        let desk = TeamRouting(id: UUID(), name: "Billing desk", skills: [], levels: [], strategy: .leastLoaded)
        let support = TeamRouting(id: UUID(), name: "Support", skills: ["network", "billing"], levels: [], strategy: .leastLoaded)
        let clerk = AgentState(id: UUID(), teamID: desk.id, level: nil, skills: [], capacity: 10, activeCases: 0, presence: .available, onShift: true)
        let senior = AgentState(id: UUID(), teamID: support.id, level: .advanced, skills: ["network"], capacity: 5, activeCases: 1, presence: .available, onShift: true)
        let need = RoutingNeed(level: .advanced, skills: [])
        // act
        let decision = CaseRouter.route(need, teams: [desk, support], agents: [clerk, senior])
        // check: the team with someone who can take it, and the reason says why
        #expect(decision.teamID == support.id && decision.assigneeID == senior.id, "\(decision.explanation)")
        #expect(decision.explanation.contains("Billing desk has none"), "\(decision.explanation)")
        // With the senior away, the case waits in the team that has them, not at the desk.
        var away = senior
        away.presence = .away
        let waiting = CaseRouter.route(need, teams: [desk, support], agents: [clerk, away])
        #expect(waiting.teamID == support.id && waiting.assigneeID == nil)
        #expect(waiting.explanation.contains("agents are away"), "\(waiting.explanation)")
        // A basic case with both teams able still goes to the more specialised team.
        let basicClerk = AgentState(id: UUID(), teamID: desk.id, level: .basic, skills: [], capacity: 10, activeCases: 0, presence: .available, onShift: true)
        #expect(CaseRouter.route(RoutingNeed(level: .basic, skills: []), teams: [desk, support], agents: [basicClerk, senior]).teamID == desk.id)
    }

    @Test func leastLoadedPrefersRoomAndRoundRobinTakesTurns() {
        let team = TeamRouting(id: UUID(), name: "Support", skills: ["billing"], levels: [], strategy: .leastLoaded)
        let busy = AgentState(id: UUID(), teamID: team.id, level: .basic, skills: ["billing"], capacity: 4, activeCases: 3, presence: .available, onShift: true)
        let calm = AgentState(id: UUID(), teamID: team.id, level: .basic, skills: ["billing"], capacity: 4, activeCases: 1, presence: .available, onShift: true)
        let need = RoutingNeed(level: .basic, skills: ["billing"])
        #expect(CaseRouter.route(need, teams: [team], agents: [busy, calm]).assigneeID == calm.id)
        var robin = team
        robin.strategy = .roundRobin
        let first = CaseRouter.route(need, teams: [robin], agents: [busy, calm])
        robin.lastAssigned = first.roundRobinCursor
        let second = CaseRouter.route(need, teams: [robin], agents: [busy, calm])
        #expect(first.assigneeID != second.assigneeID)
        #expect(Set([first.assigneeID, second.assigneeID]) == Set([busy.id, calm.id]))
    }

    @Test func namedCSMWinsWhenAvailable() {
        let team = TeamRouting(id: UUID(), name: "Accounts", skills: [], levels: [], strategy: .namedCSM)
        let csm = AgentState(id: UUID(), teamID: nil, level: nil, skills: [], capacity: 30, activeCases: 2, presence: .available, onShift: true)
        let agent = AgentState(id: UUID(), teamID: team.id, level: .basic, skills: [], capacity: 5, activeCases: 0, presence: .available, onShift: true)
        let need = RoutingNeed(level: .basic, skills: [], namedCSM: csm.id)
        #expect(CaseRouter.route(need, teams: [team], agents: [csm, agent]).assigneeID == csm.id)
        var away = csm
        away.presence = .away
        let fallback = CaseRouter.route(need, teams: [team], agents: [away, agent])
        #expect(fallback.assigneeID == agent.id)
        #expect(fallback.explanation.contains("the named CSM is not available now"))
    }
}
