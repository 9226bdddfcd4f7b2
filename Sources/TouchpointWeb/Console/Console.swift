import Foundation
import HTTPTypes
import Hummingbird
import TouchpointApplication
import TouchpointCore

/// The staff console at `/console`: server-rendered pages over the same use cases as the API.
struct Console: Sendable {
    let app: UseCases
    /// Runs held SMS, WhatsApp and phone events again.
    let inbox: Inbox
    let pages: Pages
    let cookies: CookiePolicy
    /// The address customers reach Touchpoint at, for links staff put in replies.
    var publicURL: String?
    let throttle = SignInThrottle()

    /// Where links to customer pages point: the configured public address, else the address
    /// the agent reached the console at (they see the link before it is sent).
    func publicRoot(_ request: Request) -> String {
        if let url = publicURL { return url.hasSuffix("/") ? String(url.dropLast()) : url }
        return "http://" + (request.head.authority ?? "localhost")
    }

    func addRoutes(to router: Router<TouchpointContext>, maxBodyBytes: Int, maxUploadBytes: Int? = nil) {
        let area = PageArea(
            cookie: cookies.session, home: "/console",
            // The sign-in form and its post, and the static files, are open to everyone.
            isPublic: { $0 == "/console/login" || $0.hasPrefix("/console/static/") || $0.hasPrefix("/console/language/") },
            signIn: { "/console/login?next=\(HTMLForm.encode($0))" },
            authenticate: { [app] token, _, context in
                guard let session = try await app.signIn.session(token: token) else { return nil }
                context.session = session
                context.principal = session.principal
                return session.csrfToken
            },
            language: { [app] request, context in
                // This browser's switch, else the person's own choice, else their browser's
                // preference, else the brand's language.
                if let switched = Self.switchedLanguage(request) { return switched }
                if let own = context.session?.user.language { return own }
                if let browser = request.headers[.acceptLanguage].flatMap(LanguageChoice.browserPreference) { return browser }
                guard let brand = context.session?.user.brandID else { return .en }
                return try await app.staff.brand(brand).language
            })
        let group = router.group("console").add(middleware: PageMiddleware(area: area, pages: pages, maxBodyBytes: maxBodyBytes, maxUploadBytes: maxUploadBytes))
        group.get("static/{file}") { _, context in pages.asset(context.parameters.get("file") ?? "") }
        group.get("login") { request, context in signInPage(request, context) }
        group.post("login") { request, context in try await signIn(request, context) }
        group.post("logout") { request, _ in try await signOut(request) }
        group.get("language/{code}") { request, context in try switchLanguage(request, context) }
        group.post("language") { request, context in try await keepLanguage(request, context) }
        addInboxRoutes(to: group)
        addBulkRoutes(to: group)
        addCaseRoutes(to: group)
        addCustomerRoutes(to: group)
        addAdminRoutes(to: group)
        addServiceModelRoutes(to: group)
        addTeamRoutes(to: group)
        addChannelRoutes(to: group)
        addHeldRoutes(to: group)
        addNotificationRoutes(to: group)
        addQueueRoutes(to: group)
        addWalkInRoutes(to: group)
        addVisitRoutes(to: group)
        addKnowledgeRoutes(to: group)
        addPlaybookRoutes(to: group)
        addSurveyRoutes(to: group)
    }

    // MARK: Language

    /// The cookie that keeps the language a person chose with the header's switch.
    static let languageCookie = "tp_console_lang"

    /// The language switch: remembered for a year, then back to the page it was pressed on
    /// (`back`, else the page the browser came from; only console pages).
    func switchLanguage(_ request: Request, _ context: TouchpointContext) throws -> Response {
        guard let language = context.parameters.get("code").flatMap(Language.init(rawValue:)) else {
            throw Problem(.notFound, "There is no such language.")
        }
        let came = request.headers[.referer].flatMap(URLComponents.init(string:)).map { $0.percentEncodedPath + ($0.percentEncodedQuery.map { "?" + $0 } ?? "") }
        var response = Pages.redirect(Self.localTarget(HTMLForm(urlEncoded: request.uri.query ?? "")["back"] ?? came))
        response.setCookie(cookies.cookie(Self.languageCookie, language.rawValue, maxAge: 365 * 86_400))
        return response
    }

