import Foundation
import Hummingbird
import TouchpointApplication
import TouchpointCore

/// Settings of the HTTP API, parsed once by the composition root.
public struct WebConfig: Sendable {
    /// Largest accepted request body in bytes (413 beyond it).
    public var maxBodyBytes: Int
    /// Largest console form with files (a reply with attachments), in bytes, all files together.
    public var maxUploadBytes: Int
    /// The address people reach Touchpoint at (behind a proxy, its https URL); cookies are
    /// marked Secure when it is https.
    public var publicURL: String?
    /// Write portal sign-in links to the log too (development: the demo data is loaded).
    public var logSignInLinks: Bool
    /// How long a connection may stay without a request in progress (or with headers still
    /// arriving) before it is closed.
    public var idleTimeout: Duration
    /// Connections served fully; a few more may ask `/health`, the rest get 503 at once.
    public var maxConnections: Int

    public init(maxBodyBytes: Int = 1_048_576, maxUploadBytes: Int = 10 * 1_048_576, publicURL: String? = nil, logSignInLinks: Bool = false,
                idleTimeout: Duration = .seconds(30), maxConnections: Int = HTTPLimits.defaultMaxConnections()) {
        self.maxBodyBytes = maxBodyBytes
        self.maxUploadBytes = maxUploadBytes
        self.publicURL = publicURL
        self.logSignInLinks = logSignInLinks
        self.idleTimeout = idleTimeout
        self.maxConnections = maxConnections
    }

    var isHTTPS: Bool { publicURL?.lowercased().hasPrefix("https://") ?? false }
}

