import Foundation
import Hummingbird
import Logging
import TouchpointApplication
import TouchpointCore

/// An RFC 9457 problem detail, the one error shape of the API (`application/problem+json`).
public struct Problem: HTTPResponseError, Encodable, Sendable {
    public var status: HTTPResponse.Status
    public var title: String
    public var detail: String
    /// The request field at fault, when one is.
    public var field: String?
    /// Why that field is wrong.
    public var reason: String?
    var headers: HTTPFields = [:]

    public init(_ status: HTTPResponse.Status, _ detail: String, field: String? = nil, reason: String? = nil) {
        self.status = status
        self.title = status.reasonPhrase
        self.detail = detail
        self.field = field
        self.reason = reason
    }

    enum CodingKeys: String, CodingKey {
        case type, title, status, detail, field, reason
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode("about:blank", forKey: .type)
        try container.encode(title, forKey: .title)
        try container.encode(status.code, forKey: .status)
        try container.encode(detail, forKey: .detail)
        try container.encodeIfPresent(field, forKey: .field)
        try container.encodeIfPresent(reason, forKey: .reason)
    }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        var fields = headers
        fields[.contentType] = "application/problem+json"
        let body = (try? JSONIO.encoder.encode(self)) ?? Data()
        return Response(status: status, headers: fields, body: .init(byteBuffer: ByteBuffer(bytes: body)))
    }

    static func invalid(_ error: ValidationError) -> Problem {
        Problem(.unprocessableContent, "\(error.field): \(error.reason)", field: error.field, reason: error.reason)
    }

    /// Maps any error thrown while handling a request to a problem, once, here.
    static func from(_ error: any Error) -> Problem {
        switch error {
        case let problem as Problem:
            return problem
        case let validation as ValidationError:
            return .invalid(validation)
        case let app as StoreError:
            switch app {
            case .notFound(let what): return Problem(.notFound, "\(what) not found")
            case .conflict(let why): return Problem(.conflict, why)
            case .invalid(let field, let reason): return .invalid(ValidationError(field: field, reason: reason))
            case .forbidden(let why): return Problem(.forbidden, why)
            case .unavailable(let why):
                var problem = Problem(.serviceUnavailable, "the database is unavailable; retry later (\(why))")
                problem.headers[.retryAfter] = "5"
                return problem
            }
        case let decoding as DecodingError:
            return decodingProblem(decoding)
        case IntakeRefusal.tooLarge(let field, let detail):
            return Problem(.contentTooLarge, detail, field: field, reason: "too large")
        case let http as HTTPError:
            return Problem(http.status, http.body ?? http.status.reasonPhrase)
        default:
            // Anything unexpected from the driver is a database problem the client may retry.
            var problem = Problem(.serviceUnavailable, "the request could not be completed; retry later")
            problem.headers[.retryAfter] = "5"
            return problem
        }
    }

    static func decodingProblem(_ error: DecodingError) -> Problem {
        func path(_ codingPath: [any CodingKey]) -> String {
            var text = ""
            for key in codingPath {
                if let index = key.intValue { text += "[\(index)]" } else { text += text.isEmpty ? key.stringValue : ".\(key.stringValue)" }
            }
            return text
        }
        switch error {
        case .typeMismatch(let type, let context):
            let field = path(context.codingPath)
            return .invalid(ValidationError(field: field.isEmpty ? "body" : field, reason: "expected \(describe(type))"))
        case .valueNotFound(let type, let context):
            return .invalid(ValidationError(field: path(context.codingPath), reason: "must be \(describe(type)), not null"))
        case .keyNotFound(let key, let context):
            let parent = path(context.codingPath)
            return .invalid(ValidationError(field: parent.isEmpty ? key.stringValue : "\(parent).\(key.stringValue)", reason: "is required"))
        case .dataCorrupted(let context):
            if context.codingPath.isEmpty {
                return Problem(.badRequest, "the body is not valid JSON", field: "body", reason: "malformed JSON")
            }
            // Foundation's words for a malformed UUID name its own type; say what the field needs.
            let reason = context.debugDescription.contains("UUID") ? "must be an id such as 01a25306-4851-778c-b5e6-9476fedaedf3" : context.debugDescription
            return .invalid(ValidationError(field: path(context.codingPath), reason: reason))
        @unknown default:
            return Problem(.badRequest, "the body could not be read", field: "body", reason: "unreadable")
        }
    }

    static func describe(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: "a string"
        case is Int.Type, is Double.Type: "a number"
        case is Bool.Type: "true or false"
        case is [Any].Type: "an array"
        default: String(describing: type).contains("Dictionary") || String(describing: type).contains("Request") ? "an object" : "a value of type \(type)"
        }
    }
}

/// Turns every error a route throws into problem+json, so clients always get one shape.
struct ProblemMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch {
            let problem = Problem.from(error)
            if problem.status.code >= 500 {
                context.logger.error("request failed", metadata: ["path": "\(request.uri.path)", "error": "\(String(reflecting: error))"])
            }
            return try problem.response(from: request, context: context)
        }
    }
}
