import Foundation
import Testing
@testable import TouchpointCore

@Suite("Segmentation explains itself, mixes models, and the ladder respects each model's ceiling")
struct ServiceModelTests {
    let rules = RuleSet.defaults

    struct SegmentCase: CustomTestStringConvertible, Sendable {
        var name: String
        var profile: AccountProfile
        var role: String?
        var model: ServiceModel
        var explanation: String
        var testDescription: String { name }
    }

    @Test(arguments: [
        SegmentCase(name: "strategic", profile: AccountProfile(annualValue: 240_000, complexity: .high, stage: .adoption, healthScore: 80), role: nil,
                    model: .highTouch, explanation: "High-touch: annual value 240,000 ≥ 100,000 and complexity high (rule 'Strategic')"),
        SegmentCase(name: "onboarding care", profile: AccountProfile(annualValue: 60_000, complexity: .low, stage: .onboarding, healthScore: 80), role: nil,
                    model: .highTouch, explanation: "High-touch: stage onboarding and annual value 60,000 ≥ 50,000 (rule 'Onboarding care')"),
        SegmentCase(name: "same account after onboarding", profile: AccountProfile(annualValue: 60_000, complexity: .low, stage: .adoption, healthScore: 80), role: nil,
                    model: .midTouch, explanation: "Mid-touch: annual value 60,000 ≥ 50,000 (rule 'Key accounts')"),
        SegmentCase(name: "at risk", profile: AccountProfile(annualValue: 12_500.5, stage: .atRisk, healthScore: 30), role: nil,
                    model: .midTouch, explanation: "Mid-touch: health score 30 < 40 and annual value 12,500.5 ≥ 10,000 (rule 'At risk')"),
        SegmentCase(name: "small but complex", profile: AccountProfile(annualValue: 900, complexity: .medium, stage: .adoption), role: nil,
                    model: .lowTouch, explanation: "Low-touch: complexity medium in {medium, high} (rule 'Complex products')"),
        SegmentCase(name: "default", profile: AccountProfile(annualValue: 100, complexity: .low, stage: .adoption), role: nil,
                    model: .techTouch, explanation: "Tech-touch: no rule matched (the default model)"),
        SegmentCase(name: "decision maker of a key account", profile: AccountProfile(annualValue: 60_000, stage: .adoption), role: "CFO, Decision Maker",
                    model: .highTouch,
                    explanation: "High-touch: annual value 60,000 ≥ 50,000 and contact role 'CFO, Decision Maker' contains 'decision maker' (rule 'Strategic decision makers'); the account itself is Mid-touch"),
        SegmentCase(name: "other user of a key account", profile: AccountProfile(annualValue: 60_000, stage: .adoption), role: "Engineer",
                    model: .midTouch, explanation: "Mid-touch: annual value 60,000 ≥ 50,000 (rule 'Key accounts')"),
    ])
    func segmentation(_ example: SegmentCase) {
        let result = example.role == nil
            ? rules.evaluate(SegmentSubject(profile: example.profile))
            : rules.evaluateContact(profile: example.profile, role: example.role)
        #expect(result.model == example.model)
        #expect(result.explanation == example.explanation)
    }

