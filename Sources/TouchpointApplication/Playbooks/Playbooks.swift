import Foundation
import TouchpointCore
import TouchpointStore

/// Playbooks: versioned automations that reach out to customers on their service model's
/// terms (welcome series, renewal reminders, check-ins, onboarding, business reviews). Saved
/// and changed here; entered by the listener and the schedule sweep; run by the runner.
public struct Playbooks: Sendable {
    let store: Store
    let address: PublicAddress

    public init(store: Store, address: PublicAddress) {
        self.store = store
        self.address = address
    }

    /// Checks a definition against the brand (its language must be written in every message).
    func validated(_ definition: PlaybookDefinition, brand: BrandID) async throws -> PlaybookDefinition {
        try definition.validated(languages: [try await store.brand(brand).language])
    }

    public func create(_ definition: PlaybookDefinition, status: PlaybookStatus = .active, brand: BrandID, actor: Actor) async throws -> Playbook {
        try await store.createPlaybook(try await validated(definition, brand: brand), status: status, brand: brand, actor: actor)
    }

    /// A new version when the definition changed; pauses or resumes with `status`.
    public func update(_ id: UUID, definition: PlaybookDefinition?, status: PlaybookStatus?, brand: BrandID, actor: Actor) async throws -> Playbook {
        let checked = try await definition.asyncMap { try await validated($0, brand: brand) }
        return try await store.updatePlaybook(id, definition: checked, status: status, brand: brand, actor: actor)
    }

    public func playbook(_ id: UUID, brand: BrandID) async throws -> Playbook { try await store.playbook(id, brand: brand) }
    public func list(brand: BrandID) async throws -> [Playbook] { try await store.playbooks(brand: brand) }

    public func enrollments(_ id: UUID, brand: BrandID, state: EnrollmentState?, limit: Int, cursor: Cursor?) async throws -> Page<Enrollment> {
        _ = try await store.playbook(id, brand: brand)
        return try await store.enrollments(playbook: id, brand: brand, state: state, limit: limit, cursor: cursor)
    }

    public func enrollment(_ id: UUID, playbook: UUID, brand: BrandID) async throws -> Enrollment? {
        try await store.enrollment(id, brand: brand).flatMap { $0.playbookID == playbook ? $0 : nil }
    }

    public func stepLog(enrollment: UUID, brand: BrandID) async throws -> [StepResult] {
        try await store.stepLog(enrollment: enrollment, brand: brand)
    }

    public func figures(_ id: UUID, brand: BrandID) async throws -> (steps: [StepFigures], states: [EnrollmentState: Int]) {
        let playbook = try await store.playbook(id, brand: brand)
        return (try await store.stepFigures(playbook: playbook), try await store.enrollmentCounts(playbook: id))
    }

    public func stop(enrollment: UUID, brand: BrandID, actor: Actor) async throws -> Bool {
        try await store.stopEnrollment(enrollment, brand: brand, actor: actor, reason: "stopped by staff")
    }

    public func settings(brand: BrandID) async throws -> AutomationSettings { try await store.automationSettings(brand: brand) }

    public func setSettings(_ settings: AutomationSettings, brand: BrandID, actor: Actor) async throws -> AutomationSettings {
        try await store.setAutomationSettings(settings, brand: brand, actor: actor)
    }

    /// Follows a tracked link (recording the first opening); nil for an unknown one.
    public func openLink(token: String) async throws -> String? { try await store.openPlaybookLink(token: token) }

    public func unsubscribeTarget(token: String) async throws -> UnsubscribeTarget? { try await store.unsubscribeTarget(token: token) }
    public func unsubscribe(token: String) async throws -> UnsubscribeTarget? { try await store.unsubscribe(token: token) }

    /// The contacts of an account a playbook starts for: those the audience admits; without
    /// roles in the audience, only the account's first contact (one message per company).
    func admitted(_ members: [AudienceMember], audience: PlaybookAudience, defaultModel: ServiceModel) -> [AudienceMember] {
        var out: [AudienceMember] = []
        var accounts: Set<AccountID> = []
        for member in members {
            let model = member.account?.serviceModel ?? defaultModel
            guard audience.admits(model: model, profile: member.account?.profile, role: member.role).admitted else { continue }
            if audience.roles.isEmpty, let account = member.account?.id {
                guard accounts.insert(account).inserted else { continue }
            }
            out.append(member)
        }
        return out
    }

