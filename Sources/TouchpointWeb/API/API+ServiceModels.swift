import Foundation
import Hummingbird
import TouchpointApplication
import TouchpointCore

/// A policy on the wire: the core type with ids as lower-case text.
struct PolicyDTO: Codable {
    /// Always in responses; in a request the path names the model.
    var model: ServiceModel?
    var offeredContactPoints: [ContactPoint]
    var humanReach: HumanReach
    var sla: SLATable
    var calendarId: String?
    var entryLevel: SupportLevel
    var escalationCeiling: EscalationStep
    var namedCSM: Bool
    var csmCapacity: Int?
    var playbooks: [String]
    var costPerContact: [ContactPoint: Double]
    var atRiskShare: Double
    var escalateOnRisk: Bool
    var escalateOnBreach: Bool
    var valueEscalations: [ValueEscalation]
    /// What the assistant does for the model; the model's defaults when a request leaves it out.
    var chatbot: ChatbotPolicy?
    /// What a contact on a contact point the model does not offer gets; in responses, every
    /// contact point not offered, defaults included.
    var offModel: [ContactPoint: OffModelAction]?
    /// One need, one case: minutes a case stays open to a message on another contact point.
    var continueWithinMinutes: Int?
    /// Chats one agent holds at once; wait estimates for web chat count each agent so often.
    var chatsAtOnce: Int?
    /// Only in responses to a change: open cases whose deadlines moved.
    var rescheduledCases: Int?

    init(_ policy: ServicePolicy) {
        model = policy.model
        offeredContactPoints = policy.offeredContactPoints
        humanReach = policy.humanReach
        sla = policy.sla
        calendarId = policy.calendarId?.text
        entryLevel = policy.entryLevel
        escalationCeiling = policy.escalationCeiling
        namedCSM = policy.namedCSM
        csmCapacity = policy.csmCapacity
        playbooks = policy.playbooks
        costPerContact = policy.costPerContact
        atRiskShare = policy.atRiskShare
        escalateOnRisk = policy.escalateOnRisk
        escalateOnBreach = policy.escalateOnBreach
        valueEscalations = policy.valueEscalations
        chatbot = policy.assistant
        offModel = Dictionary(uniqueKeysWithValues: ContactPoint.allCases.compactMap { point in policy.offModelAction(point).map { (point, $0) } })
        continueWithinMinutes = policy.continuationWindow
        chatsAtOnce = policy.chatConcurrency
    }

    func policy(as model: ServiceModel) throws -> ServicePolicy {
        var calendar: CalendarID?
        if let text = calendarId {
            guard let id = UUID(text: text) else { throw Problem.invalid(ValidationError(field: "calendarId", reason: "'\(text)' is not an id")) }
            calendar = id
        }
        var policy = ServicePolicy(model: model, offeredContactPoints: offeredContactPoints, humanReach: humanReach, sla: sla, calendarId: calendar,
                                   entryLevel: entryLevel, escalationCeiling: escalationCeiling, namedCSM: namedCSM, csmCapacity: csmCapacity,
                                   playbooks: playbooks, costPerContact: costPerContact, atRiskShare: atRiskShare, escalateOnRisk: escalateOnRisk,
                                   escalateOnBreach: escalateOnBreach, valueEscalations: valueEscalations, chatbot: chatbot)
        policy.offModel = offModel
        policy.continueWithinMinutes = continueWithinMinutes
        policy.chatsAtOnce = chatsAtOnce
        return policy
    }
}

struct RuleSetDTO: Codable {
    var rules: [SegmentationRule]
    var defaultModel: ServiceModel
    /// Only in responses to a change: accounts whose model changed.
    var changedAccounts: Int?
}

struct DryRunDTO: Encodable {
    struct Change: Encodable {
        var accountId: String
        var name: String
        var from: ServiceModel?
        var to: ServiceModel
        var explanation: String
    }

    struct ContactChange: Encodable {
        var contactId: String
        var name: String?
        var title: String
        var accountId: String
        var accountName: String
        var from: ServiceModel
        var to: ServiceModel
        var explanation: String
    }

    var counts: [ServiceModel: Int]
    var currentCounts: [ServiceModel: Int]
    var changes: [Change]
    var contactChanges: [ContactChange]
}

