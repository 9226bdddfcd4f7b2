import Foundation
import Hummingbird
import NIOCore
import TouchpointCore

/// Reading request bodies and writing JSON responses, with the API's limits and formats.
struct JSONIO: Sendable {
    /// Largest request body accepted; bigger ones get 413.
    let maxBodyBytes: Int

    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(JSONIO.format(date))
        }
        encoder.outputFormatting = [.withoutEscapingSlashes]
        return encoder
    }()

    static let decoder = ISODate.decoder()

    /// `2026-11-23T09:30:00.123Z`, written by hand: the generic formatters cost more than
    /// the rest of a timeline response together.
    static func format(_ date: Date) -> String {
        let totalMs = Int((date.timeIntervalSince1970 * 1000).rounded(.down))
        let days = totalMs >= 0 ? totalMs / 86_400_000 : (totalMs - 86_399_999) / 86_400_000
        let msOfDay = totalMs - days * 86_400_000
        let civil = LocalDate(dayNumber: days)
        let (year, month, day) = (civil.year, civil.month, civil.day)
        func pad(_ value: Int, _ width: Int) -> String {
            let text = String(value)
            return text.count >= width ? text : String(repeating: "0", count: width - text.count) + text
        }
        return "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))T\(pad(msOfDay / 3_600_000, 2)):\(pad(msOfDay / 60_000 % 60, 2)):\(pad(msOfDay / 1000 % 60, 2)).\(pad(msOfDay % 1000, 3))Z"
    }

    static func parseDate(_ text: String) -> Date? { ISODate.parse(text) }

    /// The raw body, up to the limit (413 beyond it).
    func collect(_ request: Request) async throws -> ByteBuffer {
        var request = request
        do {
            return try await request.collectBody(upTo: maxBodyBytes)
        } catch {
            throw Problem(.contentTooLarge, "the body is larger than the limit of \(maxBodyBytes) bytes", field: "body", reason: "too large")
        }
    }

    /// Decodes the body as `T`, answering 413 past the limit, 415 for a non-JSON content
    /// type and 400/422 (naming the field) for bad JSON.
    func decode<T: Decodable>(_ type: T.Type, from request: Request) async throws -> T {
        try decode(type, from: try await jsonBody(request))
    }

    /// The raw body of a request that says it is JSON (415 otherwise), for decoding more than once.
    func jsonBody(_ request: Request) async throws -> ByteBuffer {
        if let contentType = request.headers[.contentType], !contentType.lowercased().contains("json") {
            throw Problem(.unsupportedMediaType, "send the body as application/json, not \(contentType)")
        }
        return try await collect(request)
    }

    /// Decodes a body already read.
    func decode<T: Decodable>(_ type: T.Type, from buffer: ByteBuffer) throws -> T {
        if buffer.readableBytes == 0 { throw Problem(.badRequest, "the request needs a JSON body", field: "body", reason: "empty") }
        let data = Data(buffer.readableBytesView)
        do {
            return try JSONIO.decoder.decode(T.self, from: data)
        } catch DecodingError.dataCorrupted(let context) where context.codingPath.isEmpty {
            // Foundation reports a number that does not fit a whole-number field (2.5, 1e30,
            // 2^63) as "not valid JSON", naming no field. When the body is valid JSON, that is
            // what happened: name the first such number's field.
            if let tree = try? JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed]), let field = JSONIO.unfitNumber(in: tree) {
                throw Problem.invalid(ValidationError(field: field, reason: "must be a whole number in its documented range"))
            }
            // A number beyond a Double (1e400) makes the whole text "not valid JSON" to Foundation.
            if let field = JSONIO.overflowingNumber(in: data) {
                throw Problem.invalid(ValidationError(field: field, reason: "must be a number in its documented range"))
            }
            throw DecodingError.dataCorrupted(context)
        }
    }

    /// The path of the first number in `tree` that is not a whole number an Int can hold.
    static func unfitNumber(in tree: Any, path: String = "") -> String? {
        switch tree {
        case is Bool, is String:
            return nil
        case let object as [String: Any]:
            for key in object.keys.sorted() {
                if let found = unfitNumber(in: object[key]!, path: path.isEmpty ? key : "\(path).\(key)") { return found }
            }
            return nil
        case let array as [Any]:
            for (index, element) in array.enumerated() {
                if let found = unfitNumber(in: element, path: "\(path)[\(index)]") { return found }
            }
            return nil
        case let number as NSNumber:
            return Int64(exactly: number.doubleValue) == nil ? (path.isEmpty ? "body" : path) : nil
        default:
            return nil
        }
    }

    static func response(_ value: some JSONWritable, status: HTTPResponse.Status = .ok, headers extra: HTTPFields = [:]) -> Response {
        var out = JSONOut()
        value.write(to: &out)
        var headers = extra
        headers[.contentType] = "application/json; charset=utf-8"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: out.text)))
    }

    static func response<T: Encodable>(_ value: T, status: HTTPResponse.Status = .ok, headers extra: HTTPFields = [:]) throws -> Response {
        let data = try encoder.encode(value)
        var headers = extra
        headers[.contentType] = "application/json; charset=utf-8"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}

