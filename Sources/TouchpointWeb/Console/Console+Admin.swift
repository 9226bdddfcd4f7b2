import Foundation
import Hummingbird
import TouchpointCore
import TouchpointStore

/// Administration in the console: staff and their passwords; one's own password.
extension Console {
    func addAdminRoutes(to group: RouterGroup<TouchpointContext>) {
        group.get("admin/staff") { request, context in try await staffPage(request, context) }
        group.post("admin/staff/{id}/password") { _, context in
            let session = try context.signedIn()
            guard session.principal.may(.administer) else { throw Problem(.forbidden, "only administrators reset passwords") }
            guard let id = context.parameters.get("id").flatMap(UUID.init(text:)) else { throw Problem(.notFound, "staff user not found") }
            let password = try Passwords.validate(context.form?["password"] ?? "")
            try await store.setPasswordHash(try await Passwords.hash(password), userID: id, brand: session.user.brandID, actor: .staff(session.user.id))
            return Pages.redirect("/console/admin/staff?done=password")
        }
        group.get("password") { request, context in
            let session = try context.signedIn()
            let done = HTMLForm(urlEncoded: request.uri.query ?? "")["done"] != nil
            return pages.render("password", PasswordView(chrome: Chrome(title: "Your password", session: session), done: done, error: nil))
        }
        group.post("password") { request, context in
            let session = try context.signedIn()
            let form = context.form ?? HTMLForm(urlEncoded: "")
            let current = try await store.credentials(email: session.user.email)
            guard try await Passwords.verify(form["current"] ?? "", hash: current?.passwordHash) else {
                return pages.render("password", PasswordView(chrome: Chrome(title: "Your password", session: session), done: false,
                                                             error: "The current password is not right."), status: .unprocessableContent)
            }
            let password = try Passwords.validate(form["password"] ?? "")
            try await store.setPasswordHash(try await Passwords.hash(password), userID: session.user.id, brand: session.user.brandID,
                                            actor: .staff(session.user.id))
            // Setting a password ends every session, this one too: sign in with the new one.
            return Pages.redirect("/console/login?next=/console/password%3Fdone%3D1")
        }
    }

    struct PasswordView {
        var chrome: Chrome
        var done: Bool
        var error: String?
    }

    struct StaffView {
        var chrome: Chrome
        var notice: String?
        var people: [StaffLine]
    }

    struct StaffLine {
        var id: String
        var name: String
        var email: String
        var role: String
        var team: String
        var sessions: Int
    }

    func staffPage(_ request: Request, _ context: TouchpointContext) async throws -> Response {
        let session = try context.signedIn()
        guard session.principal.may(.administer) else { throw Problem(.forbidden, "only administrators manage staff") }
        let brand = session.user.brandID
        let teams = Dictionary(try await store.teamProfiles(brand: brand).map { ($0.team.id, $0.team.name) }, uniquingKeysWith: { a, _ in a })
        var people: [StaffLine] = []
        for user in try await store.staffUsers(brand: brand) {
            people.append(StaffLine(id: user.id.text, name: user.name, email: user.email, role: user.role.rawValue,
                                    team: user.teamID.flatMap { teams[$0] } ?? "—", sessions: try await store.sessionCount(userID: user.id)))
        }
        let done = HTMLForm(urlEncoded: request.uri.query ?? "")["done"] == "password"
        return pages.render("staff", StaffView(chrome: Chrome(title: "Staff", session: session),
                                               notice: done ? "Password set; that person's sessions were ended." : nil, people: people))
    }
}
