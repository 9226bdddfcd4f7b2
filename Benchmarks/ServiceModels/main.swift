// Service-model benchmark: the decisions Touchpoint makes at scale, timed in-process on
// the pure core (the same functions the store and the scheduler call):
//   1. segment 100,000 accounts with the default rules (with explanations)
//   2. route 10,000 cases over 50 teams and 500 agents with on-call rosters, a fifth of them
//      after hours (loads change as cases land; who is on call is asked for every case)
//   3. recompute the SLA deadlines of 100,000 open cases on a business calendar
// and then the same through the store on SQLite (read, decide, write with events):
//   4. re-segment 100,000 accounts after a rule change
//   5. move the SLA deadlines of 100,000 open cases after a policy change
//   6. the daily health pass over 100,000 accounts with their history (target 10 seconds)
//   7. the playbook runner over 100,000 active enrollments: steps/s when all are due at once
//      (target ≥ 1,000/s), and the lag when they fall due at 1,667/s (target p99 ≤ 1 s)
//   8. what the one-need-one-case lookup adds to intake (target ≤ 1 ms at p99)
// Target on the 2-core machine: each under 2 seconds unless said. Run: Benchmarks/service-models.sh [--core]
import Foundation
import TouchpointCore

struct Generator: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state = state &* 6364136223846793005 &+ 1442695040888963407
        return state
    }
}

func measure(_ label: String, count: Int, unit: String, _ body: () -> Int) {
    let start = DispatchTime.now().uptimeNanoseconds
    let checksum = body()
    report(label, seconds: Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9, count: count, unit: unit, checksum: checksum)
}

print("Touchpoint service-model benchmark — \(ProcessInfo.processInfo.activeProcessorCount) cores, release build")
var rng = Generator(state: 2026)
let stages = JourneyStage.allCases
let complexities = ProductComplexity.allCases

// 1. Segmentation.
let accounts = (0..<100_000).map { index in
    SegmentedAccount(id: UUID(), name: "Account \(index)",
                     profile: AccountProfile(annualValue: Double(Int.random(in: 0...600_000, using: &rng)),
                                             averageOrderValue: Double(Int.random(in: 0...20_000, using: &rng)),
                                             complexity: complexities.randomElement(using: &rng)!, stage: stages.randomElement(using: &rng)!,
                                             goals: ["lower cost"], healthScore: Int.random(in: 0...100, using: &rng)),
                     current: ServiceModel.allCases.randomElement(using: &rng))
}
measure("segment 100,000 accounts (dry run)", count: accounts.count, unit: "accounts") {
    let result = DryRun.run(RuleSet.defaults, current: RuleSet.defaults, accounts: accounts)
    return result.changes.count
}

