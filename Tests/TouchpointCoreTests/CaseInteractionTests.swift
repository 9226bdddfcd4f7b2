import Foundation
import Testing

@testable import TouchpointCore

@Suite("An interaction moves a case's status and SLA clocks, and says so in events")
struct CaseInteractionTests {
    let t0 = Date(timeIntervalSince1970: 1_800_000_000)
    let targets = SLATargets(firstResponseMinutes: 60, nextResponseMinutes: 120, resolutionMinutes: 480)

    func makeCase(status: CaseStatus, sla: Bool = true) -> Case {
        var item = Case(
            id: UUID(), brandID: UUID(), number: 12, contactID: UUID(), accountID: nil, subject: "Meter reading",
            status: status, contactPoint: .email, createdAt: t0, updatedAt: t0)
        if sla { item.sla = SLAState.start(at: t0, targets: targets, atRiskShare: 0.75, on: .always) }
        return item
    }

    func message(_ direction: Direction, on item: Case) -> Interaction {
        Interaction(
            id: UUID(), brandID: item.brandID, contactID: item.contactID, caseID: item.id, contactPoint: .email, direction: direction,
            authorKind: direction == .inbound ? .contact : .staff, authorID: nil, text: "hello", occurredAt: t0)
    }

    @Test func theFirstReplyOpensANewCaseAndStopsTheFirstResponseClock() throws {
        // setup
        let item = makeCase(status: .new)
        let reply = message(.outbound, on: item)
        // act
        let (next, events) = try item.recording(reply, automatic: false, now: t0.addingTimeInterval(600), availability: .always, targets: targets)
        // check
        #expect(next.status == .open)
        #expect(next.updatedAt == t0.addingTimeInterval(600))
        #expect(next.sla?.clock(.firstResponse)?.stoppedAt == t0.addingTimeInterval(600))
        #expect(next.sla?.clock(.resolution)?.stoppedAt == nil)
        #expect(events.map(\.type) == [.interactionAdded, .caseStatusChanged])
        #expect(events[0].payload["interactionId"] == .string(reply.id.text))
        #expect(events[1].payload["reason"] == .string("first reply"))
        #expect(events[1].payload["from"] == .string("new") && events[1].payload["to"] == .string("open"))
    }

    @Test func theCustomerWritingAgainReopensAndStartsANextResponseClock() throws {
        let answered = try makeCase(status: .new).recording(
            message(.outbound, on: makeCase(status: .new)), automatic: false, now: t0.addingTimeInterval(60), availability: .always,
            targets: targets
        ).0
        var resolved = answered
        resolved.status = .resolved
        let (next, events) = try resolved.recording(
            message(.inbound, on: resolved), automatic: false, now: t0.addingTimeInterval(3600), availability: .always, targets: targets)
        #expect(next.status == .open)
        #expect(events.map(\.type) == [.interactionAdded, .caseStatusChanged])
        #expect(events[1].payload["reason"] == .string("customer wrote"))
        let nextResponse = try #require(next.sla?.clock(.nextResponse))
        #expect(nextResponse.runningSince == t0.addingTimeInterval(3600))
        #expect(nextResponse.dueAt == t0.addingTimeInterval(3600 + 120 * 60), "around the clock: two hours later")
        #expect(nextResponse.targetMinutes == 120)
    }

    @Test func aNoteChangesNeitherStatusNorClocks() throws {
        let item = makeCase(status: .open)
        let (next, events) = try item.recording(
            message(.internal, on: item), automatic: false, now: t0.addingTimeInterval(5), availability: .always, targets: targets)
        #expect(next.status == .open)
        #expect(next.sla == item.sla)
        #expect(events.map(\.type) == [.interactionAdded])
    }

    @Test func anAcknowledgementAnswersNobody() throws {
        let item = makeCase(status: .new)
        let (next, events) = try item.recording(
            message(.outbound, on: item), automatic: true, now: t0.addingTimeInterval(5), availability: .always, targets: targets)
        #expect(next == item, "status, clocks and the update time stay")
        #expect(events.map(\.type) == [.interactionAdded])
        #expect(events[0].payload["automatic"] == .bool(true))
    }

    @Test func aClosedCaseRefusesTheCustomerButTakesANote() throws {
        let closed = makeCase(status: .closed)
        #expect(throws: CaseInteractionError.closed(number: 12)) {
            try closed.recording(message(.inbound, on: closed), automatic: false, now: t0, availability: .always, targets: targets)
        }
        #expect(throws: Never.self) {
            try closed.recording(message(.internal, on: closed), automatic: false, now: t0, availability: .always, targets: targets)
        }
    }

    @Test func aMergedCaseSendsEverythingToItsSurvivor() {
        var merged = makeCase(status: .open)
        let survivor = UUID()
        merged.mergedInto = survivor
        #expect(throws: CaseInteractionError.caseMerged(into: survivor)) {
            try merged.recording(message(.outbound, on: merged), automatic: false, now: t0, availability: .always, targets: targets)
        }
        #expect(CaseInteractionError.caseMerged(into: survivor).message.contains(survivor.text))
    }
}
