import Foundation

/// Identifiers are UUIDs rendered lower-case; the core never makes them itself — the
/// caller passes them in, so every rule stays deterministic under test.
public typealias BrandID = UUID
public typealias TeamID = UUID
public typealias UserID = UUID
public typealias AccountID = UUID
public typealias ContactID = UUID
public typealias IdentityID = UUID
public typealias CaseID = UUID
public typealias InteractionID = UUID
public typealias CommitmentID = UUID
public typealias EventID = UUID
public typealias CalendarID = UUID
public typealias ArticleID = UUID

extension UUID {
    /// Lower-case text form used in the database and the API (written directly: ids are
    /// formatted many times per request, and `uuidString` goes through printf).
    public var text: String {
        withUnsafeBytes(of: uuid) { bytes in
            String(unsafeUninitializedCapacity: 36) { out in
                var position = 0
                for (index, byte) in bytes.enumerated() {
                    if index == 4 || index == 6 || index == 8 || index == 10 {
                        out[position] = UInt8(ascii: "-")
                        position += 1
                    }
                    out[position] = UUID.hexDigit(byte >> 4)
                    out[position + 1] = UUID.hexDigit(byte & 0x0F)
                    position += 2
                }
                return position
            }
        }
    }

    /// Parses the 36-character text form (either case), as `UUID(uuidString:)` does but
    /// without going through scanf: every row read from the database carries several ids.
    public init?(text: String) {
        var text = text
        let parsed: uuid_t? = text.withUTF8 { utf8 -> uuid_t? in
            guard utf8.count == 36 else { return nil }
            var bytes: uuid_t = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
            let ok = withUnsafeMutableBytes(of: &bytes) { out -> Bool in
                var position = 0
                for index in 0..<16 {
                    if position == 8 || position == 13 || position == 18 || position == 23 {
                        guard utf8[position] == UInt8(ascii: "-") else { return false }
                        position += 1
                    }
                    guard let high = UUID.nibble(utf8[position]), let low = UUID.nibble(utf8[position + 1]) else { return false }
                    out[index] = high << 4 | low
                    position += 2
                }
                return true
            }
            return ok ? bytes : nil
        }
        guard let bytes = parsed else { return nil }
        self.init(uuid: bytes)
    }

    private static func hexDigit(_ value: UInt8) -> UInt8 {
        value < 10 ? UInt8(ascii: "0") + value : UInt8(ascii: "a") + value - 10
    }

    private static func nibble(_ char: UInt8) -> UInt8? {
        switch char {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): char - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): char - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): char - UInt8(ascii: "A") + 10
        default: nil
        }
    }

    /// A version 7 UUID (RFC 9562): 48 bits of Unix milliseconds, then random bits. Ids made
    /// one after another sort after each other, so primary-key indexes grow at their end
    /// instead of being rewritten at random places on every insert.
    public static func timeOrdered(at date: Date, using rng: inout some RandomNumberGenerator) -> UUID {
        let ms = UInt64(max(0, date.timeIntervalSince1970 * 1000))
        let high = rng.next() as UInt64
        let low = rng.next() as UInt64
        var bytes: [UInt8] = (0..<6).map { UInt8(truncatingIfNeeded: ms >> (40 - 8 * UInt64($0))) }
        bytes += (0..<2).map { UInt8(truncatingIfNeeded: high >> (8 * UInt64($0))) }
        bytes += (0..<8).map { UInt8(truncatingIfNeeded: low >> (8 * UInt64($0))) }
        bytes[6] = 0x70 | (bytes[6] & 0x0F)  // version 7
        bytes[8] = 0x80 | (bytes[8] & 0x3F)  // RFC 9562 variant
        return UUID(uuid: (bytes[0], bytes[1], bytes[2], bytes[3], bytes[4], bytes[5], bytes[6], bytes[7],
                           bytes[8], bytes[9], bytes[10], bytes[11], bytes[12], bytes[13], bytes[14], bytes[15]))
    }
}

/// Where the core gets new ids and the current instant from; adapters pass the live one,
/// tests a deterministic one.
public struct Environment: Sendable {
    public var now: @Sendable () -> Date
    public var newID: @Sendable () -> UUID

    public init(now: @escaping @Sendable () -> Date, newID: @escaping @Sendable () -> UUID) {
        self.now = now
        self.newID = newID
    }

    public static let live = Environment(now: { Date() }, newID: {
        var rng = SystemRandomNumberGenerator()
        return UUID.timeOrdered(at: Date(), using: &rng)
    })
}