// 2. Routing, with on-call rosters: every team has one of three of its people, and a fifth of
// the cases come while the team's people are off shift, so the person on call takes them.
let skills = ["billing", "network", "meter", "field", "account", "spanish", "api", "hardware"]
let teams = (0..<50).map { index in
    TeamRouting(id: UUID(), name: "Team \(index)", skills: Set(skills.shuffled(using: &rng).prefix(3)),
                levels: Set(SupportLevel.allCases.filter { _ in Bool.random(using: &rng) }),
                strategy: AssignmentStrategy.allCases.randomElement(using: &rng)!)
}
var agents = (0..<500).map { _ in
    AgentState(id: UUID(), teamID: teams.randomElement(using: &rng)!.id, level: SupportLevel.allCases.randomElement(using: &rng),
               skills: Set(skills.shuffled(using: &rng).prefix(4)), capacity: 40, activeCases: Int.random(in: 0...10, using: &rng),
               presence: Int.random(in: 0..<5, using: &rng) == 0 ? .away : .available, onShift: true)
}
var rosters: [TeamID: OnCallRoster] = [:]
for team in teams {
    let members = agents.filter { $0.teamID == team.id }.prefix(3).map(\.id)
    guard !members.isEmpty else { continue }
    rosters[team.id] = OnCallRoster(rotation: Array(members), timeZone: "Europe/Warsaw", startsOn: "2026-01-05",
                                    overrides: [OnCallOverride(userId: members[0], from: Date(timeIntervalSince1970: 1_795_000_000),
                                                               until: Date(timeIntervalSince1970: 1_795_100_000), reason: "swap")])
}
let config = ServiceConfig(policies: [:], rules: RuleSet.defaults, topics: [], calendars: [:], staff: [], teams: [], rosters: rosters)
let needs = (0..<10_000).map { _ in
    RoutingNeed(level: SupportLevel.allCases.randomElement(using: &rng)!, skills: Set(skills.shuffled(using: &rng).prefix(Int.random(in: 0...1, using: &rng))),
                model: .highTouch)
}
let night = agents.map { agent -> AgentState in
    var off = agent
    off.onShift = false
    return off
}
measure("route 10,000 cases (50 teams, 500 agents, rosters; 1 in 5 after hours)", count: needs.count, unit: "cases") {
    var assigned = 0
    var index: [UUID: Int] = [:]
    for (position, agent) in agents.enumerated() { index[agent.id] = position }
    var cursors: [UUID: UUID] = [:]
    var paged = 0
    let instant = Date(timeIntervalSince1970: 1_795_899_600)
    for (number, need) in needs.enumerated() {
        let routed = teams.map { team -> TeamRouting in
            var copy = team
            copy.lastAssigned = cursors[team.id]
            return copy
        }
        let afterHours = number % 5 == 0
        let onCall = config.onCall(at: instant.addingTimeInterval(Double(number)), for: need.model ?? .highTouch)
        let decision = CaseRouter.route(need, teams: routed, agents: afterHours ? night : agents, onCall: onCall)
        if decision.onCall { paged += 1 }
        if let assignee = decision.assigneeID, let position = index[assignee] {
            agents[position].activeCases += 1
            assigned += 1
            if let cursor = decision.roundRobinCursor, let team = decision.teamID { cursors[team] = cursor }
        }
    }
    return assigned * 100_000 + paged
}

// 3. SLA deadlines.
let office = try! CalendarDefinition(
    timeZone: "Europe/Warsaw",
    weekly: ["mon": [["08:00", "12:00"], ["13:00", "17:00"]], "tue": [["08:00", "17:00"]], "wed": [["08:00", "17:00"]],
             "thu": [["08:00", "17:00"]], "fri": [["08:00", "16:00"]], "sat": [["09:00", "13:00"]]],
    yearlyHolidays: ["01-01", "05-01", "05-03", "11-11", "12-25", "12-26"]).calendar()
let hours = Availability.calendar(office)
let now = Date(timeIntervalSince1970: 1_795_420_800)
let targets = SLATargets(firstResponseMinutes: 480, nextResponseMinutes: 960, resolutionMinutes: 2400)
var states = (0..<100_000).map { _ in
    var state = SLAState.start(at: now.addingTimeInterval(-Double(Int.random(in: 0...30 * 86_400, using: &rng))), targets: targets,
                               atRiskShare: 0.8, on: hours)
    if Bool.random(using: &rng) { state.staffReplied(at: now.addingTimeInterval(-3600), on: hours) }
    return state
}
let newTargets = SLATargets(firstResponseMinutes: 240, nextResponseMinutes: 480, resolutionMinutes: 1920)
measure("recompute SLA deadlines of 100,000 open cases", count: states.count, unit: "cases") {
    var due = 0
    for index in states.indices {
        states[index].retarget(newTargets, atRiskShare: 0.75, on: hours)
        if states[index].nextWake != nil { due += 1 }
    }
    return due
}

// `--core` stops here: the decisions alone, in seconds rather than minutes.
if !CommandLine.arguments.contains("--core") { try await storeBenchmarks() }
