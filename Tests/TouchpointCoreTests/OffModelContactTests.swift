import Foundation
import Testing
@testable import TouchpointCore

@Suite("A contact outside the customer's model: what happens and why")
struct OffModelContactTests {
    @Test func offeredContactPointsAreNotOffModelAndTheRestFollowThePolicy() {
        var policy = ServicePolicy.defaults(.techTouch)
        #expect(!policy.offeredContactPoints.contains(.phone))
        #expect(policy.offModelAction(.email) == nil && policy.offModelReason(.email) == nil)
        #expect(policy.offModelAction(.phone) == .selfService)
        #expect(policy.offModelReason(.phone) == "Phone is not offered to Tech-touch customers (pointed to self-service)")
        #expect(policy.offModelAction(.fieldService) == .approval && policy.offModelAction(.inPerson) == .serve)
        policy.offModel = [.phone: .serve, .inPerson: .approval]
        #expect(policy.offModelAction(.phone) == .serve && policy.offModelAction(.inPerson) == .approval)
        #expect(policy.offModelReason(.inPerson)?.hasSuffix("(needs staff approval)") == true)
        // A model that offers the phone: no action at all, whatever is stored.
        var high = ServicePolicy.defaults(.highTouch)
        high.offModel = [.phone: .selfService]
        #expect(high.offModelAction(.phone) == nil)
    }
}
