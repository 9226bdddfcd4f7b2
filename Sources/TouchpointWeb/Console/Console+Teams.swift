import Foundation
import Hummingbird
import TouchpointApplication
import TouchpointCore

/// Teams with their routing settings and agents with their skills, room, presence and team;
/// also where each person sets their own presence.
extension Console {
    func addTeamRoutes(to group: RouterGroup<TouchpointContext>) {
        group.get("admin/teams") { request, context in try await teamsPage(request, context) }
        group.post("admin/teams") { request, context in
            let session = try requireAdmin(context)
            let name = context.form?["name"] ?? ""
            do {
                _ = try await app.staff.addTeam(name: name, brand: session.user.brandID)
            } catch {
                return try await teamsPage(request, context, error: Self.sentence(error), newTeam: name)
            }
            return Pages.redirect("/console/admin/teams?done=added")
        }
        group.post("admin/teams/{id}") { _, context in
            let session = try requireAdmin(context)
            let form = context.form ?? HTMLForm(urlEncoded: "")
            guard let id = context.parameters.get("id").flatMap(UUID.init(text:)) else { throw Problem(.notFound, "team not found") }
            var changes = TeamChanges(skills: Self.list(form["skills"]),
                                      levels: try form.all("level").map { raw in
                                          guard let level = Int(raw).flatMap(SupportLevel.init(rawValue:)) else {
                                              throw ValidationError(field: "level", reason: "levels are 1, 2 or 3")
                                          }
                                          return level
                                      })
            changes.strategy = try form.text("strategy").map { raw in
                guard let strategy = AssignmentStrategy(rawValue: raw) else { throw ValidationError(field: "strategy", reason: "unknown strategy") }
                return strategy
            }
            if let raw = form["calendar"] { changes.calendarID = .some(raw.isEmpty ? nil : UUID(text: raw)) }
            if let raw = form.text("handleMinutes") {
                guard let minutes = Double(raw), minutes > 0, minutes <= 24 * 60 else {
                    throw ValidationError(field: "handleMinutes", reason: "minutes between 1 and 1440")
                }
                changes.averageHandleMinutes = minutes
            }
            _ = try await app.routing.updateTeam(id, brand: session.user.brandID, actor: .staff(session.user.id), changes: changes)
            return Pages.redirect("/console/admin/teams?done=team")
        }
        group.post("admin/agents/{id}") { _, context in
            let session = try requireAdmin(context)
            let form = context.form ?? HTMLForm(urlEncoded: "")
            guard let id = context.parameters.get("id").flatMap(UUID.init(text:)) else { throw Problem(.notFound, "staff member not found") }
            var changes = AgentChanges(skills: Self.list(form["skills"]))
            if let raw = form.text("capacity") {
                guard let capacity = Int(raw) else { throw ValidationError(field: "capacity", reason: "a whole number of active cases") }
                changes.capacity = capacity
            }
            changes.presence = form.text("presence").flatMap(Presence.init(rawValue:))
            if let raw = form["team"] { changes.teamID = .some(raw.isEmpty ? nil : UUID(text: raw)) }
            _ = try await app.routing.updateAgent(id, brand: session.user.brandID, actor: .staff(session.user.id), changes: changes)
            return Pages.redirect("/console/admin/teams?done=agent")
        }
    }

    func requireAdmin(_ context: TouchpointContext) throws -> StaffSession {
        let session = try context.signedIn()
        guard session.principal.may(.administer) else { throw Problem(.forbidden, "only administrators change teams and agents") }
        return session
    }

    /// "billing, meter" → ["billing", "meter"]; nil keeps the field as it is.
    static func list(_ raw: String?) -> [String]? {
        raw.map { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty } }
    }

    struct TeamsView {
        var chrome: Chrome
        var notice: String?
        /// Why the new team was not added, and its name as typed.
        var error: String?
        var newTeam: String
        var teams: [TeamLine]
        var agents: [AgentLine]
    }

    struct TeamLine {
        var id: String
        var name: String
        var skills: String
        var strategies: [Option]
        var levels: [Option]
        var calendars: [Option]
        var handleMinutes: String
    }

    struct AgentLine {
        var id: String
        var name: String
        var role: String
        var skills: String
        var capacity: Int
        var active: Int
        var presences: [Option]
        var teams: [Option]
    }

    func teamsPage(_ request: Request, _ context: TouchpointContext, error: String? = nil, newTeam: String = "") async throws -> Response {
        let session = try requireAdmin(context)
        let brand = session.user.brandID
        let teams = try await app.routing.teamProfiles(brand: brand)
        let agents = try await app.routing.agentProfiles(brand: brand)
        let calendars = try await app.serviceSettings.calendars(brand: brand)
        let done = HTMLForm(urlEncoded: request.uri.query ?? "")["done"]
        let say = context.language
        let notices: [String: (en: String, pl: String)] = [
            "team": ("Team saved.", "Zespół zapisany."),
            "added": ("Team added; give it skills and levels below.", "Zespół dodany; nadaj mu poniżej umiejętności i poziomy."),
        ]
        let view = TeamsView(
            chrome: Chrome(title: say.say("Teams and agents", "Zespoły i agenci"), session: session),
            notice: done.map { notices[$0].map { say.say($0.en, $0.pl) } ?? say.say("Agent saved.", "Agent zapisany.") },
            error: error, newTeam: newTeam,
            teams: teams.map { team in
                TeamLine(id: team.team.id.text, name: team.team.name, skills: team.routing.skills.sorted().joined(separator: ", "),
                         strategies: AssignmentStrategy.allCases.map { Option(value: $0.rawValue, label: $0.words(say), selected: $0 == team.routing.strategy) },
                         levels: SupportLevel.allCases.map { Option(value: "\($0.rawValue)", label: say.say("level \($0.rawValue)", "poziom \($0.rawValue)"), selected: team.routing.levels.contains($0)) },
                         calendars: [Option(value: "", label: say.say("around the clock", "całą dobę"), selected: team.calendarID == nil)]
                            + calendars.map { Option(value: $0.id.text, label: $0.name, selected: $0.id == team.calendarID) },
                         handleMinutes: String(format: "%.0f", team.averageHandleMinutes))
            },
            agents: agents.map { agent in
                AgentLine(id: agent.user.id.text, name: agent.user.name, role: agent.user.role.words(say), skills: agent.skills.joined(separator: ", "),
                          capacity: agent.capacity, active: agent.activeCases,
                          presences: Presence.allCases.map { Option(value: $0.rawValue, label: $0.words(context.language), selected: $0 == agent.presence) },
                          teams: [Option(value: "", label: say.say("no team", "bez zespołu"), selected: agent.user.teamID == nil)]
                            + teams.map { Option(value: $0.team.id.text, label: $0.team.name, selected: $0.team.id == agent.user.teamID) })
            })
        return pages.render("teams", view, status: error == nil ? .ok : .unprocessableContent)
    }
}

extension AssignmentStrategy {
    /// How a team hands out cases, as an administrator reads it.
    func words(_ say: Language) -> String {
        switch self {
        case .leastLoaded: say.say("to whoever has the most room", "temu, kto ma najwięcej miejsca")
        case .roundRobin: say.say("to each person in turn", "każdemu po kolei")
        case .namedCSM: say.say("to the account's named advisor", "imiennemu doradcy firmy")
        }
    }
}
