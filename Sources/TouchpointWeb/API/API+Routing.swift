import Foundation
import Hummingbird
import TouchpointApplication
import TouchpointCore

struct TopicDTO: Codable {
    var name: String
    var skills: [String]
    var level: SupportLevel
    var teamId: UUID?

    init(_ topic: RoutingTopic) {
        name = topic.name
        skills = topic.skills
        level = topic.level
        teamId = topic.teamId
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(name, forKey: .name)
        try c.encode(skills, forKey: .skills)
        try c.encode(level, forKey: .level)
        try c.encodeIfPresent(teamId?.text, forKey: .teamId)
    }
}

struct TopicsDTO: Codable {
    var topics: [TopicDTO]
}

struct TeamProfileDTO: Encodable {
    var id: String
    var name: String
    var calendarId: String?
    var strategy: AssignmentStrategy
    var skills: [String]
    var levels: [SupportLevel]
    var averageHandleMinutes: Double

    init(_ profile: TeamProfile) {
        id = profile.team.id.text
        name = profile.team.name
        calendarId = profile.calendarID?.text
        strategy = profile.routing.strategy
        skills = profile.routing.skills.sorted()
        levels = profile.routing.levels.sorted()
        averageHandleMinutes = profile.averageHandleMinutes
    }
}

struct NewTeamRequest: Decodable {
    var name: String
}

struct NewStaffRequest: Decodable {
    var email: String
    var name: String
    var role: Role
    var teamId: String?
    /// Set at once, so they can sign in; without it, an administrator sets one later.
    var password: String?
}

struct TeamPatchRequest: Decodable {
    var changes: TeamChanges

    enum CodingKeys: String, CodingKey { case calendarId, strategy, skills, levels, averageHandleMinutes }

    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        changes = TeamChanges(calendarID: try c.decodePatch(UUID.self, forKey: .calendarId),
                              strategy: try c.decodeIfPresent(AssignmentStrategy.self, forKey: .strategy),
                              skills: try c.decodeIfPresent([String].self, forKey: .skills),
                              levels: try c.decodeIfPresent([SupportLevel].self, forKey: .levels),
                              averageHandleMinutes: try c.decodeIfPresent(Double.self, forKey: .averageHandleMinutes))
    }
}

struct AgentDTO: Encodable {
    var id: String
    var name: String
    var email: String
    var role: Role
    var level: SupportLevel?
    var teamId: String?
    var skills: [String]
    var capacity: Int
    var activeCases: Int
    var presence: Presence
    var shiftCalendarId: String?
    /// The number on-call pages go to by SMS.
    var phone: String?
    /// How the person is paged when on call: `sms` or `email`.
    var pageBy: PageBy
    /// The regions a CSM covers and the languages they speak.
    var regions: [String]
    var languages: [Language]
    /// The language the console, notification emails and on-call texts use for them (nil:
    /// their browser's, else the brand's).
    var consoleLanguage: Language?

    init(_ profile: AgentProfile) {
        id = profile.user.id.text
        consoleLanguage = profile.user.language
        name = profile.user.name
        email = profile.user.email
        role = profile.user.role
        level = profile.user.role.supportLevel
        teamId = profile.user.teamID?.text
        skills = profile.skills
        capacity = profile.capacity
        activeCases = profile.activeCases
        presence = profile.presence
        shiftCalendarId = profile.shiftCalendarID?.text
        phone = profile.phone
        pageBy = profile.pageBy
        regions = profile.regions
        languages = profile.languages
    }
}

struct AgentPatchRequest: Decodable {
    var changes: AgentChanges
    /// The console language to keep for them; `.some(nil)` forgets it.
    var consoleLanguage: Language??

