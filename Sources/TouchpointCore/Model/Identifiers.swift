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

extension UUID {
    /// Lower-case text form used in the database and the API (written directly: ids are
    /// formatted many times per request, and `uuidString` goes through printf).
    public var text: String {
        let hex: [UInt8] = Array("0123456789abcdef".utf8)
        return withUnsafeBytes(of: uuid) { bytes in
            String(unsafeUninitializedCapacity: 36) { out in
                var position = 0
                for (index, byte) in bytes.enumerated() {
                    if index == 4 || index == 6 || index == 8 || index == 10 {
                        out[position] = UInt8(ascii: "-")
                        position += 1
                    }
                    out[position] = hex[Int(byte >> 4)]
                    out[position + 1] = hex[Int(byte & 0x0F)]
                    position += 2
                }
                return position
            }
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
