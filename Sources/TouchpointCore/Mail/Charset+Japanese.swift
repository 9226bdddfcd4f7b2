import Foundation

/// Japanese mail charsets, decoded through Shift_JIS: Foundation on Linux has no EUC-JP and
/// rejects ISO-2022-JP with the redundant mode switches that joined encoded words produce.
/// All three encode the same JIS X 0208 characters; the mapping between them is arithmetic.
enum JapaneseCharsets {
    /// A JIS X 0208 row/cell pair (0x21…0x7E each) as its two Shift_JIS bytes.
    static func shiftJIS(_ first: UInt8, _ second: UInt8) -> [UInt8] {
        let lead = (first + 1) / 2 + (first <= 0x5E ? 0x70 : 0xB0)
        let trail: UInt8 = first % 2 == 1 ? second + (second >= 0x60 ? 0x20 : 0x1F) : second + 0x7E
        return [lead, trail]
    }

    /// EUC-JP → Shift_JIS: two high bytes are a JIS X 0208 character, SS2 (0x8E) introduces
    /// half-width katakana; JIS X 0212 (SS3) has no Shift_JIS form and becomes "?".
    static func fromEUCJP(_ bytes: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if byte < 0x80 {
                out.append(byte)
                index += 1
            } else if byte == 0x8E, index + 1 < bytes.count {
                out.append(bytes[index + 1])
                index += 2
            } else if byte == 0x8F {
                out.append(UInt8(ascii: "?"))
                index += 3
            } else if index + 1 < bytes.count, (0xA1...0xFE).contains(byte), (0xA1...0xFE).contains(bytes[index + 1]) {
                out += shiftJIS(byte & 0x7F, bytes[index + 1] & 0x7F)
                index += 2
            } else {
                out.append(UInt8(ascii: "?"))
                index += 1
            }
        }
        return out
    }

    /// ISO-2022-JP (RFC 1468) → Shift_JIS, following the escape sequences.
    static func fromISO2022JP(_ bytes: [UInt8]) -> [UInt8] {
        enum Mode { case ascii, jis, kana }
        var mode = Mode.ascii
        var out: [UInt8] = []
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if byte == 0x1B, index + 2 < bytes.count {
                switch (bytes[index + 1], bytes[index + 2]) {
                case (0x24, 0x40), (0x24, 0x42): mode = .jis  // ESC $ @, ESC $ B
                case (0x28, 0x49): mode = .kana  // ESC ( I
                default: mode = .ascii  // ESC ( B, ESC ( J
                }
                index += 3
                continue
            }
            if byte == 0x0A || byte == 0x0D { mode = .ascii }
            switch mode {
            case .jis where index + 1 < bytes.count && (0x21...0x7E).contains(byte) && (0x21...0x7E).contains(bytes[index + 1]):
                out += shiftJIS(byte, bytes[index + 1])
                index += 2
            case .kana where byte >= 0x21 && byte <= 0x5F:
                out.append(byte + 0x80)
                index += 1
            case _ where byte >= 0x80 || (mode == .jis && byte >= 0x21 && byte <= 0x7E):
                // Not ISO-2022-JP (it is 7-bit, and two-byte mode takes pairs of 0x21…0x7E):
                // one "?" keeps the rest of the text readable, where a stray byte would make
                // Shift_JIS refuse all of it (and a broken pair overflowed the mapping).
                out.append(UInt8(ascii: "?"))
                index += 1
            default:
                out.append(byte)
                index += 1
            }
        }
        return out
    }
}
