import Foundation

/// A span of time written the ISO 8601 way (`PT2S`, `PT90M`, `P3D`, `P2W`, `P1DT12H`), as
/// playbooks write their waits and due dates. Days are 24 hours and weeks 7 days; years and
/// months are refused because their length depends on where they start (a schedule says
/// "quarterly" instead).
public struct ISODuration: Codable, Hashable, Sendable, CustomStringConvertible {
    /// The length in seconds.
    public let seconds: Int
    /// The text it was written as, kept so an edited playbook reads as its author wrote it.
    public let text: String

    public init(seconds: Int) {
        self.seconds = seconds
        var rest = seconds
        var out = "P"
        if rest >= 86_400 {
            out += "\(rest / 86_400)D"
            rest %= 86_400
        }
        if rest > 0 || seconds == 0 {
            out += "T"
            if rest >= 3600 { out += "\(rest / 3600)H" }
            rest %= 3600
            if rest >= 60 { out += "\(rest / 60)M" }
            rest %= 60
            if rest > 0 || seconds == 0 { out += "\(rest)S" }
        }
        self.text = out
    }

    /// Parses `text`, naming `field` when it is not a duration.
    public init(_ text: String, field: String) throws(ValidationError) {
        func refuse(_ why: String) -> ValidationError {
            ValidationError(field: field, reason: "must be an ISO 8601 duration such as PT2S, PT30M, P3D or P1DT12H: \(why), got '\(text)'")
        }
        let scalars = Array(text.uppercased().unicodeScalars)
        guard scalars.first == "P", scalars.count >= 3 else { throw refuse("it starts with P and names at least one part") }
        var total = 0
        var number = ""
        var inTime = false
        var seen: Set<String> = []
        for scalar in scalars.dropFirst() {
            if ("0"..."9").contains(scalar) {
                number.unicodeScalars.append(scalar)
                continue
            }
            if scalar == "T" {
                guard !inTime, number.isEmpty else { throw refuse("T appears once, between the date and the time parts") }
                inTime = true
                continue
            }
            let unit = String(scalar)
            guard let value = Int(number), number.count <= 9 else { throw refuse("each part is a whole number before its letter") }
            number = ""
            let key = (inTime ? "T" : "") + unit
            guard seen.insert(key).inserted else { throw refuse("\(unit) appears twice") }
            let size: Int
            switch (inTime, unit) {
            case (false, "W"): size = 7 * 86_400
            case (false, "D"): size = 86_400
            case (false, "Y"), (false, "M"): throw refuse("years and months have no fixed length; write days (P90D)")
            case (true, "H"): size = 3600
            case (true, "M"): size = 60
            case (true, "S"): size = 1
            default: throw refuse("unknown part \(unit)")
            }
            total += value * size
        }
        guard number.isEmpty else { throw refuse("a number needs a letter after it") }
        guard !seen.isEmpty else { throw refuse("it names no part") }
        guard total <= 5 * 365 * 86_400 else { throw refuse("at most five years") }
        self.seconds = total
        self.text = text.uppercased()
    }

    public var timeInterval: TimeInterval { TimeInterval(seconds) }
    public var description: String { text }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let raw = try container.decode(String.self)
        do {
            self = try ISODuration(raw, field: "")
        } catch {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: error.reason)
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(text)
    }

    public static func == (lhs: ISODuration, rhs: ISODuration) -> Bool { lhs.seconds == rhs.seconds }
    public func hash(into hasher: inout Hasher) { hasher.combine(seconds) }
}
