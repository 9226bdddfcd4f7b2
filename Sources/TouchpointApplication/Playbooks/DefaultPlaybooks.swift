import Foundation
import TouchpointCore

/// The playbooks a brand starts with, one set per service model, as seed 004 describes how
/// each model reaches out: tech-touch fully automated (a welcome series, adoption nudges),
/// low-touch a renewal reminder, mid-touch a planned quarterly check-in with the pooled
/// CSM, high-touch onboarding with the named CSM and a business review every 90 days. All
/// are ordinary playbooks: editable, versioned, pausable.
public enum DefaultPlaybooks {
    static func days(_ count: Int) -> ISODuration { ISODuration(seconds: count * 86_400) }

    static func send(_ id: String, _ point: ContactPoint = .email, en: (String, String), pl: (String, String)) -> PlaybookStep {
        PlaybookStep(
            id: id, type: .send, contactPoint: point,
            templates: [
                "en": PlaybookMessage(subject: point == .email ? en.0 : nil, body: en.1),
                "pl": PlaybookMessage(subject: point == .email ? pl.0 : nil, body: pl.1),
            ])
    }

    /// The definitions; `team` receives the check-in tasks of accounts without a named CSM.
    public static func definitions(team: TeamID?) -> [PlaybookDefinition] {
        [
            PlaybookDefinition(
                name: "Welcome series", description: "Tech-touch: greets a new contact, points to self-service and checks they found their way.",
                trigger: .on(.contactCreated), audience: PlaybookAudience(models: [.techTouch]),
                steps: [
                    send(
                        "welcome",
                        en: (
                            "Welcome to {{brand.name}}, {{contact.firstName}}",
                            "Hello {{contact.firstName}},\n\nwelcome! Everything you need is in your portal: {{portal.link}}\nAnswers to the most common questions are in its help section."
                        ),
                        pl: (
                            "Witamy w {{brand.name}}, {{contact.firstName}}",
                            "Dzień dobry {{contact.firstName}},\n\nwitamy! Wszystko, czego potrzebujesz, znajdziesz w portalu: {{portal.link}}\nOdpowiedzi na najczęstsze pytania są w jego pomocy."
                        )),
                    PlaybookStep(id: "wait-3-days", type: .wait, duration: days(3)),
                    PlaybookStep(
                        id: "found-portal", type: .branch, condition: PlaybookCondition(when: .openedLink), then: "wait-week", else: "reminder"),
                    send(
                        "reminder",
                        en: (
                            "Your portal is ready",
                            "In case you missed it: your portal {{portal.link}} shows your invoices, requests and meter readings."
                        ),
                        pl: ("Twój portal czeka", "Gdyby umknęło: w portalu {{portal.link}} znajdziesz faktury, zgłoszenia i odczyty liczników.")),
                    PlaybookStep(id: "wait-week", type: .wait, duration: days(7)),
                    PlaybookStep(id: "adopting", type: .set, field: .stage, value: JourneyStage.adoption.rawValue),
                ], exitOn: [.optedOut, .caseOpened, .modelChanged]),
            PlaybookDefinition(
                name: "Adoption nudges", description: "Tech-touch: a tip every 30 days while the account is adopting.",
                trigger: .every(days(30)), audience: PlaybookAudience(models: [.techTouch], stages: [.adoption]),
                steps: [
                    send(
                        "tip",
                        en: (
                            "A tip from {{brand.name}}", "Did you know you can report a meter reading and pay invoices in the portal? {{portal.link}}"
                        ),
                        pl: ("Wskazówka od {{brand.name}}", "Czy wiesz, że w portalu podasz odczyt licznika i opłacisz faktury? {{portal.link}}"))
                ], exitOn: [.optedOut, .modelChanged]),
            PlaybookDefinition(
                name: "Renewal reminder", description: "Low-touch: 30 days before renewal by email, then by SMS if there is no answer.",
                trigger: PlaybookTrigger(schedule: .beforeRenewal, interval: days(30)), audience: PlaybookAudience(models: [.lowTouch]),
                steps: [
                    send(
                        "email",
                        en: (
                            "Your contract renews on {{renewal.date}}",
                            "Hello {{contact.firstName}},\n\nyour contract with {{brand.name}} renews on {{renewal.date}}. Nothing to do if all is well; reply to this message with any question."
                        ),
                        pl: (
                            "Umowa odnawia się {{renewal.date}}",
                            "Dzień dobry {{contact.firstName}},\n\nTwoja umowa z {{brand.name}} odnawia się {{renewal.date}}. Jeśli wszystko w porządku, nic nie trzeba robić; z pytaniami odpowiedz na tę wiadomość."
                        )),
                    PlaybookStep(id: "wait-2-weeks", type: .wait, duration: days(14)),
                    PlaybookStep(id: "answered", type: .branch, condition: PlaybookCondition(when: .replied), then: "end", else: "sms"),
                    send(
                        "sms", .sms, en: ("", "{{brand.name}}: your contract renews on {{renewal.date}}. Questions? Reply here."),
                        pl: ("", "{{brand.name}}: umowa odnawia się {{renewal.date}}. Pytania? Odpowiedz na tę wiadomość.")),
                ], exitOn: [.replied, .optedOut, .modelChanged]),
            PlaybookDefinition(
                name: "Quarterly check-in", description: "Mid-touch: a check-in email each quarter and a call for the pooled CSM.",
                trigger: PlaybookTrigger(schedule: .quarterly), audience: PlaybookAudience(models: [.midTouch]),
                steps: [
                    send(
                        "check-in",
                        en: (
                            "How is it going, {{contact.firstName}}?",
                            "Hello {{contact.firstName}},\n\nit is time for our quarterly check-in. How are things going for {{account.name}}? Reply with anything we can help with; {{csm.name}} will call you in the coming days."
                        ),
                        pl: (
                            "Jak się sprawy mają, {{contact.firstName}}?",
                            "Dzień dobry {{contact.firstName}},\n\nczas na kwartalną rozmowę. Jak idzie {{account.name}}? Odpowiedz, jeśli możemy w czymś pomóc; {{csm.name}} zadzwoni w najbliższych dniach."
                        )),
                    PlaybookStep(
                        id: "call", type: .task, assignee: .csm, teamId: team, title: "Quarterly check-in call with {{account.name}}", due: days(5)),
                ], exitOn: [.optedOut, .modelChanged]),
            PlaybookDefinition(
                name: "High-touch onboarding", description: "High-touch: a kick-off with the named CSM, then a 30-day review.",
                trigger: .on(.modelChanged), audience: PlaybookAudience(models: [.highTouch]),
                steps: [
                    PlaybookStep(
                        id: "kick-off", type: .meeting, duration: ISODuration(seconds: 3600), title: "Kick-off: {{account.name}} and {{brand.name}}",
                        after: days(2)),
                    PlaybookStep(id: "onboarding", type: .set, field: .stage, value: JourneyStage.onboarding.rawValue),
                    PlaybookStep(id: "wait-30-days", type: .wait, duration: days(30)),
                    PlaybookStep(
                        id: "review", type: .meeting, duration: ISODuration(seconds: 3600), title: "30-day review: {{account.name}}", after: days(2)),
                    PlaybookStep(
                        id: "follow-up", type: .task, assignee: .csm, title: "Send the 30-day review notes to {{account.name}}", due: days(7)),
                ], exitOn: [.optedOut, .modelChanged]),
            PlaybookDefinition(
                name: "Business review", description: "High-touch: a business review with the named CSM every 90 days.",
                trigger: .every(days(90)), audience: PlaybookAudience(models: [.highTouch]),
                steps: [
                    PlaybookStep(id: "prepare", type: .task, assignee: .csm, title: "Prepare the business review for {{account.name}}", due: days(5)),
                    PlaybookStep(
                        id: "review", type: .meeting, duration: ISODuration(seconds: 5400), title: "Business review: {{account.name}}", after: days(7)
                    ),
                    PlaybookStep(id: "recommend", type: .survey, survey: .nps),
                ], exitOn: [.optedOut, .modelChanged]),
        ]
    }
}
