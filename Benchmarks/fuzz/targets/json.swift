import Foundation
import TouchpointCore

let decoder = ISODate.decoder()
let encoder = JSONEncoder()
let profiles = [
    AccountProfile(),
    AccountProfile(annualValue: 250_000, averageOrderValue: 900, complexity: .high, stage: .adoption, goals: ["growth"], healthScore: 20),
    AccountProfile(annualValue: .greatestFiniteMagnitude, averageOrderValue: 1e308, healthScore: 100),
]

/// Any bytes as the body of the API's rule and settings routes (segmentation rules, an
/// account profile, automation, surveys, health, the chatbot, playbooks, calendars):
/// decoded, checked, applied and written back. Extreme numbers must be refused or carried,
/// never trap (the 1e19 that took the server down lived here).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzJSON(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let body = Data(bytes: data, count: size)
    if let rules = try? (try? decoder.decode(RuleSet.self, from: body))?.validated() {
        for profile in profiles {
            _ = rules.evaluate(SegmentSubject(profile: profile))
            _ = rules.evaluateContact(profile: profile, role: "decision maker")
        }
        let accounts = profiles.map { SegmentedAccount(id: UUID(), name: "A", profile: $0, current: .techTouch) }
        // Against the shipped rules, with a contact of each account in a role contact rules read.
        _ = DryRun.run(rules, current: .defaults, accounts: accounts,
                       contacts: accounts.map { SegmentedContact(id: UUID(), name: nil, title: "decision maker", accountID: $0.id) })
        _ = try? encoder.encode(rules)
    }
    if let profile = try? (try? decoder.decode(AccountProfile.self, from: body))?.validated() {
        _ = RuleSet.defaults.evaluate(SegmentSubject(profile: profile))
        _ = try? encoder.encode(profile)
    }
    if let settings = try? (try? decoder.decode(AutomationSettings.self, from: body))?.validated() { _ = try? encoder.encode(settings) }
    if let settings = try? (try? decoder.decode(SurveySettings.self, from: body))?.validated() { _ = try? encoder.encode(settings) }
    if let settings = try? (try? decoder.decode(HealthSettings.self, from: body))?.validated() { _ = try? encoder.encode(settings) }
    if let policy = try? (try? decoder.decode(ChatbotPolicy.self, from: body))?.validated() { _ = try? encoder.encode(policy) }
    if let playbook = try? (try? decoder.decode(PlaybookDefinition.self, from: body))?.validated(languages: [.en, .pl]) {
        _ = try? encoder.encode(playbook)
    }
    if let definition = try? decoder.decode(CalendarDefinition.self, from: body), let calendar = try? definition.calendar() {
        _ = calendar
    }
    return 0
}
