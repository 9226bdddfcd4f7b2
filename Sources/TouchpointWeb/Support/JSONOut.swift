import Foundation
import TouchpointCore

/// A response body written straight to JSON text. Foundation's `JSONEncoder` took a third
/// of a timeline request's time; the API's response types write themselves with this instead.
protocol JSONWritable {
    func write(to out: inout JSONOut)
}

/// Appends JSON to a string: objects via `object { … }`, members via `field`, arrays via
/// `array`. Optional members that are nil are left out, as `Encodable` does.
struct JSONOut {
    private(set) var text = ""
    /// Whether the next member of the current object needs a comma before it.
    private var needsComma = false

    init() { text.reserveCapacity(1024) }

    mutating func object(_ members: (inout JSONOut) -> Void) {
        let outer = needsComma
        needsComma = false
        text += "{"
        members(&self)
        text += "}"
        needsComma = outer
    }

    mutating func array<S: Sequence>(_ items: S) where S.Element: JSONWritable {
        text += "["
        var first = true
        for item in items {
            if !first { text += "," }
            first = false
            item.write(to: &self)
        }
        text += "]"
    }

    private mutating func key(_ name: String) {
        text += needsComma ? ",\"" : "\""
        needsComma = true
        text += name  // keys are our own identifiers: no escaping needed
        text += "\":"
    }

    mutating func field(_ name: String, _ value: String?) {
        guard let value else { return }
        key(name)
        JSONValue.writeString(value, to: &text)
    }

    mutating func field(_ name: String, _ value: Int?) {
        guard let value else { return }
        key(name)
        text += String(value)
    }

    mutating func field(_ name: String, _ value: Double?) {
        guard let value else { return }
        key(name)
        text += value.isFinite ? (value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : String(value)) : "null"
    }

    mutating func field(_ name: String, _ value: Bool?) {
        guard let value else { return }
        key(name)
        text += value ? "true" : "false"
    }

    mutating func field(_ name: String, _ value: Date?) {
        guard let value else { return }
        field(name, JSONIO.format(value))
    }

    mutating func field<E: WireEnum>(_ name: String, _ value: E?) {
        field(name, value?.rawValue)
    }

    mutating func field(_ name: String, _ value: SupportLevel?) {
        field(name, value?.rawValue)
    }

    mutating func field(_ name: String, _ value: [String]) {
        key(name)
        JSONValue.array(value.map(JSONValue.string)).write(to: &text)
    }

    mutating func field<E: WireEnum>(_ name: String, _ values: [E]) {
        field(name, values.map(\.rawValue))
    }

    mutating func field(_ name: String, _ value: [String: String]) {
        key(name)
        JSONValue.object(value.mapValues(JSONValue.string)).write(to: &text)
    }

    mutating func field(_ name: String, _ value: [String: JSONValue]) {
        key(name)
        JSONValue.object(value).write(to: &text)
    }

    mutating func field<W: JSONWritable>(_ name: String, _ value: W?) {
        guard let value else { return }
        key(name)
        value.write(to: &self)
    }

    mutating func field<S: Sequence>(_ name: String, _ items: S?) where S.Element: JSONWritable {
        guard let items else { return }
        key(name)
        array(items)
    }

    /// A member written by `Encodable`, for the response types that are not on the hot path
    /// (with the same date format as `JSONIO.response`).
    mutating func field(_ name: String, encoding value: (some Encodable)?) {
        guard let value else { return }
        key(name)
        // Our DTOs are plain values: encoding them cannot fail.
        text += String(decoding: (try? JSONIO.encoder.encode(value)) ?? Data("null".utf8), as: UTF8.self)
    }
}

extension AttachmentRef: JSONWritable {
    func write(to out: inout JSONOut) {
        out.object {
            $0.field("name", name)
            $0.field("contentType", contentType)
            $0.field("size", size)
            $0.field("sha256", sha256)
        }
    }
}
