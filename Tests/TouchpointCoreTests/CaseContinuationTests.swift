import Foundation
import Testing
@testable import TouchpointCore

@Suite("One need, one case: when a message continues the customer's case")
struct CaseContinuationTests {
    let now = Date(timeIntervalSince1970: 1_800_000_000)

    func candidate(points: Set<ContactPoint> = [.email], topic: String? = nil, quietMinutes: Double = 10) -> CaseContinuation.Candidate {
        CaseContinuation.Candidate(caseID: UUID(), number: 12, topic: topic, contactPoints: points, lastActive: now.addingTimeInterval(-quietMinutes * 60))
    }

    @Test func anotherContactPointWithinTheWindowContinuesWithTheReason() {
        let open = candidate(points: [.email, .sms], quietMinutes: 130)
        #expect(CaseContinuation.decide(open, contactPoint: .phone, topic: nil, at: now, windowMinutes: 1440)
            == .continueCase(open.caseID, why: "same customer, case active 2 h ago on Email, SMS, nothing on Phone yet"))
        let fresh = candidate(quietMinutes: 0.2)
        #expect(CaseContinuation.decide(fresh, contactPoint: .webChat, topic: "meter", at: now, windowMinutes: 1440)
            == .continueCase(fresh.caseID, why: "same customer, case active just now on Email, nothing on Web chat yet"))
    }

    @Test func unsureOrTooLateOpensANewCase() {
        // No open case; continuing turned off; past the window.
        #expect(CaseContinuation.decide(nil, contactPoint: .sms, topic: nil, at: now, windowMinutes: 1440) == .openNew)
        #expect(CaseContinuation.decide(candidate(), contactPoint: .sms, topic: nil, at: now, windowMinutes: 0) == .openNew)
        #expect(CaseContinuation.decide(candidate(quietMinutes: 61), contactPoint: .sms, topic: nil, at: now, windowMinutes: 60) == .openNew)
        #expect(CaseContinuation.decide(candidate(quietMinutes: 60), contactPoint: .sms, topic: nil, at: now, windowMinutes: 60) != .openNew)
        // A new conversation on a contact point the case already has; another topic.
        #expect(CaseContinuation.decide(candidate(points: [.email]), contactPoint: .email, topic: nil, at: now, windowMinutes: 1440) == .openNew)
        #expect(CaseContinuation.decide(candidate(topic: "billing"), contactPoint: .sms, topic: "outage", at: now, windowMinutes: 1440) == .openNew)
        #expect(CaseContinuation.decide(candidate(topic: "billing"), contactPoint: .sms, topic: "billing", at: now, windowMinutes: 1440) != .openNew)
    }

    @Test func twoOpenCasesOfOneCustomerCloseInTimeMayBeOneNeed() {
        let customer = UUID()
        func open(_ minutes: Double, _ point: ContactPoint = .email, topic: String? = nil, status: CaseStatus = .open) -> Case {
            var item = Case(id: UUID(), brandID: UUID(), number: Int(minutes) + 1, contactID: customer, accountID: nil, subject: "s", status: status,
                            contactPoint: point, createdAt: now.addingTimeInterval(minutes * 60), updatedAt: now)
            item.topic = topic
            return item
        }
        let item = open(0)
        #expect(CaseContinuation.sameNeed(open(-150, .sms), as: item, windowMinutes: 1440) == "same customer, opened on SMS 2 h before this one, both still open")
        #expect(CaseContinuation.sameNeed(open(30), as: item, windowMinutes: 1440) == "same customer, opened on Email 30 min after this one, both still open")
        // Not itself, not another customer's, not a finished one, not another topic, not too far apart.
        #expect(CaseContinuation.sameNeed(item, as: item, windowMinutes: 1440) == nil)
        var stranger = open(5)
        stranger.contactID = UUID()
        #expect(CaseContinuation.sameNeed(stranger, as: item, windowMinutes: 1440) == nil)
        #expect(CaseContinuation.sameNeed(open(5, status: .resolved), as: item, windowMinutes: 1440) == nil)
        var billing = item
        billing.topic = "billing"
        #expect(CaseContinuation.sameNeed(open(5, topic: "outage"), as: billing, windowMinutes: 1440) == nil)
        #expect(CaseContinuation.sameNeed(open(-1500), as: item, windowMinutes: 1440) == nil)
        #expect(CaseContinuation.sameNeed(open(5), as: item, windowMinutes: 0) == nil)
    }

    @Test func thePolicyWindowIsCheckedAndDefaults() throws {
        var policy = ServicePolicy.defaults(.midTouch)
        #expect(policy.continuationWindow == 1440)
        policy.continueWithinMinutes = 50_000
        #expect(throws: ValidationError.self) { try policy.validated(as: .midTouch) }
        policy.continueWithinMinutes = 0
        #expect(try policy.validated(as: .midTouch).continuationWindow == 0)
    }
}
