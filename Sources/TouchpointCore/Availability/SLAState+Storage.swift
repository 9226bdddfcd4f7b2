import Foundation

/// A compact text form of the SLA clocks for storage: every open case carries one and a
/// policy change rewrites them all, so it is written and read with integer arithmetic
/// only, far cheaper than JSON. `2|share‰|clock;clock…` where a clock is
/// `kind,target,elapsedMs,runningSince,due,warn,warned,breached,stopped` (times in epoch
/// milliseconds, empty when absent).
extension SLAState {
    public var storageText: String {
        var out = "2|" + String(Int((atRiskShare * 1000).rounded()))
        for (index, clock) in clocks.enumerated() {
            out += index == 0 ? "|" : ";"
            out += clock.kind.rawValue
            out += ","
            out += String(clock.targetMinutes)
            out += ","
            out += String(Int((clock.elapsedSeconds * 1000).rounded()))
            for date in [clock.runningSince, clock.dueAt, clock.warnAt, clock.warnedAt, clock.breachedAt, clock.stoppedAt] {
                out += ","
                if let date { out += String(Int((date.timeIntervalSince1970 * 1000).rounded())) }
            }
        }
        return out
    }

    /// Parses `storageText`; nil for anything else.
    public init?(storageText text: String) {
        var scanner = StorageScanner(Array(text.utf8))
        guard scanner.integer() == 2, scanner.skip(UInt8(ascii: "|")), let share = scanner.integer() else { return nil }
        var clocks: [SLAClock] = []
        if scanner.skip(UInt8(ascii: "|")) {
            repeat {
                guard let kind = scanner.word().flatMap(SLAClockKind.init(rawValue:)), scanner.skip(UInt8(ascii: ",")),
                      let target = scanner.integer(), scanner.skip(UInt8(ascii: ",")), let elapsed = scanner.integer() else { return nil }
                var dates: [Date?] = []
                for _ in 0..<6 {
                    guard scanner.skip(UInt8(ascii: ",")) else { return nil }
                    dates.append(scanner.integer().map { Date(timeIntervalSince1970: Double($0) / 1000) })
                }
                var clock = SLAClock(kind: kind, targetMinutes: target, startedAt: Date(timeIntervalSince1970: 0))
                clock.elapsedSeconds = Double(elapsed) / 1000
                clock.runningSince = dates[0]
                clock.dueAt = dates[1]
                clock.warnAt = dates[2]
                clock.warnedAt = dates[3]
                clock.breachedAt = dates[4]
                clock.stoppedAt = dates[5]
                clocks.append(clock)
            } while scanner.skip(UInt8(ascii: ";"))
        }
        guard scanner.atEnd else { return nil }
        self.init(clocks: clocks, atRiskShare: Double(share) / 1000)
    }
}

/// Reads the storage form byte by byte.
private struct StorageScanner {
    let bytes: [UInt8]
    var position = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    var atEnd: Bool { position == bytes.count }

    mutating func skip(_ byte: UInt8) -> Bool {
        guard position < bytes.count, bytes[position] == byte else { return false }
        position += 1
        return true
    }

    /// An optionally negative decimal integer; nil (consuming nothing) when there is none.
    mutating func integer() -> Int? {
        var negative = false
        var index = position
        if index < bytes.count, bytes[index] == UInt8(ascii: "-") { negative = true; index += 1 }
        var value = 0, digits = 0
        while index < bytes.count, bytes[index] >= 48, bytes[index] <= 57, digits < 18 {
            value = value * 10 + Int(bytes[index] - 48)
            index += 1
            digits += 1
        }
        guard digits > 0 else { return nil }
        position = index
        return negative ? -value : value
    }

    mutating func word() -> String? {
        let start = position
        while position < bytes.count, (bytes[position] >= 65 && bytes[position] <= 90) || (bytes[position] >= 97 && bytes[position] <= 122) {
            position += 1
        }
        return position > start ? String(decoding: bytes[start..<position], as: UTF8.self) : nil
    }
}