struct SegmentationDTO: Encodable {
    var model: ServiceModel
    var rule: String?
    var explanation: String

    init(_ segmentation: Segmentation) {
        model = segmentation.model
        rule = segmentation.rule
        explanation = segmentation.explanation
    }
}

struct AccountModelDTO: Encodable {
    struct Override: Encodable {
        var contactId: String
        var name: String?
        var title: String?
        var model: ServiceModel
        var explanation: String
    }

    var accountId: String
    var model: ServiceModel
    var rule: String?
    var explanation: String
    var policy: PolicyDTO
    var contactOverrides: [Override]
}

struct CSMBookDTO: Encodable {
    struct Load: Encodable {
        var csmId: String
        var name: String
        var accounts: [ServiceModel: Int]
        var utilization: Double
        var overCapacity: Bool
        var annualValue: Double
    }

    struct Move: Encodable {
        var accountId: String
        var accountName: String
        var fromCsmId: String
        var toCsmId: String
        var reason: String
    }

    struct Entry: Encodable {
        var accountId: String
        var name: String
        var serviceModel: ServiceModel
        var csmId: String?
        var annualValue: Double
        var healthScore: Int
        var trend: HealthTrend.Direction?
        var trendChange: Int?
        var churnRisk: ChurnRisk
        var renewalOn: String?
        var nextTouchAt: Date?
        var nextTouch: String?

        init(_ entry: BookEntry) {
            accountId = entry.id.text
            name = entry.name
            serviceModel = entry.model
            csmId = entry.owner?.text
            annualValue = entry.annualValue
            healthScore = entry.healthScore
            trend = entry.trend
            trendChange = entry.trendChange
            churnRisk = entry.churnRisk
            renewalOn = entry.renewalOn?.description
            nextTouchAt = entry.nextTouch?.at
            nextTouch = entry.nextTouch?.what
        }
    }

    struct Owner: Encodable {
        var accountId: String
        var accountName: String
        var model: ServiceModel
        var csmId: String?
        var name: String?
        var reason: String
    }

    var capacities: [ServiceModel: Int]
    var loads: [Load]
    var unownedAccounts: [ServiceModel: Int]
    /// Who should take each account waiting for a CSM (`csmId` absent: every book is full).
    var owners: [Owner]
    var suggestions: [Move]
    /// The accounts of the named-CSM models, riskiest first.
    var accounts: [Entry]
}

struct AssignCSMRequest: Decodable {
    /// The CSM to assign; absent to let Touchpoint pick the one with the most room.
    var csmId: UUID?
}

extension ServiceModel: CodingKeyRepresentable {}

