/// One option of a select or one box of a checkbox group, as a template shows it.
struct FormChoice {
    var value: String
    var label: String
    var selected: Bool

    /// The options with those named in `selected` (comma-separated values) marked.
    static func list(_ options: [(String, String)], _ selected: String?) -> [FormChoice] {
        let chosen = Set((selected ?? "").split(separator: ",").map(String.init))
        return options.map { FormChoice(value: $0.0, label: $0.1, selected: chosen.contains($0.0)) }
    }
}
