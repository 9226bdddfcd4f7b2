import Foundation
import TouchpointCore
import TouchpointStore

/// Starts event-triggered playbooks and applies exit rules, from the recorded events.
/// Idempotent: an enrollment is keyed by the event that made it, and an exit ends only
/// what is still running.
public struct PlaybookListener: EventListener {
    let playbooks: Playbooks

    public init(playbooks: Playbooks) {
        self.playbooks = playbooks
    }

    public var name: String { "playbooks" }
    public var interests: Set<EventType> {
        [
            .accountModelChanged, .accountUpdated, .contactCreated, .caseStatusChanged, .accountHealthChanged, .surveyAnswered, .interactionAdded,
            .caseCreated,
            .contactOptedOut,
        ]
    }

    public func handle(_ events: [DomainEvent]) async throws {
        for event in events {
            try await exits(event)
            guard let trigger = Self.trigger(of: event) else { continue }
            try await playbooks.start(on: trigger.event, event: event, score: trigger.score)
        }
    }

    /// The exit rule an event stands for, and ends what it ends.
    func exits(_ event: DomainEvent) async throws {
        let store = playbooks.store
        switch event.type {
        case .interactionAdded where event.payload["direction"] == .string("inbound") && event.actor.kind != .system:
            try await store.exitEnrollments(
                contact: event.contactID, account: nil, rule: .replied, reason: "replied", before: event.occurredAt, brand: event.brandID)
        case .caseCreated:
            try await store.exitEnrollments(
                contact: event.contactID, account: nil, rule: .caseOpened, reason: "opened a case", before: event.occurredAt, brand: event.brandID)
        case .contactOptedOut:
            let point: String = if case .string(let text)? = event.payload["contactPoint"] { text } else { "a contact point" }
            try await store.exitEnrollments(
                contact: event.contactID, account: nil, rule: .optedOut, reason: "opted out of \(point)", before: event.occurredAt,
                brand: event.brandID)
        case .accountModelChanged:
            try await store.exitEnrollments(
                contact: nil, account: event.accountID, rule: .modelChanged, reason: "the service model changed", before: event.occurredAt,
                brand: event.brandID)
        default:
            break
        }
    }

    /// The playbook trigger an event is, if any (with the new health score for `healthBelow`).
    static func trigger(of event: DomainEvent) -> (event: PlaybookEvent, score: Int?)? {
        switch event.type {
        case .accountModelChanged: return (.modelChanged, nil)
        case .accountUpdated:
            guard case .array(let fields)? = event.payload["fields"], fields.contains(.string("stage")) else { return nil }
            return (.journeyStageChanged, nil)
        case .contactCreated: return (.contactCreated, nil)
        case .caseStatusChanged:
            return event.payload["to"] == .string(CaseStatus.resolved.rawValue) ? (.caseResolved, nil) : nil
        case .accountHealthChanged:
            guard case .object(let to)? = event.payload["to"], case .int(let score)? = to["score"] else { return nil }
            return (.healthBelow, score)
        case .surveyAnswered:
            return event.payload["followUp"] == .bool(true) ? (.lowSurveyScore, nil) : nil
        default: return nil
        }
    }
}

extension Playbooks {
    /// Enrolls the audience an event reaches in every running playbook it starts.
    func start(on trigger: PlaybookEvent, event: DomainEvent, score: Int?) async throws {
        let candidates = try await store.playbooks(brand: event.brandID).filter { $0.status == .active && $0.definition.trigger.event == trigger }
        guard !candidates.isEmpty else { return }
        var previous: Int?
        if trigger == .healthBelow, case .object(let from)? = event.payload["from"], case .int(let before)? = from["score"] { previous = before }
        let contactLevel: Set<PlaybookEvent> = [.contactCreated, .caseResolved, .lowSurveyScore]
        let members: [AudienceMember]
        if contactLevel.contains(trigger) {
            guard let contact = event.contactID else { return }
            members = try await store.audience(contacts: [contact], account: nil, brand: event.brandID)
        } else {
            guard let account = event.accountID else { return }
            members = try await store.audience(contacts: [], account: account, brand: event.brandID)
        }
        let config = try await store.serviceConfig(brand: event.brandID)
        var drafts: [EnrollmentDraft] = []
        for playbook in candidates {
            let definition = playbook.definition
            if trigger == .healthBelow {
                // Only a fall across the threshold starts it, not every change below it.
                guard let threshold = definition.trigger.threshold, let score, score < threshold, (previous ?? 100) >= threshold else { continue }
            }
            for member in admitted(members, audience: definition.audience, defaultModel: config.rules.defaultModel) {
                drafts.append(
                    EnrollmentDraft(
                        playbookID: playbook.id, version: playbook.version, brandID: event.brandID, accountID: member.account?.id,
                        contactID: member.contactID,
                        entryKey: "event:\(event.id.text):\(member.contactID.text)", reason: definition.trigger.phrase))
            }
        }
        try await store.enroll(drafts)
    }

    /// Enrolls everyone whose scheduled run (or newly overdue invoice) is due, for every
    /// running scheduled playbook. Safe to repeat: each run enrolls a contact once.
    @discardableResult
    public func sweepSchedules() async throws -> Int {
        let now = store.environment.now()
        var made = 0
        for playbook in try await store.activePlaybooks(triggerKind: "schedule") {
            let brand = playbook.brandID
            let definition = playbook.definition
            let config = try await store.serviceConfig(brand: brand)
            let settings = try await store.automationSettings(brand: brand)
            if definition.trigger.event == .invoiceOverdue {
                let zone = TimeZone(identifier: settings.timeZone) ?? .gmt
                for (invoice, account) in try await store.overdueInvoices(brand: brand, today: CivilDate(now, timeZone: zone), limit: 5000) {
                    let members = try await store.audience(contacts: [], account: account, brand: brand)
                    let drafts = admitted(members, audience: definition.audience, defaultModel: config.rules.defaultModel).map {
                        EnrollmentDraft(
                            playbookID: playbook.id, version: playbook.version, brandID: brand, accountID: account, contactID: $0.contactID,
                            entryKey: "invoice:\(invoice):\($0.contactID.text)", reason: definition.trigger.phrase)
                    }
                    made += try await store.enroll(drafts).count
                }
                continue
            }
            var after: AccountID?
            while true {
                let page = try await store.audience(brand: brand, afterAccount: after, limit: 2000)
                guard let last = page.last else { break }
                after = last
                var drafts: [EnrollmentDraft] = []
                for member in admitted(page.members, audience: definition.audience, defaultModel: config.rules.defaultModel) {
                    guard let account = member.account else { continue }
                    let zone = TimeZone(identifier: account.profile.timeZone ?? settings.timeZone) ?? .gmt
                    guard
                        let run = definition.trigger.scheduledRun(
                            today: CivilDate(now, timeZone: zone), accountCreated: CivilDate(account.createdAt, timeZone: zone),
                            renewalOn: account.profile.renewalOn)
                    else { continue }
                    drafts.append(
                        EnrollmentDraft(
                            playbookID: playbook.id, version: playbook.version, brandID: brand, accountID: account.id, contactID: member.contactID,
                            entryKey: "\(run):\(member.contactID.text)", reason: definition.trigger.phrase))
                }
                made += try await store.enroll(drafts).count
            }
        }
        return made
    }
}
