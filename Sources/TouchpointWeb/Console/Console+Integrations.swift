import Foundation
import Hummingbird
import TouchpointApplication
import TouchpointCore

/// The brand's integrations on the channels page: phone systems and SMS/WhatsApp providers,
/// their webhook paths and provider URLs, secrets shown once when made or rotated, and a
/// WhatsApp integration's approved templates (rows of name, language and text; the API's
/// JSON under "Advanced").
extension Console {
    func addIntegrationRoutes(to group: RouterGroup<TouchpointContext>) {
        group.post("admin/integrations") { request, context in
            let session = try requireAdmin(context)
            let form = context.form ?? HTMLForm(urlEncoded: "")
            guard let kind = form.text("kind").flatMap(IntegrationKind.init(rawValue:)) else {
                throw ValidationError(field: "kind", reason: "cti, sms or whatsApp")
            }
            let created = try await app.integrations.createIntegration(id: form["id"] ?? "", brand: session.user.brandID, kind: kind, name: form["name"] ?? "",
                                                            providerURL: form.text("providerUrl"))
            return try await channelsPage(request, context, secret: (created.id, created.secret))
        }
        group.post("admin/integrations/{id}") { request, context in
            let session = try requireAdmin(context)
            let form = context.form ?? HTMLForm(urlEncoded: "")
            let id = context.parameters.get("id") ?? ""
            if form["rotate"] == "1" {
                let rotated = try await app.integrations.rotateIntegrationSecret(id, brand: session.user.brandID)
                return try await channelsPage(request, context, secret: (rotated.id, rotated.secret))
            }
            var templates: [MessageTemplate]?
            if form["t0-name"] != nil {
                templates = Self.templateRows(form)
            } else if let raw = form.text("templates") {
                do {
                    templates = try JSONIO.decoder.decode([MessageTemplate].self, from: Data(raw.utf8))
                } catch {
                    throw ValidationError(field: "templates", reason: "a JSON list of {\"name\", \"language\", \"text\"}")
                }
            }
            let keywords = form["optOutKeywords"].map { $0.split(separator: ",").map(String.init).filter { !$0.trimmingCharacters(in: .whitespaces).isEmpty } }
            _ = try await app.integrations.updateIntegration(id, brand: session.user.brandID, name: form.text("name"),
                                                  providerURL: form["providerUrl"] == nil ? nil : .some(form.text("providerUrl")), templates: templates,
                                                  optOutKeywords: keywords)
            return Pages.redirect("/console/admin/channels?done=1#integration-\(id)")
        }
    }

    /// The template rows of the form, in order; a row without a name is left out.
    static func templateRows(_ form: HTMLForm) -> [MessageTemplate] {
        (0..<100).compactMap { index in
            guard let name = form.text("t\(index)-name") else { return nil }
            return MessageTemplate(name: name, language: form.text("t\(index)-language") ?? "en", text: form["t\(index)-text"] ?? "")
        }
    }

    /// One approved template as a row of the form (the last row is empty, to add with).
    struct TemplateRow {
        var index: Int
        var number: Int
        var name: String
        var language: String
        var text: String
    }

    struct IntegrationLine {
        var id: String
        var kind: String
        var name: String
        var webhookPath: String
        var providerURL: String?
        var sendsMessages: Bool
        var isWhatsApp: Bool
        var templates: String
        var templateRows: [TemplateRow]
        var optOutKeywords: String
        /// Just made or rotated: shown on this response only.
        var secret: String?
    }

    func integrationLines(brand: BrandID, secret shown: (id: String, secret: String)?) async throws -> [IntegrationLine] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return try await app.integrations.integrations(brand: brand).map { integration in
            IntegrationLine(id: integration.id, kind: integration.kind == .cti ? "CTI" : integration.kind == .sms ? "SMS" : "WhatsApp",
                            name: integration.name, webhookPath: IntegrationDTO(integration).webhookPath,
                            providerURL: integration.providerURL, sendsMessages: integration.kind != .cti, isWhatsApp: integration.kind == .whatsApp,
                            templates: String(decoding: try encoder.encode(integration.templates), as: UTF8.self),
                            templateRows: (integration.templates + [MessageTemplate(name: "", language: "", text: "")]).enumerated().map { index, template in
                                TemplateRow(index: index, number: index + 1, name: template.name, language: template.language, text: template.text)
                            },
                            optOutKeywords: integration.optOutKeywords.joined(separator: ", "),
                            secret: shown?.id == integration.id ? shown?.secret : nil)
        }
    }
}
