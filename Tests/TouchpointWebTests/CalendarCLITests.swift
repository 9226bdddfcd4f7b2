import Foundation
import Testing

@Suite("touchpoint calendar due|minutes, run as the real binary")
struct CalendarCLITests {
    func run(_ arguments: [String]) async throws -> (status: Int32, out: String, err: String) {
        try await Processes.run(try Processes.touchpoint(), arguments)
    }

    func calendarFile(_ json: String) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("calendar-\(UUID().uuidString).json").path
        try json.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    static let warsaw = """
        {"timeZone": "Europe/Warsaw",
         "weekly": {"mon": [["08:00","12:00"],["13:00","17:00"]], "tue": [["08:00","12:00"],["13:00","17:00"]],
                    "wed": [["08:00","12:00"],["13:00","17:00"]], "thu": [["08:00","12:00"],["13:00","17:00"]],
                    "fri": [["08:00","12:00"],["13:00","17:00"]]},
         "holidays": ["2026-12-24"], "yearlyHolidays": ["12-25", "12-26", "01-01"]}
        """

    @Test func dueAndMinutesPrintTheCalendarArithmetic() async throws {
        let file = try calendarFile(Self.warsaw)
        defer { try? FileManager.default.removeItem(atPath: file) }
        let due = try await run(["calendar", "due", "--calendar", file, "--from", "2026-12-23T16:30:00+01:00", "--minutes", "60"])
        #expect(due.status == 0)
        #expect(due.out == "2026-12-28T08:30:00+01:00\n")
        let spring = try await run(["calendar", "due", "--calendar", file, "--from", "2026-03-27T16:00:00Z", "--minutes", "120"])
        #expect(spring.out == "2026-03-30T10:00:00+02:00\n", "16:00Z is 17:00 in Warsaw, after closing")
        let minutes = try await run(["calendar", "minutes", "--calendar", file, "--from", "2026-11-27T16:00:00+01:00", "--to", "2026-11-30T09:00:00+01:00"])
        #expect(minutes.status == 0)
        #expect(minutes.out == "120\n")
    }

    @Test func badInputExitsWithAClearError() async throws {
        let broken = try calendarFile(#"{"timeZone": "Mars/Olympus", "weekly": {}}"#)
        defer { try? FileManager.default.removeItem(atPath: broken) }
        let zone = try await run(["calendar", "due", "--calendar", broken, "--from", "2026-11-23T09:00:00Z", "--minutes", "5"])
        #expect(zone.status == 65)
        #expect(zone.err.contains("timeZone: unknown time zone 'Mars/Olympus'"))
        let file = try calendarFile(Self.warsaw)
        defer { try? FileManager.default.removeItem(atPath: file) }
        let when = try await run(["calendar", "due", "--calendar", file, "--from", "yesterday", "--minutes", "5"])
        #expect(when.status != 0)
        #expect(when.err.contains("--from must be ISO 8601"))
    }
}
