import Foundation
import Testing

@testable import TouchpointCore

@Suite("Playbooks: durations, definitions checked at save, quiet hours, the shared cap, schedules and the step engine")
struct PlaybookTests {
    static func date(_ text: String) -> Date { ISO8601DateFormatter().date(from: text)! }
    static let warsaw = TimeZone(identifier: "Europe/Warsaw")!

    static func welcome(_ steps: [PlaybookStep]? = nil) -> PlaybookDefinition {
        PlaybookDefinition(
            name: "Welcome", trigger: .on(.contactCreated), audience: PlaybookAudience(models: [.techTouch]),
            steps: steps ?? [
                PlaybookStep(
                    id: "hello", type: .send, contactPoint: .email,
                    templates: [
                        "en": PlaybookMessage(subject: "Welcome, {{contact.firstName}}", body: "Start here: {{portal.link}}"),
                        "pl": PlaybookMessage(subject: "Witaj, {{contact.firstName}}", body: "Zacznij tutaj: {{portal.link}}"),
                    ]),
                PlaybookStep(id: "pause", type: .wait, duration: ISODuration(seconds: 3 * 86_400)),
                PlaybookStep(id: "check", type: .branch, condition: PlaybookCondition(when: .replied), then: "end", else: "nudge"),
                PlaybookStep(
                    id: "nudge", type: .send, contactPoint: .sms,
                    templates: ["en": PlaybookMessage(body: "Need help? {{portal.link}}"), "pl": PlaybookMessage(body: "Pomoc: {{portal.link}}")]),
            ], exitOn: [.replied, .optedOut])
    }

    static func facts(
        _ definition: PlaybookDefinition, step: Int = 0, language: Language = .pl, optedOut: Set<ContactPoint> = [], recent: [Date] = [],
        replied: Bool = false, csm: StaffUser? = nil
    ) -> EnrollmentFacts {
        let enrollment = Enrollment(
            id: UUID(), brandID: UUID(), playbookID: UUID(), version: 1, accountID: UUID(), contactID: UUID(), state: .active, stepIndex: step,
            dueAt: nil, reason: "test", startedAt: date("2026-12-07T08:00:00Z"))
        return EnrollmentFacts(
            enrollment: enrollment, definition: definition, playbookName: definition.name, brandName: "Wodociągi", language: language,
            contactName: "Ewa Mazur", addresses: [.email: "ewa@example.org", .sms: "+48600100200"], optedOut: optedOut,
            accountName: "Mazur sp. z o.o.",
            profile: AccountProfile(), model: .techTouch, csm: csm, csmHours: .always, csmBusy: [], zone: warsaw, calendars: [:], replied: replied,
            openedLink: false, lastSurveyScore: nil, caseOpen: false, recentMessages: recent, portalLink: "https://help.example/portal/acme")
    }

    @Test func durationsAreReadTheISOWay() throws {
        #expect(try ISODuration("PT2S", field: "d").seconds == 2)
        #expect(try ISODuration("P3D", field: "d").seconds == 3 * 86_400)
        #expect(try ISODuration("P1DT12H30M", field: "d").seconds == 86_400 + 12 * 3600 + 1800)
        #expect(try ISODuration("p2w", field: "d").seconds == 14 * 86_400)
        #expect(ISODuration(seconds: 90_061).text == "P1DT1H1M1S")
        for bad in ["3D", "P", "PT", "P1M", "P1Y", "PT5", "P1D1D", "PTXS", "P-1D"] {
            #expect(throws: ValidationError.self, "\(bad)") { try ISODuration(bad, field: "wait") }
        }
        let error = try #require(throws: ValidationError.self) { try ISODuration("P1M", field: "steps[1].duration") }
        #expect(error.field == "steps[1].duration" && error.reason.contains("write days"))
    }

