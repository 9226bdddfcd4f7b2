import Foundation
import Hummingbird
import TouchpointApplication
import TouchpointCore

/// Administration in the console: staff and their passwords; one's own password.
extension Console {
    func addAdminRoutes(to group: RouterGroup<TouchpointContext>) {
        group.get("admin/staff") { request, context in try await staffPage(request, context) }
        group.post("admin/staff/{id}/password") { _, context in
            let session = try context.signedIn()
            guard session.principal.may(.administer) else { throw Problem(.forbidden, "only administrators reset passwords") }
            guard let id = context.parameters.get("id").flatMap(UUID.init(text:)) else { throw Problem(.notFound, "staff user not found") }
            let password = try Passwords.validate(context.form?["password"] ?? "")
            try await app.signIn.setPasswordHash(try await Passwords.hash(password), userID: id, brand: session.user.brandID, actor: .staff(session.user.id))
            return Pages.redirect("/console/admin/staff?done=password")
        }
        group.post("admin/staff") { request, context in
            let session = try context.signedIn()
            guard session.principal.may(.administer) else { throw Problem(.forbidden, "only administrators add staff") }
            let form = context.form ?? HTMLForm(urlEncoded: "")
            do {
                guard let role = Role(rawValue: form["role"] ?? "") else { throw ValidationError(field: "Role", reason: "choose one of the roles") }
                var hash: String?
                if let password = form.text("password") { hash = try await Passwords.hash(try Passwords.validate(password)) }
                _ = try await app.staff.addStaffMember(email: form["email"] ?? "", name: form["name"] ?? "", role: role,
                                                       team: form.text("team").flatMap(UUID.init(text:)), passwordHash: hash,
                                                       brand: session.user.brandID, actor: .staff(session.user.id))
            } catch {
                return try await staffPage(request, context, error: Self.sentence(error), typed: form)
            }
            return Pages.redirect("/console/admin/staff?done=added")
        }
        group.get("admin/macros") { request, context in
            try await macrosPage(context, notice: HTMLForm(urlEncoded: request.uri.query ?? "")["done"] != nil ? context.language.say("Saved.", "Zapisano.") : nil)
        }
        group.post("admin/macros") { _, context in
            let session = try context.signedIn()
            guard session.principal.may(.manageMacros) else { throw Problem(.forbidden, "your role may not write macros") }
            let form = context.form ?? HTMLForm(urlEncoded: "")
            let id = try form.text("id").map { raw in
                guard let id = UUID(text: raw) else { throw Problem(.notFound, "macro not found") }
                return id
            }
            if form["delete"] == "1", let id {
                try await app.macros.deleteMacro(id, brand: session.user.brandID)
                return Pages.redirect("/console/admin/macros?done=1")
            }
            let name = form["name"] ?? "", body = form["body"] ?? ""
            do {
                _ = try await app.macros.saveMacro(id: id, brand: session.user.brandID, name: name, body: body)
            } catch let error where [.unprocessableContent, .badRequest].contains(Problem.from(error).status) {
                // The form again, with what was typed and why it was not saved.
                return try await macrosPage(context, error: Self.sentence(error), draft: (id, name, body))
            }
            return Pages.redirect("/console/admin/macros?done=1")
        }
        group.get("admin/tokens") { request, context in try await tokensPage(context, created: nil) }
        group.post("admin/tokens") { _, context in
            let session = try context.signedIn()
            guard session.principal.may(.administer) else { throw Problem(.forbidden, "only administrators manage API tokens") }
            let form = context.form ?? HTMLForm(urlEncoded: "")
            if let raw = form.text("revoke") {
                guard let id = UUID(text: raw) else { throw Problem(.notFound, "token not found") }
                try await app.staff.revokeToken(id, brand: session.user.brandID, actor: .staff(session.user.id))
                return Pages.redirect("/console/admin/tokens")
            }
            guard let scope = form.text("scope").flatMap(TokenScope.init(rawValue:)) else { throw ValidationError(field: "scope", reason: "read or write") }
            let name = try Check.text(form["name"] ?? "", field: "name", max: 100)
            // Only for staff of the administrator's own brand.
            guard let email = form.text("email"), let owner = try await app.signIn.credentials(email: email)?.user, owner.brandID == session.user.brandID else {
                throw ValidationError(field: "email", reason: "no staff member of this brand has that address")
            }
            let created = try await app.staff.createToken(email: owner.email, name: name, scope: scope)
            // Shown once, on this response only; never stored in plain text.
            return try await tokensPage(context, created: created.token)
        }
        group.get("password") { request, context in
            let session = try context.signedIn()
            let query = HTMLForm(urlEncoded: request.uri.query ?? "")
            return pages.render("password", PasswordView(chrome: Chrome(title: context.language.say("Your account", "Twoje konto"), session: session),
                                                         done: query["done"] != nil, error: nil,
                                                         emailNotifications: try await app.staffNotifications.emailNotifications(userID: session.user.id),
                                                         notificationsSaved: query["saved"] != nil, own: session.user.language,
                                                         languageSaved: query["language"] != nil))
        }
        group.post("notifications") { _, context in
            let session = try context.signedIn()
            try await app.staffNotifications.setEmailNotifications(context.form?["email"] == "on", userID: session.user.id, brand: session.user.brandID)
            return Pages.redirect("/console/password?saved=1")
        }
        group.post("password") { request, context in
            let session = try context.signedIn()
            let form = context.form ?? HTMLForm(urlEncoded: "")
            let current = try await app.signIn.credentials(email: session.user.email)
            guard try await Passwords.verify(form["current"] ?? "", hash: current?.passwordHash) else {
                return pages.render("password", PasswordView(chrome: Chrome(title: context.language.say("Your account", "Twoje konto"), session: session), done: false,
                                                             error: context.language.say("The current password is not right.", "Obecne hasło jest nieprawidłowe."),
                                                             emailNotifications: try await app.staffNotifications.emailNotifications(userID: session.user.id),
                                                             notificationsSaved: false, own: session.user.language), status: .unprocessableContent)
            }
            let password = try Passwords.validate(form["password"] ?? "")
            try await app.signIn.setPasswordHash(try await Passwords.hash(password), userID: session.user.id, brand: session.user.brandID,
                                            actor: .staff(session.user.id))
            // Setting a password ends every session, this one too: sign in with the new one.
            return Pages.redirect("/console/login?next=/console/password%3Fdone%3D1")
        }
    }

