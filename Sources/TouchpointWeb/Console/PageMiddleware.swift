import Foundation
import HTTPTypes
import Hummingbird
import Logging
import TouchpointCore

/// How the console's cookies are set, parsed once from the web settings.
struct CookiePolicy: Sendable {
    /// Send cookies only over HTTPS; on, whenever the public URL is https.
    let secure: Bool

    /// `__Host-` binds the cookie to this exact host and path `/` (browsers enforce it, and
    /// accept it only with Secure).
    var session: String { secure ? "__Host-tp_session" : "tp_session" }
    var portal: String { secure ? "__Host-tp_portal" : "tp_portal" }
    var signIn: String { secure ? "__Host-tp_signin" : "tp_signin" }

    func cookie(_ name: String, _ value: String, maxAge: Int?) -> Cookie {
        Cookie(name: name, value: value, maxAge: maxAge, path: "/", secure: secure, httpOnly: true, sameSite: .lax)
    }

    /// Sign-in forms have no session to carry a CSRF token, so they double-submit one: the
    /// form holds the value of a cookie only this site can set. The visitor's, or a new one.
    func signInToken(_ request: Request) -> String {
        request.cookies[signIn]?.value ?? UUID().uuidString
    }

    /// Sets the sign-in token cookie on a page with a sign-in form.
    func offerSignIn(_ response: inout Response, token: String) {
        response.setCookie(cookie(signIn, token, maxAge: 3600))
    }

    /// Whether a posted sign-in form carries the token of the visitor's cookie.
    func signInTokenMatches(_ request: Request, _ form: HTMLForm) -> Bool {
        guard let expected = request.cookies[signIn]?.value else { return false }
        return constantTimeEquals(form["csrf"] ?? "", expected)
    }
}

/// What differs between the staff console and the customer portal: which cookie holds the
/// session, how it is looked up, and which pages are open without one.
struct PageArea: Sendable {
    /// The cookie with the session token.
    let cookie: String
    /// Where pages link back to (errors' "back" link).
    let home: String
    /// Paths that answer without a session (sign-in pages, static files).
    let isPublic: @Sendable (String) -> Bool
    /// Where a visitor without a session goes to sign in (with the page they wanted).
    let signIn: @Sendable (_ path: String) -> String
    /// Finds the session behind a cookie value, records it in the context and returns its
    /// CSRF token; nil when there is none.
    let authenticate: @Sendable (_ token: String, _ path: String, _ context: inout TouchpointContext) async throws -> String?
    /// The language the area's pages speak, after the session is known; nil where each page
    /// chooses its own (the portal, the kiosk).
    var language: (@Sendable (_ request: Request, _ context: TouchpointContext) async throws -> Language)? = nil
}

/// Guards every page of an area (the console, the portal): security headers, the session
/// behind the cookie, the form body with its CSRF token, and errors as HTML pages rather
/// than problem+json.
struct PageMiddleware: RouterMiddleware {
    typealias Context = TouchpointContext
    let area: PageArea
    let pages: Pages
    let maxBodyBytes: Int
    /// Largest multipart body (a form with files); nil: forms with files are held to `maxBodyBytes`.
    var maxUploadBytes: Int? = nil

    static let contentSecurityPolicy = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
        + "form-action 'self'; frame-src 'self'; frame-ancestors 'none'; base-uri 'none'"

