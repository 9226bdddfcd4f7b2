import Hummingbird
import TouchpointCore

/// The router's own refusals (no such path, or a method the path does not take) inside the
/// areas people read — the console, the portal, the kiosk, the walk-in board — answered as
/// those areas' styled page with a way back, not the API's problem+json. Added after every
/// route, so it wraps only what no route answered; a page's own errors are its area's already.
struct NoSuchPageMiddleware: RouterMiddleware {
    typealias Context = TouchpointContext
    let pages: Pages
    static let areas = ["console", "portal", "kiosk", "walk-in"]

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch {
            let segments = request.uri.path.split(separator: "/", omittingEmptySubsequences: true)
            guard let area = segments.first.map(String.init), Self.areas.contains(area) else { throw error }
            var problem = Problem.from(error)
            // The console speaks what its reader chose or their browser prefers (no session is read here).
            let language = area == "console" ? Console.chosenLanguage(request) ?? .en : nil
            if problem.status == .notFound {
                problem.detail = (language ?? .en).say("There is no such page. The link may be mistyped, or the page may have moved.",
                                                       "Nie ma takiej strony. Link może zawierać błąd albo strona została przeniesiona.")
            }
            // The portal's way back is the brand's own start page.
            let home = area == "portal" && segments.count > 1 ? "/portal/\(segments[1])" : "/\(area)"
            var response = pages.render("error", ErrorView(chrome: nil, status: Int(problem.status.code), title: ErrorView.title(problem, language),
                                                           detail: problem.detail, signIn: nil, home: home), status: problem.status, in: language)
            for field in problem.headers { response.headers.append(field) }
            for (name, value) in PageMiddleware.securityHeaders where response.headers[name] == nil { response.headers[name] = value }
            return response
        }
    }
}