    /// Who would enter now and what each would receive and when: for a schedule, those whose
    /// run falls today; for an event, everyone in the audience (they enter when it happens).
    /// Branches are shown taking their "no" way (no reply, no link opened yet).
    public func dryRun(_ definition: PlaybookDefinition, brand: BrandID, limit: Int = 50) async throws -> PlaybookDryRun {
        let definition = try await validated(definition, brand: brand)
        let config = try await store.serviceConfig(brand: brand)
        let settings = try await store.automationSettings(brand: brand)
        let brandInfo = try await store.brand(brand)
        let now = store.environment.now()
        var total = 0
        var entries: [DryRunEntry] = []
        var excluded: [(name: String, reason: String)] = []
        var after: AccountID?
        while true {
            let page = try await store.audience(brand: brand, afterAccount: after, limit: 2000)
            guard let last = page.last else { break }
            after = last
            var seen: Set<AccountID> = []
            for member in page.members {
                let model = member.account?.serviceModel ?? config.rules.defaultModel
                let verdict = definition.audience.admits(model: model, profile: member.account?.profile, role: member.role)
                let name = member.contactName ?? member.account?.name ?? member.contactID.text
                guard verdict.admitted else {
                    if excluded.count < 20 { excluded.append((name, verdict.reason)) }
                    continue
                }
                if definition.audience.roles.isEmpty, let account = member.account?.id, !seen.insert(account).inserted { continue }
                if definition.trigger.schedule != nil, let account = member.account {
                    let zone = TimeZone(identifier: account.profile.timeZone ?? settings.timeZone) ?? .gmt
                    let today = CivilDate(now, timeZone: zone)
                    guard
                        definition.trigger.scheduledRun(
                            today: today, accountCreated: CivilDate(account.createdAt, timeZone: zone), renewalOn: account.profile.renewalOn) != nil
                    else { continue }
                }
                total += 1
                guard entries.count < limit else { continue }
                let zone = TimeZone(identifier: member.account?.profile.timeZone ?? settings.timeZone) ?? .gmt
                let csm = member.account?.profile.ownerCSM.flatMap { id in config.staff.first { $0.user.id == id } }
                let enrollment = Enrollment(
                    id: UUID(), brandID: brand, playbookID: UUID(), version: 0, accountID: member.account?.id, contactID: member.contactID,
                    state: .active, stepIndex: 0, dueAt: now, reason: "dry run", startedAt: now)
                let facts = EnrollmentFacts(
                    enrollment: enrollment, definition: definition, playbookName: definition.name, brandName: brandInfo.name,
                    language: brandInfo.language,
                    contactName: member.contactName, addresses: [:], optedOut: [], accountName: member.account?.name,
                    profile: member.account?.profile,
                    model: model, csm: csm?.user, csmHours: config.availability(calendar: csm?.shiftCalendarID), csmBusy: [], zone: zone,
                    calendars: Dictionary(uniqueKeysWithValues: config.calendars.map { ($0.key, Availability.calendar($0.value.calendar)) }),
                    replied: false, openedLink: false, lastSurveyScore: nil, caseOpen: false, recentMessages: [],
                    portalLink: "\(address.url)/portal/\(brandInfo.slug)")
                entries.append(
                    DryRunEntry(
                        contactID: member.contactID, contactName: member.contactName, accountID: member.account?.id,
                        accountName: member.account?.name,
                        plan: try await plan(facts, settings: settings, addresses: member.contactID, now: now)))
            }
        }
        return PlaybookDryRun(total: total, entries: entries, excluded: excluded)
    }

    /// Walks the steps from the start, as the runner would, without writing anything.
    func plan(_ start: EnrollmentFacts, settings: AutomationSettings, addresses contact: ContactID, now: Date) async throws -> [PlannedStep] {
        var facts = start
        facts.addresses = try await store.contactAddresses(contact)
        var steps: [PlannedStep] = []
        var clock = now
        var index: Int? = 0
        var sent: [Date] = []
        while let at = index, steps.count < 12 {
            facts.enrollment.stepIndex = at
            facts.recentMessages = sent
            let action = PlaybookEngine.decide(facts, now: clock, settings: settings)
            let step = facts.definition.steps[at]
            if case .postpone(let until, _) = action {
                clock = until
                continue
            }
            steps.append(PlannedStep(stepID: step.id, type: step.type, at: clock, what: Self.describe(action, ReaderTime(zone: facts.zone, language: .en))))
            if action.isMessage { sent.append(clock) }
            guard let next = PlaybookEngine.advance(facts.definition, from: at, after: action, now: clock) else { break }
            index = next.index
            clock = next.due
        }
        return steps
    }

    /// A plan line in words, its times on the customer's local clock (quiet hours are theirs).
    static func describe(_ action: StepAction, _ reader: ReaderTime) -> String {
        switch action {
        case .send(let point, let recipient, let subject, let body):
            "\(point.rawValue) to \(recipient)" + (subject.map { ": \($0)" } ?? "") + " — " + String(body.prefix(160))
        case .survey(let kind, let point, let recipient): "\(kind == .nps ? "recommendation" : "satisfaction") survey by \(point.label) to \(recipient)"
        case .wait(let until): "wait until \(reader.moment(until))"
        case .branch(let answer, let detail): "\(answer ? "yes" : "no") (\(detail))"
        case .task(_, _, let title, let due): "task: \(title), due \(reader.moment(due))"
        case .meeting(let csm, _, let title, let start, _): "meeting \(title) with \(csm.name) at \(reader.moment(start))"
        case .set(let field, let value): "set \(field.rawValue) to \(value)"
        case .skip(let reason): "skipped: \(reason)"
        case .postpone(let until, let reason): "later (\(reason)) at \(reader.moment(until))"
        case .end: "end"
        }
    }
}
