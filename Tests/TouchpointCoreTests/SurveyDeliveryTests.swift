import Testing
import TouchpointCore

/// Where a survey goes, and which text messages answer one.
struct SurveyDeliveryTests {
    static let everything = SurveyReach(email: true, sms: true, whatsApp: true, kiosk: true)
    static let emailOnly = SurveyReach(email: true, sms: false, whatsApp: false, kiosk: false)

    @Test func theContactPointUsedCarriesTheSurveyOrTheNearestThatCan() {
        let used: [ContactPoint: ContactPoint?] = [
            .email: .email, .sms: .sms, .whatsApp: .whatsApp, .phone: .sms, .fieldService: .sms, .billing: .sms, .webChat: .webChat,
            .chatbot: .webChat, .portal: .portal, .kiosk: .kiosk, .inPerson: .kiosk,
        ]
        for (point, expected) in used { #expect(SurveyDelivery.contactPoint(used: point, reach: Self.everything) == expected, "\(point)") }
        // Without a number or provider: email; web chat, portal and kiosk ask there regardless.
        for point in [ContactPoint.sms, .whatsApp, .phone, .kiosk, .inPerson] {
            #expect(SurveyDelivery.contactPoint(used: point, reach: Self.emailOnly) == .email, "\(point)")
        }
        #expect(SurveyDelivery.contactPoint(used: .portal, reach: Self.emailOnly) == .portal)
        // WhatsApp outside its window but a phone number: SMS.
        #expect(SurveyDelivery.contactPoint(used: .whatsApp, reach: SurveyReach(email: true, sms: true, whatsApp: false, kiosk: false)) == .sms)
        let nothing = SurveyReach(email: false, sms: false, whatsApp: false, kiosk: false)
        #expect(SurveyDelivery.contactPoint(used: .email, reach: nothing) == nil)
        #expect(SurveyDelivery.contactPoint(used: .phone, reach: nothing) == nil)
        #expect(SurveyDelivery.isSent(on: .sms) && !SurveyDelivery.isSent(on: .kiosk) && !SurveyDelivery.isSent(on: .webChat))
    }

    @Test(
        arguments: [
            ("4", SurveyKind.csat, 4, nil), ("  5 ", .csat, 5, nil), ("4 – quick, thank you", .csat, 4, "quick, thank you"),
            ("4/5", .csat, 4, nil), ("4/5 great", .csat, 4, "great"), ("3 z 5, mogło być szybciej", .csat, 3, "mogło być szybciej"),
            ("5️⃣ dzięki", .csat, 5, "dzięki"), ("10", .nps, 10, nil), ("8 of 10", .nps, 8, nil), ("0. never again", .nps, 0, "never again"),
            ("🔟", .nps, 10, nil), ("1\nslow", .csat, 1, "slow"),
        ] as [(String, SurveyKind, Int, String?)])
    func aNumberOnTheScaleAnswers(_ text: String, _ kind: SurveyKind, _ score: Int, _ comment: String?) {
        let reply = SurveyReply.parse(text, kind: kind)
        #expect(reply?.score == score && reply?.comment == comment, "\(text) → \(String(describing: reply))")
    }

    @Test(
        arguments: [
            ("6", SurveyKind.csat), ("0", .csat), ("11", .nps), ("42", .csat), ("123", .nps), ("4th floor flooded", .csat), ("hello 5", .csat),
            ("", .csat), ("5kWh missing", .csat), ("600 100 200", .nps),
        ] as [(String, SurveyKind)])
    func anythingElseIsAnOrdinaryMessage(_ text: String, _ kind: SurveyKind) {
        #expect(SurveyReply.parse(text, kind: kind) == nil, "\(text)")
    }
}
