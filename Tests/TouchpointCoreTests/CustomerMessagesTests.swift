import Testing
import TouchpointCore

@Suite("What customers are told, in English and Polish")
struct CustomerMessagesTests {
    static let answers: [CustomerMessages.QueueAnswer] = [
        .nothingToLeave, .left(tickets: ["B007"]), .whichPlace(slugs: ["centre", "north"]), .alreadyWaiting(ticket: "B007", place: "Centre"),
        .whichService(menu: "B Billing, C Contracts"), .taken(ticket: "B007", place: "Centre", service: "Billing", minutes: 12),
        .taken(ticket: "B007", place: "Centre", service: "Billing", minutes: nil),
    ]

    /// Every text in both languages, for the checks that hold for all of them.
    static func everything(_ language: Language) -> [String] {
        let say = CustomerMessages(language)
        let link = say.portalLink(brand: "Acme", link: "https://acme.example/portal/acme/link/x")
        return [
            say.mailAcknowledgement(reference: "[Acme #7]", subject: "Licznik"), link.subject, link.text,
            say.deskAppointment(place: "Centre", when: "Mon 9:00", timeZone: "Europe/Warsaw", cancelled: false),
            say.deskAppointment(place: "Centre", when: "Mon 9:00", timeZone: "Europe/Warsaw", cancelled: true),
            say.kioskCode(brand: "Acme", code: "123456"), say.queueCalled(brand: "Acme", ticket: "B007", desk: "Desk 1", place: "Centre"),
        ] + answers.map(say.queue)
    }

    @Test func everyTextIsWrittenInBothLanguagesAndKeepsItsFacts() {
        let english = Self.everything(.en), polish = Self.everything(.pl)
        for (en, pl) in zip(english, polish) {
            #expect(en != pl, "not translated: \(en)")
            // The facts the customer needs survive translation: numbers, codes, references.
            for fact in ["[Acme #7]", "123456", "B007", "https://acme.example/portal/acme/link/x", "Mon 9:00", "12"] where en.contains(fact) {
                #expect(pl.contains(fact), "\(fact) lost in: \(pl)")
            }
        }
        #expect(polish.allSatisfy { !$0.contains("QUEUE") && !$0.contains(" the ") }, "English left in a Polish text")
    }

    @Test func theWaitForAPersonIsToldAsTheEstimateSaysIt() {
        let en = CustomerMessages(.en), pl = CustomerMessages(.pl)
        let closed = WaitEstimate(humanAvailable: false, minutes: nil, probabilityOfWaiting: nil, explanation: "closed")
        let soon = WaitEstimate(humanAvailable: true, minutes: 6.2, probabilityOfWaiting: 0.4, explanation: "queue")
        let now = WaitEstimate(humanAvailable: true, minutes: 0.3, probabilityOfWaiting: 0.1, explanation: "free")
        let swamped = WaitEstimate(humanAvailable: true, minutes: 41, probabilityOfWaiting: 1, demandExceedsCapacity: true, explanation: "over")
        #expect(en.waitForPerson(soon) == "A person usually answers a new request within about 7 min.")
        #expect(pl.waitForPerson(soon) == "Na nowe zgłoszenie odpowiadamy zwykle w ciągu około 7 min.")
        #expect(en.waitForPerson(now) == "A person can answer a new request right away.")
        #expect(en.waitForPerson(swamped) == "Many requests right now: expect to wait at least 41 min for a person.")
        #expect(en.waitForPerson(closed).hasPrefix("Nobody can answer right now") && pl.waitForPerson(closed).hasPrefix("Teraz nikt"))
    }

    @Test func theKeywordsATextTellsCustomersToSendAreUnderstood() throws {
        for (language, take, leave) in [(Language.en, "QUEUE", "QUEUE LEAVE"), (.pl, "NUMEREK", "NUMEREK REZYGNUJĘ")] {
            let say = CustomerMessages(language)
            #expect(say.queue(.whichService(menu: "B Billing")).contains("\(take) "))
            #expect(say.queue(.alreadyWaiting(ticket: "B007", place: "Centre")).contains(leave))
            #expect(try #require(QueueRequest.of("\(take) B")).words == ["B"])
            #expect(try #require(QueueRequest.of(leave)).leave, "\(leave) gives the place up")
        }
    }
}
