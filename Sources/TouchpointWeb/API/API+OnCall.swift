import Foundation
import Hummingbird
import TouchpointApplication
import TouchpointCore

/// A roster as sent: the rotation and zone are needed, the rest has defaults (Monday 09:00,
/// weekly turns from today, high-touch cases, 15 minutes to answer, two pages a person).
struct RosterRequest: Decodable {
    var rotation: [UUID]
    var timeZone: String
    var handoffDay: Weekday?
    var handoffTime: String?
    var weeksPerTurn: Int?
    var startsOn: String?
    var overrides: [OnCallOverride]?
    var models: [ServiceModel]?
    var acknowledgeWithinMinutes: Int?
    var pagesPerPerson: Int?

    func roster(today: Date) throws -> OnCallRoster {
        let local = CivilDate(today, timeZone: try Check.timeZone(timeZone)).description
        return OnCallRoster(rotation: rotation, timeZone: timeZone, handoffDay: handoffDay ?? .mon, handoffTime: handoffTime ?? "09:00",
                            weeksPerTurn: weeksPerTurn ?? 1, startsOn: startsOn ?? local, overrides: overrides ?? [], models: models ?? [.highTouch],
                            acknowledgeWithinMinutes: acknowledgeWithinMinutes ?? 15, pagesPerPerson: pagesPerPerson ?? 2)
    }
}

struct OnCallPersonDTO: Encodable {
    var userId: String
    var name: String
}

struct OnCallShiftDTO: Encodable {
    var userId: String
    var name: String
    var from: Date
    var until: Date
    /// Why someone covers for the rotation; absent for the rotation's own turn.
    var overrideReason: String?
}

struct OnCallOverrideDTO: Encodable {
    var userId: String
    var name: String
    var from: Date
    var until: Date
    var reason: String
}

struct RosterDTO: Encodable {
    var rotation: [OnCallPersonDTO]
    var timeZone: String
    var handoffDay: Weekday
    var handoffTime: String
    var weeksPerTurn: Int
    var startsOn: String
    var overrides: [OnCallOverrideDTO]
    var models: [ServiceModel]
    var acknowledgeWithinMinutes: Int
    var pagesPerPerson: Int
}

/// A team's roster with who is on call now and the next shifts.
struct OnCallDTO: Encodable {
    var teamId: String
    var roster: RosterDTO?
    var onCallNow: OnCallShiftDTO?
    var upcoming: [OnCallShiftDTO]

    init(team: TeamID, roster: OnCallRoster?, names: [UserID: String], now: Date) {
        func name(_ id: UserID) -> String { names[id] ?? "someone no longer on the staff" }
        func shift(_ item: OnCallShift) -> OnCallShiftDTO {
            OnCallShiftDTO(userId: item.userID.text, name: name(item.userID), from: item.from, until: item.until, overrideReason: item.overrideReason)
        }
        teamId = team.text
        self.roster = roster.map { roster in
            RosterDTO(rotation: roster.rotation.map { OnCallPersonDTO(userId: $0.text, name: name($0)) }, timeZone: roster.timeZone,
                      handoffDay: roster.handoffDay, handoffTime: roster.handoffTime, weeksPerTurn: roster.weeksPerTurn, startsOn: roster.startsOn,
                      overrides: roster.overrides.map { OnCallOverrideDTO(userId: $0.userId.text, name: name($0.userId), from: $0.from, until: $0.until, reason: $0.reason) },
                      models: roster.models, acknowledgeWithinMinutes: roster.acknowledgeWithinMinutes, pagesPerPerson: roster.pagesPerPerson)
        }
        onCallNow = roster?.shift(at: now).map(shift)
        upcoming = roster?.shifts(from: now, count: 6).map(shift) ?? []
    }
}

struct OnCallPageDTO: Encodable {
    var caseId: String
    var teamId: String
    var userId: String
    var name: String
    var state: String
    var pages: Int
    var pagesPerPerson: Int
    var acknowledgeWithinMinutes: Int
    var pagedAt: Date
    var dueAt: Date
    var acknowledgedAt: Date?
    /// Who is paged next when this person does not answer, in order.
    var next: [OnCallPersonDTO]

