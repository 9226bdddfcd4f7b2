import Foundation

/// An account in a CSM's book of business.
public struct BookAccount: Sendable, Equatable {
    public var id: AccountID
    public var name: String
    public var model: ServiceModel
    public var owner: UserID?
    public var annualValue: Double
    /// Where the customer is and the language they speak, when known.
    public var region: String?
    public var language: Language?

    public init(id: AccountID, name: String, model: ServiceModel, owner: UserID?, annualValue: Double, region: String? = nil, language: Language? = nil) {
        self.region = region
        self.language = language
        self.id = id
        self.name = name
        self.model = model
        self.owner = owner
        self.annualValue = annualValue
    }
}

/// One CSM's load: accounts per model and the share of their capacity in use.
public struct CSMLoad: Sendable, Equatable {
    public var csm: UserID
    public var accounts: [ServiceModel: Int]
    /// Σ accounts of a model ÷ the model's capacity: 1.0 is a full book.
    public var utilization: Double
    public var annualValue: Double

    public var overCapacity: Bool { utilization > 1 + 1e-9 }
}

/// What a CSM covers: the regions they serve and the languages they speak.
public struct CSMReach: Sendable, Equatable {
    /// Lower-cased, so "Mazowieckie" and "mazowieckie" are one region.
    public var regions: Set<String>
    public var languages: Set<Language>

    public init(regions: [String], languages: [Language]) {
        self.regions = Set(regions.map { $0.lowercased() })
        self.languages = Set(languages)
    }
}

/// Who should own an account still waiting for a CSM, and why (nil: every book is full).
public struct OwnerSuggestion: Sendable, Equatable {
    public var accountID: AccountID
    public var accountName: String
    public var model: ServiceModel
    public var csm: UserID?
    public var reason: String
}

/// A suggested move of an account from an overloaded CSM to one with room.
public struct Rebalance: Sendable, Equatable {
    public var accountID: AccountID
    public var accountName: String
    public var from: UserID
    public var to: UserID
    public var reason: String
}

/// Book-of-business arithmetic: who owns how much, who has room, what to move.
public struct CSMBook: Sendable {
    public let policies: [ServiceModel: ServicePolicy]
    /// What each CSM covers; a CSM not named covers no region or language in particular.
    public let reach: [UserID: CSMReach]

    public init(policies: [ServiceModel: ServicePolicy], reach: [UserID: CSMReach] = [:]) {
        self.policies = policies
        self.reach = reach
    }

    /// Regions as a person lists them: trimmed, unique regardless of case, at most 30.
    public static func regions(_ raw: [String], field: String) throws(ValidationError) -> [String] {
        guard raw.count <= 30 else { throw ValidationError(field: field, reason: "at most 30 regions") }
        var seen: [String] = []
        for (index, region) in raw.enumerated() {
            let clean = try Check.text(region, field: "\(field)[\(index)]", max: 100)
            if !seen.contains(where: { $0.lowercased() == clean.lowercased() }) { seen.append(clean) }
        }
        return seen
    }

    /// The share of a CSM's capacity one account of `model` takes (0 for pooled models).
    public func weight(_ model: ServiceModel) -> Double {
        guard let policy = policies[model], policy.namedCSM, let capacity = policy.csmCapacity, capacity > 0 else { return 0 }
        return 1 / Double(capacity)
    }

    public func loads(csms: [UserID], accounts: [BookAccount]) -> [CSMLoad] {
        var byCSM = Dictionary(uniqueKeysWithValues: csms.map { ($0, CSMLoad(csm: $0, accounts: [:], utilization: 0, annualValue: 0)) })
        for account in accounts {
            guard let owner = account.owner, byCSM[owner] != nil else { continue }
            byCSM[owner]!.accounts[account.model, default: 0] += 1
            byCSM[owner]!.utilization += weight(account.model)
            // Saturates: a book is never "infinite" even if amounts from before the bound add up so.
            byCSM[owner]!.annualValue = min(byCSM[owner]!.annualValue + account.annualValue, .greatestFiniteMagnitude)
        }
        return csms.compactMap { byCSM[$0] }
    }