    enum CodingKeys: String, CodingKey { case skills, capacity, presence, shiftCalendarId, teamId, phone, pageBy, regions, languages, consoleLanguage }

    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        consoleLanguage = try c.decodePatch(Language.self, forKey: .consoleLanguage)
        changes = AgentChanges(skills: try c.decodeIfPresent([String].self, forKey: .skills),
                               capacity: try c.decodeIfPresent(Int.self, forKey: .capacity),
                               presence: try c.decodeIfPresent(Presence.self, forKey: .presence),
                               shiftCalendarID: try c.decodePatch(UUID.self, forKey: .shiftCalendarId),
                               teamID: try c.decodePatch(UUID.self, forKey: .teamId),
                               phone: try c.decodePatch(String.self, forKey: .phone),
                               pageBy: try c.decodeIfPresent(PageBy.self, forKey: .pageBy),
                               regions: try c.decodeIfPresent([String].self, forKey: .regions),
                               languages: try c.decodeIfPresent([Language].self, forKey: .languages))
    }
}

/// `PUT /me/language`: `{"language": "pl"}`, or `null` for the browser's language.
struct ConsoleLanguageRequest: Decodable {
    var language: Language?

    enum CodingKeys: String, CodingKey { case language }

    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        // Required, though it may be null: an empty body must not forget the choice.
        guard c.contains(.language) else {
            throw DecodingError.keyNotFound(CodingKeys.language, .init(codingPath: [], debugDescription: "language is required"))
        }
        language = try c.decodeIfPresent(Language.self, forKey: .language)
    }
}

struct PresenceRequest: Decodable {
    var presence: Presence
}

struct EscalateRequest: Decodable {
    var reason: String?
    /// The step to move to; one step when absent.
    var to: EscalationStep?
}

struct ManagerRequest: Decodable {
    /// What the customer said, kept with the escalation.
    var note: String?
}

struct EscalationDTO: Encodable {
    var from: EscalationStep
    var to: EscalationStep
    var reason: String
    var capped: Bool
}

struct LadderResultDTO: JSONWritable {
    var item: CaseDTO
    var escalation: EscalationDTO

    func write(to out: inout JSONOut) {
        out.object {
            $0.field("case", item)
            $0.field("escalation", [
                "from": .string(escalation.from.rawValue), "to": .string(escalation.to.rawValue),
                "reason": .string(escalation.reason), "capped": .bool(escalation.capped),
            ] as [String: JSONValue])
        }
    }
}

struct RoutedDTO: JSONWritable {
    var item: CaseDTO
    var explanation: String

    func write(to out: inout JSONOut) {
        out.object {
            $0.field("case", item)
            $0.field("explanation", explanation)
        }
    }
}

struct SLAClockDTO: Encodable {
    var clock: SLAClockKind
    /// What the clock says now (`SLALabel`, decided in the core).
    var state: SLALabel
    var targetMinutes: Int
    var elapsedMinutes: Double
    var dueAt: Date?
    var atRiskAt: Date?
    var remainingMinutes: Double?
    var breachedAt: Date?
    var stoppedAt: Date?
}

struct SLADTO: Encodable {
    var caseId: String
    var serviceModel: ServiceModel?
    var availability: String
    var atRiskShare: Double?
    var clocks: [SLAClockDTO]
}

struct WaitEstimateDTO: Encodable {
    var contactPoint: ContactPoint
    var teamId: String?
    var teamName: String?
    var serviceModel: ServiceModel?
    var humanReach: HumanReach?
    var offered: Bool?
    var humanAvailable: Bool
    var estimatedWaitMinutes: Double?
    var probabilityOfWaiting: Double?
    var demandExceedsCapacity: Bool
    var explanation: String
}

