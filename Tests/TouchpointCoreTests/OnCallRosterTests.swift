import Foundation
import Testing
@testable import TouchpointCore

@Suite("On-call rosters: weekly turns at a wall-clock hand-off, overrides, whom to page next")
struct OnCallRosterTests {
    let ola = UUID(), piotr = UUID(), anna = UUID()
    /// Monday 2026-03-02 09:00 in Warsaw (CET), the first hand-off; checked with Python's zoneinfo.
    static let firstHandoff = Date(timeIntervalSince1970: 1_772_438_400)
    /// Monday 2026-03-30 09:00 in Warsaw, the first hand-off in summer time (CEST).
    static let summerHandoff = Date(timeIntervalSince1970: 1_774_854_000)

    func roster(weeks: Int = 1, overrides: [OnCallOverride] = []) -> OnCallRoster {
        OnCallRoster(rotation: [ola, piotr, anna], timeZone: "Europe/Warsaw", handoffDay: .mon, handoffTime: "09:00", weeksPerTurn: weeks,
                     startsOn: "2026-02-27", overrides: overrides)
    }

    @Test func turnsPassAtTheHandOffAndWrapAroundTheRotation() {
        let weekly = roster()
        // Starting on a Friday, the first turn begins at the next Monday's hand-off.
        #expect(weekly.shift(at: Self.firstHandoff.addingTimeInterval(-1)) == nil)
        let first = weekly.shift(at: Self.firstHandoff)
        #expect(first == OnCallShift(userID: ola, from: Self.firstHandoff, until: Self.firstHandoff.addingTimeInterval(7 * 86_400)))
        // Early on the next Monday the turn is still Ola's; at 09:00 it is Piotr's.
        let nextMonday = Self.firstHandoff.addingTimeInterval(7 * 86_400)
        #expect(weekly.shift(at: nextMonday.addingTimeInterval(-60))?.userID == ola)
        #expect(weekly.shift(at: nextMonday)?.userID == piotr)
        #expect(weekly.shift(at: nextMonday.addingTimeInterval(14 * 86_400))?.userID == ola, "three people: the fourth week is Ola's again")
        // Across the change to summer time the hand-off stays at 09:00 on the wall clock:
        // the week holding the change is an hour short.
        let summer = weekly.shift(at: Self.summerHandoff)
        #expect(summer?.userID == piotr && summer?.from == Self.summerHandoff, "the fifth turn: Ola, Piotr, Anna, Ola, Piotr")
        #expect(weekly.shift(at: Self.summerHandoff.addingTimeInterval(-1))?.until == Self.summerHandoff)
        #expect(Self.summerHandoff.timeIntervalSince(Self.firstHandoff) == 4 * 7 * 86_400 - 3600)
    }

    @Test func longerTurnsAndTheShiftsAhead() {
        let fortnightly = roster(weeks: 2)
        #expect(fortnightly.shift(at: Self.firstHandoff.addingTimeInterval(13 * 86_400))?.userID == ola)
        #expect(fortnightly.shift(at: Self.firstHandoff.addingTimeInterval(14 * 86_400))?.userID == piotr)
        // Asked before the roster starts, the shifts ahead begin at the first hand-off.
        let ahead = fortnightly.shifts(from: Self.firstHandoff.addingTimeInterval(-86_400), count: 3)
        #expect(ahead.map(\.userID) == [ola, piotr, anna])
        #expect(ahead.first?.from == Self.firstHandoff && zip(ahead, ahead.dropFirst()).allSatisfy { $0.until == $1.from })
    }

    @Test func anOverrideCoversItsSpanAndSplitsTheTurn() {
        // Anna covers Wednesday 12:00 to Thursday 12:00 of Ola's week.
        let wednesday = Date(timeIntervalSince1970: 1_772_622_000), thursday = Date(timeIntervalSince1970: 1_772_708_400)
        let covered = roster(overrides: [OnCallOverride(userId: anna, from: wednesday, until: thursday, reason: "Ola at a wedding")])
        #expect(covered.shift(at: wednesday.addingTimeInterval(3600)) == OnCallShift(userID: anna, from: wednesday, until: thursday, overrideReason: "Ola at a wedding"))
        let before = covered.shift(at: wednesday.addingTimeInterval(-3600))
        #expect(before?.userID == ola && before?.until == wednesday, "Ola's span ends where the cover starts")
        let after = covered.shift(at: thursday)
        #expect(after?.userID == ola && after?.from == thursday)
        let ahead = covered.shifts(from: Self.firstHandoff, count: 4)
        #expect(ahead.map(\.userID) == [ola, anna, ola, piotr])
        // Paging order: whoever covers, then the rotation from the person whose turn it is.
        #expect(covered.chain(at: wednesday.addingTimeInterval(60)) == [anna, ola, piotr])
        #expect(covered.chain(at: Self.firstHandoff) == [ola, piotr, anna])
        #expect(covered.chain(at: Self.firstHandoff.addingTimeInterval(-1)) == [])
    }

    @Test func pagingRepeatsThenHandsOverThenGivesUp() {
        let chain = [ola, piotr]
        #expect(OnCallPaging.next(chain: chain, current: ola, pages: 1, pagesPerPerson: 2) == .pageAgain(ola, page: 2))
        #expect(OnCallPaging.next(chain: chain, current: ola, pages: 2, pagesPerPerson: 2) == .handOver(to: piotr))
        #expect(OnCallPaging.next(chain: chain, current: piotr, pages: 1, pagesPerPerson: 1) == .nobodyAnswered)
        #expect(OnCallPaging.next(chain: chain, current: anna, pages: 2, pagesPerPerson: 2) == .nobodyAnswered, "someone outside the chain: nobody to hand to")
    }

