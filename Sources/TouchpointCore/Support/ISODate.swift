import Foundation

/// ISO 8601 date-times as the API and providers write them.
public enum ISODate {
    /// `2026-11-23T09:30:00Z`: RFC 3339 with `T` (or `t`, or a space), seconds optional,
    /// up to nine fraction digits, and `Z` or an offset (`+01:00`, `+0100`, `+01`).
    ///
    /// Read by hand on purpose: ICU's parser behind `ISO8601DateFormatter` dies of a
    /// floating-point exception on a long fraction ("…:00.2500…0Z" with 100 digits), which
    /// took the whole server down from any date field (found by `Benchmarks/fuzz.sh webhook`).
    public static func parse(_ text: String) -> Date? {
        var reader = Reader(Array(text.utf8))
        guard let year = reader.digits(4), reader.skip("-"), let month = reader.digits(2), reader.skip("-"),
            let day = reader.digits(2), (1...12).contains(month), (1...31).contains(day)
        else { return nil }
        let date = LocalDate(year: year, month: month, day: day)
        // 2026-02-30 does not exist.
        guard LocalDate(dayNumber: date.dayNumber) == date, reader.skip("T") || reader.skip("t") || reader.skip(" ") else { return nil }
        guard let hour = reader.digits(2), reader.skip(":"), let minute = reader.digits(2), hour < 24, minute < 60 else { return nil }
        var second = 0
        var fraction = 0.0
        if reader.skip(":") {
            guard let whole = reader.digits(2), whole < 60 else { return nil }
            second = whole
            if reader.skip(".") || reader.skip(",") {
                // Nanoseconds at most: more digits mean nothing and are refused, not rounded.
                var (value, scale) = (0, 1)
                while let digit = reader.digit() {
                    guard scale < 1_000_000_000 else { return nil }
                    (value, scale) = (value * 10 + digit, scale * 10)
                }
                guard scale > 1 else { return nil }
                fraction = Double(value) / Double(scale)
            }
        }
        var offsetMinutes = 0
        if reader.skip("Z") || reader.skip("z") {
        } else if let sign = reader.sign() {
            guard let hours = reader.digits(2), hours < 24 else { return nil }
            var minutes = 0
            if reader.skip(":") {
                guard let value = reader.digits(2) else { return nil }
                minutes = value
            } else if let value = reader.digits(2) {
                minutes = value
            }
            guard minutes < 60 else { return nil }
            offsetMinutes = sign * (hours * 60 + minutes)
        } else {
            return nil
        }
        guard reader.atEnd else { return nil }
        let seconds = date.dayNumber * 86_400 + hour * 3_600 + minute * 60 + second - offsetMinutes * 60
        return Date(timeIntervalSince1970: Double(seconds) + fraction)
    }

    /// A JSON decoder that reads dates with `parse` and names the bad value when it cannot.
    public static func decoder() -> JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .custom { decoder in
            let container = try decoder.singleValueContainer()
            let text = try container.decode(String.self)
            guard let date = parse(text) else {
                throw DecodingError.dataCorruptedError(
                    in: container, debugDescription: "'\(text)' is not an ISO 8601 date-time such as 2026-11-23T09:30:00Z")
            }
            return date
        }
        return decoder
    }

    /// A cursor over ASCII bytes.
    private struct Reader {
        let bytes: [UInt8]
        var index = 0

        init(_ bytes: [UInt8]) { self.bytes = bytes }

        var atEnd: Bool { index == bytes.count }

        mutating func skip(_ character: Unicode.Scalar) -> Bool {
            guard index < bytes.count, bytes[index] == UInt8(character.value) else { return false }
            index += 1
            return true
        }

        mutating func digit() -> Int? {
            guard index < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[index]) else { return nil }
            index += 1
            return Int(bytes[index - 1] - UInt8(ascii: "0"))
        }

        /// Exactly `count` digits.
        mutating func digits(_ count: Int) -> Int? {
            var value = 0
            for _ in 0..<count {
                guard let digit = digit() else { return nil }
                value = value * 10 + digit
            }
            return value
        }

        /// +1 or -1 for a sign (ASCII minus or U+2212 is not taken: RFC 3339 has only ASCII).
        mutating func sign() -> Int? {
            if skip("+") { return 1 }
            if skip("-") { return -1 }
            return nil
        }
    }
}
