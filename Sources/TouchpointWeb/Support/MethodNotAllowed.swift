import Hummingbird

/// Answers a path that exists, asked with a method it does not take, with 405 and an `Allow`
/// header (RFC 9110 §15.5.6) instead of the router's 404: `TRACE /api/v1/cases` is not a
/// missing resource. Added after every route, so it wraps only the router's not-found answer.
struct MethodNotAllowedMiddleware<Context: RequestContext>: RouterMiddleware {
    /// Each route's path pattern with the methods it takes.
    let routes: [(path: RouterPath, methods: Set<HTTPRequest.Method>)]

    init(routes: [Router<Context>.RouteDescription]) {
        var byPath: [String: (RouterPath, Set<HTTPRequest.Method>)] = [:]
        for route in routes {
            byPath[route.path.description, default: (route.path, [])].1.insert(route.method)
        }
        self.routes = byPath.values.map { (path: $0.0, methods: $0.1) }
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as HTTPError where error.status == .notFound {
            let allowed = methods(for: request.uri.path)
            guard !allowed.isEmpty, !allowed.contains(request.method) else { throw error }
            let list = allowed.map(\.rawValue).sorted().joined(separator: ", ")
            var problem = Problem(.methodNotAllowed, "\(request.uri.path) takes \(list), not \(request.method.rawValue)")
            problem.headers[.allow] = list
            throw problem
        }
    }

    /// The methods of the route the router would pick for `path` (a literal segment beats a
    /// parameter, as in its tree: `PUT /calendars/import` is about `import`, not `{id}`), with
    /// HEAD wherever GET is, as the router answers it.
    func methods(for path: String) -> Set<HTTPRequest.Method> {
        let segments = path.split(separator: "/", omittingEmptySubsequences: true)
        var best: [Bool] = []
        var found: Set<HTTPRequest.Method> = []
        for route in routes where Self.matches(route.path.components, segments) {
            let literal = zip(route.path.components, segments).map { $0 == $1 }
            if literal.lexicographicallyPrecedes(best, by: { !$0 && $1 }) { continue }
            if best.lexicographicallyPrecedes(literal, by: { !$0 && $1 }) { found = [] }
            best = literal
            found.formUnion(route.methods)
        }
        if found.contains(.get) { found.insert(.head) }
        return found
    }

    static func matches(_ pattern: [RouterPath.Element], _ segments: [Substring]) -> Bool {
        for (index, element) in pattern.enumerated() {
            if element.description == "**" { return true }
            guard index < segments.count, element ~= segments[index] else { return false }
        }
        return pattern.count == segments.count
    }
}
