import Foundation
import Testing
@testable import TouchpointCore

@Suite("SLA clocks run in service time, pause while pending and fire once")
struct SLAClockTests {
    let office = Availability.calendar(BusinessCalendarTests.office)
    let targets = SLATargets(firstResponseMinutes: 60, nextResponseMinutes: 120, resolutionMinutes: 480)

    func at(_ text: String) -> Date { BusinessCalendarTests.office.parse(text)! }
    func show(_ date: Date?) -> String? { date.map(BusinessCalendarTests.office.format) }

    @Test func deadlinesFollowBusinessHoursForCalendarModels() {
        let state = SLAState.start(at: at("2026-11-27T16:30:00+01:00"), targets: targets, atRiskShare: 0.8, on: office)
        #expect(show(state.clock(.firstResponse)?.dueAt) == "2026-11-30T08:30:00+01:00")
        // 80 % of 60 minutes = 48 minutes: 30 on Friday, 18 on Monday.
        #expect(show(state.clock(.firstResponse)?.warnAt) == "2026-11-30T08:18:00+01:00")
        // 480 business minutes: 30 Friday, then Monday 08:00–12:00 (240) and 13:00–16:30 (210).
        #expect(show(state.clock(.resolution)?.dueAt) == "2026-11-30T16:30:00+01:00")
    }

    @Test func oneLabelSaysOnTrackAtRiskBreachedPausedMetOrMetLate() {
        // setup: 24/7, first response due after 60 min (warning at 48), resolution after 480 (warning at 384).
        let opened = at("2026-11-27T16:30:00+01:00")
        var state = SLAState.start(at: opened, targets: targets, atRiskShare: 0.8, on: .always)
        func minutes(_ count: Double) -> Date { opened.addingTimeInterval(count * 60) }
        // check: each clock, and the case's most urgent clock.
        #expect(state.clock(.firstResponse)?.label(at: minutes(10)) == .onTrack && state.label(at: minutes(10)) == .onTrack)
        #expect(state.clock(.firstResponse)?.label(at: minutes(50)) == .atRisk && state.label(at: minutes(50)) == .atRisk)
        #expect(state.clock(.firstResponse)?.label(at: minutes(61)) == .breached && state.label(at: minutes(61)) == .breached,
                "a breach is never shown as at risk")
        #expect(state.clock(.resolution)?.label(at: minutes(61)) == .onTrack)
        // A reply after the deadline: met late; the case now shows its resolution clock.
        state.staffReplied(at: minutes(70), on: .always)
        #expect(state.clock(.firstResponse)?.label(at: minutes(71)) == .metLate && state.label(at: minutes(71)) == .onTrack)
        state.statusChanged(from: .open, to: .pending, at: minutes(80), on: .always)
        #expect(state.clock(.resolution)?.label(at: minutes(500)) == .paused && state.label(at: minutes(500)) == .paused)
        var early = SLAState.start(at: opened, targets: targets, atRiskShare: 0.8, on: .always)
        early.staffReplied(at: minutes(5), on: .always)
        #expect(early.clock(.firstResponse)?.label(at: minutes(100)) == .met)
        #expect(SLALabel.breached.words == "breached" && SLALabel.atRisk.needsAttention && !SLALabel.paused.needsAttention)
    }

    @Test func twentyFourSevenClocksNeverStop() {
        let opened = at("2026-11-27T16:30:00+01:00")
        let state = SLAState.start(at: opened, targets: targets, atRiskShare: 0.8, on: .always)
        #expect(state.clock(.firstResponse)?.dueAt == opened.addingTimeInterval(3600))
        #expect(state.clock(.resolution)?.dueAt == opened.addingTimeInterval(8 * 3600))
    }

    @Test func pendingPausesAndResumingKeepsTheSpentTime() {
        var state = SLAState.start(at: at("2026-11-23T09:00:00+01:00"), targets: targets, atRiskShare: 0.8, on: office)
        state.staffReplied(at: at("2026-11-23T09:20:00+01:00"), on: office)
        #expect(state.clock(.firstResponse)?.stoppedAt != nil)
        #expect(state.clock(.firstResponse)?.breachedAt == nil)
        // Waiting on the customer from 10:00 (60 business minutes spent) until Tuesday 09:00.
        state.statusChanged(from: .open, to: .pending, at: at("2026-11-23T10:00:00+01:00"), on: office)
        #expect(state.clock(.resolution)?.dueAt == nil)
        #expect(state.clock(.resolution)?.elapsedSeconds == 3600)
        #expect(state.nextWake == nil)
        state.statusChanged(from: .pending, to: .open, at: at("2026-11-24T09:00:00+01:00"), on: office)
        // 420 minutes left from Tuesday 09:00: 180 until 12:00, 240 from 13:00 → 17:00.
        #expect(show(state.clock(.resolution)?.dueAt) == "2026-11-24T17:00:00+01:00")
    }

    @Test func nextResponseStartsWhenTheCustomerWritesAfterAReply() {
        var state = SLAState.start(at: at("2026-11-23T09:00:00+01:00"), targets: targets, atRiskShare: 0.8, on: office)
        state.customerWrote(at: at("2026-11-23T09:05:00+01:00"), targets: targets, on: office)
        #expect(state.clock(.nextResponse) == nil, "before the first reply, the first-response clock still runs")
        state.staffReplied(at: at("2026-11-23T09:10:00+01:00"), on: office)
        state.customerWrote(at: at("2026-11-23T11:00:00+01:00"), targets: targets, on: office)
        #expect(show(state.clock(.nextResponse)?.dueAt) == "2026-11-23T14:00:00+01:00")
        state.staffReplied(at: at("2026-11-23T13:30:00+01:00"), on: office)
        #expect(state.clock(.nextResponse)?.stoppedAt != nil)
    }

    @Test func warningsAndBreachesFireOnceAndLateStopsCountAsBreached() {
        var state = SLAState.start(at: at("2026-11-23T09:00:00+01:00"), targets: targets, atRiskShare: 0.8, on: office)
        #expect(show(state.nextWake) == "2026-11-23T09:48:00+01:00")
        #expect(state.fire(now: at("2026-11-23T09:47:00+01:00")).isEmpty)
        let warn = state.fire(now: at("2026-11-23T09:48:00+01:00"))
        #expect(warn.map(\.kind) == [.warning])
        #expect(warn.first?.clock == .firstResponse)
        #expect(state.fire(now: at("2026-11-23T09:50:00+01:00")).isEmpty, "a warning fires once")
        let breach = state.fire(now: at("2026-11-23T10:01:00+01:00"))
        #expect(breach.map(\.kind) == [.breach])
        #expect(state.fire(now: at("2026-11-23T10:02:00+01:00")).isEmpty, "a breach fires once")
        // Resolution: a stop after the deadline that the scheduler never saw is still a breach.
        var late = SLAState.start(at: at("2026-11-23T09:00:00+01:00"), targets: targets, atRiskShare: 0.8, on: office)
        late.statusChanged(from: .open, to: .resolved, at: at("2026-11-24T12:00:00+01:00"), on: office)
        // 480 minutes from Monday 09:00: 420 on Monday, the last 60 on Tuesday morning.
        #expect(show(late.clock(.resolution)?.breachedAt) == "2026-11-24T09:00:00+01:00")
    }

    @Test func retargetingKeepsSpentTime() {
        var state = SLAState.start(at: at("2026-11-23T09:00:00+01:00"), targets: targets, atRiskShare: 0.8, on: office)
        state.statusChanged(from: .open, to: .pending, at: at("2026-11-23T09:30:00+01:00"), on: office)
        state.statusChanged(from: .pending, to: .open, at: at("2026-11-23T10:00:00+01:00"), on: office)
        state.retarget(SLATargets(firstResponseMinutes: 40, nextResponseMinutes: 60, resolutionMinutes: 120), atRiskShare: 0.5, on: office)
        // 30 minutes spent before the pause; 10 left from 10:00.
        #expect(show(state.clock(.firstResponse)?.dueAt) == "2026-11-23T10:10:00+01:00")
        // Half of 40 minutes was already spent: at risk at once.
        #expect(show(state.clock(.firstResponse)?.warnAt) == "2026-11-23T10:00:00+01:00")
    }

    @Test func reopeningResumesResolution() {
        var state = SLAState.start(at: at("2026-11-23T09:00:00+01:00"), targets: targets, atRiskShare: 0.8, on: office)
        state.statusChanged(from: .open, to: .resolved, at: at("2026-11-23T10:00:00+01:00"), on: office)
        #expect(state.clock(.resolution)?.stoppedAt != nil)
        state.statusChanged(from: .resolved, to: .open, at: at("2026-11-23T14:00:00+01:00"), on: office)
        // 60 minutes spent; 420 left from 14:00: 180 until 17:00, 240 on Tuesday morning.
        #expect(show(state.clock(.resolution)?.dueAt) == "2026-11-24T12:00:00+01:00")
    }
}