    /// The language chosen with this browser's header switch.
    static func switchedLanguage(_ request: Request) -> Language? {
        request.cookies[languageCookie].flatMap { Language(rawValue: $0.value) }
    }

    /// Before anyone is known to be signed in (an unknown page): the switch, else the
    /// browser's preference; nil when neither says.
    static func chosenLanguage(_ request: Request) -> Language? {
        switchedLanguage(request) ?? request.headers[.acceptLanguage].flatMap(LanguageChoice.browserPreference)
    }

    /// The language kept for the person (Your account): the console and their emails follow
    /// it everywhere. This browser's switch is set to the same, or forgotten when the person
    /// leaves it to the browser.
    func keepLanguage(_ request: Request, _ context: TouchpointContext) async throws -> Response {
        let session = try context.signedIn()
        let raw = context.form?.text("language") ?? ""
        guard raw.isEmpty || Language(rawValue: raw) != nil else {
            throw ValidationError(field: "language", reason: "choose English, Polish or your browser's language")
        }
        let language = Language(rawValue: raw)
        try await app.staffNotifications.setLanguage(language, userID: session.user.id, brand: session.user.brandID)
        var response = Pages.redirect("/console/password?language=1")
        response.setCookie(cookies.cookie(Self.languageCookie, language?.rawValue ?? "", maxAge: language == nil ? 0 : 365 * 86_400))
        return response
    }

    // MARK: Signing in and out

    struct SignInView {
        var chrome: Chrome?
        var csrf: String
        var next: String
        var email: String
        var error: String?
        var signedOut: Bool
    }

    /// Only local paths are followed after sign-in (no open redirect to another site).
    static func localTarget(_ raw: String?) -> String {
        guard let raw, raw.hasPrefix("/console"), !raw.hasPrefix("//"), !raw.contains("\\") else { return "/console" }
        return raw
    }

    func signInPage(_ request: Request, _ context: TouchpointContext, email: String = "", error: String? = nil,
                    status: HTTPResponse.Status = .ok) -> Response {
        let query = HTMLForm(urlEncoded: request.uri.query ?? "")
        if context.session != nil, error == nil { return Pages.redirect(Self.localTarget(query["next"])) }
        let token = cookies.signInToken(request)
        let target = Self.localTarget(context.form?["next"] ?? query["next"])
        var response = pages.render("login", SignInView(chrome: nil, csrf: token, next: target, email: email,
                                                        error: error.map { RefusalWords.say($0, context.language) },
                                                        signedOut: query["signedOut"] != nil), status: status)
        cookies.offerSignIn(&response, token: token)
        return response
    }

    func signIn(_ request: Request, _ context: TouchpointContext) async throws -> Response {
        let form = context.form ?? HTMLForm(urlEncoded: "")
        guard cookies.signInTokenMatches(request, form) else {
            return signInPage(request, context, error: "The sign-in form expired. Please try again.", status: .forbidden)
        }
        let email = form.text("email") ?? ""
        let password = form["password"] ?? ""
        let client = context.clientAddress(request)
        if let wait = throttle.blocked(email: email, client: client, now: app.environment.now()) {
            return signInPage(request, context, email: email, error: "Too many failed attempts. Try again in \(wait) minutes.", status: .tooManyRequests)
        }
        let found = try await app.signIn.credentials(email: email)
        guard try await Passwords.verify(password, hash: found?.passwordHash), let user = found?.user else {
            throttle.failed(email: email, client: client, now: app.environment.now())
            if let user = found?.user { try await app.signIn.recordFailedSignIn(user: user) }
            return signInPage(request, context, email: email, error: "The email or password is not right.", status: .unauthorized)
        }
        throttle.succeeded(email: email)
        let (token, session) = try await app.signIn.startSession(user: user, userAgent: request.headers[.userAgent])
        var response = Pages.redirect(Self.localTarget(form["next"]))
        response.setCookie(cookies.cookie(cookies.session, token, maxAge: Int(session.expiresAt.timeIntervalSinceNow.rounded())))
        response.setCookie(cookies.cookie(cookies.signIn, "", maxAge: 0))
        return response
    }

