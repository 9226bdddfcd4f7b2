import Foundation

/// An account in a CSM's book of business.
public struct BookAccount: Sendable, Equatable {
    public var id: AccountID
    public var name: String
    public var model: ServiceModel
    public var owner: UserID?
    public var annualValue: Double

    public init(id: AccountID, name: String, model: ServiceModel, owner: UserID?, annualValue: Double) {
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

    public init(policies: [ServiceModel: ServicePolicy]) {
        self.policies = policies
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
        let added = weight(model)
        guard added > 0 else { return nil }
        return loads.filter { $0.utilization + added <= 1 + 1e-9 }
            .min { ($0.utilization, $0.csm.uuidString) < ($1.utilization, $1.csm.uuidString) }?.csm
    }

    /// Moves that bring every overloaded CSM within capacity where others have room: the
    /// smallest accounts move first, so the largest relationships stay with their CSM.
    public func rebalance(csms: [UserID], accounts: [BookAccount]) -> [Rebalance] {
        var loads = Dictionary(uniqueKeysWithValues: loads(csms: csms, accounts: accounts).map { ($0.csm, $0) })
        var moves: [Rebalance] = []
        for csm in csms {
            guard loads[csm]?.overCapacity == true else { continue }
            let owned = accounts.filter { $0.owner == csm && weight($0.model) > 0 }.sorted { ($0.annualValue, $0.id.uuidString) < ($1.annualValue, $1.id.uuidString) }
            for account in owned {
                guard loads[csm]!.overCapacity else { break }
                let others = loads.values.filter { $0.csm != csm }
                guard let target = pick(for: account.model, among: others) else { continue }
                let w = weight(account.model)
                loads[csm]!.utilization -= w
                loads[target]!.utilization += w
                moves.append(Rebalance(accountID: account.id, accountName: account.name, from: csm, to: target,
                                       reason: "\(account.model.rawValue) book over capacity; the receiving CSM has room"))
            }
        }
        return moves
    }
}
