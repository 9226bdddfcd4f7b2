import Foundation

/// Words written in every language the product speaks: each text is given in English and
/// Polish, and the reader's language picks one.
public protocol Spoken {
    var language: Language { get }
}

extension Spoken {
    /// The text in the reader's language.
    public func say(_ en: String, _ pl: String) -> String {
        switch language {
        case .en: en
        case .pl: pl
        }
    }
}

extension Language: Spoken {
    public var language: Language { self }
}

extension Language {
    /// A count with its noun in the form the count takes: English "1 case", "5 cases";
    /// Polish "1 sprawa", "2 sprawy", "5 spraw", "22 sprawy", "12 spraw" (CLDR's one / few /
    /// many for integers).
    public func count(_ n: Int, _ en: (one: String, other: String), _ pl: (one: String, few: String, many: String)) -> String {
        switch self {
        case .en: return "\(n) \(n == 1 ? en.one : en.other)"
        case .pl:
            let (ones, tens) = (abs(n) % 10, abs(n) % 100)
            let noun = n == 1 ? pl.one : (2...4).contains(ones) && !(12...14).contains(tens) ? pl.few : pl.many
            return "\(n) \(noun)"
        }
    }
}
