import Foundation
import HTTPTypes
import Hummingbird
import TouchpointCore
import TouchpointStore

/// How the console's cookies are set, parsed once from the web settings.
struct CookiePolicy: Sendable {
    /// Send cookies only over HTTPS; on, whenever the public URL is https.
    let secure: Bool

    /// `__Host-` binds the cookie to this exact host and path `/` (browsers enforce it, and
    /// accept it only with Secure).
    var session: String { secure ? "__Host-tp_session" : "tp_session" }
    var signIn: String { secure ? "__Host-tp_signin" : "tp_signin" }

    func cookie(_ name: String, _ value: String, maxAge: Int?) -> Cookie {
        Cookie(name: name, value: value, maxAge: maxAge, path: "/", secure: secure, httpOnly: true, sameSite: .lax)
    }
}

/// Guards every console page: security headers, the session behind the cookie, the
/// form body with its CSRF token, and errors as HTML pages rather than problem+json.
struct ConsoleMiddleware: RouterMiddleware {
    typealias Context = TouchpointContext
    let store: Store
    let pages: Pages
    let cookies: CookiePolicy
    let maxBodyBytes: Int

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

    /// Paths open without a session.
    static func isPublic(_ path: String) -> Bool {
        path == "/console/login" || path.hasPrefix("/console/static/")
    }

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
        if let token = request.cookies[cookies.session]?.value, let session = try await store.session(token: token) {
            context.session = session
            context.principal = session.principal
        }
        let isPost = request.method == .post
        if context.session == nil, !Self.isPublic(path) {
            guard !isPost else { throw Problem(.unauthorized, "Your session has ended. Sign in again; what you typed was not saved.") }
            let target = request.uri.query.map { "\(path)?\($0)" } ?? path
            return Pages.redirect("/console/login?next=\(HTMLForm.encode(target))")
        }
        if isPost {
            try Self.checkSameOrigin(request)
            guard request.headers[.contentType]?.hasPrefix("application/x-www-form-urlencoded") == true else {
                throw Problem(.unsupportedMediaType, "console forms are sent as application/x-www-form-urlencoded")
            }
            let body = try await request.body.collect(upTo: maxBodyBytes)
            let form = HTMLForm(urlEncoded: String(buffer: body))
            // The sign-in form has no session yet; it checks its own token.
            if let session = context.session, path != "/console/login" {
                guard constantTimeEquals(form["csrf"] ?? "", session.csrfToken) else {
                    throw Problem(.forbidden, "This form is out of date or did not come from Touchpoint. Reload the page and try again.")
                }
            }
            context.form = form
        }
        return try await next(request, context)
    }

    /// Browsers say where a form came from; a post from another site is refused even
    /// before its CSRF token is looked at.
    static func checkSameOrigin(_ request: Request) throws {
        if let site = HTTPField.Name("Sec-Fetch-Site").flatMap({ request.headers[$0] }), site == "cross-site" {
            throw Problem(.forbidden, "forms may only be sent from Touchpoint's own pages")
        }
        if let origin = request.headers[.origin], let host = request.head.authority {
            let expected = ["http://" + host, "https://" + host]
            guard expected.contains(origin.lowercased()) || expected.contains(origin) else {
                throw Problem(.forbidden, "forms may only be sent from Touchpoint's own pages")
            }
        }
    }

    func errorPage(_ problem: Problem, request: Request, context: Context) -> Response {
        if problem.status.code >= 500 {
            context.logger.error("console request failed", metadata: ["path": "\(request.uri.path)", "detail": "\(problem.detail)"])
        }
        let view = ErrorView(chrome: context.session.map { Chrome(title: problem.title, session: $0) }, status: Int(problem.status.code),
                             title: problem.title, detail: problem.detail, signIn: problem.status == .unauthorized)
        var response = pages.render("error", view, status: problem.status)
        for field in problem.headers { response.headers.append(field) }
        return response
    }
}
