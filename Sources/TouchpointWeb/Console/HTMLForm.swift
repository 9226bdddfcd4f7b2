import Foundation
import TouchpointCore

/// The fields of an `application/x-www-form-urlencoded` body (or a query string), or of a
/// `multipart/form-data` body with the files it carries.
struct HTMLForm: Sendable {
    private var fields: [(name: String, value: String)]
    /// The files sent with a multipart form.
    private(set) var files: [UploadedFile] = []

    init(urlEncoded text: String) {
        fields = text.split(separator: "&", omittingEmptySubsequences: true).map { pair in
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            return (HTMLForm.decode(parts[0]), parts.count > 1 ? HTMLForm.decode(parts[1]) : "")
        }
    }

    init(fields: [(name: String, value: String)], files: [UploadedFile]) {
        self.fields = fields
        self.files = files
    }

    /// The first value of a field, nil when absent.
    subscript(_ name: String) -> String? { fields.first { $0.name == name }?.value }

    /// A field's value trimmed, nil when absent or blank.
    func text(_ name: String) -> String? {
        guard let value = self[name]?.trimmedWhitespace, !value.isEmpty else { return nil }
        return value
    }

    /// Every value of a repeated field (checkbox groups, multi-selects).
    func all(_ name: String) -> [String] { fields.filter { $0.name == name }.map(\.value) }

    /// `+` is a space in this encoding; a malformed escape is kept as written.
    static func decode(_ raw: Substring) -> String {
        let spaced = raw.replacingOccurrences(of: "+", with: " ")
        return spaced.removingPercentEncoding ?? spaced
    }

    static func encode(_ value: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return value.addingPercentEncoding(withAllowedCharacters: allowed) ?? ""
    }
}

/// Compares secrets in time that does not depend on where they differ.
func constantTimeEquals(_ a: String, _ b: String) -> Bool {
    let x = Array(a.utf8), y = Array(b.utf8)
    guard x.count == y.count else { return false }
    var difference: UInt8 = 0
    for index in x.indices { difference |= x[index] ^ y[index] }
    return difference == 0
}
