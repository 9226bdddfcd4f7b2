import Foundation

extension JSONIO {
    /// The path of the first number in a JSON text too large for a Double (`1e400`), which
    /// Foundation refuses as "not valid JSON" without naming it; nil when there is none, or
    /// when the text is not JSON for another reason too (then it is malformed, not out of range).
    static func overflowingNumber(in data: Data) -> String? {
        var scanner = NumberScanner(bytes: [UInt8](data))
        do {
            try scanner.value(at: "", depth: 0)
            scanner.space()
            guard scanner.index == scanner.bytes.count else { return nil }
            return scanner.found
        } catch {
            return nil
        }
    }
}

/// Reads a JSON text just far enough to follow keys and indices to each number; no values
/// are built. Depth is bounded, so a deeply nested body cannot exhaust the stack.
private struct NumberScanner {
    struct Malformed: Error {}

    let bytes: [UInt8]
    var index = 0
    /// The first number out of range, by its path.
    var found: String?
    static let maxDepth = 256

    mutating func space() {
        while index < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[index]) { index += 1 }
    }

    mutating func expect(_ character: Character) -> Bool {
        space()
        guard index < bytes.count, bytes[index] == character.asciiValue else { return false }
        index += 1
        return true
    }

    /// Reads the value here, noting the first number out of range.
    mutating func value(at path: String, depth: Int) throws(Malformed) {
        guard depth < Self.maxDepth else { throw Malformed() }
        space()
        guard index < bytes.count else { throw Malformed() }
        switch bytes[index] {
        case UInt8(ascii: "{"):
            index += 1
            if expect("}") { return }
            repeat {
                space()
                let key = try string()
                guard expect(":") else { throw Malformed() }
                try value(at: path.isEmpty ? key : "\(path).\(key)", depth: depth + 1)
            } while expect(",")
            guard expect("}") else { throw Malformed() }
        case UInt8(ascii: "["):
            index += 1
            if expect("]") { return }
            var position = 0
            repeat {
                try value(at: "\(path)[\(position)]", depth: depth + 1)
                position += 1
            } while expect(",")
            guard expect("]") else { throw Malformed() }
        case UInt8(ascii: "\""):
            _ = try string()
        default:
            let start = index
            while index < bytes.count, !",]} \t\r\n".utf8.contains(bytes[index]) { index += 1 }
            let token = String(decoding: bytes[start..<index], as: UTF8.self)
            if ["true", "false", "null"].contains(token) { return }
            // Only JSON's number grammar: `Double` would also take "nan", "inf" and hex.
            guard let first = token.utf8.first, first == UInt8(ascii: "-") || (0x30...0x39).contains(first),
                  token.utf8.allSatisfy({ (0x30...0x39).contains($0) || "-+.eE".utf8.contains($0) }), let number = Double(token) else { throw Malformed() }
            if !number.isFinite, found == nil { found = path.isEmpty ? "body" : path }
        }
    }

    mutating func string() throws(Malformed) -> String {
        guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { throw Malformed() }
        let start = index
        index += 1
        while index < bytes.count, bytes[index] != UInt8(ascii: "\"") {
            if bytes[index] == UInt8(ascii: "\\") { index += 1 }
            index += 1
        }
        guard index < bytes.count else { throw Malformed() }
        index += 1
        guard let text = (try? JSONSerialization.jsonObject(with: Data(bytes[start..<index]), options: [.fragmentsAllowed])) as? String else {
            throw Malformed()
        }
        return text
    }
}
