/// The kinds of identity a contact can have on the contact points.
public enum IdentityKind: String, WireEnum {
    /// An email address; compared case-insensitively.
    case email
    /// A telephone number in E.164 (`+48600100200`); used for calls and SMS.
    case phone
    /// The anonymous id the chat widget gives a visitor.
    case chatVisitor
    /// A WhatsApp number in E.164.
    case whatsApp
    /// A customer number or kiosk card number.
    case customerNumber
}

/// One way of recognising a contact on a contact point, in its normalized form.
public struct Identity: Codable, Equatable, Hashable, Sendable {
    public var kind: IdentityKind
    /// The normalized value: lower-case email, E.164 phone, trimmed ids.
    public var value: String

    /// Normalizes and validates `raw` for `kind`. `defaultCallingCode` (digits only,
    /// e.g. "48") completes national phone numbers written without a country prefix.
    public init(kind: IdentityKind, raw: String, defaultCallingCode: String? = nil, field: String = "value") throws(ValidationError) {
        self.kind = kind
        switch kind {
        case .email:
            value = try Identity.normalizeEmail(raw, field: field)
        case .phone, .whatsApp:
            value = try Identity.normalizePhone(raw, defaultCallingCode: defaultCallingCode, field: field)
        case .chatVisitor, .customerNumber:
            let trimmed = raw.trimmedWhitespace
            guard !trimmed.isEmpty, trimmed.count <= 128 else {
                throw ValidationError(field: field, reason: "must be 1 to 128 characters")
            }
            guard !trimmed.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
                throw ValidationError(field: field, reason: "must not contain control characters")
            }
            value = kind == .customerNumber ? trimmed.uppercased() : trimmed
        }
    }

    /// Builds an identity from an already-normalized stored value.
    public init(storedKind kind: IdentityKind, value: String) {
        self.kind = kind
        self.value = value
    }

    /// Lower-cases and checks an address in the `local@domain` form of RFC 5321, allowing
    /// UTF-8 (SMTPUTF8) local parts and internationalized domains in their Unicode form.
    public static func normalizeEmail(_ raw: String, field: String = "email") throws(ValidationError) -> String {
        var address = raw.trimmedWhitespace
        // "Name <addr>" is common in what customers paste; take the bracketed part.
        if let open = address.lastIndex(of: "<"), address.hasSuffix(">") {
            address = String(address[address.index(after: open)..<address.index(before: address.endIndex)])
        }
        address = address.lowercased()
        guard address.count <= 254 else { throw ValidationError(field: field, reason: "email address is longer than 254 characters") }
        guard let at = address.lastIndex(of: "@") else {
            throw ValidationError(field: field, reason: "'\(raw)' is not an email address: it has no '@'")
        }
        let local = address[..<at]
        let domain = address[address.index(after: at)...]
        guard !local.isEmpty, local.utf8.count <= 64 else {
            throw ValidationError(field: field, reason: "'\(raw)' is not an email address: the part before '@' must be 1 to 64 bytes")
        }
        let localForbidden: Set<Character> = [" ", "\t", "\"", "(", ")", ",", ":", ";", "<", ">", "@", "[", "\\", "]"]
        guard !local.contains(where: { localForbidden.contains($0) || $0.isNewline }),
              !local.hasPrefix("."), !local.hasSuffix("."), !local.contains("..") else {
            throw ValidationError(field: field, reason: "'\(raw)' is not an email address: the part before '@' has characters not allowed there")
        }
        let labels = domain.split(separator: ".", omittingEmptySubsequences: false)
        guard labels.count >= 2, domain.utf8.count <= 253,
              labels.allSatisfy({ label in
                  !label.isEmpty && label.count <= 63 && !label.hasPrefix("-") && !label.hasSuffix("-")
                      && label.allSatisfy { $0.isLetter || $0.isNumber || $0 == "-" }
              }) else {
            throw ValidationError(field: field, reason: "'\(raw)' is not an email address: '\(domain)' is not a valid domain")
        }
        return address
    }

    /// Normalizes a phone number to E.164: `+` then 8 to 15 digits, the first not 0.
    /// Accepts spaces, dashes, dots, parentheses, a `00` international prefix, and a
    /// national number when `defaultCallingCode` is given (a single leading trunk 0 is dropped).
    public static func normalizePhone(_ raw: String, defaultCallingCode: String? = nil, field: String = "phone") throws(ValidationError) -> String {
        let trimmed = raw.trimmedWhitespace
        var digits = ""
        var international = false
        for (offset, ch) in trimmed.enumerated() {
            if ch == "+" && digits.isEmpty && !international && (offset == 0 || trimmed.prefix(offset).allSatisfy { $0 == "(" }) {
                international = true
            } else if let ascii = ch.asciiValue, ascii >= 48, ascii <= 57 {
                digits.append(ch)
            } else if " -.()/\u{00A0}".contains(ch) {
                continue
            } else {
                throw ValidationError(field: field, reason: "'\(raw)' is not a phone number: unexpected character '\(ch)'")
            }
        }
        if !international && digits.hasPrefix("00") {
            international = true
            digits.removeFirst(2)
        }
        if !international {
            guard let code = defaultCallingCode, !code.isEmpty else {
                throw ValidationError(field: field, reason: "'\(raw)' is not in international form; write it with a country code, e.g. +48 600 100 200")
            }
            if digits.hasPrefix("0") { digits.removeFirst() }
            digits = code + digits
        }
        guard let first = digits.first, first != "0" else {
            throw ValidationError(field: field, reason: "'\(raw)' is not a phone number: a country code cannot start with 0")
        }
        guard (8...15).contains(digits.count) else {
            throw ValidationError(field: field, reason: "'\(raw)' is not a phone number: E.164 numbers have 8 to 15 digits, this has \(digits.count)")
        }
        return "+" + digits
    }
}
