import Foundation
import TouchpointCore
import TouchpointStore

/// The service settings of a brand: calendars, policies per service model, routing topics.
public struct ServiceSettings: Sendable {
    let store: Store

    /// The brand's service configuration (defaults where nothing was stored).
    public func serviceConfig(brand: BrandID) async throws -> ServiceConfig {
        try await store.serviceConfig(brand: brand)
    }

    /// The policy a customer is served under: their account's model, the default model
    /// for a customer without an account.
    public func policy(of contact: Contact, brand: BrandID) async throws -> ServicePolicy {
        let config = try await store.serviceConfig(brand: brand)
        let model = try await contact.accountID.asyncMap { try await store.account($0, brand: brand).serviceModel } ?? nil
        return config.policy(model ?? config.rules.defaultModel)
    }

    /// Replaces a model's policy and moves the SLA deadlines of its open cases to the new
    /// targets and calendar. Returns the policy and how many cases were rescheduled.
    public func setPolicy(_ policy: ServicePolicy, brand: BrandID, actor: Actor) async throws -> (ServicePolicy, Int) {
        try await store.setPolicy(policy, brand: brand, actor: actor)
    }

    /// Replaces the brand's routing topics.
    public func setTopics(_ topics: [RoutingTopic], brand: BrandID, actor: Actor) async throws -> [RoutingTopic] {
        try await store.setTopics(topics, brand: brand, actor: actor)
    }

    /// The brand's business calendars.
    public func calendars(brand: BrandID) async throws -> [NamedCalendar] {
        try await store.calendars(brand: brand)
    }

    /// One business calendar of the brand.
    public func calendar(_ id: CalendarID, brand: BrandID) async throws -> NamedCalendar {
        try await store.calendar(id, brand: brand)
    }

    /// Creates a calendar, or replaces the one with `id`; replacing reschedules the SLA
    /// deadlines of every open case whose model runs on it.
    public func saveCalendar(id: CalendarID?, name: String, calendar: BusinessCalendar, brand: BrandID, actor: Actor) async throws -> NamedCalendar {
        try await store.saveCalendar(id: id, name: name, calendar: calendar, brand: brand, actor: actor)
    }

    /// Deletes a calendar nothing points at.
    public func deleteCalendar(_ id: CalendarID, brand: BrandID) async throws {
        try await store.deleteCalendar(id, brand: brand)
    }
}