    @Test func explanationsReadInPolish() {
        let space = "\u{00A0}"
        let strategic = rules.evaluate(SegmentSubject(profile: AccountProfile(annualValue: 240_000, complexity: .high, stage: .adoption, healthScore: 80)))
        #expect(strategic.explanation(.pl) == "High-touch: wartość roczna 240\(space)000 ≥ 100\(space)000 i złożoność wysoka (reguła „Strategic”)")
        let atRisk = rules.evaluate(SegmentSubject(profile: AccountProfile(annualValue: 12_500.5, stage: .atRisk, healthScore: 30)))
        #expect(atRisk.explanation(.pl) == "Mid-touch: wynik kondycji 30 < 40 i wartość roczna 12\(space)500,5 ≥ 10\(space)000 (reguła „At risk”)")
        let complex = rules.evaluate(SegmentSubject(profile: AccountProfile(annualValue: 900, complexity: .medium, stage: .adoption)))
        #expect(complex.explanation(.pl) == "Low-touch: złożoność średnia w {średnia, wysoka} (reguła „Complex products”)")
        let none = rules.evaluate(SegmentSubject(profile: AccountProfile(annualValue: 100, complexity: .low, stage: .adoption)))
        #expect(none.explanation(.pl) == "Tech-touch: żadna reguła nie pasuje (model domyślny)")
        let person = rules.evaluateContact(profile: AccountProfile(annualValue: 60_000, stage: .adoption), role: "CFO, Decision Maker")
        #expect(person.explanation(.pl)
                == "High-touch: wartość roczna 60\(space)000 ≥ 50\(space)000 i rola kontaktu „CFO, Decision Maker” zawiera „decision maker” (reguła „Strategic decision makers”); sama firma: Mid-touch")
        // A condition that failed reads with the comparison that held instead, free text quoted,
        // an empty role as none.
        let unmet = SegmentCondition(.contactRole, .contains, .text("cfo")).test(SegmentSubject(profile: AccountProfile(), contactRole: ""))
        #expect(!unmet.0 && unmet.1.words(.en) == "contact role (none) does not contain 'cfo'" && unmet.1.words(.pl) == "rola kontaktu (brak) nie zawiera „cfo”")
        let stage = SegmentCondition(.stage, .ne, .text("atRisk")).test(SegmentSubject(profile: AccountProfile(stage: .atRisk)))
        #expect(!stage.0 && stage.1.words(.en) == "stage at risk = 'at risk'" && stage.1.words(.pl) == "etap zagrożony = „zagrożony”")
    }

    @Test func perContactOverrideCanLowerTheModel() throws {
        let mixed = try RuleSet(rules: [
            SegmentationRule(name: "Decision makers", model: .highTouch, conditions: [SegmentCondition(.contactRole, .contains, .text("decision maker"))]),
            SegmentationRule(name: "Other users", model: .techTouch, conditions: [SegmentCondition(.contactRole, .notContains, .text("decision maker"))]),
            SegmentationRule(name: "Valuable", model: .midTouch, conditions: [SegmentCondition(.annualValue, .gte, .number(10_000))]),
        ], defaultModel: .lowTouch).validated()
        let profile = AccountProfile(annualValue: 20_000)
        #expect(mixed.evaluate(SegmentSubject(profile: profile)).model == .midTouch)
        #expect(mixed.evaluateContact(profile: profile, role: "Head of IT, decision maker").model == .highTouch)
        #expect(mixed.evaluateContact(profile: profile, role: "Intern").model == .techTouch)
        #expect(mixed.evaluateContact(profile: profile, role: nil).model == .techTouch)
    }

    @Test func invalidRulesNameTheField() {
        let bad = RuleSet(rules: [SegmentationRule(name: "x", model: .lowTouch, conditions: [SegmentCondition(.stage, .eq, .text("dormant"))])], defaultModel: .techTouch)
        #expect(throws: ValidationError(field: "rules[0].conditions[0].value",
                                        reason: "unknown stage 'dormant'; expected one of: onboarding, adoption, renewal, expansion, atRisk, churned")) {
            try bad.validated()
        }
        let wrongType = RuleSet(rules: [SegmentationRule(name: "x", model: .lowTouch, conditions: [SegmentCondition(.annualValue, .gte, .text("lots"))])], defaultModel: .techTouch)
        #expect(throws: ValidationError(field: "rules[0].conditions[0].value", reason: "annualValue compares with a number")) { try wrongType.validated() }
        let duplicate = RuleSet(rules: [SegmentationRule(name: "A", model: .lowTouch, conditions: [SegmentCondition(.healthScore, .lt, .number(5))]),
                                        SegmentationRule(name: "a", model: .lowTouch, conditions: [SegmentCondition(.healthScore, .lt, .number(5))])],
                                defaultModel: .techTouch)
        #expect(throws: ValidationError.self) { try duplicate.validated() }
    }

    @Test func dryRunCountsAndListsChangesWithoutTouchingAnything() {
        let accounts = [
            SegmentedAccount(id: UUID(), name: "Big", profile: AccountProfile(annualValue: 200_000, complexity: .high, stage: .adoption), current: .midTouch),
            SegmentedAccount(id: UUID(), name: "Small", profile: AccountProfile(annualValue: 100, stage: .adoption), current: .techTouch),
            SegmentedAccount(id: UUID(), name: "New", profile: AccountProfile(annualValue: 7_000, stage: .adoption), current: nil),
        ]
        let result = DryRun.run(rules, current: rules, accounts: accounts)
        #expect(result.counts == [.highTouch: 1, .midTouch: 0, .lowTouch: 1, .techTouch: 1])
        #expect(result.currentCounts == [.highTouch: 0, .midTouch: 1, .lowTouch: 0, .techTouch: 1])
        #expect(result.changes.map(\.name) == ["Big", "New"])
        #expect(result.changes[0].from == .midTouch && result.changes[0].to == .highTouch)
    }

    @Test func dryRunListsContactsWhoseOwnModelWouldChange() {
        // setup: a key account (mid-touch) with a decision maker (high-touch by a contact rule),
        // an IT admin, and a small account's decision maker
        let key = SegmentedAccount(id: UUID(), name: "Key", profile: AccountProfile(annualValue: 60_000, stage: .adoption), current: .midTouch)
        let small = SegmentedAccount(id: UUID(), name: "Small", profile: AccountProfile(annualValue: 100, stage: .adoption), current: .techTouch)
        let boss = SegmentedContact(id: UUID(), name: "Ewa", title: "Decision maker", accountID: key.id)
        let admin = SegmentedContact(id: UUID(), name: "Jan", title: "IT admin", accountID: key.id)
        let smallBoss = SegmentedContact(id: UUID(), name: "Ola", title: "Decision maker", accountID: small.id)
        // act: the candidate rules drop the decision-maker rule and send IT admins to self-service
        var candidate = rules
        candidate.rules.removeAll { $0.name == "Strategic decision makers" }
        candidate.rules.insert(SegmentationRule(name: "Admins self-serve", model: .techTouch, conditions: [
            SegmentCondition(.contactRole, .contains, .text("it admin"))]), at: 0)
        let result = DryRun.run(candidate, current: rules, accounts: [key, small], contacts: [boss, admin, smallBoss])
        // check: no account changes, but Ewa falls back to her account's model and Jan leaves it;
        // Ola followed her account before and after, so she is not listed
        #expect(result.changes.isEmpty)
        #expect(result.contactChanges.map(\.name) == ["Ewa", "Jan"])
        #expect(result.contactChanges[0].from == .highTouch && result.contactChanges[0].to == .midTouch)
        #expect(result.contactChanges[1].from == .midTouch && result.contactChanges[1].to == .techTouch)
        #expect(result.contactChanges[1].explanation.contains("Admins self-serve"), "\(result.contactChanges[1].explanation)")
        #expect(result.contactChanges.allSatisfy { $0.accountName == "Key" })
        // The same rules change nobody.
        #expect(DryRun.run(rules, current: rules, accounts: [key, small], contacts: [boss, admin, smallBoss]).contactChanges.isEmpty)
    }

    struct LadderCase: CustomTestStringConvertible, Sendable {
        var name: String
        var level: SupportLevel
        var rung: EscalationRung
        var trigger: EscalationTrigger
        var model: ServiceModel
        var expected: EscalationStep?
        var testDescription: String { name }
    }

    @Test(arguments: [
        LadderCase(name: "one step up", level: .basic, rung: .agent, trigger: .slaBreached(.firstResponse), model: .midTouch, expected: .level2),
        LadderCase(name: "manager asked, high-touch", level: .basic, rung: .agent, trigger: .customerRequestedManager, model: .highTouch, expected: .manager),
        LadderCase(name: "manager asked, low-touch stops at level 3", level: .basic, rung: .agent, trigger: .customerRequestedManager, model: .lowTouch, expected: .level3),
        LadderCase(name: "low-touch never reaches an executive", level: .advanced, rung: .agent, trigger: .manual(reason: "angry", target: .executive), model: .lowTouch, expected: nil),
        LadderCase(name: "high-touch reaches an executive", level: .advanced, rung: .manager, trigger: .manual(reason: "angry", target: .executive), model: .highTouch, expected: .executive),
        LadderCase(name: "tech-touch ceiling is level 2", level: .intermediate, rung: .agent, trigger: .slaAtRisk(.resolution), model: .techTouch, expected: nil),
        LadderCase(name: "manual without a reason", level: .basic, rung: .agent, trigger: .manual(reason: " ", target: nil), model: .highTouch, expected: nil),
    ])
    func ladder(_ example: LadderCase) {
        let ceiling = ServicePolicy.defaults(example.model).escalationCeiling
        let result = EscalationLadder.escalate(level: example.level, rung: example.rung, trigger: example.trigger, ceiling: ceiling, model: example.model)
        switch result {
        case .success(let decision):
            #expect(decision.to == example.expected)
            #expect(decision.to <= ceiling)
            #expect(EscalationStep(level: decision.level, rung: decision.rung) == decision.to)
        case .failure:
            #expect(example.expected == nil)
        }
    }

    @Test func cappedEscalationSaysWhy() throws {
        let decision = try EscalationLadder.escalate(level: .basic, rung: .agent, trigger: .customerRequestedManager, ceiling: .level3, model: .lowTouch).get()
        #expect(decision.reason == "the customer asked for a manager; Low-touch cases go no higher than level 3")
        #expect(decision.capped)
    }

    @Test func deescalationNeedsAReasonAndGoesDown() throws {
        let down = try EscalationLadder.deescalate(level: .advanced, rung: .manager, to: nil, reason: "handled").get()
        #expect(down.to == .level3)
        #expect(down.rung == .agent)
        #expect(EscalationLadder.deescalate(level: .basic, rung: .agent, to: nil, reason: "x") == .failure(.notBelow(step: .level1, target: .level1)))
        #expect(EscalationLadder.deescalate(level: .advanced, rung: .agent, to: nil, reason: "") == .failure(.reasonRequired))
    }

    @Test func entryStepFromModelTopicAndValue() {
        let high = ServicePolicy.defaults(.highTouch)
        #expect(EscalationLadder.entry(policy: high, annualValue: 100_000, requested: .basic).step == .level2)
        #expect(EscalationLadder.entry(policy: high, annualValue: 600_000, requested: .basic).step == .level3)
        let capped = EscalationLadder.entry(policy: ServicePolicy.defaults(.techTouch), annualValue: 0, requested: .advanced)
        #expect(capped.step == .level2, "a topic cannot lift a case above its model's ceiling")
        #expect(capped.reason == "Tech-touch enters at level 1; the topic asks for level 3, capped at the model's ceiling level 2")
    }

    @Test func policiesValidate() throws {
        var policy = ServicePolicy.defaults(.midTouch)
        policy.csmCapacity = nil
        #expect(throws: ValidationError.self) { try policy.validated(as: .midTouch) }
        policy = ServicePolicy.defaults(.lowTouch)
        policy.atRiskShare = 1.5
        #expect(throws: ValidationError(field: "atRiskShare", reason: "must be between 0.5 and 0.95, got 1.5")) { try policy.validated(as: .lowTouch) }
        for model in ServiceModel.allCases { _ = try ServicePolicy.defaults(model).validated(as: model) }
    }

    @Test func csmBookPicksRoomAndRebalances() {
        let book = CSMBook(policies: Dictionary(uniqueKeysWithValues: ServiceModel.allCases.map { ($0, ServicePolicy.defaults($0)) }))
        let anna = UUID(), ben = UUID()
        var accounts: [BookAccount] = (0..<27).map {
            BookAccount(id: UUID(), name: "H\($0)", model: .highTouch, owner: anna, annualValue: Double(100_000 + $0))
        }
        accounts.append(BookAccount(id: UUID(), name: "M", model: .midTouch, owner: ben, annualValue: 60_000))
        accounts.append(BookAccount(id: UUID(), name: "L", model: .lowTouch, owner: ben, annualValue: 100))
        let loads = book.loads(csms: [anna, ben], accounts: accounts)
        #expect(loads[0].accounts[.highTouch] == 27)
        #expect(loads[0].overCapacity)
        #expect(abs(loads[1].utilization - 1.0 / 150) < 1e-9, "pooled models weigh nothing")
        #expect(book.pick(for: .highTouch, among: loads) == ben)
        #expect(book.pick(for: .lowTouch, among: loads) == nil)
        let moves = book.rebalance(csms: [anna, ben], accounts: accounts)
        #expect(moves.count == 2)
        #expect(moves.map(\.accountName) == ["H0", "H1"], "the smallest accounts move first")
        #expect(moves.allSatisfy { $0.from == anna && $0.to == ben })
    }

    @Test func erlangCMatchesKnownFigures() throws {
        // 10 agents, 8 erlangs: P(wait) ≈ 0.409 (standard tables).
        let p = ErlangC.probabilityOfWaiting(agents: 10, traffic: 8)
        #expect(abs(p - 0.4092) < 0.001)
        let wait = try #require(ErlangC.averageWait(agents: 10, traffic: 8, handleTime: 5))
        #expect(abs(wait - p * 5 / 2) < 1e-9)
        #expect(ErlangC.averageWait(agents: 2, traffic: 3, handleTime: 5) == nil)
        let estimate = WaitEstimate.estimate(QueueSnapshot(waiting: 6, agents: 2, arrivalsPerHour: 60, averageHandleMinutes: 6, open: true, nextOpening: nil))
        #expect(estimate.humanAvailable)
        #expect(estimate.minutes == 21, "demand exceeds two agents, so the queue decides: the 6 ahead and this one, 7 × 6 / 2")
        #expect(estimate.demandExceedsCapacity)
        // 25 an hour × 6 min on 2 agents with nobody waiting yet: the wait is not "0 min".
        let overloaded = WaitEstimate.estimate(QueueSnapshot(waiting: 0, agents: 2, arrivalsPerHour: 25, averageHandleMinutes: 6, open: true, nextOpening: nil))
        #expect(overloaded.minutes == 3 && overloaded.demandExceedsCapacity && overloaded.probabilityOfWaiting == 1)
        #expect(overloaded.explanation.contains("exceeds the 2 agent(s)' worth at work"), "\(overloaded.explanation)")
        // Below capacity with a queue: the queue ahead (3 + 1) × 6 / 2 = 12 beats Erlang C's average.
        let queued = WaitEstimate.estimate(QueueSnapshot(waiting: 3, agents: 2, arrivalsPerHour: 10, averageHandleMinutes: 6, open: true, nextOpening: nil))
        #expect(queued.minutes == 12 && !queued.demandExceedsCapacity)
        let closed = WaitEstimate.estimate(QueueSnapshot(waiting: 0, agents: 3, arrivalsPerHour: 1, averageHandleMinutes: 6, open: false, nextOpening: nil))
        #expect(!closed.humanAvailable && closed.minutes == nil)
        // On chat, two agents holding three chats each are six servers: the same 25 an hour
        // (2.5 erlangs) is within capacity, with the Erlang C figure for six (checked by hand:
        // P(wait) = 0.0474 for 6 servers at 2.5 erlangs).
        let chats = WaitEstimate.estimate(QueueSnapshot(waiting: 0, agents: 2, arrivalsPerHour: 25, averageHandleMinutes: 6, open: true, nextOpening: nil,
                                                        sessionsPerAgent: 3))
        #expect(!chats.demandExceedsCapacity && abs((chats.probabilityOfWaiting ?? 1) - ErlangC.probabilityOfWaiting(agents: 6, traffic: 2.5)) < 1e-12)
        #expect(abs(ErlangC.probabilityOfWaiting(agents: 6, traffic: 2.5) - 0.0474) < 0.0005)
        #expect(chats.explanation.hasPrefix("2 agent(s) × 3 chats at once"), "\(chats.explanation)")
    }
}
