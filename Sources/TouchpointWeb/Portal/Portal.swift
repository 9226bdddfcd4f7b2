import Foundation
import Hummingbird
import Logging
import TouchpointApplication
import TouchpointCore

/// The customer portal at `/portal/{brand}`: sign-in by emailed link (or a password the
/// customer chose), the customer's own requests across every contact point, replies, new
/// requests and their profile. Every read is filtered by the signed-in contact.
struct Portal: Sendable {
    let app: UseCases
    let pages: Pages
    let cookies: CookiePolicy
    let config: WebConfig
    let throttle = SignInThrottle()
    let logger = Logger(label: "touchpoint.portal")

    func addRoutes(to router: Router<TouchpointContext>) {
        let area = PageArea(
            cookie: cookies.portal, home: "/portal",
            isPublic: Self.isPublic,
            signIn: { path in
                let slug = path.split(separator: "/").dropFirst().first.map(String.init) ?? ""
                return slug.isEmpty ? "/portal" : "/portal/\(slug)/login"
            },
            authenticate: { [app] token, path, context in
                let parts = path.split(separator: "/")
                guard parts.count >= 2, let brand = try await app.staff.brand(slug: String(parts[1])),
                      let session = try await app.customerPortal.portalSession(token: token, brand: brand.id) else { return nil }
                context.customer = session
                return session.csrfToken
            })
        let group = router.group("portal").add(middleware: PageMiddleware(area: area, pages: pages, maxBodyBytes: config.maxBodyBytes))
        group.get { _, _ in try await brandList() }
        group.get("{brand}/login") { request, context in try await signInPage(request, context) }
        group.post("{brand}/login") { request, context in try await signIn(request, context) }
        group.get("{brand}/link/{token}") { request, context in try await linkPage(request, context) }
        group.post("{brand}/link") { request, context in try await redeem(request, context) }
        group.post("{brand}/logout") { request, context in
            if let token = request.cookies[cookies.portal]?.value { try await app.customerPortal.endPortalSession(token: token) }
            var response = Pages.redirect("/portal/\(try await brand(context).slug)/login?signedOut=1")
            response.setCookie(cookies.cookie(cookies.portal, "", maxAge: 0))
            return response
        }
        group.get("{brand}/language/{code}") { request, context in
            // The language switch: remembered in a cookie, then back to the page it was pressed on.
            let brand = try await brand(context)
            guard let language = context.parameters.get("code").flatMap(Language.init(rawValue:)) else { throw Problem(.notFound, "There is no such language.") }
            let back = HTMLForm(urlEncoded: request.uri.query ?? "")["back"] ?? ""
            let home = "/portal/\(brand.slug)"
            let safe = (back == home || back.hasPrefix(home + "/") || back.hasPrefix(home + "?")) && !back.contains("//") && !back.contains("\\") ? back : home
            var response = Pages.redirect(safe)
            response.setCookie(cookies.cookie(Self.languageCookie, language.rawValue, maxAge: 365 * 86_400))
            return response
        }
        group.get("{brand}") { request, context in try await home(request, context) }
        group.post("{brand}/requests") { _, context in try await newRequest(context) }
        group.get("{brand}/cases/{number}") { request, context in try await casePage(request, context) }
        group.post("{brand}/cases/{number}/reply") { _, context in try await reply(context) }
        group.post("{brand}/cases/{number}/survey") { _, context in try await answerSurvey(context) }
        group.get("{brand}/profile") { request, context in try await profile(request, context) }
        addHelpRoutes(to: group)
        group.post("{brand}/profile") { _, context in try await saveProfile(context) }
    }

    /// The brand list, the sign-in pages, the link pages and the help pages need no session.
    static func isPublic(_ path: String) -> Bool {
        let parts = path.split(separator: "/")
        if parts.count <= 1 { return true }
        return parts.count >= 3 && (parts[2] == "login" || parts[2] == "link" || parts[2] == "help" || parts[2] == "language")
    }

    // MARK: Views