extension KeyedDecodingContainer {
    /// Distinguishes a missing key (`nil`: leave as is) from an explicit `null` (`.some(nil)`: clear).
    func decodePatch<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T?? {
        guard contains(key) else { return nil }
        if try decodeNil(forKey: key) { return .some(nil) }
        return .some(try decode(T.self, forKey: key))
    }
}

/// Query-string helpers that reject malformed values with a named field.
struct Query {
    let request: Request

    /// Free text: an empty value is no value.
    func string(_ name: String) -> String? {
        given(name).flatMap { $0.isEmpty ? nil : $0 }
    }

    /// The value as sent, "" included: a typed parameter given empty (`teamId=`) is refused
    /// rather than taken as absent, so a client's mistake does not silently widen a query.
    func given(_ name: String) -> String? {
        request.uri.queryParameters[Substring(name)].map(String.init)
    }

    /// One of `choices`, or nil when absent.
    func choice(_ name: String, of choices: [String]) throws -> String? {
        guard let raw = given(name) else { return nil }
        guard choices.contains(raw) else {
            throw Problem.invalid(ValidationError(field: name, reason: "must be one of \(choices.joined(separator: ", ")), got '\(raw)'"))
        }
        return raw
    }

    func limit(default value: Int = 50, max: Int = 200) throws -> Int {
        guard let raw = given("limit") else { return value }
        guard let number = Int(raw), number >= 1, number <= max else {
            throw Problem.invalid(ValidationError(field: "limit", reason: "must be an integer from 1 to \(max)"))
        }
        return number
    }

    func cursor() throws -> Cursor? {
        try given("cursor").map { try Cursor(token: $0) }
    }

    func uuid(_ name: String) throws -> UUID? {
        guard let raw = given(name) else { return nil }
        guard let id = UUID(text: raw) else { throw Problem.invalid(ValidationError(field: name, reason: "'\(raw)' is not an id")) }
        return id
    }

    /// An ISO 8601 date-time (`2026-12-01T00:00:00Z`).
    func date(_ name: String) throws -> Date? {
        guard let raw = given(name) else { return nil }
        guard let date = JSONIO.parseDate(raw) else {
            throw Problem.invalid(ValidationError(field: name, reason: "'\(raw)' is not an ISO 8601 date-time such as 2026-12-01T00:00:00Z"))
        }
        return date
    }

    func wire<E: WireEnum>(_ name: String, as type: E.Type) throws -> E? {
        try given(name).map { try E.parse($0, field: name) }
    }

    /// A comma-separated list of enum values (`status=open,pending`).
    func wireList<E: WireEnum>(_ name: String, as type: E.Type) throws -> [E] {
        guard let raw = given(name) else { return [] }
        return try raw.split(separator: ",", omittingEmptySubsequences: false).map { try E.parse(String($0).trimmingCharacters(in: .whitespaces), field: name) }
    }
}

extension Parameters {
    /// A path id, or 404 when it is not even an id (so nothing is revealed).
    func id(_ name: String = "id") throws -> UUID {
        guard let raw = get(name), let id = UUID(text: raw) else { throw Problem(.notFound, "not found") }
        return id
    }
}
