import ArgumentParser
import Foundation
import TouchpointCore

/// `touchpoint calendar due|minutes`: the business-calendar arithmetic SLA clocks use,
/// for operators and for checks. The calendar file is the JSON calendar definition.
struct CalendarCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "calendar", abstract: "Business-calendar arithmetic (as the SLA clocks count).", subcommands: [Due.self, Minutes.self])

    struct Due: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print the instant at which N business minutes have elapsed from an instant.")
        @Option(help: "Calendar JSON file.") var calendar: String
        @Option(help: "Start, ISO 8601 (an instant without offset is local time of the calendar).") var from: String
        @Option(help: "Business minutes to add.") var minutes: Double

        func run() throws {
            let calendar = try CalendarCommand.load(self.calendar)
            let start = try CalendarCommand.instant(from, calendar: calendar, option: "--from")
            guard minutes >= 0, minutes.isFinite else { throw ValidationError("--minutes must be a number ≥ 0") }
            guard let due = calendar.adding(seconds: minutes * 60, to: start) else {
                throw CalendarCommand.fail("the calendar has no opening hours, so no business minutes ever elapse")
            }
            print(calendar.format(due))
        }
    }

    struct Minutes: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print the business minutes between two instants.")
        @Option(help: "Calendar JSON file.") var calendar: String
        @Option(help: "Start, ISO 8601.") var from: String
        @Option(help: "End, ISO 8601.") var to: String

        func run() throws {
            let calendar = try CalendarCommand.load(self.calendar)
            let start = try CalendarCommand.instant(from, calendar: calendar, option: "--from")
            let end = try CalendarCommand.instant(to, calendar: calendar, option: "--to")
            let minutes = calendar.seconds(from: start, to: end) / 60
            print(minutes == minutes.rounded() ? String(Int(minutes)) : String(format: "%.2f", minutes))
        }
    }

    static func load(_ path: String) throws -> BusinessCalendar {
        guard let data = FileManager.default.contents(atPath: path) else { throw fail("cannot read the calendar file \(path)") }
        let definition: CalendarDefinition
        do {
            definition = try JSONDecoder().decode(CalendarDefinition.self, from: data)
        } catch {
            throw fail("\(path) is not a calendar definition: \(error)")
        }
        do {
            return try definition.calendar()
        } catch {
            throw fail("\(path): \(error.field): \(error.reason)")
        }
    }

    static func instant(_ text: String, calendar: BusinessCalendar, option: String) throws -> Date {
        guard let date = calendar.parse(text) else { throw ValidationError("\(option) must be ISO 8601, e.g. 2026-11-23T09:30:00+01:00; got '\(text)'") }
        return date
    }

    static func fail(_ message: String) -> ExitCode {
        FileHandle.standardError.write(Data("error: \(message)\n".utf8))
        return ExitCode(65)
    }
}
