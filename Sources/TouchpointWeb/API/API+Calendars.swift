import Foundation
import Hummingbird
import NIOCore
import TouchpointApplication
import TouchpointCore

/// A business calendar on the wire: the CLI's calendar JSON with an id and a name.
struct CalendarDTO: Codable {
    var id: String?
    var name: String
    var timeZone: String
    var weekly: [String: [[String]]]
    var holidays: [String]?
    var yearlyHolidays: [String]?
    /// Only after an iCalendar import: events that were neither hours nor holidays.
    var skipped: [String]?

    init(_ named: NamedCalendar) {
        let definition = CalendarDefinition(named.calendar)
        id = named.id.text
        name = named.name
        timeZone = definition.timeZone
        weekly = definition.weekly
        holidays = definition.holidays
        yearlyHolidays = definition.yearlyHolidays
    }

    func calendar() throws -> BusinessCalendar {
        try CalendarDefinition(timeZone: timeZone, weekly: weekly, holidays: holidays, yearlyHolidays: yearlyHolidays).calendar()
    }
}

struct CalendarArithmeticDTO: Encodable {
    var from: String
    var to: String
    var minutes: Double
}

extension API {
    func addCalendarRoutes(to group: RouterGroup<TouchpointContext>) {
        group.get("calendars") { _, context in
            let caller = try context.caller(may: .readCustomers)
            return try JSONIO.response(["items": try await app.serviceSettings.calendars(brand: caller.brandID).map(CalendarDTO.init)])
        }
        group.post("calendars") { request, context in
            let caller = try context.caller(may: .administer)
            let body = try await io.decode(CalendarDTO.self, from: request)
            let saved = try await app.serviceSettings.saveCalendar(id: nil, name: body.name, calendar: try body.calendar(), brand: caller.brandID, actor: .staff(caller.userID))
            return try JSONIO.response(CalendarDTO(saved), status: .created, headers: [.location: "/api/v1/calendars/\(saved.id.text)"])
        }
        group.post("calendars/import") { request, context in
            let caller = try context.caller(may: .administer)
            let buffer = try await io.collect(request)
            let imported = try BusinessCalendar.importing(iCalendar: String(decoding: buffer.readableBytesView, as: UTF8.self))
            guard let name = Query(request: request).string("name") ?? imported.name else {
                throw Problem.invalid(ValidationError(field: "name", reason: "give a name (?name=…) or X-WR-CALNAME in the document"))
            }
            let saved = try await app.serviceSettings.saveCalendar(id: nil, name: name, calendar: imported.calendar, brand: caller.brandID, actor: .staff(caller.userID))
            var dto = CalendarDTO(saved)
            dto.skipped = imported.skipped
            return try JSONIO.response(dto, status: .created, headers: [.location: "/api/v1/calendars/\(saved.id.text)"])
        }
        group.get("calendars/{id}") { _, context in
            let caller = try context.caller(may: .readCustomers)
            return try JSONIO.response(CalendarDTO(try await app.serviceSettings.calendar(try context.parameters.id(), brand: caller.brandID)))
        }
        group.put("calendars/{id}") { request, context in
            let caller = try context.caller(may: .administer)
            let id = try context.parameters.id()
            _ = try await app.serviceSettings.calendar(id, brand: caller.brandID)
            let body = try await io.decode(CalendarDTO.self, from: request)
            let saved = try await app.serviceSettings.saveCalendar(id: id, name: body.name, calendar: try body.calendar(), brand: caller.brandID, actor: .staff(caller.userID))
            return try JSONIO.response(CalendarDTO(saved))
        }
        group.delete("calendars/{id}") { _, context in
            let caller = try context.caller(may: .administer)
            try await app.serviceSettings.deleteCalendar(try context.parameters.id(), brand: caller.brandID)
            return Response(status: .noContent)
        }
        group.get("calendars/{id}/ics") { _, context in
            let caller = try context.caller(may: .readCustomers)
            let named = try await app.serviceSettings.calendar(try context.parameters.id(), brand: caller.brandID)
            let text = named.calendar.iCalendar(name: named.name, stamp: app.environment.now())
            return Response(status: .ok, headers: [.contentType: "text/calendar; charset=utf-8",
                                                   .contentDisposition: "attachment; filename=\"calendar-\(named.id.text).ics\""],
                            body: .init(byteBuffer: ByteBuffer(string: text)))
        }
        group.get("calendars/{id}/due") { request, context in
            let caller = try context.caller(may: .readCustomers)
            let calendar = try await app.serviceSettings.calendar(try context.parameters.id(), brand: caller.brandID).calendar
            let query = Query(request: request)
            let from = try instant(query, "from", calendar)
            guard let raw = query.string("minutes"), let minutes = Double(raw), minutes >= 0, minutes <= 10_000_000 else {
                throw Problem.invalid(ValidationError(field: "minutes", reason: "must be a number of minutes ≥ 0"))
            }
            guard let due = calendar.adding(seconds: minutes * 60, to: from) else {
                throw Problem(.unprocessableContent, "the calendar never opens", field: "id", reason: "no opening hours")
            }
            return try JSONIO.response(CalendarArithmeticDTO(from: calendar.format(from), to: calendar.format(due), minutes: minutes))
        }
        group.get("calendars/{id}/minutes") { request, context in
            let caller = try context.caller(may: .readCustomers)
            let calendar = try await app.serviceSettings.calendar(try context.parameters.id(), brand: caller.brandID).calendar
            let query = Query(request: request)
            let from = try instant(query, "from", calendar), to = try instant(query, "to", calendar)
            return try JSONIO.response(CalendarArithmeticDTO(from: calendar.format(from), to: calendar.format(to),
                                                             minutes: calendar.seconds(from: from, to: to) / 60))
        }
    }

    func instant(_ query: Query, _ name: String, _ calendar: BusinessCalendar) throws -> Date {
        guard let raw = query.string(name), let date = calendar.parse(raw) else {
            throw Problem.invalid(ValidationError(field: name, reason: "must be an ISO 8601 date-time such as 2026-11-23T09:30:00+01:00"))
        }
        return date
    }
}
