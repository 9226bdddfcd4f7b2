import Foundation
import HTTPTypes
import Hummingbird
import TouchpointApplication
import TouchpointCore

/// The request context: carries the authenticated caller once the auth middleware ran.
public struct TouchpointContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    public var principal: Principal?
    /// The browser session behind a console request.
    public var session: StaffSession?
    /// The signed-in customer behind a portal request.
    public var customer: PortalSession?
    /// The registered kiosk device behind a kiosk request.
    public var kiosk: Kiosk?
    /// A console form's fields, read (and its CSRF token checked) by the console middleware.
    var form: HTMLForm?
    /// The language a console page speaks, chosen by the console's middleware.
    var language: Language = .en
    /// The peer's IP address (the proxy's, behind one).
    let peerAddress: String?

    public init(source: Source) {
        self.coreContext = .init(source: source)
        self.peerAddress = source.channel.remoteAddress?.ipAddress
        self.principal = nil
        self.session = nil
        self.customer = nil
        self.kiosk = nil
        self.form = nil
    }

    /// The caller, or 401 when the route needs one and there is none.
    func caller() throws -> Principal {
        guard let principal else { throw Problem(.unauthorized, "a bearer token is required") }
        return principal
    }

    /// The caller if they may do `permission`, else 403.
    func caller(may permission: Permission) throws -> Principal {
        let principal = try caller()
        guard principal.may(permission) else {
            let why = principal.role.permissions.contains(permission)
                ? "this token is read-only"
                : "the role \(principal.role.rawValue) may not \(permission.rawValue)"
            throw Problem(.forbidden, why)
        }
        return principal
    }

    func actor() throws -> Actor { .staff(try caller().userID) }

    /// The client's address for rate limits: the peer's, or, when the peer is a proxy on
    /// this host, the address that proxy saw (the last X-Forwarded-For entry; earlier ones
    /// are only what the client claimed). Without it everyone behind the proxy would share
    /// one limit.
    func clientAddress(_ request: Request) -> String {
        let peer = peerAddress ?? "unknown"
        guard peer == "127.0.0.1" || peer == "::1", let forwarded = HTTPField.Name("X-Forwarded-For").flatMap({ request.headers[$0] }),
              let last = forwarded.split(separator: ",").last?.trimmingCharacters(in: .whitespaces), !last.isEmpty else { return peer }
        return last
    }
}

/// Authenticates `Authorization: Bearer …` against the stored token hashes. Known tokens are
/// cached briefly so a busy client does not cost a database read per request.
struct BearerAuthMiddleware: RouterMiddleware {
    typealias Context = TouchpointContext
    let app: UseCases
    let cache: TokenCache
    /// Paths that answer without a token.
    let publicPaths: Set<String>

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let path = request.uri.path
        // Webhooks carry their own signature instead of a token.
        guard path.hasPrefix("/api/"), !publicPaths.contains(path), !path.hasPrefix("/api/v1/webhooks/") else { return try await next(request, context) }
        guard let header = request.headers[.authorization] else {
            throw unauthorized("a bearer token is required: Authorization: Bearer <token>")
        }
        let parts = header.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else {
            throw unauthorized("the Authorization header must be 'Bearer <token>'")
        }
        let token = String(parts[1]).trimmingCharacters(in: .whitespaces)
        let principal: Principal
        if let cached = cache.get(token) {
            principal = cached
        } else if let found = try await app.staff.principal(forToken: token) {
            cache.put(token, found)
            principal = found
        } else {
            throw unauthorized("the token is unknown or revoked")
        }
        var context = context
        context.principal = principal
        return try await next(request, context)
    }

    func unauthorized(_ detail: String) -> Problem {
        var problem = Problem(.unauthorized, detail)
        problem.headers[.wwwAuthenticate] = "Bearer realm=\"touchpoint\""
        return problem
    }
}

final class TokenCache: @unchecked Sendable {
    private let lock = NSLock()
    private var entries: [String: (Principal, Date)] = [:]
    private let ttl: TimeInterval
    private let now: @Sendable () -> Date

    init(ttl: TimeInterval, now: @escaping @Sendable () -> Date) {
        self.ttl = ttl
        self.now = now
    }

    func get(_ token: String) -> Principal? {
        lock.lock()
        defer { lock.unlock() }
        guard let (principal, at) = entries[token], now().timeIntervalSince(at) < ttl else { return nil }
        return principal
    }

    func put(_ token: String, _ principal: Principal) {
        lock.lock()
        defer { lock.unlock() }
        if entries.count > 10_000 { entries.removeAll() }
        entries[token] = (principal, now())
    }
}
