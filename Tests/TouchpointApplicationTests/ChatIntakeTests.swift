import Foundation
import Testing
import TouchpointApplication
import TouchpointCore
import TouchpointStore
import TouchpointTestSupport

@Suite("Web chat through the one intake path")
struct ChatIntakeTests {
    static let visitor = "visitor-0123456789abcdef"

    static func payload(_ clientID: String, _ text: String, identity: Identity? = nil) -> ChatPayload {
        ChatPayload(visitor: visitor, clientId: clientID, text: text, identity: identity, name: "Ola", leftMessage: false)
    }

    @Test(arguments: Backend.available)
    func aVisitorsMessagesAreStoredTakenInAtOnceAndOnceEvenWhenResent(_ backend: Backend) async throws {
        try await withStore(backend) { store in
            // setup
            let fixture = try await Fixture.make(store)
            let inbox = Inbox(store: store, logger: .quiet("chat-intake"))
            let email = try Identity(kind: .email, raw: "ola@example.org", field: "email")

            // act: a first message, a second, the second resent after a dropped connection, and once more for its receipt.
            let first = try await inbox.acceptAndProcess(
                try Self.payload("c1", "Is my order shipped?", identity: email).envelope(brand: fixture.brand.id))
            let second = try await inbox.acceptAndProcess(try Self.payload("c2", "Order 1234").envelope(brand: fixture.brand.id))
            let resent = try await inbox.acceptAndProcess(try Self.payload("c2", "Order 1234").envelope(brand: fixture.brand.id))
            let receipt = try await inbox.receiveChatMessage(Self.payload("c2", "Order 1234"), brand: fixture.brand.id)

            // check: both on one web-chat case of the contact the visitor named, each written once, each envelope processed.
            #expect(first.state == .processed && second.state == .processed && resent.id == second.id)
            let caseID = try #require(first.caseID)
            #expect(second.caseID == caseID && first.interactionID != nil)
            let item = try await store.case(caseID, brand: fixture.brand.id)
            #expect(item.contactPoint == .webChat && item.subject == "Is my order shipped?")
            let contact = try await store.contact(item.contactID, brand: fixture.brand.id)
            #expect(contact.identities.contains(email))
            let bodies = try await store.interactions(caseID: caseID, brand: fixture.brand.id).map(\.text)
            #expect(bodies == ["Is my order shipped?", "Order 1234"])
            let messages = try await store.chatMessages(caseID: caseID, brand: fixture.brand.id, after: 0)
            #expect(messages.map(\.clientID) == ["c1", "c2"])
            // The receipt of a message sent once more names the case and the message's number.
            #expect(receipt == ChatReceipt(caseID: caseID, caseNumber: item.number, seq: messages.last?.seq))
            #expect(receipt.seq != nil)
        }
    }

    @Test(arguments: Backend.available)
    func aMessageThatCannotBeTakenInIsStillStoredAndARerunTakesItInOnce(_ backend: Backend) async throws {
        try await withStore(backend) { store in
            // setup: chat processing fails (the database refused the write), with no retries left.
            let fixture = try await Fixture.make(store)
            let failing = Inbox(
                store: store, logger: .quiet("chat-intake"), handlers: [.webChat: { _, _ in throw InjectedFault() }],
                retry: RetryPolicy(maxAttempts: 1, firstDelay: .zero))

            // act
            let held = try await failing.acceptAndProcess(try Self.payload("c1", "Hello?").envelope(brand: fixture.brand.id))

            // check: stored and quarantined with its stage and reason; nothing in the history yet.
            #expect(held.state == .quarantined && held.stage == .record && held.reason == "injected: the database refused the write")
            #expect(try await store.chatCase(brand: fixture.brand.id, visitor: Self.visitor) == nil)

            // act: after the fix an operator runs it again.
            let fixed = Inbox(store: store, logger: .quiet("chat-intake"))
            let rerun = try await fixed.rerun(held.id, brand: fixture.brand.id, actor: .staff(fixture.admin.id))
            await fixed.process(held.id)

            // check: taken in once, on the visitor's chat case.
            #expect(rerun.state == .processed)
            let caseID = try #require(try await store.chatCase(brand: fixture.brand.id, visitor: Self.visitor))
            #expect(rerun.caseID == caseID)
            #expect(try await store.interactions(caseID: caseID, brand: fixture.brand.id).map(\.text) == ["Hello?"])
        }
    }
}
