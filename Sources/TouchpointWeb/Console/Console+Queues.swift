import Foundation
import Hummingbird
import TouchpointApplication
import TouchpointCore

/// The team lead's view: each team's backlog (open, nobody on it, at risk, breached, how long
/// the oldest has waited) and each agent's presence and load, every figure a link to the
/// inbox list behind it, where cases are reassigned in bulk.
extension Console {
    struct QueuesView {
        var chrome: Chrome
        var teams: [TeamQueue]
        var agents: [AgentLoad]
        var updated: TimeText
    }

    struct TeamQueue {
        var name: String
        var open: Int
        var openHref: String
        var unassigned: Int
        var unassignedHref: String
        var atRisk: Int
        var breached: Int
        var anyBreached: Bool
        var riskHref: String
        var oldest: String?
        var hot: Bool
        /// Who is on call for the team now and until when ("Celina Michalska until Mon 09:00").
        var onCall: String?
    }

    struct AgentLoad {
        var name: String
        var team: String
        var presence: String
        var away: Bool
        var load: String
        var full: Bool
        var atRisk: Int
        var href: String
    }

    func addQueueRoutes(to group: RouterGroup<TouchpointContext>) {
        group.get("queues") { _, context in try await queuesPage(context) }
    }

    func queuesPage(_ context: TouchpointContext) async throws -> Response {
        let session = try context.signedIn()
        let brand = session.user.brandID
        let now = app.environment.now()
        let active = CaseStatus.allCases.filter(\.isActive)
        let say = context.language
        let reader = try await staffReader(brand, say)
        async let teamList = app.routing.teamProfiles(brand: brand)
        async let agentList = app.routing.agentProfiles(brand: brand)
        async let config = app.serviceSettings.serviceConfig(brand: brand)
        let teams = try await teamList.map(\.team)
        let agents = try await agentList.filter { $0.user.role.permissions.contains(.handleCases) }
        let teamNames = Dictionary(teams.map { ($0.id, $0.name) }, uniquingKeysWith: { a, _ in a })

        // Three counts per team and one per agent, in one call; the at-risk cases themselves
        // (few: the staff's attention bounds them) tell breached from at risk.
        var filters: [CaseFilter] = []
        for team in teams {
            filters.append(CaseFilter(statuses: active, teamID: team.id))
            filters.append(CaseFilter(statuses: active, teamID: team.id, unassigned: true))
            filters.append(CaseFilter(statuses: active, teamID: team.id, slaAtRiskBy: now))
        }
        for agent in agents { filters.append(CaseFilter(statuses: active, assigneeID: agent.user.id, slaAtRiskBy: now)) }
        let counts = try await app.cases.caseCounts(brand: brand, filters: filters)
        let rosters = try await config.rosters
        let everyone = Dictionary(try await agentList.map { ($0.user.id, $0.user.name) }, uniquingKeysWith: { a, _ in a })
        var queues: [TeamQueue] = []
        for (index, team) in teams.enumerated() {
            let (open, unassigned, atRisk) = (counts[3 * index], counts[3 * index + 1], counts[3 * index + 2])
            var breached = 0
            if atRisk > 0 {
                breached = try await app.cases.cases(brand: brand, filter: CaseFilter(statuses: active, teamID: team.id, slaAtRiskBy: now), limit: 200, cursor: nil)
                    .items.filter { $0.sla?.label(at: now) == .breached }.count
            }
            var oldestFilter = CaseFilter(statuses: active, teamID: team.id)
            oldestFilter.order = .oldest
            let oldest = open > 0 ? try await app.cases.cases(brand: brand, filter: oldestFilter, limit: 1, cursor: nil).items.first : nil
            queues.append(TeamQueue(
                name: team.name, open: open, openHref: "/console?view=open&team=\(team.id.text)", unassigned: unassigned,
                unassignedHref: "/console?view=open&team=\(team.id.text)&assignee=unassigned", atRisk: atRisk - breached, breached: breached, anyBreached: breached > 0,
                riskHref: "/console?view=sla&team=\(team.id.text)", oldest: oldest.map { reader.relative(to: $0.createdAt, now: now) },
                hot: breached > 0 || (unassigned > 0 && open > 0 && unassigned == open),
                onCall: rosters[team.id]?.shift(at: now).map { say.say("\(everyone[$0.userID] ?? "someone") until \(reader.moment($0.until))",
                                                                "\(everyone[$0.userID] ?? "ktoś") do \(reader.moment($0.until))") }))
        }
        let loads = agents.enumerated().map { index, agent in
            AgentLoad(name: agent.user.name, team: agent.user.teamID.flatMap { teamNames[$0] } ?? "—", presence: agent.presence.words(say),
                      away: agent.presence != .available, load: say.say("\(agent.activeCases) of \(agent.capacity)", "\(agent.activeCases) z \(agent.capacity)"), full: agent.activeCases >= agent.capacity,
                      atRisk: counts[3 * teams.count + index], href: "/console?view=open&assignee=\(agent.user.id.text)")
        }
        return pages.render("queues", QueuesView(chrome: Chrome(title: say.say("Queues and agents", "Kolejki i agenci"), session: session), teams: queues, agents: loads,
                                                 updated: TimeText(now, reader)))
    }
}

extension Presence {
    /// How a colleague's presence reads.
    func words(_ say: Language) -> String {
        switch self {
        case .available: say.say("available", "dostępny")
        case .away: say.say("away", "zaraz wraca")
        case .offline: say.say("offline", "niedostępny")
        }
    }
}