/// Builds the router: the JSON API under `/api/v1`, `/health`, and the staff console.
/// Webhooks store what they receive in `inbox`, whose worker the composition root runs.
public func buildRouter(app: UseCases, inbox: Inbox, config: WebConfig) -> Router<TouchpointContext> {
    _ = MetricsExport.registry
    // HEAD is answered wherever GET is (RFC 9110 §9.3.2), without a body.
    let router = Router(context: TouchpointContext.self, options: .autoGenerateHeadEndpoints)
    let api = API(app: app, inbox: inbox, io: JSONIO(maxBodyBytes: config.maxBodyBytes))
    router.add(middleware: RequestMetricsMiddleware())
    router.add(middleware: ProblemMiddleware())
    router.add(middleware: BearerAuthMiddleware(app: app, cache: TokenCache(ttl: 10, now: app.environment.now), publicPaths: ["/api/v1/openapi.yaml"]))
    router.get("/health") { _, _ in try await api.health() }
    router.get("/ready") { _, _ in await api.ready() }
    router.get("/metrics") { _, _ in await MetricsExport.response(app: app) }
    let v1 = router.group("api/v1")
    v1.get("openapi.yaml") { _, _ in api.openAPIDocument() }
    v1.get("me") { _, context in try api.me(context) }
    v1.get("teams") { _, context in try await api.teams(context) }
    v1.get("staff") { _, context in try await api.staff(context) }
    v1.post("teams") { request, context in try await api.addTeam(request, context) }
    v1.post("staff") { request, context in try await api.addStaffMember(request, context) }
    v1.get("events") { request, context in try await api.events(request, context) }
    api.addAccountRoutes(to: v1)
    api.addHealthRoutes(to: v1)
    api.addSurveyRoutes(to: v1)
    api.addContactRoutes(to: v1)
    api.addCaseRoutes(to: v1)
    api.addCommitmentRoutes(to: v1)
    api.addServiceModelRoutes(to: v1)
    api.addCalendarRoutes(to: v1)
    api.addRoutingRoutes(to: v1)
    api.addOnCallRoutes(to: v1)
    api.addMailRoutes(to: v1)
    api.addWebhookRoutes(to: v1)
    api.addInboxRoutes(to: v1)
    api.addOutboxRoutes(to: v1)
    api.addBrandRoutes(to: v1)
    api.addIntegrationRoutes(to: v1)
    api.addWalkInRoutes(to: v1)
    api.addDeskAppointmentRoutes(to: v1)
    api.addBillingRoutes(to: v1)
    api.addFieldServiceRoutes(to: v1)
    api.addKnowledgeRoutes(to: v1)
    api.addChatbotRoutes(to: v1)
    api.addPlaybookRoutes(to: v1)
    let console = Console(app: app, inbox: inbox, pages: Pages(), cookies: CookiePolicy(secure: config.isHTTPS), publicURL: config.publicURL)
    console.addRoutes(to: router, maxBodyBytes: config.maxBodyBytes, maxUploadBytes: config.maxUploadBytes)
    Portal(app: app, pages: console.pages, cookies: console.cookies, config: config).addRoutes(to: router)
    Board.addRoutes(to: router, app: app, pages: console.pages)
    SurveyPage(app: app, pages: console.pages).addRoutes(to: router)
    PlaybookLinkPages(app: app, pages: console.pages).addRoutes(to: router)
    KioskPages(app: app, pages: console.pages, cookies: console.cookies).addRoutes(to: router, maxBodyBytes: config.maxBodyBytes)
    router.get("/") { _, _ in Pages.redirect("/console") }
    // The chat widget any website embeds, and a page of the brand's that shows it.
    router.get("widget.js") { _, _ in
        var response = console.pages.asset("widget.js")
        response.headers[.accessControlAllowOrigin] = "*"
        return response
    }
    // Help articles that may answer what a visitor is typing in the widget: public articles
    // only, with links a page on any website can open.
    router.get("chat/{brand}/articles") { request, context in
        guard let slug = context.parameters.get("brand"), let brand = try await app.staff.brand(slug: slug) else { throw Problem(.notFound, "no such brand") }
        let query = String((request.uri.queryParameters.get("q") ?? "").prefix(500))
        let language = LanguageGuess.of(query)
        let found = try await app.knowledge.search(query, brand: brand.id, filter: ArticleFilter(reader: .anonymous, language: language), limit: 3)
        let root = console.publicRoot(request)
        struct Suggested: Encodable {
            var id: String
            var title: String
            var url: String
        }
        struct Suggestions: Encodable {
            var heading: String
            var articles: [Suggested]
        }
        var response = try JSONIO.response(Suggestions(
            heading: HelpWords(language ?? brand.language).mayHelp,
            articles: found.hits.map {
                Suggested(id: $0.article.id.text, title: $0.article.content.title, url: "\(root)/portal/\(brand.slug)/help/\($0.article.id.text)")
            }))
        response.headers[.accessControlAllowOrigin] = "*"
        return response
    }
    router.get("chat/{brand}") { _, context in
        guard let slug = context.parameters.get("brand"), let brand = try await app.staff.brand(slug: slug) else { throw Problem(.notFound, "no such brand") }
        return console.pages.render("chat-demo", ["brandName": brand.name, "slug": brand.slug])
    }
    // Last, so they wrap only the router's not-found answer: a known path asked with a method
    // it does not take gets 405 with Allow; in the console and the portal, as a page.
    router.add(middleware: NoSuchPageMiddleware(pages: console.pages))
    router.add(middleware: MethodNotAllowedMiddleware(routes: router.routes))
    return router
}

/// The handlers of the API; each checks the caller's permission first, then calls the use case.
struct API: Sendable {
    let app: UseCases
    let inbox: Inbox
    let io: JSONIO

    static let openAPI: String = {
        guard let url = Bundle.module.url(forResource: "openapi", withExtension: "yaml"),
              let text = try? String(contentsOf: url, encoding: .utf8) else { return "" }
        return text
    }()

    func openAPIDocument() -> Response {
        Response(status: .ok, headers: [.contentType: "application/yaml; charset=utf-8"],
                 body: .init(byteBuffer: ByteBuffer(string: API.openAPI)))
    }

    func health() async throws -> Response {
        struct Health: Encodable {
            var status: String
            var database: DatabaseState
        }
        struct DatabaseState: Encodable {
            /// `ok`, `unreachable`, or `read-only` while writes fail (a full disk, a locked file).
            var status: String
            var driver: String
            var schemaVersion: Int?
            /// Why writes fail, while they do.
            var problem: String?
        }
        let database = await app.health()
        let state = !database.reachable ? "unreachable" : database.writeFailure == nil ? "ok" : "read-only"
        let health = Health(status: database.accepting ? "ok" : "degraded",
                            database: DatabaseState(status: state, driver: database.driver, schemaVersion: database.schemaVersion,
                                                    problem: database.writeFailure))
        var response = try JSONIO.response(health, status: database.accepting ? .ok : .serviceUnavailable)
        if !database.accepting { response.headers[.retryAfter] = "5" }
        return response
    }

