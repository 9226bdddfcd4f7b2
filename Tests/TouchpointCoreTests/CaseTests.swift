import Foundation
import Testing
@testable import TouchpointCore

@Suite("Cases move through allowed statuses and every change is an event")
struct CaseTests {
    let t0 = Date(timeIntervalSince1970: 1_800_000_000)

    func makeCase(status: CaseStatus = .new) -> Case {
        Case(id: UUID(), brandID: UUID(), number: 7, contactID: UUID(), accountID: nil, subject: "Invoice too high",
             status: status, contactPoint: .email, createdAt: t0, updatedAt: t0)
    }

    @Test func allowedTransitionsChangeStatusAndEmitOneEvent() throws {
        let (next, events) = try makeCase().applying(CaseUpdate(status: .open), now: t0.addingTimeInterval(60))
        #expect(next.status == .open)
        #expect(next.updatedAt == t0.addingTimeInterval(60))
        #expect(events.map(\.type) == [.caseStatusChanged])
        #expect(events[0].payload["from"] == .string("new"))
        #expect(events[0].payload["to"] == .string("open"))
    }

    @Test(arguments: [(CaseStatus.closed, CaseStatus.open), (.new, .closed), (.open, .new), (.pending, .closed), (.closed, .resolved)])
    func forbiddenTransitionsAreRefused(from: CaseStatus, to: CaseStatus) {
        #expect(throws: CaseUpdateError.transitionNotAllowed(from: from, to: to)) {
            try makeCase(status: from).applying(CaseUpdate(status: to), now: t0)
        }
    }

    @Test func aBulkChangeAsksOnlyForWhatDiffersInEachCase() throws {
        var item = makeCase(status: .open)
        let colleague = UUID()
        item.assigneeID = colleague
        item.tags = ["meter"]
        let change = BulkChange(assigneeID: .some(colleague), status: .pending, priority: .normal, addTag: "Outage")
        let update = change.update(for: item)
        // Already the colleague's and already normal: only the status and the new tag change.
        #expect(update == CaseUpdate(status: .pending, tags: ["meter", "Outage"]))
        let (next, events) = try item.applying(update, now: t0)
        #expect(next.tags == ["meter", "outage"])
        #expect(events.count == 2)
        // A second run finds nothing left to do, and unassigning is a change of its own.
        #expect(change.update(for: next) == CaseUpdate())
        #expect(BulkChange(assigneeID: .some(nil)).update(for: next) == CaseUpdate(assigneeID: .some(nil)))
        #expect(BulkChange().isEmpty && !BulkChange(addTag: "x").isEmpty)
    }

    @Test func unchangedFieldsEmitNothing() throws {
        let item = makeCase()
        let (next, events) = try item.applying(CaseUpdate(subject: " Invoice too high ", priority: .normal, tags: []), now: t0.addingTimeInterval(5))
        #expect(events.isEmpty)
        #expect(next == item)
    }

    @Test func escalationAndDeescalationAreNamedAndCarryTheReason() throws {
        let (up, upEvents) = try makeCase().applying(CaseUpdate(rung: .manager, reason: "customer asked for a manager"), now: t0)
        #expect(up.rung == .manager)
        #expect(upEvents.first?.type == .caseEscalated)
        #expect(upEvents.first?.payload["reason"] == .string("customer asked for a manager"))
        let (_, downEvents) = try up.applying(CaseUpdate(rung: .senior), now: t0)
        #expect(downEvents.first?.type == .caseDeescalated)
    }

    @Test func tagsAreNormalizedAndValidated() throws {
        #expect(try Case.normalizedTags([" VIP ", "vip", "Outage"]) == ["vip", "outage"])
        #expect(throws: ValidationError.self) { try Case.normalizedTags(["a,b"]) }
        #expect(throws: ValidationError.self) { try Case.normalizedTags(Array(repeating: "x", count: 51)) }
    }

    @Test func subjectsAreOneLineAndBounded() throws {
        #expect(try Case.validSubject("Line one\nline two") == "Line one line two")
        #expect(throws: ValidationError.self) { try Case.validSubject("   ") }
        #expect(throws: ValidationError.self) { try Case.validSubject(String(repeating: "x", count: 301)) }
    }

    @Test func interactionsMoveStatusTheWayAHelpDeskExpects() {
        #expect(makeCase(status: .new).statusAfter(interaction: .outbound) == .open)
        #expect(makeCase(status: .pending).statusAfter(interaction: .inbound) == .open)
        #expect(makeCase(status: .resolved).statusAfter(interaction: .inbound) == .open)
        #expect(makeCase(status: .open).statusAfter(interaction: .internal) == nil)
        #expect(makeCase(status: .new).statusAfter(interaction: .internal) == nil)
    }

    @Test func mergedCasesCannotChange() {
        var item = makeCase()
        let target = UUID()
        item.mergedInto = target
        #expect(throws: CaseUpdateError.caseMerged(into: target)) { try item.applying(CaseUpdate(priority: .high), now: t0) }
    }

    @Test func supportLevelDecodesOnlyOneToThree() throws {
        #expect(try JSONDecoder().decode([SupportLevel].self, from: Data("[1,3]".utf8)) == [.basic, .advanced])
        #expect(throws: DecodingError.self) { try JSONDecoder().decode([SupportLevel].self, from: Data("[4]".utf8)) }
    }

    @Test func unknownEnumValuesNameTheAllowedOnes() {
        do {
            _ = try JSONDecoder().decode([Priority].self, from: Data("[\"asap\"]".utf8))
            Issue.record("decoding should fail")
        } catch let DecodingError.dataCorrupted(context) {
            #expect(context.debugDescription.contains("unknown value 'asap'"))
            #expect(context.debugDescription.contains("urgent"))
        } catch {
            Issue.record("unexpected error \(error)")
        }
    }
}

