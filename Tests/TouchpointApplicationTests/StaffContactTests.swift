import Foundation
import Testing
import TouchpointApplication
import TouchpointCore
import TouchpointStore
import TouchpointTestSupport

/// Calls logged and messages written from a customer's page: where they land, and what is
/// refused with the reason.
@Suite("Logging a call or writing to a customer")
struct StaffContactTests {
    @Test(arguments: Backend.available)
    func callsAndMessagesLandInTheRightCaseAndTheWrongOnesAreRefused(_ backend: Backend) async throws {
        try await withStore(backend) { store in
            let fixture = try await Fixture.make(store)
            let cases = UseCases(store: store).cases
            let brand = fixture.brand.id
            let staff = fixture.agent.id
            // A customer known only by email, and another with a case of their own.
            let ewa = try await store.openCase(brand: brand, actor: nil, request: try fixture.email("ewa@example.org")).case
            let other = try await store.openCase(brand: brand, actor: nil, request: try fixture.email("olek@example.org")).case

            // A call we made, into Ewa's case, kept as a note on the phone contact point.
            let called = try await cases.recordContact(StaffContact(kind: .callToCustomer, caseID: ewa.id, body: "Left a voicemail."),
                                                       contactID: ewa.contactID, brand: brand, staff: staff)
            #expect(called.id == ewa.id)
            let notes = try await store.interactions(caseID: ewa.id, brand: brand).filter { $0.direction == .internal }
            #expect(notes.map(\.text) == ["Left a voicemail."] && notes[0].contactPoint == .phone && notes[0].metadata["call"] == "outbound")

            // She phones in from a number we do not have: a new phone case, still hers.
            let phoned = try await cases.recordContact(
                StaffContact(kind: .callFromCustomer, subject: "Wants a paper bill", body: "Asked for paper bills from January.", priority: .high),
                contactID: ewa.contactID, brand: brand, staff: staff)
            #expect(phoned.id != ewa.id && phoned.contactID == ewa.contactID && phoned.contactPoint == .phone && phoned.priority == .high)

            // Written by email and settled: the message is queued and the case resolved.
            let written = try await cases.recordContact(
                StaffContact(kind: .message(.email), subject: "Your paper bills", body: "Paper bills start in January.", solved: true),
                contactID: ewa.contactID, brand: brand, staff: staff)
            #expect(written.status == .resolved && written.contactPoint == .email)
            let sent = try await store.interactions(caseID: written.id, brand: brand).filter { $0.direction == .outbound }
            #expect(sent.map(\.text) == ["Paper bills start in January."])
            // (The fixture's brand has no mailbox; the browser test follows the mail to the outbox.)

            // Refused, each with the field and why: no subject for a new case, no number to
            // text, another customer's case.
            await #expect(throws: ValidationError(field: "subject", reason: "say what the new case is about")) {
                try await cases.recordContact(StaffContact(kind: .callFromCustomer, body: "x"), contactID: ewa.contactID, brand: brand, staff: staff)
            }
            await #expect(throws: ValidationError(field: "kind", reason: "there is nothing on file to reach the customer on SMS")) {
                try await cases.recordContact(StaffContact(kind: .message(.sms), subject: "s", body: "x"), contactID: ewa.contactID, brand: brand, staff: staff)
            }
            await #expect(throws: ValidationError(field: "case", reason: "that case is another customer's")) {
                try await cases.recordContact(StaffContact(kind: .callToCustomer, caseID: other.id, body: "x"), contactID: ewa.contactID, brand: brand, staff: staff)
            }
            #expect(try await store.interactions(caseID: other.id, brand: brand).count == 1)
        }
    }
}