    /// Readiness for load balancers and orchestrators: 200 while this node can serve (its
    /// database answers and commits), 503 with `Retry-After` while it cannot. Answers within a
    /// second either way: an unreachable database is noticed by the connection limit, not a
    /// network timeout; a full disk by the last commit that failed.
    func ready() async -> Response {
        let database = await app.health()
        let why = !database.reachable ? "the database does not answer" : "writes fail: \(database.writeFailure ?? "")"
        var response = Response(status: database.accepting ? .ok : .serviceUnavailable, headers: [.contentType: "text/plain; charset=utf-8"],
                                body: .init(byteBuffer: ByteBuffer(string: database.accepting ? "ready\n" : "not ready: \(why)\n")))
        if !database.accepting { response.headers[.retryAfter] = "5" }
        return response
    }

    func me(_ context: TouchpointContext) throws -> Response {
        let caller = try context.caller()
        let permissions = Permission.allCases.filter(caller.may)
        return try JSONIO.response(MeDTO(userId: caller.userID.text, brandId: caller.brandID.text, role: caller.role,
                                         scope: caller.scope, permissions: permissions))
    }

    func teams(_ context: TouchpointContext) async throws -> Response {
        let caller = try context.caller(may: .readCustomers)
        let teams = try await app.routing.teamProfiles(brand: caller.brandID)
        return try JSONIO.response(["items": teams.map(TeamProfileDTO.init)])
    }

    func staff(_ context: TouchpointContext) async throws -> Response {
        let caller = try context.caller(may: .readCustomers)
        let users = try await app.routing.agentProfiles(brand: caller.brandID)
        return try JSONIO.response(["items": users.map(AgentDTO.init)])
    }

    /// `POST /teams`: a new team, administrators only.
    func addTeam(_ request: Request, _ context: TouchpointContext) async throws -> Response {
        let caller = try context.caller(may: .administer)
        let body = try await io.decode(NewTeamRequest.self, from: request)
        let team = try await app.staff.addTeam(name: body.name, brand: caller.brandID)
        guard let profile = try await app.routing.teamProfiles(brand: caller.brandID).first(where: { $0.team.id == team.id }) else {
            throw Problem(.notFound, "team \(team.id.text) not found")
        }
        return try JSONIO.response(TeamProfileDTO(profile), status: .created, headers: [.location: "/api/v1/teams/\(team.id.text)"])
    }

    /// `POST /staff`: a new staff member, administrators only; with `password` they can sign
    /// in to the console at once.
    func addStaffMember(_ request: Request, _ context: TouchpointContext) async throws -> Response {
        let caller = try context.caller(may: .administer)
        let body = try await io.decode(NewStaffRequest.self, from: request)
        var team: TeamID?
        if let text = body.teamId {
            guard let id = UUID(text: text) else { throw Problem.invalid(ValidationError(field: "teamId", reason: "'\(text)' is not an id")) }
            team = id
        }
        var hash: String?
        if let password = body.password { hash = try await Passwords.hash(try Passwords.validate(password)) }
        let user = try await app.staff.addStaffMember(email: body.email, name: body.name, role: body.role, team: team, passwordHash: hash,
                                                      brand: caller.brandID, actor: .staff(caller.userID))
        return try JSONIO.response(AgentDTO(try await app.routing.agentProfile(user.id, brand: caller.brandID)), status: .created,
                                   headers: [.location: "/api/v1/staff/\(user.id.text)"])
    }

    func events(_ request: Request, _ context: TouchpointContext) async throws -> Response {
        let caller = try context.caller(may: .readAudit)
        let query = Query(request: request)
        let page = try await app.lookups.auditLog(brand: caller.brandID, caseID: try query.uuid("caseId"), limit: try query.limit(), cursor: try query.cursor())
        return JSONIO.response(PageDTO(items: page.items.map(EventDTO.init), nextCursor: page.nextCursor))
    }

    /// The brand's calling code, for completing national phone numbers.
    func callingCode(_ caller: Principal) async throws -> String? {
        try await app.staff.brand(caller.brandID).defaultCallingCode
    }
}
