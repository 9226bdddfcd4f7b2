import Foundation

/// A message text with `{{variable}}` placeholders, checked when the playbook is saved so a
/// customer never receives an empty or misspelled placeholder.
public struct PlaybookTemplate: Sendable, Equatable {
    /// The placeholders a template may use, with what each stands for.
    public static let variables: [(name: String, meaning: String)] = [
        ("contact.name", "the contact's full name"),
        ("contact.firstName", "the contact's first name"),
        ("account.name", "the account's name"),
        ("brand.name", "the company's name"),
        ("csm.name", "the account's customer success manager"),
        ("csm.email", "the CSM's email address"),
        ("renewal.date", "the account's renewal date"),
        ("health.score", "the account's health score"),
        ("portal.link", "the customer portal"),
    ]
    static let known = Set(variables.map(\.name))

    enum Part: Equatable, Sendable {
        case text(String)
        case variable(String)
    }

    let parts: [Part]

    /// Parses `text`; an unknown or unclosed placeholder is an error naming `field`.
    public init(_ text: String, field: String) throws(ValidationError) {
        var parts: [Part] = []
        var rest = Substring(text)
        while let open = rest.range(of: "{{") {
            parts.append(.text(String(rest[..<open.lowerBound])))
            let after = rest[open.upperBound...]
            guard let close = after.range(of: "}}") else {
                throw ValidationError(field: field, reason: "a placeholder opened with {{ is not closed with }}")
            }
            let name = after[..<close.lowerBound].trimmingCharacters(in: .whitespaces)
            guard Self.known.contains(name) else {
                throw ValidationError(
                    field: field,
                    reason: "unknown placeholder {{\(name)}}; use one of: " + Self.variables.map { "{{\($0.name)}}" }.joined(separator: ", "))
            }
            parts.append(.variable(name))
            rest = after[close.upperBound...]
        }
        if rest.contains("}}") { throw ValidationError(field: field, reason: "}} closes no placeholder") }
        parts.append(.text(String(rest)))
        self.parts = parts.filter { $0 != .text("") }
    }

    /// The placeholders the text uses.
    public var names: [String] { parts.compactMap { if case .variable(let name) = $0 { name } else { nil } } }

    /// The text with each placeholder replaced; a value the customer lacks reads as `fallback`
    /// of that variable (a name becomes "there" in English), never as an empty gap.
    public func render(_ values: [String: String], fallback: [String: String] = [:]) -> String {
        var out = ""
        for part in parts {
            switch part {
            case .text(let text): out += text
            case .variable(let name):
                let value = values[name].flatMap { $0.isEmpty ? nil : $0 }
                out += value ?? fallback[name] ?? ""
            }
        }
        return out
    }

    /// Renders text that was checked when saved (an unparsable one renders as written).
    public static func render(_ text: String, _ values: [String: String], fallback: [String: String] = [:]) -> String {
        (try? PlaybookTemplate(text, field: ""))?.render(values, fallback: fallback) ?? text
    }
}
