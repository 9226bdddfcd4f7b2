import Foundation
import TouchpointCore

/// Why something was refused, in the words of the person reading the page.
///
/// The use cases, the store and the core say why they refuse in English, which the API
/// carries as it is. Pages say it in the reader's language: the English sentence is the
/// message id (as gettext does it) of a Polish one in `words/refusals-pl.tsv`, and a field's
/// wire name or English label is looked up, part by part, in `words/fields-pl.tsv`. A
/// sentence with values in it (`{}` in the id) matches with the values taken over; a value
/// that is itself a known sentence, status or service model is said in Polish too.
/// `RefusalWordsTests` checks that every sentence written in the sources has its Polish.
public enum RefusalWords {
    /// An error as one sentence for a page: "Field: why" for a field at fault.
    public static func sentence(_ error: any Error, _ language: Language) -> String {
        switch error {
        case let invalid as ValidationError:
            return field(invalid.field, language) + ": " + say(invalid.reason, language)
        case StoreError.invalid(let name, let reason):
            return field(name, language) + ": " + say(reason, language)
        case let problem as Problem:
            return detail(problem, language)
        default:
            return detail(Problem.from(error), language)
        }
    }

    /// A problem's detail for a page in `language`.
    public static func detail(_ problem: Problem, _ language: Language) -> String {
        guard language == .pl else { return problem.detail }
        if let name = problem.field, let reason = problem.reason, problem.detail == "\(name): \(reason)" {
            return field(name, .pl) + ": " + say(reason, .pl)
        }
        return say(problem.detail, .pl)
    }

    /// One refusal sentence in `language`; one without a Polish entry stays English.
    public static func say(_ english: String, _ language: Language) -> String {
        guard language == .pl else { return english }
        return Catalogue.shared.polish(english, depth: 0) ?? english
    }

    /// A field as the reader names it: `steps[2].templates.pl.subject` reads "Krok 3 ›
    /// Szablony › pl › Temat" in Polish; English keeps the name the form or the API gave.
    public static func field(_ name: String, _ language: Language) -> String {
        guard language == .pl else { return name }
        return Catalogue.shared.field(name)
    }

    /// The loaded word lists.
    final class Catalogue: @unchecked Sendable {
        static let shared = Catalogue(
            refusals: Catalogue.read("refusals-pl.tsv"), fields: Catalogue.read("fields-pl.tsv"))

        /// A message id with values in it, as a pattern.
        struct Pattern: @unchecked Sendable {
            var id: String
            var regex: NSRegularExpression
            var polish: String
            /// The id ends in a space ("allowed: "): what follows is a list the code appended.
            var takesTail: Bool
        }

        let exact: [String: String]
        let patterns: [Pattern]
        let fields: [String: String]

        init(refusals: [(String, String)], fields: [(String, String)]) {
            var exact: [String: String] = [:]
            var patterns: [Pattern] = []
            for (id, polish) in refusals {
                let takesTail = id.hasSuffix(" ")
                if !id.contains("{}") && !takesTail {
                    exact[id] = polish
                    continue
                }
                let body = id.components(separatedBy: "{}").map(NSRegularExpression.escapedPattern(for:)).joined(separator: "(.+?)")
                guard let regex = try? NSRegularExpression(pattern: "^" + body + (takesTail ? "(.*)" : "") + "$", options: [.dotMatchesLineSeparators])
                else { continue }
                patterns.append(Pattern(id: id, regex: regex, polish: polish, takesTail: takesTail))
            }
            // The most specific first: more fixed words before fewer.
            self.patterns = patterns.sorted { $0.id.replacingOccurrences(of: "{}", with: "").count > $1.id.replacingOccurrences(of: "{}", with: "").count }
            self.exact = exact
            self.fields = Dictionary(fields, uniquingKeysWith: { first, _ in first })
        }

        /// Every message id and its Polish, for the completeness test.
        var ids: Set<String> { Set(exact.keys).union(patterns.map(\.id)) }

        static func read(_ name: String) -> [(String, String)] {
            guard let url = Bundle.module.resourceURL?.appendingPathComponent("console/words/" + name),
                  let text = try? String(contentsOf: url, encoding: .utf8) else { return [] }
            return text.split(separator: "\n").compactMap { line in
                guard !line.hasPrefix("#") else { return nil }
                let parts = line.split(separator: "\t", maxSplits: 1, omittingEmptySubsequences: false)
                guard parts.count == 2 else { return nil }
                return (String(parts[0]), String(parts[1]))
            }
        }

        func polish(_ english: String, depth: Int) -> String? {
            if let known = exact[english] { return known }
            guard depth < 2 else { return nil }
            let whole = NSRange(english.startIndex..., in: english)
            for pattern in patterns {
                guard let match = pattern.regex.firstMatch(in: english, range: whole) else { continue }
                var values: [String] = []
                for index in 1..<match.numberOfRanges {
                    guard let range = Range(match.range(at: index), in: english) else { values.append(""); continue }
                    values.append(String(english[range]))
                }
                // The appended list is of stored names ("open, pending"): each in words.
                let tail = pattern.takesTail
                    ? values.removeLast().components(separatedBy: ", ").map { StaffWords.value($0, .pl) }.joined(separator: ", ") : ""
                let said = values.map { value in polish(value, depth: depth + 1) ?? StaffWords.value(value, .pl) }
                return fill(pattern.polish, with: said) + tail
            }
            return nil
        }

        /// `{1}`, `{2}` … stand for the values by their place in the English; `{}` for the
        /// next one in order.
        func fill(_ template: String, with values: [String]) -> String {
            var text = template
            for (index, value) in values.enumerated() {
                text = text.replacingOccurrences(of: "{\(index + 1)}", with: value)
            }
            var next = 0
            while let range = text.range(of: "{}"), next < values.count {
                text.replaceSubrange(range, with: values[next])
                next += 1
            }
            return text
        }

        func field(_ name: String) -> String {
            if let known = fields[name] { return known }
            // A path: each part by itself, an index as the item's number ("Krok 3").
            let parts = name.split(separator: ".").map { part -> String in
                let text = String(part)
                guard let open = text.firstIndex(of: "["), text.hasSuffix("]"),
                      let index = Int(text[text.index(after: open)..<text.index(before: text.endIndex)]) else {
                    return fields[text] ?? text
                }
                let base = String(text[..<open])
                return (fields[base + "[]"] ?? fields[base] ?? base) + " \(index + 1)"
            }
            return parts.joined(separator: " › ")
        }
    }
}
