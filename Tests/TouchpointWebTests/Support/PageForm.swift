import Foundation

/// The fields a browser would submit from one form of a page: text inputs, hidden inputs,
/// ticked checkboxes, each select's chosen option and textareas. Tests change some and
/// post them, so what is sent is what the page offers.
struct PageForm {
    private(set) var fields: [(name: String, value: String)] = []

    /// The form that holds the submit button with this value (`name="action" value="…"`),
    /// with that button's action added as a browser adds the button pressed.
    init?(_ html: String, button: String, formID: String? = nil) {
        let anchor = formID.map { "id=\"\($0)\"" } ?? "value=\"\(button)\""
        guard let press = html.range(of: anchor) else { return nil }
        // The form around the anchor: the one it opens (an id on the form or an element
        // around it), or the one before it (a button inside).
        let before = html.range(of: "<form", options: .backwards, range: html.startIndex..<press.lowerBound)
        let after = html.range(of: "<form", range: press.upperBound..<html.endIndex)
        guard let start = formID != nil ? (before.flatMap { html[$0.lowerBound..<press.lowerBound].contains("</form>") ? nil : $0 } ?? after) : before,
              let end = html.range(of: "</form>", range: start.upperBound..<html.endIndex) else { return nil }
        let form = String(html[start.lowerBound..<end.upperBound])
        let tag = try! NSRegularExpression(pattern: #"<(input|select|textarea)\b([^>]*)>"#, options: [.caseInsensitive])
        for match in tag.matches(in: form, range: NSRange(form.startIndex..., in: form)) {
            let kind = String(form[Range(match.range(at: 1), in: form)!]).lowercased()
            let attributes = Self.attributes(String(form[Range(match.range(at: 2), in: form)!]))
            guard let name = attributes["name"] else { continue }
            let after = Range(match.range, in: form)!.upperBound
            switch kind {
            case "input":
                let type = attributes["type"] ?? "text"
                if type == "checkbox" || type == "radio" {
                    if attributes["checked"] != nil { fields.append((name, attributes["value"] ?? "on")) }
                } else if type != "submit" {
                    fields.append((name, attributes["value"] ?? ""))
                }
            case "textarea":
                let close = form.range(of: "</textarea>", range: after..<form.endIndex)!.lowerBound
                fields.append((name, Self.unescape(String(form[after..<close]))))
            default:
                let close = form.range(of: "</select>", range: after..<form.endIndex)!.lowerBound
                let body = String(form[after..<close])
                let options = try! NSRegularExpression(pattern: #"<option\b([^>]*)>"#).matches(in: body, range: NSRange(body.startIndex..., in: body))
                let values = options.map { Self.attributes(String(body[Range($0.range(at: 1), in: body)!])) }
                if let chosen = values.first(where: { $0["selected"] != nil }) ?? values.first { fields.append((name, chosen["value"] ?? "")) }
            }
        }
        if !button.isEmpty { fields.append(("action", button)) }
    }

    /// The first value of a field.
    subscript(_ name: String) -> String? { fields.first { $0.name == name }?.value }

    /// Sets a field (every earlier value of it goes).
    mutating func set(_ name: String, _ value: String) {
        fields.removeAll { $0.name == name }
        fields.append((name, value))
    }

    /// Ticks or clears one box of a checkbox group.
    mutating func tick(_ name: String, _ value: String = "on", _ on: Bool) {
        fields.removeAll { $0.name == name && $0.value == value }
        if on { fields.append((name, value)) }
    }

    /// Values of a checkbox group that are ticked.
    func all(_ name: String) -> [String] { fields.filter { $0.name == name }.map(\.value) }

    static func attributes(_ text: String) -> [String: String] {
        let pattern = try! NSRegularExpression(pattern: #"([a-zA-Z-]+)(?:="([^"]*)")?"#)
        var found: [String: String] = [:]
        for match in pattern.matches(in: text, range: NSRange(text.startIndex..., in: text)) {
            let name = String(text[Range(match.range(at: 1), in: text)!]).lowercased()
            let value = Range(match.range(at: 2), in: text).map { unescape(String(text[$0])) } ?? ""
            if found[name] == nil { found[name] = value }
        }
        return found
    }

    static func unescape(_ text: String) -> String {
        var result = text
        for (entity, character) in [("&quot;", "\""), ("&#39;", "'"), ("&lt;", "<"), ("&gt;", ">"), ("&#x2F;", "/"), ("&#x3D;", "="), ("&#x60;", "`")] {
            result = result.replacingOccurrences(of: entity, with: character)
        }
        return result.replacingOccurrences(of: "&amp;", with: "&")
    }
}