    @Test func aRosterIsCheckedFieldByField() throws {
        let members: Set<UserID> = [ola, piotr, anna]
        _ = try roster().validated(members: members)
        func refusal(_ change: (inout OnCallRoster) -> Void) -> String? {
            var copy = roster()
            change(&copy)
            do { _ = try copy.validated(members: members); return nil } catch { return error.field }
        }
        #expect(refusal { $0.rotation = [] } == "rotation")
        #expect(refusal { $0.rotation = [self.ola, self.ola] } == "rotation")
        #expect(refusal { $0.rotation = [self.ola, UUID()] } == "rotation[1]")
        #expect(refusal { $0.timeZone = "Mars/Olympus" } == "timeZone")
        #expect(refusal { $0.handoffTime = "25:00" } == "handoffTime")
        #expect(refusal { $0.weeksPerTurn = 0 } == "weeksPerTurn")
        #expect(refusal { $0.startsOn = "next monday" } == "startsOn")
        #expect(refusal { $0.overrides = [OnCallOverride(userId: self.ola, from: Self.firstHandoff, until: Self.firstHandoff, reason: "x")] } == "overrides[0].until")
        #expect(refusal { $0.overrides = [OnCallOverride(userId: UUID(), from: Self.firstHandoff, until: Self.summerHandoff, reason: "x")] } == "overrides[0].userId")
        #expect(refusal { $0.models = [] } == "models")
        #expect(refusal { $0.acknowledgeWithinMinutes = 0 } == "acknowledgeWithinMinutes")
        #expect(refusal { $0.pagesPerPerson = 11 } == "pagesPerPerson")
    }

    @Test func routingGivesACaseToThePersonOnCallOnlyWhenNobodyQualifiedIsAtWork() {
        let team = TeamRouting(id: UUID(), name: "Customer success", skills: [], levels: [], strategy: .leastLoaded)
        let other = TeamRouting(id: UUID(), name: "Technical", skills: [], levels: [], strategy: .leastLoaded)
        let atHome = AgentState(id: ola, teamID: team.id, level: .advanced, skills: [], capacity: 5, activeCases: 0, presence: .offline, onShift: false)
        let need = RoutingNeed(level: .basic, skills: [], model: .highTouch)
        // Nobody at work anywhere: the team with someone on call wins, and that person is paged.
        let decision = CaseRouter.route(need, teams: [other, team], agents: [atHome], onCall: [team.id: piotr])
        #expect(decision.teamID == team.id && decision.assigneeID == piotr && decision.onCall, "\(decision.explanation)")
        #expect(decision.explanation.contains("on call"))
        // Someone qualified at work but full: the case waits for them, nobody is paged.
        let busy = AgentState(id: anna, teamID: team.id, level: .advanced, skills: [], capacity: 1, activeCases: 1, presence: .available, onShift: true)
        let waiting = CaseRouter.route(need, teams: [team], agents: [atHome, busy], onCall: [team.id: piotr])
        #expect(waiting.assigneeID == nil && !waiting.onCall, "\(waiting.explanation)")
        // Someone free: they take it.
        var free = busy
        free.activeCases = 0
        #expect(CaseRouter.route(need, teams: [team], agents: [free], onCall: [team.id: piotr]).assigneeID == anna)
    }

    @Test func randomRoutingPagesOnlyTheTeamsPersonOnCallWhenNobodyIsAtWork() {
        var rng = PropertyTests.Seeded(state: 41)
        var paged = 0
        for _ in 0..<2000 {
            let teams = (0..<Int.random(in: 1...3, using: &rng)).map { TeamRouting(id: UUID(), name: "T\($0)", skills: [], levels: [], strategy: .leastLoaded) }
            let agents = (0..<Int.random(in: 0...6, using: &rng)).map { _ in
                AgentState(id: UUID(), teamID: teams.randomElement(using: &rng)?.id, level: SupportLevel.allCases.randomElement(using: &rng),
                           skills: [], capacity: 2, activeCases: Int.random(in: 0...2, using: &rng),
                           presence: Presence.allCases.randomElement(using: &rng)!, onShift: Bool.random(using: &rng))
            }
            var onCall: [TeamID: UserID] = [:]
            for team in teams where Bool.random(using: &rng) { onCall[team.id] = UUID() }
            let need = RoutingNeed(level: SupportLevel.allCases.randomElement(using: &rng)!, skills: [])
            let decision = CaseRouter.route(need, teams: teams, agents: agents, onCall: onCall)
            let qualifiedAtWork = agents.contains { $0.teamID == decision.teamID && $0.isReachable && $0.qualifies(skills: [], level: need.level) }
            if decision.onCall {
                paged += 1
                #expect(decision.assigneeID == decision.teamID.flatMap { onCall[$0] }, "only the chosen team's person on call")
                #expect(!qualifiedAtWork, "never while someone qualified in the team is at work")
            } else if let assignee = decision.assigneeID {
                #expect(agents.contains { $0.id == assignee && $0.isReachable && $0.hasRoom })
            } else {
                // Left waiting: then either someone qualified is at work (busy) or nobody is on call there.
                #expect(qualifiedAtWork || decision.teamID.map { onCall[$0] == nil } ?? true, "\(decision.explanation)")
            }
        }
        #expect(paged > 100)
    }
}