@Suite("The storage form of SLA clocks")
struct SLAStorageTests {
    @Test func roundTripsEveryField() throws {
        let office = Availability.calendar(BusinessCalendarTests.office)
        let start = BusinessCalendarTests.office.parse("2026-11-23T09:00:00+01:00")!
        var state = SLAState.start(at: start, targets: SLATargets(firstResponseMinutes: 60, nextResponseMinutes: 120, resolutionMinutes: 480),
                                   atRiskShare: 0.75, on: office)
        _ = state.fire(now: start.addingTimeInterval(3 * 3600))
        state.staffReplied(at: start.addingTimeInterval(3 * 3600 + 0.25), on: office)
        state.statusChanged(from: .open, to: .pending, at: start.addingTimeInterval(4 * 3600), on: office)
        let back = try #require(SLAState(storageText: state.storageText))
        #expect(back.storageText == state.storageText)
        #expect(back.atRiskShare == 0.75)
        #expect(back.clocks.map(\.kind) == state.clocks.map(\.kind))
        #expect(back.clock(.firstResponse)?.breachedAt == state.clock(.firstResponse)?.breachedAt)
        #expect(back.clock(.firstResponse)?.stoppedAt == state.clock(.firstResponse)?.stoppedAt)
        #expect(back.clock(.resolution)?.isPaused == true)
        #expect(abs((back.clock(.resolution)?.elapsedSeconds ?? 0) - (state.clock(.resolution)?.elapsedSeconds ?? -1)) < 0.001)
    }

    @Test(arguments: ["", "2", "1|800", "2|800|firstResponse,60", "2|800|bogus,60,0,,,,,,", "2|800|resolution,60,0,,,,,,;", "2|800x"])
    func rejectsAnythingElse(text: String) {
        #expect(SLAState(storageText: text) == nil)
    }
}
