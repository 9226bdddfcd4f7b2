import Foundation

/// A rejected input, naming the field it concerns and why. Every edge maps it to its
/// own error shape (problem+json for the API, an exit code for the CLI).
public struct ValidationError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The offending field as a JSON-pointer-like path (`from`, `identities[1].value`).
    public var field: String
    public var reason: String

    public init(field: String, reason: String) {
        self.field = field
        self.reason = reason
    }

    public var description: String { "\(field): \(reason)" }

    /// The same error reported under an enclosing field, e.g. `identities[2]`.
    public func nested(under parent: String) -> ValidationError {
        ValidationError(field: field.isEmpty ? parent : "\(parent).\(field)", reason: reason)
    }
}

/// A string-backed enum that travels over the wire. Decoding an unknown value fails with
/// a message that lists the allowed ones, which the API passes on to the caller.
public protocol WireEnum: RawRepresentable, CaseIterable, Codable, Sendable, Hashable where RawValue == String {}

extension WireEnum {
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let raw = try container.decode(String.self)
        guard let value = Self(rawValue: raw) else {
            throw DecodingError.dataCorruptedError(
                in: container, debugDescription: Self.unknownValueMessage(raw))
        }
        self = value
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }

    /// Parses a raw value, reporting an unknown one against `field`.
    public static func parse(_ raw: String, field: String) throws(ValidationError) -> Self {
        guard let value = Self(rawValue: raw) else {
            throw ValidationError(field: field, reason: unknownValueMessage(raw))
        }
        return value
    }

    static func unknownValueMessage(_ raw: String) -> String {
        "unknown value '\(raw)'; expected one of: " + allCases.map(\.rawValue).joined(separator: ", ")
    }
}

/// Small checks shared by the domain types.
public enum Check {
    /// Names in other languages: keys are language codes the product speaks (`en`, `pl`),
    /// values checked like any text.
    public static func translations(_ names: [String: String], field: String, max: Int) throws(ValidationError) -> [String: String] {
        var checked: [String: String] = [:]
        for (code, name) in names {
            guard Language(rawValue: code) != nil else {
                throw ValidationError(field: "\(field).\(code)", reason: "a language code: " + Language.allCases.map(\.rawValue).joined(separator: ", "))
            }
            checked[code] = try text(name, field: "\(field).\(code)", max: max)
        }
        return checked
    }

    /// Requires an IANA time zone name ("Europe/Warsaw") and gives the zone.
    @discardableResult
    public static func timeZone(_ name: String, field: String = "timeZone") throws(ValidationError) -> TimeZone {
        guard let zone = TimeZone(identifier: name) else {
            throw ValidationError(field: field, reason: "unknown time zone '\(name)'; use an IANA name such as Europe/Warsaw")
        }
        return zone
    }

    /// Trims and requires a non-empty string of at most `max` characters, without a NUL
    /// (PostgreSQL cannot store one in text, and no person types one: it is refused with the
    /// field's name on every database alike rather than failing at the write).
    public static func text(_ value: String, field: String, max: Int) throws(ValidationError) -> String {
        let trimmed = value.trimmedWhitespace
        if trimmed.isEmpty { throw ValidationError(field: field, reason: "must not be empty") }
        if trimmed.unicodeScalars.contains("\0") { throw ValidationError(field: field, reason: "must not contain a NUL character") }
        if trimmed.count > max { throw ValidationError(field: field, reason: "must be at most \(max) characters") }
        return trimmed
    }

    /// The largest money amount or count the product takes: a trillion. Far above any real
    /// account's annual value, and low enough that sums over millions of accounts stay exact
    /// to the cent in a `Double` and every amount formats without overflow.
    public static let maxAmount: Double = 1_000_000_000_000

    /// Requires `value` to be a finite number from 0 to `maxAmount` (money amounts, counts);
    /// negative zero is taken as zero.
    public static func nonNegative(_ value: Double, field: String) throws(ValidationError) -> Double {
        if !value.isFinite || value < 0 || value > maxAmount {
            throw ValidationError(field: field, reason: "must be a number from 0 to 1,000,000,000,000")
        }
        return value + 0
    }

    /// Requires `value` to be a finite number within ±`maxAmount` (a threshold to compare with).
    public static func bounded(_ value: Double, field: String) throws(ValidationError) -> Double {
        if !value.isFinite || abs(value) > maxAmount {
            throw ValidationError(field: field, reason: "must be a number from -1,000,000,000,000 to 1,000,000,000,000")
        }
        return value + 0
    }
}
