import Foundation
import TouchpointCore
import TouchpointStore

/// The providers a brand connects (SMS, WhatsApp, phone) and their secrets.
public struct Integrations: Sendable {
    let store: Store

    /// Creates an integration; without a secret a random one is made. Ids are the
    /// integration's name in webhook URLs, lower-case letters, digits and dashes.
    public func createIntegration(
        id rawID: String, brand: BrandID, kind: IntegrationKind, name: String, secret: String? = nil,
        providerURL: String? = nil
    ) async throws -> Integration {
        try await store.createIntegration(id: rawID, brand: brand, kind: kind, name: name, secret: secret, providerURL: providerURL)
    }

    /// Changes an integration's name, provider URL (`.some(nil)` removes it) or, for WhatsApp,
    /// its approved templates (the whole list).
    public func updateIntegration(
        _ id: String, brand: BrandID, name: String?, providerURL: String??,
        templates: [MessageTemplate]? = nil, optOutKeywords: [String]? = nil
    ) async throws -> Integration {
        try await store.updateIntegration(
            id, brand: brand, name: name, providerURL: providerURL, templates: templates, optOutKeywords: optOutKeywords)
    }

    /// Gives an integration a new random secret (the old one stops working at once) and returns it.
    public func rotateIntegrationSecret(_ id: String, brand: BrandID) async throws -> Integration {
        try await store.rotateIntegrationSecret(id, brand: brand)
    }

    /// The integration with this id, of any brand (the webhook URL names it), or nil.
    public func integration(id: String) async throws -> Integration? {
        try await store.integration(id: id)
    }

    /// The text contact points (SMS, WhatsApp) a reply can be sent on: those with an
    /// integration that has a provider URL to post to.
    public func sendingTextPoints(brand: BrandID) async throws -> Set<ContactPoint> {
        Set(try await store.integrations(brand: brand).filter { $0.providerURL != nil }.compactMap { integration in
            switch integration.kind {
            case .sms: ContactPoint.sms
            case .whatsApp: ContactPoint.whatsApp
            case .cti: nil
            }
        })
    }

    /// The providers the brand connects.
    public func integrations(brand: BrandID) async throws -> [Integration] {
        try await store.integrations(brand: brand)
    }
}
