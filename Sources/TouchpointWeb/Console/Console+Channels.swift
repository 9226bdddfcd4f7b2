import Foundation
import Hummingbird
import TouchpointApplication
import TouchpointCore

/// The brand's channels: its mailboxes (which team new mail goes to, whether staff
/// forwards open cases for the original sender, whether new cases get an acknowledgement),
/// and the mail waiting in quarantine or failing in the outbox.
extension Console {
    func addChannelRoutes(to group: RouterGroup<TouchpointContext>) {
        group.get("admin/channels") { request, context in try await channelsPage(request, context) }
        addIntegrationRoutes(to: group)
        group.post("admin/channels") { _, context in
            let session = try requireAdmin(context)
            let form = context.form ?? HTMLForm(urlEncoded: "")
            let address = form["address"] ?? ""
            if form["delete"] == "1" {
                try await app.mailboxes.deleteMailbox(address: address, brand: session.user.brandID, actor: .staff(session.user.id))
            } else {
                _ = try await app.mailboxes.saveMailbox(address: address, brand: session.user.brandID, teamID: form.text("team").flatMap(UUID.init(text:)),
                                                forwardsOpenForSender: form["forwards"] == "1", acknowledges: form["acknowledges"] == "1",
                                                actor: .staff(session.user.id))
            }
            return Pages.redirect("/console/admin/channels?done=1")
        }
    }

    struct ChannelsView {
        var chrome: Chrome
        var notice: String?
        var mailboxes: [MailboxLine]
        var teams: [Option]
        var quarantined: Int
        var failed: Int
        var waiting: Int
        var integrations: [IntegrationLine]
    }

    struct MailboxLine {
        var address: String
        var teams: [Option]
        var forwards: Bool
        var acknowledges: Bool
    }

    func channelsPage(_ request: Request, _ context: TouchpointContext, secret: (id: String, secret: String)? = nil) async throws -> Response {
        let session = try requireAdmin(context)
        let brand = session.user.brandID
        let teams = try await app.routing.teamProfiles(brand: brand)
        func options(_ selected: TeamID?) -> [Option] {
            [Option(value: "", label: context.language.say("no team", "bez zespołu"), selected: selected == nil)]
                + teams.map { Option(value: $0.team.id.text, label: $0.team.name, selected: $0.team.id == selected) }
        }
        let mailboxes = try await app.mailboxes.mailboxes(brand: brand).map {
            MailboxLine(address: $0.address, teams: options($0.teamID), forwards: $0.forwardsOpenForSender, acknowledges: $0.acknowledges)
        }
        let counts = try await app.lookups.mailCounts(brand: brand)
        let done = HTMLForm(urlEncoded: request.uri.query ?? "")["done"] != nil
        return pages.render("channels", ChannelsView(chrome: Chrome(title: context.language.say("Channels", "Kanały"), session: session),
                                                     notice: done ? context.language.say("Saved.", "Zapisano.") : nil,
                                                     mailboxes: mailboxes, teams: options(nil), quarantined: counts.quarantined, failed: counts.failed,
                                                     waiting: counts.waiting,
                                                     integrations: try await integrationLines(brand: brand, secret: secret)))
    }
}
