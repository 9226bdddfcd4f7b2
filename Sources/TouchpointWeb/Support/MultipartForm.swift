import Foundation

/// A file sent with a form.
struct UploadedFile: Sendable, Equatable {
    /// The form field it came in.
    var field: String
    /// The name the browser gave it (its path stripped).
    var filename: String
    var contentType: String
    var data: [UInt8]
}

/// Why a `multipart/form-data` body could not be read.
struct MultipartError: Error, Equatable, CustomStringConvertible {
    var description: String
}

/// Reads a `multipart/form-data` body (RFC 7578): its text fields and its files. Strict where
/// a lenient reading could mistake one part for another (a missing boundary, a part without a
/// name, a body that ends before its closing delimiter), and limited in the number of parts.
enum MultipartForm {
    static let maxParts = 100

    /// The boundary of a `multipart/form-data` content type; nil for any other type.
    static func boundary(contentType: String) -> String? {
        let parts = contentType.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
        guard parts.first?.lowercased() == "multipart/form-data" else { return nil }
        for parameter in parts.dropFirst() {
            let pair = parameter.split(separator: "=", maxSplits: 1)
            guard pair.count == 2, pair[0].lowercased() == "boundary" else { continue }
            var value = String(pair[1])
            if value.hasPrefix("\""), value.hasSuffix("\""), value.count >= 2 { value = String(value.dropFirst().dropLast()) }
            // RFC 2046: 1 to 70 characters.
            return (1...70).contains(value.utf8.count) ? value : nil
        }
        return nil
    }

    /// The fields (as an `HTMLForm`) and files of `body`.
    static func parse(_ body: [UInt8], boundary: String) throws(MultipartError) -> (fields: [(name: String, value: String)], files: [UploadedFile]) {
        let delimiter = Array("--\(boundary)".utf8)
        var fields: [(name: String, value: String)] = []
        var files: [UploadedFile] = []
        guard var at = find(delimiter, in: body, from: 0) else { throw MultipartError(description: "the body has no part (boundary not found)") }
        var count = 0
        while true {
            at += delimiter.count
            // "--" after a delimiter closes the body.
            if body.count >= at + 2, body[at] == 0x2D, body[at + 1] == 0x2D { break }
            guard body.count >= at + 2, body[at] == 0x0D, body[at + 1] == 0x0A else {
                throw MultipartError(description: "a boundary is not followed by a line break")
            }
            at += 2
            count += 1
            guard count <= maxParts else { throw MultipartError(description: "more than \(maxParts) parts") }
            guard let headerEnd = find([0x0D, 0x0A, 0x0D, 0x0A], in: body, from: at) else {
                throw MultipartError(description: "part \(count) has no end of its headers")
            }
            let headers = String(decoding: body[at..<headerEnd], as: UTF8.self)
            let contentStart = headerEnd + 4
            guard let next = find([0x0D, 0x0A] + delimiter, in: body, from: contentStart) else {
                throw MultipartError(description: "part \(count) is not closed by the boundary (the body was cut short)")
            }
            let content = Array(body[contentStart..<next])
            let (name, filename, type) = try describe(headers, part: count)
            if let filename {
                // A file input left empty sends a part with an empty name and no content.
                if !filename.isEmpty || !content.isEmpty {
                    files.append(UploadedFile(field: name, filename: clean(filename), contentType: type ?? "application/octet-stream", data: content))
                }
            } else {
                fields.append((name, String(decoding: content, as: UTF8.self)))
            }
            at = next + 2
        }
        return (fields, files)
    }

    /// The field name, file name and content type a part's headers give.
    private static func describe(_ headers: String, part: Int) throws(MultipartError) -> (String, String?, String?) {
        var name: String?, filename: String?, type: String?
        for line in headers.components(separatedBy: "\r\n") {
            let pair = line.split(separator: ":", maxSplits: 1)
            guard pair.count == 2 else { continue }
            let value = pair[1].trimmingCharacters(in: .whitespaces)
            switch pair[0].trimmingCharacters(in: .whitespaces).lowercased() {
            case "content-disposition":
                for parameter in parameters(value) {
                    if parameter.key == "name" { name = parameter.value }
                    if parameter.key == "filename" { filename = parameter.value }
                }
            case "content-type": type = value
            default: break
            }
        }
        guard let name, !name.isEmpty else { throw MultipartError(description: "part \(part) has no field name") }
        return (name, filename, type)
    }

    /// `form-data; name="a"; filename="b c.pdf"` as key-value pairs (quoted values may hold `;`).
    private static func parameters(_ value: String) -> [(key: String, value: String)] {
        var found: [(key: String, value: String)] = []
        var rest = Substring(value)
        while let equals = rest.firstIndex(of: "=") {
            let key = rest[..<equals].split(separator: ";").last?.trimmingCharacters(in: .whitespaces).lowercased() ?? ""
            rest = rest[rest.index(after: equals)...]
            var text = ""
            if rest.first == "\"" {
                rest = rest.dropFirst()
                var escaped = false
                while let character = rest.first {
                    rest = rest.dropFirst()
                    if escaped { text.append(character); escaped = false } else if character == "\\" { escaped = true } else if character == "\"" { break } else { text.append(character) }
                }
            } else {
                let end = rest.firstIndex(of: ";") ?? rest.endIndex
                text = rest[..<end].trimmingCharacters(in: .whitespaces)
                rest = rest[end...]
            }
            found.append((key, text))
        }
        return found
    }

    /// The last part of a path some browsers still send, without control characters.
    private static func clean(_ filename: String) -> String {
        let base = filename.split(whereSeparator: { $0 == "/" || $0 == "\\" }).last.map(String.init) ?? filename
        let printable = String(base.unicodeScalars.filter { $0.value >= 0x20 && $0.value != 0x7F }.map(Character.init))
        return printable.isEmpty ? "attachment" : String(printable.prefix(200))
    }

    /// The first index at which `needle` starts in `haystack`, at or after `start`.
    private static func find(_ needle: [UInt8], in haystack: [UInt8], from start: Int) -> Int? {
        guard !needle.isEmpty, haystack.count >= needle.count else { return nil }
        let first = needle[0], last = haystack.count - needle.count
        var index = start
        while index <= last {
            if haystack[index] == first {
                var matched = true
                for offset in 1..<needle.count where haystack[index + offset] != needle[offset] {
                    matched = false
                    break
                }
                if matched { return index }
            }
            index += 1
        }
        return nil
    }
}