    /// The frame of a portal page.
    struct Frame {
        var title: String
        var brandName: String
        var slug: String
        var customer: String?
        var csrf: String?
        /// The language of the page's text, and the header's words in it.
        var lang = "en"
        var words = HelpWords(.en)
        var portal = PortalWords(.en)
        /// The language switch: where it leads, back to this page.
        var otherHref = ""

        mutating func speak(_ language: Language) {
            lang = language.rawValue
            words = HelpWords(language)
            portal = PortalWords(language)
        }
    }

    /// The cookie that keeps the language a customer chose with the switch.
    static let languageCookie = "tp_lang"

    /// The language a portal page speaks: `lang` in the address or the switch's cookie,
    /// else the signed-in customer's account's, else the browser's, else the brand's.
    func language(_ request: Request, _ brand: Brand, _ session: PortalSession?) async throws -> Language {
        let chosen = HTMLForm(urlEncoded: request.uri.query ?? "")["lang"] ?? request.cookies[Self.languageCookie]?.value
        var account: Language?
        if chosen.flatMap(Language.init(rawValue:)) == nil, let session, let id = session.contact.accountID {
            account = try await app.accounts.account(id, brand: brand.id).profile.language
        }
        return LanguageChoice.choose(chosen: chosen, account: account, acceptLanguage: request.headers[.acceptLanguage], brand: brand.language)
    }