    /// The CSM with the most room who can take one more account of `model`, or nil when
    /// the model has no named CSM or every book is full.
    public func pick(for model: ServiceModel, among loads: [CSMLoad]) -> UserID? {
        pick(for: BookAccount(id: UUID(), name: "", model: model, owner: nil, annualValue: 0), among: loads)?.csm
    }

    /// The CSM for an account, with the reason: among those with room for one more account of
    /// its model, one who covers its region and speaks its language, else one who covers the
    /// region, else one who speaks the language; within each, the one with the most room.
    public func pick(for account: BookAccount, among loads: [CSMLoad]) -> (csm: UserID, why: String)? {
        let added = weight(account.model)
        guard added > 0 else { return nil }
        let region = account.region?.lowercased()
        func match(_ csm: UserID) -> (region: Bool, language: Bool) {
            let covers = reach[csm]
            return (region.map { covers?.regions.contains($0) == true } ?? false, account.language.map { covers?.languages.contains($0) == true } ?? false)
        }
        func score(_ csm: UserID) -> Int {
            let found = match(csm)
            return (found.region ? 2 : 0) + (found.language ? 1 : 0)
        }
        let open = loads.filter { $0.utilization + added <= 1 + 1e-9 }
        guard let best = open.min(by: { a, b in
            let (left, right) = (score(a.csm), score(b.csm))
            if left != right { return left > right }
            return (a.utilization, a.csm.uuidString) < (b.utilization, b.csm.uuidString)
        }) else { return nil }
        let found = match(best.csm)
        var why = "the CSM with the most room"
        if found.region, let region = account.region { why += " in \(region)" }
        if found.language, let language = account.language { why += " who speaks \(language == .pl ? "Polish" : "English")" }
        return (best.csm, why)
    }

    /// Who should take each account waiting for a CSM: the largest accounts first, each
    /// suggestion counted against the book it fills, so the suggestions fit together.
    public func suggestOwners(for waiting: [BookAccount], loads: [CSMLoad]) -> [OwnerSuggestion] {
        var loads = loads
        return waiting.filter { weight($0.model) > 0 }
            .sorted { ($0.annualValue, $1.id.uuidString) > ($1.annualValue, $0.id.uuidString) }
            .map { account in
                guard let picked = pick(for: account, among: loads), let index = loads.firstIndex(where: { $0.csm == picked.csm }) else {
                    return OwnerSuggestion(accountID: account.id, accountName: account.name, model: account.model, csm: nil,
                                           reason: "every CSM's book is full for \(account.model.words) accounts")
                }
                loads[index].utilization += weight(account.model)
                return OwnerSuggestion(accountID: account.id, accountName: account.name, model: account.model, csm: picked.csm, reason: picked.why)
            }
    }

    /// Moves that bring every overloaded CSM within capacity where others have room: the
    /// smallest accounts move first, so the largest relationships stay with their CSM; each
    /// goes to a CSM of its region and language where one has room (as `pick` chooses).
    public func rebalance(csms: [UserID], accounts: [BookAccount]) -> [Rebalance] {
        var loads = Dictionary(uniqueKeysWithValues: loads(csms: csms, accounts: accounts).map { ($0.csm, $0) })
        var moves: [Rebalance] = []
        for csm in csms {
            guard loads[csm]?.overCapacity == true else { continue }
            let owned = accounts.filter { $0.owner == csm && weight($0.model) > 0 }.sorted { ($0.annualValue, $0.id.uuidString) < ($1.annualValue, $1.id.uuidString) }
            for account in owned {
                guard loads[csm]!.overCapacity else { break }
                let others = loads.values.filter { $0.csm != csm }
                guard let target = pick(for: account, among: others) else { continue }
                let w = weight(account.model)
                loads[csm]!.utilization -= w
                loads[target.csm]!.utilization += w
                moves.append(Rebalance(accountID: account.id, accountName: account.name, from: csm, to: target.csm,
                                       reason: "\(account.model.words) book over capacity; to \(target.why)"))
            }
        }
        return moves
    }
}
