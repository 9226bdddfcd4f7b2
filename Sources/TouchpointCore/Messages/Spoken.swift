import Foundation

/// Words written in every language the product speaks: each text is given in English and
/// Polish, and the reader's language picks one.
public protocol Spoken {
    var language: Language { get }
}

extension Spoken {
    /// The text in the reader's language.
    func say(_ en: String, _ pl: String) -> String {
        switch language {
        case .en: en
        case .pl: pl
        }
    }
}
