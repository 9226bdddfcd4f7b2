import Foundation
import Testing

@testable import TouchpointCore

/// Notifications read in their person's language: the English an event carries is read back
/// into what it says, also as events recorded before the reasons had words.
struct NoticeWordsTests {
    static let reasons: [NoticeReason] = [
        .promiseDue, .newCaseAssigned(number: 12), .caseAssigned(why: "team Billing: topic invoice"), .sla(.firstResponse, breached: false),
        .sla(.resolution, breached: true), .onCallUnanswered(number: 7), .mentioned(by: "Ola Nowak"), .onCall(number: 31),
        .onCallReminder(2, number: 31), .other("something new"),
    ]

    @Test(arguments: reasons)
    func everyReasonReadsBackFromTheTextEventsCarry(_ reason: NoticeReason) {
        #expect(NoticeReason(text: reason.text) == reason)
        #expect(!reason.words(.pl).isEmpty)
    }

    @Test func olderEventsNamedTheClockByItsStoredName() {
        #expect(NoticeReason(text: "SLA firstResponse breached") == .sla(.firstResponse, breached: true))
        #expect(NoticeReason(text: "SLA nextResponse at risk") == .sla(.nextResponse, breached: false))
        // Now the English says the clock in words too.
        #expect(NoticeReason.sla(.firstResponse, breached: false).text == "SLA first response at risk")
        // Look-alikes are not taken for reasons they are not.
        #expect(NoticeReason(text: "new case #x assigned") == .other("new case #x assigned"))
        #expect(NoticeReason(text: "SLA lunch breached") == .other("SLA lunch breached"))
        #expect(NoticeReason(text: " mentioned you") == .other(" mentioned you"))
    }

    @Test func aNotificationReadsInPolish() {
        func notice(_ payload: [String: JSONValue]) -> DomainEvent {
            DomainEvent(id: UUID(), brandID: UUID(), type: .staffNotified, actor: .system, accountID: nil, contactID: nil, caseID: nil,
                        payload: payload, occurredAt: Date())
        }
        let due = notice(["reason": .string("commitmentDue"), "what": .string("Oddzwonić do Jana")])
        #expect(due.noticeText(.pl) == "Mija termin obietnicy: Oddzwonić do Jana" && due.noticeText == "A promise is due: Oddzwonić do Jana")
        let breached = notice(["reason": .string("SLA firstResponse breached")])
        #expect(breached.noticeText(.pl) == "Przekroczony termin: pierwsza odpowiedź.")
        #expect(breached.noticeText(.en) == "SLA first response breached.")
        let assigned = notice(["reason": .string("new case #12 assigned")])
        #expect(assigned.noticeText(.pl) == "Nowa sprawa #12 przydzielona Tobie.")
        let page = notice(["reason": .string(NoticeReason.onCall(number: 31).text), "what": .string(NoticeReason.acknowledge(within: 15))])
        #expect(page.noticeText(.pl) == "Masz dyżur: sprawa #31 czeka na Ciebie: potwierdź w ciągu 15 min, że się tym zajmujesz")
        #expect(page.noticeText(.en) == "You are on call: case #31 needs you: say you are on it within 15 min")
        let mention = notice(["reason": .string("Ola Nowak mentioned you"), "what": .string("say you are on it within 5 min, please")])
        #expect(mention.noticeText(.pl) == "Ola Nowak wspomina o Tobie: say you are on it within 5 min, please", "a colleague's own words stay theirs")
    }
}

/// Why a case went where it did reads in Polish: the router's English clauses read back.
struct RoutingReasonTests {
    static let reasons: [RoutingReason] = [
        .noTeams, .requested(team: "Billing"), .noTeam(level: 2, skills: []), .noTeam(level: 3, skills: ["gas", "meters"]),
        .serves(team: "First line", level: 1, skills: []), .serves(team: "Meter experts", level: 2, skills: ["meters"]),
        .freeHere(passedOver: ["Gas", "Meters"]), .busy, .onCallOnly, .away, .nobodyQualified, .namedCSM, .namedCSMAway, .onCallTakes,
        .queued(level: 2), .roundRobin, .leastLoaded(active: 3, capacity: 10), .other("moved by hand"),
    ]

    @Test(arguments: reasons)
    func everyClauseReadsBackFromItsEnglish(_ reason: RoutingReason) {
        #expect(RoutingReason(text: reason.text) == reason)
        if case .other = reason { return }
        #expect(reason.words(.pl) != reason.text)
    }

    @Test func aRoutersExplanationReadsInPolish() {
        let team = TeamRouting(id: UUID(), name: "First line", skills: [], levels: [.basic], strategy: .leastLoaded)
        let agent = AgentState(id: UUID(), teamID: team.id, level: .basic, skills: [], capacity: 8, activeCases: 2, presence: .available, onShift: true)
        let decision = CaseRouter.route(RoutingNeed(level: .basic, skills: []), teams: [team], agents: [agent])
        #expect(decision.explanation == "team First line serves level 1 with no special skills; least loaded (2 of 8 active cases)")
        #expect(RoutingReason.explanation(decision.explanation, .pl)
                == "zespół First line obsługuje poziom 1, bez szczególnych umiejętności; najmniej obciążona osoba (aktywne sprawy: 2 z 8)")
        #expect(RoutingReason.explanation(decision.explanation, .en) == decision.explanation)
    }
}
