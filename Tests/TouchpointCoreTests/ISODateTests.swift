import Foundation
import Testing
@testable import TouchpointCore

@Suite("ISO 8601 date-times read by hand")
struct ISODateTests {
    /// Random valid date-times agree with Foundation's own ISO 8601 parser (swift-foundation's,
    /// which does not go through ICU), offsets and fractions included.
    @Test func randomDateTimesAgreeWithFoundation() throws {
        var rng = PropertyTests.Seeded(state: 8601)
        let reference = Date.ISO8601FormatStyle(includingFractionalSeconds: true)
        func two(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
        for _ in 0..<2_000 {
            let instant = Date(timeIntervalSince1970: Double(Int.random(in: -2_000_000_000...4_000_000_000, using: &rng)))
            let base = Date.ISO8601FormatStyle().format(instant).dropLast()  // …THH:MM:SS without the Z
            let millis = Int.random(in: 0...999, using: &rng)
            let offset = Int.random(in: -14 * 4...14 * 4, using: &rng) * 15
            let zone = offset == 0 && Bool.random(using: &rng)
                ? "Z" : "\(offset < 0 ? "-" : "+")\(two(abs(offset) / 60)):\(two(abs(offset) % 60))"
            let text = "\(base).\(String(1000 + millis).dropFirst())\(zone)"
            let expected = try reference.parse(text)
            let parsed = try #require(ISODate.parse(text), "\(text)")
            #expect(abs(parsed.timeIntervalSince(expected)) < 0.0005, "\(text): \(parsed) vs \(expected)")
        }
    }

    @Test(arguments: [
        ("2026-11-23T09:30:00Z", 1_795_426_200.0), ("2026-11-23T09:30Z", 1_795_426_200.0),
        ("2026-11-23t10:30:00+01:00", 1_795_426_200.0), ("2026-11-23 04:00:00-0530", 1_795_426_200.0),
        ("2026-11-23T11:30:00+02", 1_795_426_200.0), ("2026-11-23T09:30:00.123456789Z", 1_795_426_200.123456789),
        ("2024-02-29T00:00:00Z", 1_709_164_800.0), ("1969-12-31T23:59:59.5Z", -0.5),
    ])
    func acceptedForms(text: String, seconds: Double) throws {
        let parsed = try #require(ISODate.parse(text))
        #expect(abs(parsed.timeIntervalSince1970 - seconds) < 0.000_001, "\(text): \(parsed.timeIntervalSince1970)")
    }

    /// What the fuzzer found (a hundred fraction digits, which killed ICU) and the other ways
    /// a date can be wrong: each is refused, not guessed.
    @Test(arguments: [
        "2026-12-04T09:30:00.2" + String(repeating: "0", count: 100) + "Z", "2026-12-04T09:30:00.1234567890Z",
        "2026-02-30T00:00:00Z", "2026-13-01T00:00:00Z", "2026-12-04T24:00:00Z", "2026-12-04T12:60:00Z",
        "2026-12-04T12:00:60Z", "2026-12-04T12:99Z", "2026-12-04", "2026-12-04T09:30:00", "2026-12-04T09:30:00.Z",
        "2026-12-04T09:30:00+25:00", "2026-12-04T09:30:00+01:60", "2026-12-04T09:30:00Zjunk", "", "12:99",
        "２０２６-12-04T09:30:00Z", "2026-12-04T09:30:00\u{0}Z", "+2026-12-04T09:30:00Z",
    ])
    func refusedForms(text: String) {
        #expect(ISODate.parse(text) == nil, "\(text.debugDescription)")
    }
}
