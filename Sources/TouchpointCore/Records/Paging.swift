import Foundation

/// A position in a list ordered by (time, id), passed to clients as an opaque string.
public struct Cursor: Sendable, Equatable {
    public var time: Int
    public var id: String

    public init(time: Int, id: String) {
        self.time = time
        self.id = id
    }

    public var token: String {
        Data("\(time):\(id)".utf8).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }

    /// Parses a token made by `token`; a malformed one is a validation error on `cursor`.
    public init(token: String) throws(ValidationError) {
        var base64 = token.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while base64.count % 4 != 0 { base64.append("=") }
        guard let data = Data(base64Encoded: base64), let text = String(data: data, encoding: .utf8),
            let colon = text.firstIndex(of: ":"), let time = Int(text[..<colon])
        else {
            throw ValidationError(field: "cursor", reason: "not a cursor this server issued")
        }
        self.time = time
        self.id = String(text[text.index(after: colon)...])
    }
}

/// One page of a list, with the cursor of the next page when there is one.
public struct Page<Item: Sendable>: Sendable {
    public var items: [Item]
    public var nextCursor: String?

    public init(items: [Item], nextCursor: String?) {
        self.items = items
        self.nextCursor = nextCursor
    }
}
