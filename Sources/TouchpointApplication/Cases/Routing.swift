import Foundation
import TouchpointCore
import TouchpointStore

/// Teams, agents and where a case goes: routing, escalation, expected waits.
public struct Routing: Sendable {
    let store: Store

    /// The teams of the brand with their settings.
    public func teamProfiles(brand: BrandID) async throws -> [TeamProfile] {
        try await store.teamProfiles(brand: brand)
    }

    /// Changes a team's settings.
    public func updateTeam(_ id: TeamID, brand: BrandID, actor: Actor, changes: TeamChanges) async throws -> TeamProfile {
        try await store.updateTeam(id, brand: brand, actor: actor, changes: changes)
    }

    /// The agents of the brand with their skills, levels and capacity.
    public func agentProfiles(brand: BrandID) async throws -> [AgentProfile] {
        try await store.agentProfiles(brand: brand)
    }

    /// One agent with their skills, levels and capacity.
    public func agentProfile(_ id: UserID, brand: BrandID) async throws -> AgentProfile {
        try await store.agentProfile(id, brand: brand)
    }

    /// Changes an agent's skills, capacity, presence, shift or team. Becoming available
    /// hands them the waiting cases of their team they qualify for.
    public func updateAgent(_ id: UserID, brand: BrandID, actor: Actor, changes: AgentChanges) async throws -> AgentProfile {
        try await store.updateAgent(id, brand: brand, actor: actor, changes: changes)
    }

    /// Routes a case again (when it waits unassigned, or after its level changed).
    public func routeCase(_ id: CaseID, brand: BrandID, actor: Actor) async throws -> (Case, RoutingDecision) {
        try await store.routeCase(id, brand: brand, actor: actor)
    }

    /// Moves a case up the ladder for `trigger` (within its model's ceiling), hands it to
    /// the owner of the new step and notifies them.
    public func escalate(_ id: CaseID, brand: BrandID, actor: Actor, trigger: EscalationTrigger) async throws -> (Case, EscalationDecision) {
        try await store.escalate(id, brand: brand, actor: actor, trigger: trigger)
    }

    /// Moves a case down the escalation ladder, with the reason recorded.
    public func deescalate(
        _ id: CaseID, brand: BrandID, actor: Actor, to target: EscalationStep?, reason: String
    ) async throws -> (Case, EscalationDecision) {
        try await store.deescalate(id, brand: brand, actor: actor, to: target, reason: reason)
    }

    /// The expected wait for a new contact on `contactPoint`, for a topic or team (and, when
    /// an account is named, under its service model).
    public func waitEstimate(
        brand: BrandID, contactPoint: ContactPoint, teamID: TeamID?, topic: String?, account: AccountID?
    ) async throws
        -> (estimate: WaitEstimate, team: TeamProfile?, model: ServiceModel?)
    {
        try await store.waitEstimate(brand: brand, contactPoint: contactPoint, teamID: teamID, topic: topic, account: account)
    }

    // MARK: On call

    /// A team's on-call roster; nil when it has none.
    public func roster(team: TeamID, brand: BrandID) async throws -> OnCallRoster? {
        try await store.roster(team: team, brand: brand)
    }

    /// Sets (or, with nil, removes) a team's on-call roster.
    public func setRoster(_ roster: OnCallRoster?, team: TeamID, brand: BrandID, actor: Actor) async throws -> OnCallRoster? {
        try await store.setRoster(roster, team: team, brand: brand, actor: actor)
    }

    /// Adds an override to a team's roster (someone covers a span), checked like the whole roster.
    public func addOverride(_ cover: OnCallOverride, team: TeamID, brand: BrandID, actor: Actor) async throws -> OnCallRoster {
        guard var roster = try await store.roster(team: team, brand: brand) else {
            throw StoreError.conflict("the team has no on-call roster yet; set one first")
        }
        roster.overrides.append(cover)
        // Overrides that ended over 90 days ago are dropped, so the list does not grow forever.
        let horizon = store.environment.now().addingTimeInterval(-90 * 86_400)
        roster.overrides.removeAll { $0.until < horizon }
        guard let saved = try await store.setRoster(roster, team: team, brand: brand, actor: actor) else {
            throw StoreError.conflict("the roster was removed meanwhile")
        }
        return saved
    }

    /// The page of a case, if one was sent.
    public func onCallPage(case id: CaseID, brand: BrandID) async throws -> OnCallPage? {
        try await store.onCallPage(case: id, brand: brand)
    }

    /// The paged person says they are on it.
    public func acknowledgePage(case id: CaseID, brand: BrandID, user: UserID) async throws -> OnCallPage {
        try await store.acknowledgePage(case: id, brand: brand, user: user)
    }
}
