import Foundation

/// A message template WhatsApp approved for a business: the only kind of message it may send
/// once the customer's last message is more than 24 hours old. Its text has numbered
/// placeholders `{{1}}`, `{{2}}`… that each message fills in.
public struct MessageTemplate: Codable, Equatable, Sendable {
    /// As registered with the provider: lower-case letters, digits and underscores.
    public var name: String
    /// The template's language code as registered (`en`, `pl`, `en_US`).
    public var language: String
    public var text: String

    public init(name: String, language: String, text: String) {
        self.name = name
        self.language = language
        self.text = text
    }

    /// The placeholders' numbers in order of appearance.
    var placeholders: [Int] {
        var found: [Int] = []
        var rest = text[...]
        while let open = rest.range(of: "{{") {
            rest = rest[open.upperBound...]
            guard let close = rest.range(of: "}}") else { break }
            if let number = Int(rest[..<close.lowerBound].trimmingCharacters(in: .whitespaces)) { found.append(number) }
            rest = rest[close.upperBound...]
        }
        return found
    }

    /// How many parameters a message with this template takes.
    public var parameterCount: Int { placeholders.max() ?? 0 }

    /// Checks the template as WhatsApp would register it; `field` names it in errors.
    public func validated(field: String) throws(ValidationError) -> MessageTemplate {
        guard (1...512).contains(name.count), name.allSatisfy({ $0.isASCII && ($0.isLowercase || $0.isNumber || $0 == "_") }) else {
            throw ValidationError(field: "\(field).name", reason: "1 to 512 lower-case letters, digits and underscores")
        }
        let languageParts = language.split(separator: "_", omittingEmptySubsequences: false)
        guard (1...2).contains(languageParts.count), languageParts[0].count == 2 || languageParts[0].count == 3,
              language.allSatisfy({ $0.isASCII && ($0.isLetter || $0 == "_") }) else {
            throw ValidationError(field: "\(field).language", reason: "a language code such as en, pl or en_US")
        }
        guard !text.isBlank, text.count <= 1024 else {
            throw ValidationError(field: "\(field).text", reason: "1 to 1024 characters")
        }
        let numbers = Set(placeholders)
        guard numbers == Set(1...max(1, numbers.max() ?? 0)) || numbers.isEmpty else {
            throw ValidationError(field: "\(field).text", reason: "placeholders must be numbered {{1}}, {{2}}… without gaps")
        }
        return self
    }

    /// The message text with `parameters` in place of the placeholders. Parameters follow
    /// WhatsApp's rules: one per placeholder, not empty, no line breaks or tabs, no more than
    /// four spaces in a row.
    public func render(_ parameters: [String], field: String = "template.parameters") throws(ValidationError) -> String {
        guard parameters.count == parameterCount else {
            throw ValidationError(field: field, reason: "the template \(name) takes \(parameterCount) parameter(s), got \(parameters.count)")
        }
        for (index, value) in parameters.enumerated() {
            let trimmed = value.trimmingCharacters(in: .whitespaces)
            guard !trimmed.isEmpty, value.count <= 1024, !value.contains(where: { $0 == "\n" || $0 == "\r" || $0 == "\t" }),
                  !value.contains("     ") else {
                throw ValidationError(field: "\(field)[\(index)]", reason: "1 to 1024 characters without line breaks, tabs or more than four spaces in a row")
            }
        }
        var out = ""
        var rest = text[...]
        while let open = rest.range(of: "{{") {
            out += rest[..<open.lowerBound]
            let after = rest[open.upperBound...]
            guard let close = after.range(of: "}}"), let number = Int(after[..<close.lowerBound].trimmingCharacters(in: .whitespaces)),
                  (1...parameters.count).contains(number) else {
                out += "{{"
                rest = after
                continue
            }
            out += parameters[number - 1]
            rest = after[close.upperBound...]
        }
        return out + rest
    }
}

/// Which template a message uses and what fills it.
public struct TemplateUse: Codable, Equatable, Sendable {
    public var name: String
    /// Needed when the template exists in several languages.
    public var language: String?
    public var parameters: [String]

    public init(name: String, language: String? = nil, parameters: [String]) {
        self.name = name
        self.language = language
        self.parameters = parameters
    }

    /// The approved template this names, among `templates`.
    public func resolve(in templates: [MessageTemplate]) throws(ValidationError) -> MessageTemplate {
        let named = templates.filter { $0.name == name && (language == nil || $0.language == language) }
        guard let template = named.first else {
            throw ValidationError(field: "template.name", reason: "no approved template \(name)\(language.map { " in \($0)" } ?? "") on this WhatsApp integration")
        }
        guard named.count == 1 || language != nil else {
            throw ValidationError(field: "template.language", reason: "the template \(name) exists in \(named.map(\.language).joined(separator: ", ")); say which")
        }
        return template
    }
}