extension API {
    func addServiceModelRoutes(to group: RouterGroup<TouchpointContext>) {
        group.get("service-models") { _, context in
            let caller = try context.caller(may: .readCustomers)
            let config = try await app.serviceSettings.serviceConfig(brand: caller.brandID)
            return try JSONIO.response(["items": ServiceModel.allCases.map { PolicyDTO(config.policy($0)) }])
        }
        group.get("service-models/{model}") { _, context in
            let caller = try context.caller(may: .readCustomers)
            let model = try modelParameter(context)
            return try JSONIO.response(PolicyDTO(try await app.serviceSettings.serviceConfig(brand: caller.brandID).policy(model)))
        }
        group.put("service-models/{model}") { request, context in
            let caller = try context.caller(may: .administer)
            let model = try modelParameter(context)
            let body = try await io.decode(PolicyDTO.self, from: request)
            let (policy, moved) = try await app.serviceSettings.setPolicy(try body.policy(as: model), brand: caller.brandID, actor: .staff(caller.userID))
            var dto = PolicyDTO(policy)
            dto.rescheduledCases = moved
            return try JSONIO.response(dto)
        }
        group.get("segmentation/rules") { _, context in
            let caller = try context.caller(may: .readCustomers)
            let rules = try await app.accountModels.segmentationRules(brand: caller.brandID)
            return try JSONIO.response(RuleSetDTO(rules: rules.rules, defaultModel: rules.defaultModel))
        }
        group.put("segmentation/rules") { request, context in
            let caller = try context.caller(may: .administer)
            let body = try await io.decode(RuleSetDTO.self, from: request)
            let (rules, changed) = try await app.accountModels.setSegmentationRules(RuleSet(rules: body.rules, defaultModel: body.defaultModel),
                                                                        brand: caller.brandID, actor: .staff(caller.userID))
            return try JSONIO.response(RuleSetDTO(rules: rules.rules, defaultModel: rules.defaultModel, changedAccounts: changed))
        }
        group.post("segmentation/dry-run") { request, context in
            let caller = try context.caller(may: .manageAccounts)
            let body = try await io.decode(RuleSetDTO.self, from: request)
            let result = try await app.accountModels.dryRun(RuleSet(rules: body.rules, defaultModel: body.defaultModel), brand: caller.brandID)
            return try JSONIO.response(DryRunDTO(counts: result.counts, currentCounts: result.currentCounts, changes: result.changes.map {
                DryRunDTO.Change(accountId: $0.accountID.text, name: $0.name, from: $0.from, to: $0.to, explanation: $0.explanation)
            }, contactChanges: result.contactChanges.map {
                DryRunDTO.ContactChange(contactId: $0.contactID.text, name: $0.name, title: $0.title, accountId: $0.accountID.text,
                                        accountName: $0.accountName, from: $0.from, to: $0.to, explanation: $0.explanation)
            }))
        }
        group.get("accounts/{id}/service-model") { _, context in
            let caller = try context.caller(may: .readCustomers)
            let view = try await app.accountModels.accountModel(try context.parameters.id(), brand: caller.brandID)
            return try JSONIO.response(AccountModelDTO(
                accountId: view.account.id.text, model: view.segmentation.model, rule: view.segmentation.rule,
                explanation: view.segmentation.explanation, policy: PolicyDTO(view.policy),
                contactOverrides: view.contactOverrides.map {
                    .init(contactId: $0.contactID.text, name: $0.name, title: $0.title, model: $0.segmentation.model, explanation: $0.segmentation.explanation)
                }))
        }
        group.post("accounts/{id}/csm") { request, context in
            let caller = try context.caller(may: .manageAccounts)
            let body = try await io.decode(AssignCSMRequest.self, from: request)
            let account = try await app.accountModels.assignCSM(account: try context.parameters.id(), csm: body.csmId, brand: caller.brandID, actor: .staff(caller.userID))
            return JSONIO.response(AccountDTO(account))
        }
        group.get("csm/book") { _, context in
            let caller = try context.caller(may: .readCustomers)
            let report = try await app.accountModels.csmBook(brand: caller.brandID)
            let config = try await app.serviceSettings.serviceConfig(brand: caller.brandID)
            let names = Dictionary(uniqueKeysWithValues: report.csms.map { ($0.id, $0.name) })
            var capacities: [ServiceModel: Int] = [:]
            for model in ServiceModel.allCases { if let capacity = config.policy(model).csmCapacity { capacities[model] = capacity } }
            return try JSONIO.response(CSMBookDTO(
                capacities: capacities,
                loads: report.loads.map {
                    .init(csmId: $0.csm.text, name: names[$0.csm] ?? "", accounts: $0.accounts, utilization: ($0.utilization * 1000).rounded() / 1000,
                          overCapacity: $0.overCapacity, annualValue: $0.annualValue)
                },
                unownedAccounts: report.unowned,
                owners: report.owners.map {
                    .init(accountId: $0.accountID.text, accountName: $0.accountName, model: $0.model, csmId: $0.csm?.text,
                          name: $0.csm.flatMap { names[$0] }, reason: $0.reason)
                },
                suggestions: report.suggestions.map {
                    .init(accountId: $0.accountID.text, accountName: $0.accountName, fromCsmId: $0.from.text, toCsmId: $0.to.text, reason: $0.reason)
                },
                accounts: report.accounts.map(CSMBookDTO.Entry.init)))
        }
    }

    func modelParameter(_ context: TouchpointContext) throws -> ServiceModel {
        guard let raw = context.parameters.get("model"), let model = ServiceModel(rawValue: raw) else {
            throw Problem(.notFound, "no service model '\(context.parameters.get("model") ?? "")'; expected one of: "
                          + ServiceModel.allCases.map(\.rawValue).joined(separator: ", "))
        }
        return model
    }
}
