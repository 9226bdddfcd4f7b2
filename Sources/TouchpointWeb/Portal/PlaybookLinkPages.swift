import Foundation
import Hummingbird
import TouchpointApplication
import TouchpointCore

/// The two kinds of link in a playbook's messages, both without signing in:
/// `/go/{token}` records the first opening and forwards to the address it stands for;
/// `/unsubscribe/{token}` asks once and, on the press of a button (mail scanners open every
/// link, so opening alone changes nothing), stops automated messages to that address.
struct PlaybookLinkPages: Sendable {
    let app: UseCases
    let pages: Pages

    struct View {
        var lang: String
        var title: String
        var brandName: String
        var question: String?
        var button: String
        var token: String
        var note: String?
    }

    func addRoutes(to router: Router<TouchpointContext>) {
        router.get("go/{token}") { _, context in
            guard let url = try await app.playbooks.openLink(token: context.parameters.get("token") ?? ""),
                url.lowercased().hasPrefix("https://") || url.lowercased().hasPrefix("http://")
            else { throw Problem(.notFound, "this link is not known") }
            return Response(status: .found, headers: [.location: url, .cacheControl: "no-store"])
        }
        router.get("unsubscribe/{token}") { _, context in
            try await page(token: context.parameters.get("token") ?? "", confirm: false)
        }
        router.post("unsubscribe/{token}") { _, context in
            try await page(token: context.parameters.get("token") ?? "", confirm: true)
        }
    }

    func page(token: String, confirm: Bool) async throws -> Response {
        let target = confirm ? try await app.playbooks.unsubscribe(token: token) : try await app.playbooks.unsubscribeTarget(token: token)
        guard let target else {
            let words = CustomerMessages(.en).unsubscribePage(brand: "", address: "")
            return pages.render(
                "unsubscribe", View(lang: "en", title: words.title, brandName: "", question: nil, button: "", token: "", note: words.unknown),
                status: .notFound)
        }
        let words = CustomerMessages(target.language).unsubscribePage(brand: target.brandName, address: target.address)
        return pages.render(
            "unsubscribe",
            View(
                lang: target.language.rawValue, title: words.title, brandName: target.brandName, question: target.done ? nil : words.question,
                button: words.button, token: token, note: target.done ? words.done : nil))
    }
}