    struct MacrosView {
        var chrome: Chrome
        var notice: String?
        /// Why the form just sent was not saved.
        var error: String?
        var macros: [Macro]
        var placeholders: [String]
        /// The new macro's form as typed, when it was not saved.
        var newName: String?
        var newBody: String?
    }

    /// The macros page; after a refused save, `draft` (id nil for a new macro) shows again as
    /// typed, with `error` saying why.
    func macrosPage(_ context: TouchpointContext, notice: String? = nil, error: String? = nil,
                    draft: (id: UUID?, name: String, body: String)? = nil) async throws -> Response {
        let session = try context.signedIn()
        guard session.principal.may(.manageMacros) else { throw Problem(.forbidden, "your role may not write macros") }
        var macros = try await app.macros.macros(brand: session.user.brandID)
        if let draft, let id = draft.id, let index = macros.firstIndex(where: { $0.id == id }) {
            macros[index].name = draft.name
            macros[index].body = draft.body
        }
        let fresh = draft.flatMap { $0.id == nil ? $0 : nil }
        return pages.render("macros", MacrosView(chrome: Chrome(title: context.language.say("Macros", "Makra"), session: session), notice: notice, error: error, macros: macros,
                                                 placeholders: Macro.placeholders.sorted().map { "{{\($0)}}" },
                                                 newName: fresh?.name,
                                                 newBody: fresh?.body ?? context.language.say("Hello {{customer.firstName}},", "Dzień dobry {{customer.firstName}},")),
                            status: error == nil ? .ok : .unprocessableContent)
    }

    struct TokensView {
        var chrome: Chrome
        var created: String?
        var tokens: [TokenLine]
        var staff: [Option]
    }

    struct TokenLine {
        var id: String
        var name: String
        var email: String
        var scope: String
        var created: TimeText
        var revoked: TimeText?
    }