@Suite("Commitments, merges and permissions")
struct RulesTests {
    let t0 = Date(timeIntervalSince1970: 1_800_000_000)

    @Test func commitmentsSettleOnceAndKnowWhenOverdue() throws {
        let promise = Commitment(id: UUID(), brandID: UUID(), accountID: UUID(), caseID: nil, what: "Call back", dueAt: t0,
                                 ownerID: nil, createdAt: t0, updatedAt: t0)
        #expect(promise.isOverdue(at: t0.addingTimeInterval(1)))
        #expect(!promise.isOverdue(at: t0.addingTimeInterval(-1)))
        let kept = try promise.moving(to: .kept, now: t0)
        #expect(kept.status == .kept)
        #expect(!kept.isOverdue(at: t0.addingTimeInterval(100)))
        #expect(throws: ValidationError.self) { try kept.moving(to: .broken, now: t0) }
        #expect(throws: ValidationError.self) { try promise.moving(to: .open, now: t0) }
    }

    @Test func mergeRefusesSelfAlreadyMergedAndOtherBrands() throws {
        let brand = UUID()
        let a = Contact(id: UUID(), brandID: brand, accountID: nil, name: "A", identities: [], createdAt: t0)
        var b = Contact(id: UUID(), brandID: brand, accountID: nil, name: "B", identities: [], createdAt: t0)
        try ContactMerge.check(survivor: a, duplicate: b)
        #expect(throws: ContactMergeError.sameContact) { try ContactMerge.check(survivor: a, duplicate: a) }
        b.mergedInto = a.id
        #expect(throws: ContactMergeError.alreadyMerged(a.id)) { try ContactMerge.check(survivor: a, duplicate: b) }
        let other = Contact(id: UUID(), brandID: UUID(), accountID: nil, name: "C", identities: [], createdAt: t0)
        #expect(throws: ContactMergeError.differentBrands) { try ContactMerge.check(survivor: a, duplicate: other) }
    }

    @Test func survivorFollowsChainsAndStopsOnCycles() {
        let (a, b, c) = (UUID(), UUID(), UUID())
        let links = [c: b, b: a]
        #expect(ContactMerge.survivor(of: c, mergedInto: { links[$0] }) == a)
        let cycle = [a: b, b: a]
        let end = ContactMerge.survivor(of: a, mergedInto: { cycle[$0] })
        #expect(end == b)
    }

    @Test func rolesAndScopesDecideWhatACallerMayDo() {
        let brand = UUID()
        func caller(_ role: Role, _ scope: TokenScope = .write) -> Principal { Principal(userID: UUID(), brandID: brand, role: role, scope: scope) }
        #expect(caller(.admin).may(.unmergeContacts))
        #expect(!caller(.manager).may(.unmergeContacts))
        #expect(!caller(.technician).may(.manageAccounts))
        #expect(caller(.csm).may(.manageAccounts))
        #expect(!caller(.agentL1).may(.mergeContacts))
        #expect(caller(.agentL2).may(.mergeContacts))
        #expect(caller(.agentL1, .read).may(.readCustomers))
        #expect(!caller(.admin, .read).may(.handleCases))
        #expect(Role.agentL3.supportLevel == .advanced)
        #expect(Role.csm.supportLevel == nil)
    }

    @Test func accountProfilesAreValidated() throws {
        #expect(throws: ValidationError(field: "healthScore", reason: "must be between 0 and 100, got 101")) {
            try AccountProfile(healthScore: 101).validated()
        }
        #expect(throws: ValidationError.self) { try AccountProfile(annualValue: -1).validated() }
        #expect(throws: ValidationError.self) { try AccountProfile(annualValue: .nan).validated() }
        #expect(try AccountProfile(goals: ["  grow  "]).validated().goals == ["grow"])
        let changed = Account.changedFields(from: AccountProfile(), to: AccountProfile(stage: .atRisk, healthScore: 10))
        #expect(changed == ["stage", "healthScore"])
    }
}
