import Foundation
import Testing
@testable import TouchpointCore

/// The walk-in queue's rules: order, priority with aging, calls, no-shows, transfers, waits.
struct WalkInQueueTests {
    let brand = UUID()
    let location = UUID()
    let start = Date(timeIntervalSince1970: 1_800_000_000)
    let setup = LocationSetup(
        categories: [ServiceCategory(code: "B", name: "Billing", averageServiceMinutes: 6),
                     ServiceCategory(code: "C", name: "Contracts", averageServiceMinutes: 10)],
        desks: [Desk(code: "1", name: "Desk 1", categories: ["B"]), Desk(code: "2", name: "Desk 2", categories: ["B", "C"]),
                Desk(code: "3", name: "Desk 3", categories: ["C"])])

    func ticket(_ category: String, _ number: Int, minute: Double, priority: Bool = false) -> Ticket {
        Ticket(id: UUID(), brandID: brand, locationID: location, category: category, number: number, priority: priority, contactID: nil,
               caseID: nil, takenAt: start.addingTimeInterval(minute * 60))
    }

    @Test func labelsArePaddedPerCategory() {
        #expect(ticket("B", 7, minute: 0).label == "B007")
        #expect(ticket("C", 1234, minute: 0).label == "C1234")
    }

    @Test func firstComeFirstServedWithinWhatADeskServes() {
        let tickets = [ticket("C", 1, minute: 0), ticket("B", 1, minute: 1), ticket("B", 2, minute: 2)]
        let now = start.addingTimeInterval(3 * 60)
        #expect(WalkInQueue.next(for: setup.desks[0], among: tickets, now: now)?.label == "B001")
        #expect(WalkInQueue.next(for: setup.desks[1], among: tickets, now: now)?.label == "C001")
        #expect(WalkInQueue.next(for: setup.desks[2], among: tickets, now: now)?.label == "C001")
    }

    @Test func priorityGoesFirstButNobodyWaitsForEver() {
        var tickets = [ticket("B", 1, minute: 0), ticket("B", 2, minute: 5, priority: true)]
        #expect(WalkInQueue.next(for: setup.desks[0], among: tickets, now: start.addingTimeInterval(6 * 60))?.label == "B002")
        // After twenty minutes the early ticket counts as urgent too, and its place in line wins.
        #expect(WalkInQueue.next(for: setup.desks[0], among: tickets, now: start.addingTimeInterval(21 * 60))?.label == "B001")
        tickets.append(ticket("B", 3, minute: 22, priority: true))
        #expect(WalkInQueue.line(tickets, now: start.addingTimeInterval(23 * 60)).map(\.label) == ["B001", "B002", "B003"])
    }

    @Test func aCallARepeatedCallAndANoShow() throws {
        var item = ticket("B", 1, minute: 0)
        let desk = setup.desks[0]
        item = try WalkInQueue.call(item, to: desk, at: start)
        #expect(item.state == .called && item.desk == "1" && item.calls == 1)
        item = try WalkInQueue.call(item, to: desk, at: start.addingTimeInterval(60))
        #expect(item.calls == 2)
        #expect(throws: QueueError.notAllowed(from: .called, action: "called")) { try WalkInQueue.call(item, to: setup.desks[1], at: start) }
        let gone = try WalkInQueue.noShow(item, at: start.addingTimeInterval(120))
        #expect(gone.state == .noShow && gone.finishedAt != nil)
        #expect(throws: QueueError.notAllowed(from: .noShow, action: "served")) { try WalkInQueue.startServing(gone, at: start) }
        #expect(throws: QueueError.deskDoesNotServe(desk: "3", category: "B")) { try WalkInQueue.call(ticket("B", 2, minute: 0), to: setup.desks[2], at: start) }
    }

