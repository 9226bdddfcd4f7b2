import Foundation
import Hummingbird
import TouchpointApplication
import TouchpointCore

/// An account's computed health: `GET /accounts/{id}/health`.
struct HealthDTO: Encodable {
    struct Component: Encodable {
        var signal: HealthSignal
        var label: String
        var value: Double
        var weight: Int
        var score: Double
        var contribution: Double
        var explanation: String
    }

    struct Trend: Encodable {
        var direction: HealthTrend.Direction
        var change: Int
        var since: String?
        var points: [HealthPoint]
    }

    var accountId: String
    var score: Int
    var components: [Component]
    var missingSignals: [HealthSignal]
    var trend: Trend
    var churnRisk: ChurnRisk
    var reasons: [String]
    var renewalOn: String?
    var computedAt: Date

    init(_ view: AccountHealthView) {
        accountId = view.accountID.text
        score = view.report.score
        components = view.report.components.map {
            Component(
                signal: $0.signal, label: $0.signal.label, value: $0.value, weight: $0.weight, score: $0.score,
                contribution: $0.contribution, explanation: $0.explanation)
        }
        missingSignals = view.report.missing
        trend = Trend(direction: view.trend.direction, change: view.trend.change, since: view.trend.since?.description, points: view.trend.points)
        churnRisk = view.churn.risk
        reasons = view.churn.reasons
        renewalOn = view.renewalOn?.description
        computedAt = view.computedAt
    }
}

struct UsageRequest: Decodable {
    struct Day: Decodable {
        var date: CivilDate
        var activeUsers: Int
        var licensedUsers: Int
    }

    var days: [Day]
}

struct HealthPassDTO: Encodable {
    var settings: HealthSettings
    var recomputedAccounts: Int
    var churnRiskChanged: Int
    var serviceModelChanged: Int
}

extension API {
    func addHealthRoutes(to group: RouterGroup<TouchpointContext>) {
        group.get("accounts/{id}/health") { _, context in
            let caller = try context.caller(may: .readCustomers)
            return try JSONIO.response(HealthDTO(try await app.health.health(account: try context.parameters.id(), brand: caller.brandID)))
        }
        group.post("accounts/{id}/usage") { request, context in
            let caller = try context.caller(may: .manageAccounts)
            let body = try await io.decode(UsageRequest.self, from: request)
            let view = try await app.health.importUsage(
                body.days.map { UsageDay(day: $0.date, activeUsers: $0.activeUsers, licensedUsers: $0.licensedUsers) },
                account: try context.parameters.id(), brand: caller.brandID)
            return try JSONIO.response(HealthDTO(view))
        }
        group.get("health/settings") { _, context in
            let caller = try context.caller(may: .readCustomers)
            return try JSONIO.response(try await app.health.settings(brand: caller.brandID))
        }
        group.put("health/settings") { request, context in
            let caller = try context.caller(may: .administer)
            let body = try await io.decode(HealthSettings.self, from: request)
            let (settings, pass) = try await app.health.setSettings(body, brand: caller.brandID, actor: .staff(caller.userID))
            return try JSONIO.response(
                HealthPassDTO(
                    settings: settings, recomputedAccounts: pass.accounts, churnRiskChanged: pass.riskChanged,
                    serviceModelChanged: pass.modelChanged))
        }
    }
}
