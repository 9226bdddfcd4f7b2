import Foundation
import Testing
@testable import TouchpointCore

@Suite("Duplicate contacts are suggested only for what names one person")
struct DuplicateContactsTests {
    let account = UUID()

    func person(_ name: String?, account: AccountID? = nil, _ identities: [Identity]) -> Contact {
        Contact(id: UUID(), brandID: UUID(), accountID: account, name: name, identities: identities, createdAt: Date(timeIntervalSince1970: 0))
    }

    @Test func theSameNumberMailboxOrCustomerNumberIsAReason() throws {
        let ewa = person("Ewa Nowak", [try Identity(kind: .phone, raw: "+48600100200"), try Identity(kind: .email, raw: "ewa.nowak@gmail.com"),
                                       try Identity(kind: .customerNumber, raw: "C-10007")])
        // WhatsApp from her mobile: a contact of its own, with no name.
        #expect(DuplicateContacts.reasons(person(nil, [try Identity(kind: .whatsApp, raw: "+48 600 100 200")]), as: ewa)
            == ["the same phone number (…0200)"])
        // The same Gmail mailbox written another way, with her name without diacritics: two reasons.
        #expect(DuplicateContacts.reasons(person("ewa  NOWAK", [try Identity(kind: .email, raw: "EwaNowak+faktury@googlemail.com")]), as: ewa)
            == ["email addresses of one mailbox (ewanowak@gmail.com)", "the same name"])
        #expect(DuplicateContacts.reasons(person(nil, [try Identity(kind: .customerNumber, raw: "c10007")]), as: ewa) == ["the same customer number (C10007)"])
        // Dots count outside Gmail.
        let other = person(nil, [try Identity(kind: .email, raw: "ewa.nowak@example.org")])
        #expect(DuplicateContacts.reasons(person(nil, [try Identity(kind: .email, raw: "ewanowak@example.org")]), as: other).isEmpty)
    }

    @Test func aNameAloneIsNoReasonButInOneAccountItIs() throws {
        let zaneta = person("Żaneta Wójcik", account: account, [try Identity(kind: .email, raw: "zw@example.org")])
        #expect(DuplicateContacts.reasons(person("Zaneta Wojcik", [try Identity(kind: .email, raw: "z@example.net")]), as: zaneta).isEmpty)
        #expect(DuplicateContacts.reasons(person("zaneta wojcik", account: account, [try Identity(kind: .email, raw: "z@example.net")]), as: zaneta)
            == ["the same name in the same account"])
        #expect(DuplicateContacts.nameKey("Paweł  Łęcki") == DuplicateContacts.nameKey("pawel lecki"))
        // Never itself, never a contact already merged.
        #expect(DuplicateContacts.reasons(zaneta, as: zaneta).isEmpty)
        var merged = person("Żaneta Wójcik", account: account, [])
        merged.mergedInto = zaneta.id
        #expect(DuplicateContacts.reasons(merged, as: zaneta).isEmpty)
    }
}
