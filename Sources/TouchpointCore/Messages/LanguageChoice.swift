import Foundation

/// Which language a customer's page speaks: what they chose (a link or a switch), else the
/// language on their account, else their browser's first supported preference, else the
/// brand's.
public enum LanguageChoice {
    public static func choose(chosen: String?, account: Language?, acceptLanguage: String?, brand: Language) -> Language {
        if let chosen = chosen.flatMap(Language.init(rawValue:)) { return chosen }
        if let account { return account }
        if let header = acceptLanguage, let browser = browserPreference(header) { return browser }
        return brand
    }

    /// The supported language a browser prefers most, from `Accept-Language` (RFC 9110
    /// §12.5.4): tags by their q weight, `pl-PL` counting as `pl`; q=0 means "not this".
    public static func browserPreference(_ header: String) -> Language? {
        var best: (Language, Double, Int)?
        for (position, item) in header.split(separator: ",").enumerated() {
            let parts = item.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
            guard let tag = parts.first?.lowercased(), !tag.isEmpty else { continue }
            var weight = 1.0
            for parameter in parts.dropFirst() where parameter.lowercased().hasPrefix("q=") {
                weight = Double(parameter.dropFirst(2)) ?? 0
            }
            let primary = String(tag.split(separator: "-").first ?? "")
            guard weight > 0, let language = Language(rawValue: primary) else { continue }
            if best == nil || weight > best!.1 { best = (language, weight, position) }
        }
        return best?.0
    }
}
