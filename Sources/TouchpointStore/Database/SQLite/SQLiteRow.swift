import Foundation
import SQLKit

/// One result row of the SQLite driver.
struct SQLiteRow: SQLRow {
    let columns: SQLiteColumns
    let values: [SQLiteValue]

    /// The value of a column, or nil when the row has no such column.
    func column(_ name: String) -> SQLiteValue? {
        columns.index[name].map { values[$0] }
    }

    var allColumns: [String] { columns.names }

    func contains(column: String) -> Bool { columns.index[column] != nil }

    func decodeNil(column: String) throws -> Bool {
        guard let value = self.column(column) else { throw missing(column) }
        return value == .null
    }

    func decode<D: Decodable>(column: String, as type: D.Type) throws -> D {
        guard let value = self.column(column) else { throw missing(column) }
        guard let convertible = D.self as? any SQLiteColumnDecodable.Type, let decoded = convertible.from(value) as? D else {
            throw DecodingError.typeMismatch(D.self, .init(codingPath: [], debugDescription: "column \(column) holds \(value)"))
        }
        return decoded
    }

    private func missing(_ column: String) -> DecodingError {
        .keyNotFound(SQLiteColumnKey(stringValue: column), .init(codingPath: [], debugDescription: "no column \(column) in the row"))
    }
}

private struct SQLiteColumnKey: CodingKey {
    var stringValue: String
    var intValue: Int? { nil }
    init(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
}

/// The Swift types a column decodes into. SQLite types values, not columns, so each type
/// takes the storage classes that hold it without loss.
protocol SQLiteColumnDecodable {
    static func from(_ value: SQLiteValue) -> Self?
}

extension String: SQLiteColumnDecodable {
    static func from(_ value: SQLiteValue) -> String? {
        switch value {
        case .text(let text): text
        case .integer(let number): String(number)
        case .float(let number): String(number)
        case .blob(let bytes): String(decoding: bytes, as: UTF8.self)
        case .null: nil
        }
    }
}

extension Int: SQLiteColumnDecodable {
    static func from(_ value: SQLiteValue) -> Int? {
        switch value {
        case .integer(let number): number
        case .float(let number): Int(exactly: number)
        case .text(let text): Int(text)
        default: nil
        }
    }
}

extension Int64: SQLiteColumnDecodable {
    static func from(_ value: SQLiteValue) -> Int64? { Int.from(value).map(Int64.init) }
}

extension Double: SQLiteColumnDecodable {
    static func from(_ value: SQLiteValue) -> Double? {
        switch value {
        case .float(let number): number
        case .integer(let number): Double(number)
        case .text(let text): Double(text)
        default: nil
        }
    }
}

extension Bool: SQLiteColumnDecodable {
    static func from(_ value: SQLiteValue) -> Bool? { Int.from(value).map { $0 != 0 } }
}

extension Data: SQLiteColumnDecodable {
    static func from(_ value: SQLiteValue) -> Data? {
        switch value {
        case .blob(let bytes): Data(bytes)
        case .text(let text): Data(text.utf8)
        default: nil
        }
    }
}

extension Array: SQLiteColumnDecodable where Element == UInt8 {
    static func from(_ value: SQLiteValue) -> [UInt8]? { Data.from(value).map { [UInt8]($0) } }
}

extension Optional: SQLiteColumnDecodable where Wrapped: SQLiteColumnDecodable {
    static func from(_ value: SQLiteValue) -> Wrapped?? {
        if value == .null { return .some(.none) }
        return Wrapped.from(value).map { .some($0) }
    }
}

extension SQLiteValue {
    /// A value SQLKit bound into a statement; the driver binds the primitive types the
    /// store uses and refuses others loudly rather than guessing an encoding.
    init(bind: any Encodable) throws {
        if let optional = bind as? any SQLiteOptionalBind {
            guard let wrapped = optional.wrappedBind else {
                self = .null
                return
            }
            self = try SQLiteValue(bind: wrapped)
            return
        }
        switch bind {
        case let text as String: self = .text(text)
        case let number as Int: self = .integer(number)
        case let number as Int64: self = .integer(Int(number))
        case let number as Int32: self = .integer(Int(number))
        case let number as Double: self = .float(number)
        case let flag as Bool: self = .integer(flag ? 1 : 0)
        case let data as Data: self = .blob([UInt8](data))
        case let bytes as [UInt8]: self = .blob(bytes)
        default: throw SQLiteFailure(code: 0, message: "cannot bind a \(type(of: bind)) value")
        }
    }
}

protocol SQLiteOptionalBind {
    var wrappedBind: (any Encodable)? { get }
}

extension Optional: SQLiteOptionalBind where Wrapped: Encodable {
    var wrappedBind: (any Encodable)? { self }
}