    /// Set on every console response that did not set its own.
    static let securityHeaders: [(HTTPField.Name, String)] = [
        (.contentSecurityPolicy, contentSecurityPolicy),
        (.xContentTypeOptions, "nosniff"),
        (HTTPField.Name("Referrer-Policy")!, "same-origin"),
        (HTTPField.Name("Cross-Origin-Opener-Policy")!, "same-origin"),
        (HTTPField.Name("Permissions-Policy")!, "camera=(), microphone=(), geolocation=()"),
    ]

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var response: Response
        do {
            response = try await guarded(request, context: context, next: next)
        } catch {
            response = errorPage(Problem.from(error), request: request, context: context)
        }
        for (name, value) in Self.securityHeaders where response.headers[name] == nil {
            response.headers[name] = value
        }
        return response
    }

    func guarded(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        let path = request.uri.path
        var csrf: String?
        let isPublic = area.isPublic(path)
        if let token = request.cookies[area.cookie]?.value {
            csrf = try await area.authenticate(token, path, &context)
        }
        var speaking: Language?
        if let choose = area.language {
            context.language = try await choose(request, context)
            speaking = context.language
        }
        return await Pages.$speaking.withValue(speaking) { [context] in
            // Answered here, an error page knows who is signed in and speaks their language.
            do { return try await proceed(request, isPublic: isPublic, csrf: csrf, context: context, next: next) } catch {
                return errorPage(Problem.from(error), request: request, context: context)
            }
        }
    }

    func proceed(_ request: Request, isPublic: Bool, csrf: String?, context: Context,
                 next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        let path = request.uri.path
        let isPost = request.method == .post
        if csrf == nil, !isPublic {
            guard !isPost else { throw Problem(.unauthorized, "Your session has ended. Sign in again; what you typed was not saved.") }
            return Pages.redirect(area.signIn(request.uri.query.map { "\(path)?\($0)" } ?? path))
        }
        if isPost {
            try Self.checkSameOrigin(request)
            let form = try await Self.form(of: request, maxBodyBytes: maxBodyBytes, maxUploadBytes: maxUploadBytes ?? maxBodyBytes)
            // Sign-in forms have no session yet; they check their own token.
            if let csrf, !isPublic {
                guard constantTimeEquals(form["csrf"] ?? "", csrf) else {
                    throw Problem(.forbidden, "This form is out of date or did not come from this site. Reload the page and try again.")
                }
            }
            context.form = form
        }
        return try await next(request, context)
    }

    /// A posted form's fields: URL-encoded, or multipart with files (up to `maxUploadBytes`
    /// in all, answered 413 beyond; a body that cannot be read is 400 with the reason).
    static func form(of request: Request, maxBodyBytes: Int, maxUploadBytes: Int) async throws -> HTMLForm {
        let type = request.headers[.contentType] ?? ""
        if let boundary = MultipartForm.boundary(contentType: type) {
            let body: ByteBuffer
            do { body = try await request.body.collect(upTo: maxUploadBytes) } catch {
                throw Problem(.contentTooLarge, "The files are larger than the limit of \(maxUploadBytes / 1_048_576) MB together. Send fewer or smaller ones.")
            }
            do {
                let parsed = try MultipartForm.parse(Array(body.readableBytesView), boundary: boundary)
                return HTMLForm(fields: parsed.fields, files: parsed.files)
            } catch {
                throw Problem(.badRequest, "The form could not be read: \(error.description).")
            }
        }
        guard type.hasPrefix("application/x-www-form-urlencoded") else {
            throw Problem(.unsupportedMediaType, "forms are sent as application/x-www-form-urlencoded or multipart/form-data")
        }
        let body = try await request.body.collect(upTo: maxBodyBytes)
        return HTMLForm(urlEncoded: String(buffer: body))
    }

    /// Browsers say where a form came from; a post from another site is refused even
    /// before its CSRF token is looked at.
    static func checkSameOrigin(_ request: Request) throws {
        if let site = HTTPField.Name("Sec-Fetch-Site").flatMap({ request.headers[$0] }), site == "cross-site" {
            throw Problem(.forbidden, "forms may only be sent from Touchpoint's own pages")
        }
        if let origin = request.headers[.origin], !isSameOrigin(origin, request) {
            throw Problem(.forbidden, "forms may only be sent from Touchpoint's own pages")
        }
    }

    /// Whether an `Origin` is this server as the request addressed it.
    static func isSameOrigin(_ origin: String, _ request: Request) -> Bool {
        guard let host = request.head.authority?.lowercased() else { return false }
        let origin = origin.lowercased()
        return origin == "http://" + host || origin == "https://" + host
    }

    /// Answers any other page of the area with the area's own "no such page" (styled, with
    /// its way back), not the API's problem+json. Add it after the area's routes: the router
    /// prefers every named path to this wildcard.
    static func addNoSuchPage(to group: RouterGroup<Context>) {
        group.get("**") { _, _ -> Response in throw Problem(.notFound, "There is no such page. It may have moved, or the link may be mistyped.") }
    }

    func errorPage(_ problem: Problem, request: Request, context: Context) -> Response {
        if problem.status.code >= 500 {
            context.logger.error("console request failed", metadata: ["path": "\(request.uri.path)", "detail": "\(problem.detail)"])
        }
        // An error before the session was read (the database is down) speaks what the visitor
        // chose or their browser prefers.
        let language = area.language == nil ? nil : Pages.speaking ?? Console.chosenLanguage(request) ?? .en
        let title = ErrorView.title(problem, language)
        let view = ErrorView(chrome: context.session.map { Chrome(title: title, session: $0) }, status: Int(problem.status.code),
                             title: title, detail: RefusalWords.detail(problem, language ?? .en), signIn: problem.status == .unauthorized ? area.signIn(area.home) : nil,
                             home: area.home)
        var response = pages.render("error", view, status: problem.status, in: language)
        for field in problem.headers { response.headers.append(field) }
        return response
    }
}
