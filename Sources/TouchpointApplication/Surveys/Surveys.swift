import Foundation
import TouchpointCore
import TouchpointStore

/// Satisfaction surveys: asked when a case is resolved, on the contact point the customer
/// used (`SurveyDelivery`: an email's one-click links, a text answered with a number, or shown
/// in the chat, on the portal or the kiosk), answered once, counted in the account's health,
/// and followed up when the answer is low.
public struct Surveys: Sendable {
    let store: Store
    let address: PublicAddress

    public func settings(brand: BrandID) async throws -> SurveySettings {
        try await store.surveySettings(brand: brand)
    }

    public func setSettings(_ settings: SurveySettings, brand: BrandID) async throws -> SurveySettings {
        try await store.setSurveySettings(settings, brand: brand)
    }

    /// Asks the contact of a resolved case, within the brand's rules; the token of the links,
    /// or why not.
    @discardableResult
    public func askAfterResolution(caseID: CaseID, brand: BrandID) async throws -> Result<String, SurveySkip> {
        let settings = try await store.surveySettings(brand: brand)
        return try await store.sendCSAT(caseID: caseID, brand: brand, settings: settings, linkBase: address.url + "/survey/")
    }

    /// Results of the surveys of `kind` sent in [`from`, `to`): sent, answered, response rate,
    /// average and score (satisfied share, or net promoter score), in all and by `by`, each
    /// group named as staff say it.
    public func results(brand: BrandID, kind: SurveyKind, from: Date, to: Date, by: SurveyGrouping) async throws -> SurveyResults {
        guard from < to else { throw ValidationError(field: "to", reason: "must be after from") }
        guard to.timeIntervalSince(from) <= 3 * 366 * 86_400 else { throw ValidationError(field: "to", reason: "at most three years after from") }
        let rows = try await store.surveyRows(brand: brand, kind: kind, from: from, to: to, by: by)
        let config = try await store.serviceConfig(brand: brand)
        let teams = Dictionary(uniqueKeysWithValues: try await store.teamProfiles(brand: brand).map { ($0.team.id.text, $0.team.name) })
        let staff = Dictionary(uniqueKeysWithValues: config.staff.map { ($0.user.id.text, $0.user.name) })
        return SurveyResults.tally(rows, kind: kind, by: by) { key in
            switch by {
            case .contactPoint: ContactPoint(rawValue: key)?.label ?? key
            case .model: ServiceModel(rawValue: key)?.words ?? "No model"
            case .team: teams[key] ?? "No team"
            case .agent: staff[key] ?? "Nobody assigned"
            case .week, .month: key
            }
        }
    }

    /// The survey a link opens.
    public func survey(token: String) async throws -> SurveyView? {
        try await store.survey(token: token)
    }

    /// Records the customer's answer (and comment) once, from a link.
    public func answer(token: String, score: Int, comment: String?) async throws -> SurveyAnswerOutcome {
        guard let brand = try await store.surveyBrand(token: token) else { return .unknown }
        let settings = try await store.surveySettings(brand: brand)
        return try await store.answerSurvey(.token(token), score: score, comment: comment, settings: settings)
    }

    /// The survey waiting for a customer signed in on the portal or the kiosk.
    public func waiting(contact: ContactID, brand: BrandID, on point: ContactPoint) async throws -> SurveyPrompt? {
        try await store.waitingSurvey(contact: contact, brand: brand, on: point)
    }

    /// The survey waiting at the end of a chat visitor's conversation.
    public func waiting(visitor: String, brand: BrandID) async throws -> SurveyPrompt? {
        guard let contact = try await store.surveyContact(visitor: visitor, brand: brand) else { return nil }
        return try await store.waitingSurvey(contact: contact, brand: brand, on: .webChat)
    }

    /// The answer of a customer the survey was shown to where they are (`prompt` from
    /// `waiting`), on `point`.
    public func answer(_ prompt: SurveyPrompt, brand: BrandID, score: Int, comment: String?, on point: ContactPoint) async throws
        -> SurveyAnswerOutcome
    {
        let settings = try await store.surveySettings(brand: brand)
        return try await store.answerSurvey(
            .shown(id: prompt.id, contact: prompt.contactID), score: score, comment: comment, settings: settings, answeredOn: point)
    }

    /// Adds a comment to an answer that has none yet.
    public func comment(token: String, text: String) async throws -> Bool {
        try await store.commentSurvey(token: token, comment: text)
    }

    /// The follow-up of a low satisfaction answer: a task for the account's named CSM (due
    /// the next day), otherwise the case back open at high priority in its team's queue.
    /// Idempotent: the task is not made twice, an open case is left as it is.
    func followUp(_ event: DomainEvent) async throws {
        guard case .int(let score)? = event.payload["score"] else { return }
        guard let caseID = event.caseID else {
            // A recommendation answer asked by a playbook belongs to no case: the CSM calls back.
            guard let accountID = event.accountID, let csm = try await store.account(accountID, brand: event.brandID).profile.ownerCSM else { return }
            var what = "Call back about a low recommendation answer: \(score) of 10"
            if case .string(let comment)? = event.payload["comment"] { what += ": “\(comment)”" }
            let existing = try await store.commitments(accountID: accountID, brand: event.brandID, includeSettled: true)
            guard !existing.contains(where: { $0.what.hasPrefix(what.prefix(60)) && $0.createdAt >= event.occurredAt }) else { return }
            _ = try await store.createCommitment(
                brand: event.brandID, actor: .system, accountID: accountID, caseID: nil, what: what,
                dueAt: store.environment.now().addingTimeInterval(86_400), ownerID: csm)
            return
        }
        let item = try await store.case(caseID, brand: event.brandID)
        let reference = "\(try await store.brand(event.brandID).casePrefix)-\(item.number)"
        var why = "Customer rated the handling of \(reference) \(score) of 5"
        if case .string(let comment)? = event.payload["comment"] { why += ": “\(comment)”" }
        if let accountID = item.accountID, let csm = try await store.account(accountID, brand: event.brandID).profile.ownerCSM {
            let what = "Call back about a low satisfaction answer. \(why)"
            let existing = try await store.commitments(accountID: accountID, brand: event.brandID, includeSettled: true)
            guard !existing.contains(where: { $0.caseID == caseID && $0.what.hasPrefix("Call back about a low satisfaction answer") }) else { return }
            _ = try await store.createCommitment(
                brand: event.brandID, actor: .system, accountID: accountID, caseID: caseID, what: what,
                dueAt: store.environment.now().addingTimeInterval(86_400), ownerID: csm)
        } else if item.status == .resolved {
            _ = try await store.updateCase(
                caseID, brand: event.brandID, actor: .system,
                update: CaseUpdate(status: .open, priority: .high, reason: why))
        }
    }
}

/// Sends the satisfaction survey when a case is resolved and follows up a low answer.
public struct SurveyListener: EventListener {
    let surveys: Surveys

    public init(surveys: Surveys) {
        self.surveys = surveys
    }

    public var name: String { "surveys" }
    public var interests: Set<EventType> { [.caseStatusChanged, .surveyAnswered] }

    public func handle(_ events: [DomainEvent]) async throws {
        for event in events {
            switch event.type {
            case .caseStatusChanged:
                guard let caseID = event.caseID, event.payload["to"] == .string(CaseStatus.resolved.rawValue) else { continue }
                try await surveys.askAfterResolution(caseID: caseID, brand: event.brandID)
            case .surveyAnswered where event.payload["followUp"] == .bool(true):
                try await surveys.followUp(event)
            default: continue
            }
        }
    }
}