    func tokensPage(_ context: TouchpointContext, created: String?) async throws -> Response {
        let session = try context.signedIn()
        guard session.principal.may(.administer) else { throw Problem(.forbidden, "only administrators manage API tokens") }
        let brand = session.user.brandID
        let reader = try await staffReader(brand, context.language)
        let tokens = try await app.staff.apiTokens(brand: brand).map {
            TokenLine(id: $0.id.text, name: $0.name, email: $0.email,
                      scope: $0.scope == .read ? context.language.say("read", "odczyt") : context.language.say("write", "zapis"), created: TimeText($0.createdAt, reader),
                      revoked: $0.revokedAt.map { TimeText($0, reader) })
        }
        let staff = try await app.lookups.staffUsers(brand: brand).map { Option(value: $0.email, label: "\($0.name) (\($0.role.words(context.language)))", selected: false) }
        var response = pages.render("tokens", TokensView(chrome: Chrome(title: context.language.say("API tokens", "Tokeny API"), session: session), created: created, tokens: tokens, staff: staff))
        response.headers[.cacheControl] = "no-store"
        return response
    }

    struct PasswordView {
        var chrome: Chrome
        var done: Bool
        var error: String?
        /// Notifications by email are on.
        var emailNotifications: Bool
        var notificationsSaved: Bool
        /// The languages to read in, the person's own choice selected ("" follows the browser).
        var languages: [Option]
        var languageSaved: Bool

        init(chrome: Chrome, done: Bool, error: String?, emailNotifications: Bool, notificationsSaved: Bool, own: Language?, languageSaved: Bool = false) {
            self.chrome = chrome
            self.done = done
            self.error = error
            self.emailNotifications = emailNotifications
            self.notificationsSaved = notificationsSaved
            self.languageSaved = languageSaved
            let say = Pages.speaking ?? .en
            languages = [Option(value: "", label: say.say("As my browser prefers", "Jak w mojej przeglądarce"), selected: own == nil),
                         Option(value: "en", label: "English", selected: own == .en), Option(value: "pl", label: "Polski", selected: own == .pl)]
        }
    }

    struct StaffView {
        var chrome: Chrome
        var notice: String?
        var people: [StaffLine]
        /// Why the new staff member was not added.
        var error: String?
        var draft: PersonDraft
    }

    /// The new staff member's form, as typed (never the password).
    struct PersonDraft {
        var name: String
        var email: String
        var roles: [FormChoice]
        var teams: [FormChoice]
    }

    struct StaffLine {
        var id: String
        var name: String
        var email: String
        var role: String
        var team: String
        var sessions: Int
    }

    func staffPage(_ request: Request, _ context: TouchpointContext, error: String? = nil, typed: HTMLForm? = nil) async throws -> Response {
        let session = try context.signedIn()
        guard session.principal.may(.administer) else { throw Problem(.forbidden, "only administrators manage staff") }
        let brand = session.user.brandID
        let say = context.language
        let profiles = try await app.routing.teamProfiles(brand: brand)
        let teams = Dictionary(profiles.map { ($0.team.id, $0.team.name) }, uniquingKeysWith: { a, _ in a })
        let draft = PersonDraft(
            name: typed?["name"] ?? "", email: typed?["email"] ?? "",
            roles: FormChoice.list(Role.allCases.map { ($0.rawValue, $0.words(say)) }, typed?["role"] ?? Role.agentL1.rawValue),
            teams: FormChoice.list([("", say.say("No team", "Bez zespołu"))] + profiles.map { ($0.team.id.text, $0.team.name) }, typed?["team"]))
        var people: [StaffLine] = []
        for user in try await app.lookups.staffUsers(brand: brand) {
            people.append(StaffLine(id: user.id.text, name: user.name, email: user.email, role: user.role.words(say),
                                    team: user.teamID.flatMap { teams[$0] } ?? "—", sessions: try await app.signIn.sessionCount(userID: user.id)))
        }
        let done = HTMLForm(urlEncoded: request.uri.query ?? "")["done"]
        let notices: [String: (en: String, pl: String)] = [
            "password": ("Password set; that person's sessions were ended.", "Hasło ustawione; sesje tej osoby zostały zakończone."),
            "added": ("Staff member added.", "Dodano pracownika."),
        ]
        let notice = done.flatMap { notices[$0] }.map { say.say($0.en, $0.pl) }
        return pages.render("staff", StaffView(chrome: Chrome(title: say.say("Staff", "Pracownicy"), session: session), notice: notice, people: people, error: error, draft: draft),
                            status: error == nil ? .ok : .unprocessableContent)
    }
}