    @Test func aDefinitionIsCheckedWhenSaved() throws {
        let valid = try Self.welcome().validated(languages: [.pl])
        #expect(valid.steps.map(\.id) == ["hello", "pause", "check", "nudge"])
        // Ids are given to steps that have none.
        let numbered = try PlaybookDefinition(
            name: "N", trigger: .every(ISODuration(seconds: 90 * 86_400)),
            steps: [PlaybookStep(type: .survey, survey: .nps), PlaybookStep(type: .end)]
        ).validated(languages: [.en])
        #expect(numbered.steps.map(\.id) == ["1", "2"])

        func refusal(_ definition: PlaybookDefinition, languages: [Language] = [.pl]) -> ValidationError? {
            do {
                _ = try definition.validated(languages: languages)
                return nil
            } catch { return error }
        }
        var misspelled = Self.welcome()
        misspelled.steps[0].templates?["pl"]?.body = "Cześć {{contact.frstName}}"
        #expect(refusal(misspelled)?.field == "steps[0].templates.pl.body")
        #expect(refusal(misspelled)?.reason.contains("unknown placeholder {{contact.frstName}}") == true)
        var unclosed = Self.welcome()
        unclosed.steps[0].templates?["en"]?.subject = "Hi {{contact.name"
        #expect(refusal(unclosed)?.field == "steps[0].templates.en.subject")
        #expect(refusal(Self.welcome(), languages: [.pl, .en]) == nil)
        var onlyEnglish = Self.welcome()
        onlyEnglish.steps[0].templates?["pl"] = nil
        #expect(refusal(onlyEnglish)?.reason == "needs a message in pl, the brand's language")
        var lost = Self.welcome()
        lost.steps[2].else = "nowhere"
        #expect(refusal(lost)?.field == "steps[2].else")
        let spinning = Self.welcome([
            PlaybookStep(id: "a", type: .set, field: .tag, value: "x"),
            PlaybookStep(id: "b", type: .branch, condition: PlaybookCondition(when: .caseOpen), then: "a"),
        ])
        #expect(refusal(spinning)?.reason.contains("no wait step") == true)
        #expect(refusal(Self.welcome([PlaybookStep(type: .task, assignee: .csm, title: "Call")]))?.field == "steps[0].due")
        #expect(refusal(Self.welcome([PlaybookStep(type: .set, field: .stage, value: "golden")]))?.field == "steps[0].value")
        #expect(refusal(Self.welcome([PlaybookStep(type: .send, contactPoint: .kiosk, templates: [:])]))?.field == "steps[0].contactPoint")
        #expect(
            refusal(PlaybookDefinition(name: "x", trigger: PlaybookTrigger(event: .healthBelow), steps: [PlaybookStep(type: .end)]))?.field
                == "trigger.threshold")
        #expect(
            refusal(PlaybookDefinition(name: "x", trigger: PlaybookTrigger(schedule: .every), steps: [PlaybookStep(type: .end)]))?.field
                == "trigger.interval")
    }

    @Test func quietHoursHoldMessagesUntilMorningInTheCustomersZone() {
        let settings = AutomationSettings()
        // 22:30 in Warsaw (21:30 UTC) waits for 08:00 Warsaw; noon goes at once.
        #expect(settings.afterQuietHours(Self.date("2026-12-07T21:30:00Z"), zone: Self.warsaw) == Self.date("2026-12-08T07:00:00Z"))
        #expect(settings.afterQuietHours(Self.date("2026-12-08T03:00:00Z"), zone: Self.warsaw) == Self.date("2026-12-08T07:00:00Z"))
        #expect(settings.afterQuietHours(Self.date("2026-12-07T11:00:00Z"), zone: Self.warsaw) == Self.date("2026-12-07T11:00:00Z"))
        // The same instant is daytime in New York.
        let newYork = TimeZone(identifier: "America/New_York")!
        #expect(settings.afterQuietHours(Self.date("2026-12-07T21:30:00Z"), zone: newYork) == Self.date("2026-12-07T21:30:00Z"))
        // Across the spring change: the night of 28/29 March 2026 loses an hour in Warsaw.
        #expect(settings.afterQuietHours(Self.date("2026-03-28T22:00:00Z"), zone: Self.warsaw) == Self.date("2026-03-29T06:00:00Z"))
        // Equal times switch quiet hours off.
        #expect(
            AutomationSettings(quietHours: ["00:00", "00:00"]).afterQuietHours(Self.date("2026-12-07T23:00:00Z"), zone: Self.warsaw)
                == Self.date("2026-12-07T23:00:00Z"))
    }

    @Test func theCapAllowsOneMessageADayByDefault() {
        let settings = AutomationSettings()
        let now = Self.date("2026-12-07T12:00:00Z")
        #expect(settings.capAllows(at: now, sent: []) == now)
        #expect(settings.capAllows(at: now, sent: [Self.date("2026-12-06T11:00:00Z")]) == now)
        #expect(settings.capAllows(at: now, sent: [Self.date("2026-12-07T09:00:00Z")]) == Self.date("2026-12-08T09:00:00Z"))
        let three = AutomationSettings(maxMessages: 3, per: ISODuration(seconds: 7 * 86_400))
        let sent = ["2026-12-01T10:00:00Z", "2026-12-03T10:00:00Z", "2026-12-05T10:00:00Z"].map(Self.date)
        #expect(three.capAllows(at: now, sent: sent) == Self.date("2026-12-08T10:00:00Z"))
    }

    @Test func schedulesNameEachRunOnce() throws {
        let every = PlaybookTrigger.every(ISODuration(seconds: 90 * 86_400))
        let created = try #require(CivilDate("2026-01-10"))
        #expect(every.scheduledRun(today: try #require(CivilDate("2026-04-09")), accountCreated: created, renewalOn: nil) == nil)
        #expect(every.scheduledRun(today: try #require(CivilDate("2026-04-10")), accountCreated: created, renewalOn: nil) == "every:1")
        #expect(every.scheduledRun(today: try #require(CivilDate("2026-05-01")), accountCreated: created, renewalOn: nil) == "every:1")
        #expect(every.scheduledRun(today: try #require(CivilDate("2026-07-09")), accountCreated: created, renewalOn: nil) == "every:2")
        let quarterly = PlaybookTrigger(schedule: .quarterly)
        #expect(quarterly.scheduledRun(today: try #require(CivilDate("2026-12-07")), accountCreated: created, renewalOn: nil) == "quarter:2026-Q4")
        let renewal = PlaybookTrigger(schedule: .beforeRenewal, interval: ISODuration(seconds: 60 * 86_400))
        let renews = try #require(CivilDate("2027-02-01"))
        #expect(renewal.scheduledRun(today: try #require(CivilDate("2026-12-01")), accountCreated: created, renewalOn: renews) == nil)
        #expect(
            renewal.scheduledRun(today: try #require(CivilDate("2026-12-07")), accountCreated: created, renewalOn: renews) == "renewal:2027-02-01")
        #expect(renewal.scheduledRun(today: try #require(CivilDate("2027-02-02")), accountCreated: created, renewalOn: renews) == nil)
    }

    @Test func theEngineWritesInTheCustomersLanguageAndKeepsTheRules() throws {
        let definition = try Self.welcome().validated(languages: [.pl])
        let settings = AutomationSettings()
        let noon = Self.date("2026-12-07T11:00:00Z")
        let action = PlaybookEngine.decide(Self.facts(definition), now: noon, settings: settings)
        #expect(
            action
                == .send(
                    contactPoint: .email, recipient: "ewa@example.org", subject: "Witaj, Ewa", body: "Zacznij tutaj: https://help.example/portal/acme"
                ))
        // An English-speaking brand gets its own words.
        if case .send(_, _, let subject, _) = PlaybookEngine.decide(Self.facts(definition, language: .en), now: noon, settings: settings) {
            #expect(subject == "Welcome, Ewa")
        }
        // At night: later, the same step. After a message today: tomorrow.
        #expect(
            PlaybookEngine.decide(Self.facts(definition), now: Self.date("2026-12-07T22:00:00Z"), settings: settings)
                == .postpone(until: Self.date("2026-12-08T07:00:00Z"), reason: "quiet hours in Europe/Warsaw"))
        guard
            case .postpone(let until, _) = PlaybookEngine.decide(
                Self.facts(definition, recent: [Self.date("2026-12-07T08:30:00Z")]), now: noon, settings: settings)
        else { Issue.record("the cap did not hold the message"); return }
        #expect(until == Self.date("2026-12-08T08:30:00Z"))
        // Opted out of email: skipped, the run goes on.
        #expect(
            PlaybookEngine.decide(Self.facts(definition, optedOut: [.email]), now: noon, settings: settings) == .skip(reason: "opted out of email"))
        // The wait, the branch and where each leads.
        let wait = PlaybookEngine.decide(Self.facts(definition, step: 1), now: noon, settings: settings)
        #expect(wait == .wait(until: noon.addingTimeInterval(3 * 86_400)))
        #expect(PlaybookEngine.advance(definition, from: 1, after: wait, now: noon)?.due == noon.addingTimeInterval(3 * 86_400))
        let replied = PlaybookEngine.decide(Self.facts(definition, step: 2, replied: true), now: noon, settings: settings)
        #expect(PlaybookEngine.advance(definition, from: 2, after: replied, now: noon) == nil, "then: end")
        let silent = PlaybookEngine.decide(Self.facts(definition, step: 2), now: noon, settings: settings)
        #expect(PlaybookEngine.advance(definition, from: 2, after: silent, now: noon)?.index == 3)
        // A task for the CSM is skipped without one.
        let task = PlaybookDefinition(
            name: "T", trigger: .on(.caseResolved),
            steps: [PlaybookStep(type: .task, assignee: .csm, title: "Call {{account.name}}", due: ISODuration(seconds: 86_400))])
        #expect(PlaybookEngine.decide(Self.facts(task), now: noon, settings: settings) == .skip(reason: "the account has no named CSM"))
        let csm = StaffUser(id: UUID(), brandID: UUID(), email: "anna@acme.example", name: "Anna Nowak", role: .csm, teamID: nil)
        #expect(
            PlaybookEngine.decide(Self.facts(task, csm: csm), now: noon, settings: settings)
                == .task(owner: csm.id, team: nil, title: "Call Mazur sp. z o.o.", due: noon.addingTimeInterval(86_400)))
    }

    @Test func aMeetingFindsTheFirstFreeHourInTheCSMsWorkingHours() throws {
        let office = try CalendarDefinition(
            timeZone: "Europe/Warsaw", weekly: ["mon": [["09:00", "17:00"]], "tue": [["09:00", "17:00"]], "wed": [["09:00", "17:00"]]]
        ).calendar()
        let hours = Availability.calendar(office)
        // Monday 16:30 Warsaw: a one-hour meeting does not fit today; Tuesday 09:00 is taken, 10:00 is free.
        let earliest = Self.date("2026-12-07T15:30:00Z")
        let busy = [(start: Self.date("2026-12-08T08:00:00Z"), end: Self.date("2026-12-08T09:00:00Z"))]
        #expect(PlaybookEngine.slot(hours: hours, busy: busy, earliest: earliest, length: 3600) == Self.date("2026-12-08T09:00:00Z"))
        #expect(PlaybookEngine.slot(hours: hours, busy: [], earliest: earliest, length: 3600) == Self.date("2026-12-08T08:00:00Z"))
        // Business days: two business days after Wednesday are Monday and Tuesday.
        #expect(hours.addingBusinessDays(2, to: Self.date("2026-12-09T10:00:00Z")) == Self.date("2026-12-15T08:00:00Z"))
        #expect(Availability.always.addingBusinessDays(2, to: earliest) == earliest.addingTimeInterval(2 * 86_400))
    }

    @Test func theAudienceSaysWhyItLeavesSomeoneOut() throws {
        let audience = try PlaybookAudience(
            models: [.midTouch, .highTouch], stages: [.adoption], conditions: [SegmentCondition(.annualValue, .gte, .number(10_000))],
            roles: ["billing"]
        ).validated()
        var profile = AccountProfile(annualValue: 50_000, stage: .adoption)
        #expect(audience.admits(model: .midTouch, profile: profile, role: "Billing manager").admitted)
        #expect(audience.admits(model: .techTouch, profile: profile, role: "Billing manager").reason == "the service model is Tech-touch")
        #expect(audience.admits(model: .midTouch, profile: profile, role: "CTO").admitted == false)
        profile.annualValue = 5_000
        #expect(audience.admits(model: .midTouch, profile: profile, role: "billing").reason.contains("annual value 5,000 < 10,000") == true)
        #expect(audience.admits(model: .midTouch, profile: nil, role: "billing").reason == "the contact has no account")
    }
}