    @Test func aTransferKeepsThePlaceInLineAndCanNameADesk() throws {
        let early = try WalkInQueue.startServing(try WalkInQueue.call(ticket("B", 1, minute: 0), to: setup.desks[0], at: start), at: start)
        let later = ticket("C", 1, minute: 5)
        let moved = try WalkInQueue.transfer(early, category: "C", desk: nil, setup: setup)
        #expect(moved.state == .waiting && moved.category == "C" && moved.desk == nil && moved.queuedAt == early.queuedAt)
        #expect(moved.label == "B001", "the customer keeps the number they hold")
        #expect(WalkInQueue.next(for: setup.desks[2], among: [later, moved], now: start.addingTimeInterval(600))?.id == moved.id)
        // To a particular desk: only that desk calls it, and it calls it first.
        let targeted = try WalkInQueue.transfer(early, category: "C", desk: "3", setup: setup)
        let older = ticket("C", 2, minute: -10)
        #expect(WalkInQueue.next(for: setup.desks[1], among: [targeted, older], now: start)?.id == older.id)
        #expect(WalkInQueue.next(for: setup.desks[2], among: [targeted, older], now: start)?.id == targeted.id)
        #expect(throws: QueueError.deskDoesNotServe(desk: "1", category: "C")) { try WalkInQueue.transfer(early, category: "C", desk: "1", setup: setup) }
        #expect(throws: QueueError.unknownCategory("X")) { try WalkInQueue.transfer(early, category: "X", desk: nil, setup: setup) }
    }

    @Test func finishingNeedsTheCustomerAtTheDesk() throws {
        let waiting = ticket("B", 1, minute: 0)
        #expect(throws: QueueError.notAllowed(from: .waiting, action: "finished")) { try WalkInQueue.finish(waiting, outcome: "resolved", at: start) }
        let done = try WalkInQueue.finish(try WalkInQueue.startServing(try WalkInQueue.call(waiting, to: setup.desks[0], at: start), at: start),
                                          outcome: "resolved", at: start.addingTimeInterval(300))
        #expect(done.state == .done && done.outcome == "resolved")
        #expect(try WalkInQueue.cancel(ticket("B", 2, minute: 0), at: start).state == .cancelled)
    }

    @Test func waitsPlayTheLineForward() {
        let tickets = [ticket("B", 1, minute: 0), ticket("B", 2, minute: 1), ticket("B", 3, minute: 2), ticket("C", 1, minute: 0)]
        let now = start.addingTimeInterval(180)
        // Desks 1 (B) and 2 (B, C) open; the line is B001, C001, B002, B003. Desk 1 takes B001
        // (free at 6), desk 2 C001 (10), desk 1 B002 (12), desk 2 B003 (16): a new B is called
        // by desk 1 at 12 minutes, a new C by desk 2 at 16.
        let waits = WalkInQueue.waits(setup: setup, tickets: tickets, openDesks: ["1", "2"], measuredMinutes: [:], now: now)
        #expect(waits[0] == WalkInQueue.CategoryWait(category: "B", waiting: 3, desks: 2, minutes: 12))
        #expect(waits[1] == WalkInQueue.CategoryWait(category: "C", waiting: 1, desks: 1, minutes: 16))
        // Measured service times win over the configured ones; no open desk means no estimate.
        let measured = WalkInQueue.waits(setup: setup, tickets: tickets, openDesks: ["1"], measuredMinutes: ["B": 4], now: now)
        #expect(measured[0].minutes == 12 && measured[1].minutes == nil && measured[1].desks == 0)
    }

    @Test func setupsAreChecked() {
        #expect(throws: ValidationError(field: "categories[0].code", reason: "one to three capital letters")) {
            try LocationSetup(categories: [ServiceCategory(code: "b", name: "x", averageServiceMinutes: 5)], desks: []).validated()
        }
        #expect(throws: ValidationError(field: "desks[0].categories", reason: "no category Z")) {
            try LocationSetup(categories: [ServiceCategory(code: "B", name: "x", averageServiceMinutes: 5)], desks: [Desk(code: "1", name: "1", categories: ["Z"])]).validated()
        }
        #expect(throws: Never.self) { try setup.validated() }
    }
}