    func signOut(_ request: Request) async throws -> Response {
        if let token = request.cookies[cookies.session]?.value { try await app.signIn.endSession(token: token) }
        var response = Pages.redirect("/console/login?signedOut=1")
        response.setCookie(cookies.cookie(cookies.session, "", maxAge: 0))
        return response
    }
}

/// The frame of every signed-in page: who is signed in and the token their forms carry.
struct Chrome {
    var title: String
    /// The signed-in person's id: live notices addressed to them show on every page.
    var userId: String
    var userName: String
    var role: String
    var csrf: String
    var isAdmin: Bool
    var writesMacros: Bool
    var runsPlaybooks: Bool

    init(title: String, session: StaffSession) {
        self.title = title
        self.userId = session.user.id.text
        self.userName = session.user.name
        // In the language the request's page speaks (set for the whole request by the middleware).
        self.role = session.user.role.words(Pages.speaking ?? .en)
        self.csrf = session.csrfToken
        self.isAdmin = session.principal.may(.administer)
        self.writesMacros = session.principal.may(.manageMacros)
        self.runsPlaybooks = session.principal.may(.manageAccounts)
    }
}

struct ErrorView {
    /// The heading of an error page: the status's name, in Polish for a Polish reader.
    static func title(_ problem: Problem, _ language: Language?) -> String {
        guard language == .pl else { return problem.title }
        switch problem.status.code {
        case 400: return "Nie udało się odczytać żądania"
        case 401: return "Zaloguj się ponownie"
        case 403: return "Brak dostępu"
        case 404: return "Nie ma takiej strony"
        case 409: return "Konflikt ze zmianą kogoś innego"
        case 413: return "Za dużo danych naraz"
        case 415: return "Nieobsługiwany format"
        case 422: return "Nie można tego zapisać"
        case 429: return "Zbyt wiele prób"
        case 503: return "Chwilowo niedostępne"
        case 500...: return "Błąd serwera"
        default: return problem.title
        }
    }

    var chrome: Chrome?
    var status: Int
    var title: String
    var detail: String
    /// Where to sign in again, when that is the way out.
    var signIn: String?
    var home: String
}

/// Slows down password guessing: after 5 failures for an address, or 20 from one client,
/// within 15 minutes, further attempts wait until the window has passed.
final class SignInThrottle: @unchecked Sendable {
    private let lock = NSLock()
    private var failures: [String: [Date]] = [:]
    private let window: TimeInterval = 15 * 60

    /// Minutes to wait, or nil when an attempt may be made.
    func blocked(email: String, client: String, now: Date) -> Int? {
        lock.lock()
        defer { lock.unlock() }
        for (key, limit) in [("e:" + email.lowercased(), 5), ("c:" + client, 20)] {
            let recent = (failures[key] ?? []).filter { now.timeIntervalSince($0) < window }
            failures[key] = recent
            if recent.count >= limit, let oldest = recent.first {
                return max(1, Int(((oldest.addingTimeInterval(window).timeIntervalSince(now)) / 60).rounded(.up)))
            }
        }
        return nil
    }

    func failed(email: String, client: String, now: Date) {
        lock.lock()
        defer { lock.unlock() }
        if failures.count > 50_000 { failures.removeAll() }
        failures["e:" + email.lowercased(), default: []].append(now)
        failures["c:" + client, default: []].append(now)
    }

    func succeeded(email: String) {
        lock.lock()
        defer { lock.unlock() }
        failures["e:" + email.lowercased()] = nil
    }
}