extension API {
    func addRoutingRoutes(to group: RouterGroup<TouchpointContext>) {
        group.get("routing/topics") { _, context in
            let caller = try context.caller(may: .readCustomers)
            return try JSONIO.response(TopicsDTO(topics: try await app.serviceSettings.serviceConfig(brand: caller.brandID).topics.map(TopicDTO.init)))
        }
        group.put("routing/topics") { request, context in
            let caller = try context.caller(may: .administer)
            let body = try await io.decode(TopicsDTO.self, from: request)
            let saved = try await app.serviceSettings.setTopics(body.topics.map { RoutingTopic(name: $0.name, skills: $0.skills, level: $0.level, teamId: $0.teamId) },
                                                  brand: caller.brandID, actor: .staff(caller.userID))
            return try JSONIO.response(TopicsDTO(topics: saved.map(TopicDTO.init)))
        }
        group.get("teams/{id}") { _, context in
            let caller = try context.caller(may: .readCustomers)
            let id = try context.parameters.id()
            guard let team = try await app.routing.teamProfiles(brand: caller.brandID).first(where: { $0.team.id == id }) else {
                throw Problem(.notFound, "team \(id.text) not found")
            }
            return try JSONIO.response(TeamProfileDTO(team))
        }
        group.patch("teams/{id}") { request, context in
            let caller = try context.caller(may: .administer)
            let body = try await io.decode(TeamPatchRequest.self, from: request)
            let id = try context.parameters.id()
            guard try await app.routing.teamProfiles(brand: caller.brandID).contains(where: { $0.team.id == id }) else {
                throw Problem(.notFound, "team \(id.text) not found")
            }
            return try JSONIO.response(TeamProfileDTO(try await app.routing.updateTeam(id, brand: caller.brandID, actor: .staff(caller.userID), changes: body.changes)))
        }
        group.get("staff/{id}") { _, context in
            let caller = try context.caller(may: .readCustomers)
            return try JSONIO.response(AgentDTO(try await app.routing.agentProfile(try context.parameters.id(), brand: caller.brandID)))
        }
        group.patch("staff/{id}") { request, context in
            let caller = try context.caller(may: .administer)
            let body = try await io.decode(AgentPatchRequest.self, from: request)
            let id = try context.parameters.id()
            _ = try await app.routing.agentProfile(id, brand: caller.brandID)
            if let language = body.consoleLanguage {
                try await app.staffNotifications.setLanguage(language, userID: id, brand: caller.brandID)
            }
            return try JSONIO.response(AgentDTO(try await app.routing.updateAgent(id, brand: caller.brandID, actor: .staff(caller.userID), changes: body.changes)))
        }
        group.put("me/language") { request, context in
            // Anyone may choose their own language, but not with a read-only token.
            let caller = try context.caller(may: .readCustomers)
            guard caller.scope != .read else { throw Problem(.forbidden, "this token is read-only") }
            let body = try await io.decode(ConsoleLanguageRequest.self, from: request)
            try await app.staffNotifications.setLanguage(body.language, userID: caller.userID, brand: caller.brandID)
            return try JSONIO.response(AgentDTO(try await app.routing.agentProfile(caller.userID, brand: caller.brandID)))
        }
        group.put("me/presence") { request, context in
            let caller = try context.caller(may: .handleCases)
            let body = try await io.decode(PresenceRequest.self, from: request)
            let profile = try await app.routing.updateAgent(caller.userID, brand: caller.brandID, actor: .staff(caller.userID), changes: AgentChanges(presence: body.presence))
            return try JSONIO.response(AgentDTO(profile))
        }
        group.post("cases/{id}/route") { _, context in
            let caller = try context.caller(may: .handleCases)
            let item = try await findCase(context, caller)
            let (routed, decision) = try await app.routing.routeCase(item.id, brand: caller.brandID, actor: .staff(caller.userID))
            return JSONIO.response(RoutedDTO(item: CaseDTO(routed, prefix: try await prefix(caller)), explanation: decision.explanation))
        }
        group.post("cases/{id}/escalate") { request, context in
            let caller = try context.caller(may: .handleCases)
            let body = try await io.decode(EscalateRequest.self, from: request)
            let item = try await findCase(context, caller)
            let (moved, decision) = try await app.routing.escalate(item.id, brand: caller.brandID, actor: .staff(caller.userID),
                                                              trigger: .manual(reason: body.reason ?? "", target: body.to))
            return try await ladderResponse(moved, decision, caller)
        }
        group.post("cases/{id}/deescalate") { request, context in
            let caller = try context.caller(may: .handleCases)
            let body = try await io.decode(EscalateRequest.self, from: request)
            let item = try await findCase(context, caller)
            let (moved, decision) = try await app.routing.deescalate(item.id, brand: caller.brandID, actor: .staff(caller.userID), to: body.to, reason: body.reason ?? "")
            return try await ladderResponse(moved, decision, caller)
        }
        group.post("cases/{id}/manager-request") { request, context in
            let caller = try context.caller(may: .handleCases)
            let body = try await io.decode(ManagerRequest.self, from: request)
            let item = try await findCase(context, caller)
            var (moved, decision) = try await app.routing.escalate(item.id, brand: caller.brandID, actor: .contact(item.contactID), trigger: .customerRequestedManager)
            if let note = body.note?.trimmedWhitespace, !note.isEmpty {
                (moved, _) = try await app.cases.addInteraction(caseID: item.id, brand: caller.brandID, actor: .staff(caller.userID),
                                                            request: NewInteraction(direction: .internal, body: "Customer asked for a manager: \(note)"))
            }
            return try await ladderResponse(moved, decision, caller)
        }
        group.get("cases/{id}/sla") { _, context in
            let caller = try context.caller(may: .readCustomers)
            let item = try await findCase(context, caller)
            let config = try await app.serviceSettings.serviceConfig(brand: caller.brandID)
            let model = item.serviceModel
            let availability = model.map(config.availability) ?? .always
            let calendarName: String
            if case .calendar = availability, let id = model.flatMap({ config.policy($0).calendarId }) {
                calendarName = "business hours: " + (config.calendars[id]?.name ?? id.text)
            } else {
                calendarName = "24/7"
            }
            let now = app.environment.now()
            let clocks = (item.sla?.clocks ?? []).map { clock -> SLAClockDTO in
                var elapsed = clock.elapsedSeconds
                if let since = clock.runningSince, clock.stoppedAt == nil { elapsed += max(0, availability.seconds(from: since, to: now)) }
                let remaining = clock.isRunning ? (Double(clock.targetMinutes) * 60 - elapsed) / 60 : nil
                return SLAClockDTO(clock: clock.kind, state: clock.label(at: now), targetMinutes: clock.targetMinutes, elapsedMinutes: (elapsed / 6).rounded() / 10,
                                   dueAt: clock.dueAt, atRiskAt: clock.warnAt, remainingMinutes: remaining.map { ($0 * 10).rounded() / 10 },
                                   breachedAt: clock.breachedAt, stoppedAt: clock.stoppedAt)
            }
            return try JSONIO.response(SLADTO(caseId: item.id.text, serviceModel: model, availability: calendarName,
                                              atRiskShare: item.sla?.atRiskShare, clocks: clocks))
        }
        group.get("wait-estimate") { request, context in
            let caller = try context.caller(may: .readCustomers)
            let query = Query(request: request)
            guard let contactPoint = try query.wire("contactPoint", as: ContactPoint.self) else {
                throw Problem.invalid(ValidationError(field: "contactPoint", reason: "is required"))
            }
            let result = try await app.routing.waitEstimate(brand: caller.brandID, contactPoint: contactPoint, teamID: try query.uuid("teamId"),
                                                      topic: query.string("topic"), account: try query.uuid("accountId"))
            let policy = try await result.model.asyncMap { try await app.serviceSettings.serviceConfig(brand: caller.brandID).policy($0) }
            return try JSONIO.response(WaitEstimateDTO(
                contactPoint: contactPoint, teamId: result.team?.team.id.text, teamName: result.team?.team.name, serviceModel: result.model,
                humanReach: policy?.humanReach, offered: policy.map { $0.offeredContactPoints.contains(contactPoint) },
                humanAvailable: result.estimate.humanAvailable, estimatedWaitMinutes: result.estimate.minutes,
                probabilityOfWaiting: result.estimate.probabilityOfWaiting.map { ($0 * 1000).rounded() / 1000 },
                demandExceedsCapacity: result.estimate.demandExceedsCapacity, explanation: result.estimate.explanation))
        }
    }

    func ladderResponse(_ moved: Case, _ decision: EscalationDecision, _ caller: Principal) async throws -> Response {
        JSONIO.response(LadderResultDTO(item: CaseDTO(moved, prefix: try await prefix(caller)),
                                        escalation: EscalationDTO(from: decision.from, to: decision.to, reason: decision.reason, capped: decision.capped)))
    }
}
