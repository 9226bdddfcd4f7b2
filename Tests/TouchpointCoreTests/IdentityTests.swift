import Testing
@testable import TouchpointCore

@Suite("Identities are normalized so one person is one contact")
struct IdentityTests {
    @Test(arguments: [
        ("Jan.Kowalski@Example.COM", "jan.kowalski@example.com"),
        ("  anna@example.org ", "anna@example.org"),
        ("Anna Nowak <Anna.Nowak@Example.pl>", "anna.nowak@example.pl"),
        ("zażółć@przykład.pl", "zażółć@przykład.pl"),
    ])
    func emailIsLowerCasedAndTrimmed(raw: String, expected: String) throws {
        #expect(try Identity(kind: .email, raw: raw).value == expected)
    }

    @Test(arguments: ["no-at-sign", "@example.com", "a@b", "a..b@example.com", "a b@example.com", "a@-bad-.com", "a@exa_mple.com"])
    func invalidEmailIsRejectedWithItsField(raw: String) {
        #expect(throws: ValidationError.self) { try Identity(kind: .email, raw: raw, field: "from") }
        do { _ = try Identity(kind: .email, raw: raw, field: "from") } catch { #expect(error.field == "from") }
    }

    @Test(arguments: [
        ("+48 600 100 200", nil, "+48600100200"),
        ("(+48) 600-100-200", nil, "+48600100200"),
        ("0048 600 100 200", nil, "+48600100200"),
        ("600 100 200", "48", "+48600100200"),
        ("020 7946 0018", "44", "+442079460018"),
        ("+1 (415) 555-0100", nil, "+14155550100"),
    ] as [(String, String?, String)])
    func phoneIsNormalizedToE164(raw: String, callingCode: String?, expected: String) throws {
        #expect(try Identity(kind: .phone, raw: raw, defaultCallingCode: callingCode).value == expected)
    }

    @Test(arguments: ["600 100 200", "+48 12", "+0 600 100 200", "+48 600 100 200 ext 5", "+4860010020012345678", "++48600100200"])
    func badPhoneIsRejected(raw: String) {
        #expect(throws: ValidationError.self) { try Identity(kind: .phone, raw: raw) }
    }

    @Test func customerNumbersAreUpperCasedAndControlCharactersRefused() throws {
        #expect(try Identity(kind: .customerNumber, raw: " c-10001 ").value == "C-10001")
        #expect(throws: ValidationError.self) { try Identity(kind: .chatVisitor, raw: "abc\u{0}def") }
        #expect(throws: ValidationError.self) { try Identity(kind: .chatVisitor, raw: "   ") }
    }

    @Test func everyContactPointKnowsItsNatureAndIdentity() {
        #expect(ContactPoint.inPerson.nature == .high)
        #expect(ContactPoint.phone.nature == .high)
        #expect(ContactPoint.portal.nature == .low)
        #expect(ContactPoint.email.nature == .low)
        #expect(ContactPoint.sms.identityKind == .phone)
        #expect(ContactPoint.whatsApp.identityKind == .whatsApp)
        #expect(Set(ContactPoint.allCases.map(\.nature)) == [.high, .low])
    }
}
