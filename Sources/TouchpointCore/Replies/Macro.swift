import Foundation

/// A canned reply with placeholders, such as "Hello {{customer.firstName}}, case {{case.ref}}…".
public struct Macro: Codable, Equatable, Sendable {
    public var id: UUID
    public var brandID: BrandID
    public var name: String
    public var body: String

    public init(id: UUID, brandID: BrandID, name: String, body: String) {
        self.id = id
        self.brandID = brandID
        self.name = name
        self.body = body
    }

    /// The placeholders a macro may use.
    public static let placeholders: Set<String> = [
        "customer.name", "customer.firstName", "case.number", "case.ref", "case.subject", "agent.name", "agent.firstName",
        "brand.name", "account.name",
    ]

    /// A macro's name and body as they may be stored: a name of one line, a body whose
    /// placeholders are all known (a typo would otherwise reach a customer as written).
    public static func validated(name: String, body: String) throws(ValidationError) -> (name: String, body: String) {
        let name = try Check.text(name, field: "name", max: 80)
        let body = try Check.text(body, field: "body", max: 20_000)
        for placeholder in placeholderNames(in: body) where !placeholders.contains(placeholder) {
            throw ValidationError(field: "body", reason: "unknown placeholder {{\(placeholder)}}; use one of "
                                  + placeholders.sorted().map { "{{\($0)}}" }.joined(separator: ", "))
        }
        return (name, body)
    }

    /// The body with every placeholder replaced by its value; one without a value becomes
    /// empty rather than showing braces to the customer.
    public func render(_ values: [String: String]) -> String {
        var out = ""
        var rest = Substring(body)
        while let open = rest.range(of: "{{") {
            out += rest[..<open.lowerBound]
            guard let close = rest[open.upperBound...].range(of: "}}") else {
                rest = rest[open.lowerBound...]
                break
            }
            let key = rest[open.upperBound..<close.lowerBound].trimmingSpaces
            out += values[String(key)] ?? ""
            rest = rest[close.upperBound...]
        }
        return out + rest
    }

    static func placeholderNames(in body: String) -> [String] {
        var names: [String] = []
        var rest = Substring(body)
        while let open = rest.range(of: "{{"), let close = rest[open.upperBound...].range(of: "}}") {
            names.append(String(rest[open.upperBound..<close.lowerBound].trimmingSpaces))
            rest = rest[close.upperBound...]
        }
        return names
    }

    /// The values for a case: the customer, the case, the agent answering, the brand.
    public static func values(customerName: String?, caseNumber: Int, casePrefix: String, subject: String, agentName: String,
                              brandName: String, accountName: String?) -> [String: String] {
        func first(_ name: String?) -> String? { name?.split(separator: " ").first.map(String.init) }
        var values = [
            "case.number": String(caseNumber), "case.ref": "\(casePrefix)-\(caseNumber)", "case.subject": subject,
            "agent.name": agentName, "agent.firstName": first(agentName) ?? agentName, "brand.name": brandName,
        ]
        values["customer.name"] = customerName
        values["customer.firstName"] = first(customerName)
        values["account.name"] = accountName
        return values
    }
}