    func frame(_ title: String, _ brand: Brand, _ session: PortalSession?, speaking language: Language, request: Request) -> Frame {
        var frame = Frame(title: title, brandName: brand.name, slug: brand.slug,
                          customer: session.map { $0.contact.name ?? $0.contact.identities.first { $0.kind == .email }?.value ?? PortalWords(language).you },
                          csrf: session?.csrfToken)
        frame.speak(language)
        let back = request.uri.path + (request.uri.query.map { "?" + $0.replacingOccurrences(of: #"(^|&)lang=[a-z]*"#, with: "", options: .regularExpression) } ?? "")
        frame.otherHref = "/portal/\(brand.slug)/language/\(frame.portal.otherCode)?back=\(HTMLForm.encode(back))"
        return frame
    }

    func brand(_ context: TouchpointContext) async throws -> Brand {
        guard let slug = context.parameters.get("brand"), let brand = try await app.staff.brand(slug: slug) else {
            throw Problem(.notFound, "There is no such portal.")
        }
        return brand
    }

    func customer(_ context: TouchpointContext) throws -> PortalSession {
        guard let customer = context.customer else { throw Problem(.unauthorized, "Sign in to continue.") }
        return customer
    }

    func brandList() async throws -> Response {
        struct View { var brands: [Entry] }
        struct Entry { var name: String; var href: String }
        let brands = try await app.staff.brands().map { Entry(name: $0.name, href: "/portal/\($0.slug)/login") }
        return pages.render("portal-brands", View(brands: brands))
    }

    // MARK: Signing in

    struct SignInView {
        var frame: Frame
        var csrf: String
        var email: String
        var sent: Bool
        var error: String?
        var signedOut: Bool
    }

    func signInPage(_ request: Request, _ context: TouchpointContext, email: String = "", sent: Bool = false, error: String? = nil,
                    status: HTTPResponse.Status = .ok) async throws -> Response {
        let brand = try await brand(context)
        if context.customer != nil, error == nil, !sent { return Pages.redirect("/portal/\(brand.slug)") }
        let token = cookies.signInToken(request)
        let query = HTMLForm(urlEncoded: request.uri.query ?? "")
        let language = try await language(request, brand, nil)
        var response = pages.render("portal-login", SignInView(frame: frame(PortalWords(language).signIn, brand, nil, speaking: language, request: request),
                                                               csrf: token, email: email, sent: sent,
                                                               error: error.map { RefusalWords.say($0, language) }, signedOut: query["signedOut"] != nil), status: status)
        cookies.offerSignIn(&response, token: token)
        return response
    }

    func signIn(_ request: Request, _ context: TouchpointContext) async throws -> Response {
        let brand = try await brand(context)
        let form = context.form ?? HTMLForm(urlEncoded: "")
        guard cookies.signInTokenMatches(request, form) else {
            return try await signInPage(request, context, error: "The form expired. Please try again.", status: .forbidden)
        }
        let email = form.text("email") ?? ""
        if let password = form["password"], !password.isEmpty {
            let client = context.clientAddress(request)
            if let wait = throttle.blocked(email: email, client: client, now: app.environment.now()) {
                return try await signInPage(request, context, email: email, error: "Too many failed attempts. Try again in \(wait) minutes.",
                                            status: .tooManyRequests)
            }
            let found = try await app.customerPortal.portalCredentials(brand: brand.id, email: email)
            guard try await Passwords.verify(password, hash: found?.passwordHash), let contactID = found?.contactID else {
                throttle.failed(email: email, client: client, now: app.environment.now())
                return try await signInPage(request, context, email: email,
                                            error: "The email or password is not right. You can also ask for a sign-in link.", status: .unauthorized)
            }
            throttle.succeeded(email: email)
            return try await started(try await app.customerPortal.startPortalSession(contactID, brand: brand.id), brand: brand)
        }
        guard let base = linkBase(request, brand: brand) else {
            throw Problem(.serviceUnavailable, "Sign-in links need the server's public address; start it with --public-url.")
        }
        let outcome = try await app.customerPortal.requestPortalLink(brand: brand.id, email: email, linkBase: base)
        if case .sent(let token, let emailed) = outcome, config.logSignInLinks || !emailed {
            // Development (or no mailbox to send from): the operator reads the link in the log.
            logger.notice("portal sign-in link", metadata: ["email": "\(email)", "url": "\(base)\(token)"])
        }
        // The same answer whether the address is known or not.
        return try await signInPage(request, context, email: email, sent: true)
    }

    /// Links point at the configured public address; without one only at a loopback host,
    /// since a Host header an attacker chose must never end up in someone's mailbox.
    func linkBase(_ request: Request, brand: Brand) -> String? {
        var root = config.publicURL.map { $0.hasSuffix("/") ? String($0.dropLast()) : $0 }
        if root == nil, let host = request.head.authority {
            let name = host.split(separator: ":").first.map(String.init) ?? host
            if ["127.0.0.1", "localhost", "[::1]"].contains(name) { root = "http://\(host)" }
        }
        return root.map { "\($0)/portal/\(brand.slug)/link/" }
    }

    struct LinkView {
        var frame: Frame
        var token: String
        var csrf: String
    }

    /// Opening the emailed link shows a button rather than signing in at once: mail
    /// scanners that fetch links must not use up the one-time link.
    func linkPage(_ request: Request, _ context: TouchpointContext) async throws -> Response {
        let brand = try await brand(context)
        let csrf = cookies.signInToken(request)
        let language = try await language(request, brand, nil)
        var response = pages.render("portal-link", LinkView(frame: frame(PortalWords(language).signIn, brand, nil, speaking: language, request: request),
                                                            token: context.parameters.get("token") ?? "", csrf: csrf))
        cookies.offerSignIn(&response, token: csrf)
        return response
    }

    func redeem(_ request: Request, _ context: TouchpointContext) async throws -> Response {
        let brand = try await brand(context)
        let form = context.form ?? HTMLForm(urlEncoded: "")
        guard cookies.signInTokenMatches(request, form),
              let started = try await app.customerPortal.redeemPortalLink(form["token"] ?? "", brand: brand.id) else {
            return try await signInPage(request, context, error: "This sign-in link was used already or has expired. Ask for a new one.", status: .gone)
        }
        return try await self.started(started, brand: brand)
    }

    func started(_ started: (token: String, session: PortalSession), brand: Brand) async throws -> Response {
        var response = Pages.redirect("/portal/\(brand.slug)")
        response.setCookie(cookies.cookie(cookies.portal, started.token, maxAge: Int(started.session.expiresAt.timeIntervalSinceNow.rounded())))
        response.setCookie(cookies.cookie(cookies.signIn, "", maxAge: 0))
        return response
    }
}
