import Foundation
import Hummingbird
import TouchpointApplication
import TouchpointCore

/// An integration as administrators see it; the secret only when it was just made.
struct IntegrationDTO: Encodable {
    var id: String
    var kind: IntegrationKind
    var name: String
    var providerUrl: String?
    /// Where the outside system posts its webhooks.
    var webhookPath: String
    var secret: String?
    /// WhatsApp: the approved message templates.
    var templates: [MessageTemplate]?
    /// SMS and WhatsApp: opt-out words besides STOP and its kin.
    var optOutKeywords: [String]?

    init(_ integration: Integration, showingSecret: Bool = false) {
        id = integration.id
        kind = integration.kind
        name = integration.name
        providerUrl = integration.providerURL
        webhookPath = "/api/v1/webhooks/\(integration.kind == .whatsApp ? "whatsapp" : integration.kind.rawValue)/\(integration.id)"
        secret = showingSecret ? integration.secret : nil
        templates = integration.kind == .whatsApp ? integration.templates : nil
        optOutKeywords = integration.kind == .cti ? nil : integration.optOutKeywords
    }
}

struct IntegrationCreateRequest: Decodable {
    var id: String
    var kind: IntegrationKind
    var name: String
    var providerUrl: String?
}

struct IntegrationPatchRequest: Decodable {
    var name: String?
    var providerUrl: String??
    var templates: [MessageTemplate]?
    var optOutKeywords: [String]?

    enum CodingKeys: String, CodingKey { case name, providerUrl, templates, optOutKeywords }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        name = try container.decodeIfPresent(String.self, forKey: .name)
        templates = try container.decodeIfPresent([MessageTemplate].self, forKey: .templates)
        optOutKeywords = try container.decodeIfPresent([String].self, forKey: .optOutKeywords)
        // Absent keeps the URL; null removes it.
        if container.contains(.providerUrl) { providerUrl = .some(try container.decodeIfPresent(String.self, forKey: .providerUrl)) }
    }
}

extension API {
    /// Integrations of phone systems and messaging providers: created with a random secret
    /// that is shown once, rotated the same way.
    func addIntegrationRoutes(to group: RouterGroup<TouchpointContext>) {
        group.get("integrations") { _, context in
            let caller = try context.caller(may: .administer)
            return try JSONIO.response(["items": try await app.integrations.integrations(brand: caller.brandID).map { IntegrationDTO($0) }])
        }
        group.post("integrations") { request, context in
            let caller = try context.caller(may: .administer)
            let body = try await io.decode(IntegrationCreateRequest.self, from: request)
            let created = try await app.integrations.createIntegration(id: body.id, brand: caller.brandID, kind: body.kind, name: body.name, providerURL: body.providerUrl)
            return try JSONIO.response(IntegrationDTO(created, showingSecret: true), status: .created,
                                       headers: [.location: "/api/v1/integrations/\(created.id)"])
        }
        group.patch("integrations/{id}") { request, context in
            let caller = try context.caller(may: .administer)
            let body = try await io.decode(IntegrationPatchRequest.self, from: request)
            let updated = try await app.integrations.updateIntegration(context.parameters.get("id") ?? "", brand: caller.brandID, name: body.name,
                                                            providerURL: body.providerUrl, templates: body.templates,
                                                            optOutKeywords: body.optOutKeywords)
            return try JSONIO.response(IntegrationDTO(updated))
        }
        group.post("integrations/{id}/secret") { _, context in
            let caller = try context.caller(may: .administer)
            let rotated = try await app.integrations.rotateIntegrationSecret(context.parameters.get("id") ?? "", brand: caller.brandID)
            return try JSONIO.response(IntegrationDTO(rotated, showingSecret: true))
        }
    }
}
