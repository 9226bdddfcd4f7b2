import Mustache
import TouchpointCore

/// Words a template writes in both languages, English first: `{{#t}}Sign in|Zaloguj się{{/t}}`.
/// The text may hold tags (`{{#t}}Cases of {{name}}|Sprawy {{name}}{{/t}}`); the split is
/// at the first `|` outside them.
enum Bilingual {
    /// The section's words in `language`: the whole text when it has no `|`.
    static func pick(_ text: String, _ language: Language) -> Substring {
        guard let bar = separator(in: text) else { return Substring(text) }
        return language == .pl ? text[text.index(after: bar)...] : text[..<bar]
    }

    /// Where the English part ends: the first `|` outside `{{ }}`.
    static func separator(in text: String) -> String.Index? {
        var depth = 0
        var index = text.startIndex
        while index < text.endIndex {
            if text[index...].hasPrefix("{{") {
                depth += 1
                index = text.index(index, offsetBy: 2)
                continue
            }
            if depth > 0, text[index...].hasPrefix("}}") {
                depth -= 1
                index = text.index(index, offsetBy: 2)
                continue
            }
            if depth == 0, text[index] == "|" { return index }
            index = text.index(after: index)
        }
        return nil
    }

    /// The `t` lambda of a page in `language`. Words without tags come back as plain text,
    /// which Mustache writes out as they are instead of parsing them as a template again.
    static func lambda(_ language: Language) -> MustacheLambda {
        MustacheLambda { text in
            let words = pick(text, language)
            return words.contains("{{") ? String(words) : Plain(text: String(words))
        }
    }

    struct Plain: CustomStringConvertible {
        let text: String
        var description: String { text }
    }
}

/// The header's link to the console in the other language.
struct LanguageSwitch {
    var code: String
    var name: String

    init(_ language: Language) {
        code = language.rawValue
        name = language == .pl ? "Polski" : "English"
    }
}