    init(_ page: OnCallPage, names: [UserID: String]) {
        caseId = page.caseID.text
        teamId = page.teamID.text
        userId = page.userID.text
        name = names[page.userID] ?? "someone"
        state = page.state
        pages = page.pages
        pagesPerPerson = page.pagesPerPerson
        acknowledgeWithinMinutes = page.acknowledgeWithinMinutes
        pagedAt = page.pagedAt
        dueAt = page.dueAt
        acknowledgedAt = page.acknowledgedAt
        next = page.chain.drop { $0 != page.userID }.dropFirst().map { OnCallPersonDTO(userId: $0.text, name: names[$0] ?? "someone") }
    }
}

struct OverrideRequest: Decodable {
    var userId: UUID
    var from: Date
    var until: Date
    var reason: String
}

extension API {
    func addOnCallRoutes(to group: RouterGroup<TouchpointContext>) {
        @Sendable func names(_ brand: BrandID) async throws -> [UserID: String] {
            Dictionary(try await app.routing.agentProfiles(brand: brand).map { ($0.user.id, $0.user.name) }, uniquingKeysWith: { a, _ in a })
        }
        @Sendable func answer(_ team: TeamID, _ roster: OnCallRoster?, _ brand: BrandID, status: HTTPResponse.Status = .ok) async throws -> Response {
            try JSONIO.response(OnCallDTO(team: team, roster: roster, names: try await names(brand), now: app.environment.now()), status: status)
        }
        group.get("teams/{id}/on-call") { _, context in
            let caller = try context.caller(may: .readCustomers)
            let team = try context.parameters.id()
            return try await answer(team, try await app.routing.roster(team: team, brand: caller.brandID), caller.brandID)
        }
        group.put("teams/{id}/on-call") { request, context in
            let caller = try context.caller(may: .administer)
            let body = try await io.decode(RosterRequest.self, from: request)
            let team = try context.parameters.id()
            let saved = try await app.routing.setRoster(try body.roster(today: app.environment.now()), team: team, brand: caller.brandID,
                                                        actor: .staff(caller.userID))
            return try await answer(team, saved, caller.brandID)
        }
        group.delete("teams/{id}/on-call") { _, context in
            let caller = try context.caller(may: .administer)
            _ = try await app.routing.setRoster(nil, team: try context.parameters.id(), brand: caller.brandID, actor: .staff(caller.userID))
            return Response(status: .noContent)
        }
        group.post("teams/{id}/on-call/overrides") { request, context in
            // Leads arrange cover among their people: managers may, as administrators do.
            let caller = try context.caller(may: .arrangeCover)
            let body = try await io.decode(OverrideRequest.self, from: request)
            let team = try context.parameters.id()
            let saved = try await app.routing.addOverride(OnCallOverride(userId: body.userId, from: body.from, until: body.until, reason: body.reason),
                                                          team: team, brand: caller.brandID, actor: .staff(caller.userID))
            return try await answer(team, saved, caller.brandID, status: .created)
        }
        group.get("cases/{id}/on-call") { _, context in
            let caller = try context.caller(may: .readCustomers)
            let item = try await findCase(context, caller)
            guard let page = try await app.routing.onCallPage(case: item.id, brand: caller.brandID) else {
                throw Problem(.notFound, "nobody was paged for this case")
            }
            return try JSONIO.response(OnCallPageDTO(page, names: try await names(caller.brandID)))
        }
        group.post("cases/{id}/on-call/acknowledge") { _, context in
            let caller = try context.caller(may: .handleCases)
            let item = try await findCase(context, caller)
            let page = try await app.routing.acknowledgePage(case: item.id, brand: caller.brandID, user: caller.userID)
            return try JSONIO.response(OnCallPageDTO(page, names: try await names(caller.brandID)))
        }
    }
}
