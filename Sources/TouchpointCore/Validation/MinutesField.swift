import Foundation

/// A length of time as an administrator types and reads it in a form: "45 min", "4 h",
/// "1 h 30 min", "1:30", or a bare number of minutes. Only hours and minutes: SLA targets
/// count in the model's opening hours, where a "day" would be ambiguous (24 hours, or one
/// working day of eight?).
public enum MinutesField {
    /// The exact text of a number of minutes: "1 h 30 min", "24 h", "45 min", "0 min".
    public static func text(_ minutes: Int) -> String {
        let hours = minutes / 60, rest = minutes % 60
        switch (hours, rest) {
        case (0, _): return "\(rest) min"
        case (_, 0): return "\(hours) h"
        default: return "\(hours) h \(rest) min"
        }
    }

    /// The minutes a typed length means, or the reason it means none. Units: h (hour, hours,
    /// godz., godzin) and min (m, minutes, minut); decimals are allowed where they make whole
    /// minutes ("1.5 h", "1,5 h").
    public static func minutes(_ typed: String, field: String) throws(ValidationError) -> Int {
        let text = typed.lowercased().trimmingCharacters(in: .whitespaces)
        func refuse() -> ValidationError {
            ValidationError(field: field, reason: "'\(typed)' is not a length of time; write it as 45 min, 4 h or 1 h 30 min")
        }
        guard !text.isEmpty, text.count <= 40 else { throw refuse() }
        if text.contains(":") {
            let parts = text.split(separator: ":", omittingEmptySubsequences: false)
            guard parts.count == 2, let hours = Int(parts[0]), parts[1].count == 2, let rest = Int(parts[1]), hours >= 0, (0..<60).contains(rest) else {
                throw refuse()
            }
            return hours * 60 + rest
        }
        // Split into number and word runs: "1h30" → 1, h, 30.
        var tokens: [String] = []
        var current = ""
        var inNumber = false
        for character in text {
            if character == " " {
                if !current.isEmpty { tokens.append(current) }
                current = ""
                continue
            }
            // A full stop after a word abbreviates it ("godz."); after a digit it is a decimal point.
            if character == ".", !current.isEmpty, !inNumber { continue }
            let isNumeric = character.isNumber || character == "." || character == ","
            if !current.isEmpty, isNumeric != inNumber {
                tokens.append(current)
                current = ""
            }
            inNumber = isNumeric
            current.append(character)
        }
        if !current.isEmpty { tokens.append(current) }
        var total = 0.0
        var index = 0
        var unitsSeen: Set<Int> = []
        while index < tokens.count {
            guard let number = Double(tokens[index].replacingOccurrences(of: ",", with: ".")), number >= 0, number <= 1_000_000 else {
                throw refuse()
            }
            let unit = index + 1 < tokens.count ? tokens[index + 1] : nil
            let scale: Int
            switch unit {
            case nil where tokens.count == 1: scale = 1
            case "h", "hr", "hrs", "hour", "hours", "godz", "godzina", "godziny", "godzin", "g": scale = 60
            case "m", "min", "mins", "minute", "minutes", "minuta", "minuty", "minut": scale = 1
            default: throw refuse()
            }
            guard unitsSeen.insert(scale).inserted else { throw refuse() }
            total += number * Double(scale)
            index += unit == nil ? 1 : 2
        }
        guard total == total.rounded() else {
            throw ValidationError(field: field, reason: "'\(typed)' is not a whole number of minutes")
        }
        return Int(total)
    }
}
