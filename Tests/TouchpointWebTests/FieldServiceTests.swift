import Foundation
import Testing
import TouchpointApp
import TouchpointCore
import TouchpointStore

/// Reads an iCalendar file with Python's `icalendar` (an independent parser) and prints what
/// a calendar client would take from it.
private let readInvitation = #"""
import json, sys
from icalendar import Calendar
calendar = Calendar.from_ical(open(sys.argv[1], "rb").read())
events = [part for part in calendar.walk() if part.name == "VEVENT"]
event = events[0]
print(json.dumps({
    "method": str(calendar.get("METHOD")), "events": len(events), "uid": str(event.get("UID")), "sequence": int(event.get("SEQUENCE")),
    "start": event.decoded("DTSTART").isoformat(), "end": event.decoded("DTEND").isoformat(), "status": str(event.get("STATUS")),
    "attendee": str(event.get("ATTENDEE")), "summary": str(event.get("SUMMARY")), "location": str(event.get("LOCATION", "")),
}))
"""#

/// Field-service visits over the API, against a running server with the demo data: slots,
/// booking without double booking, the customer's iCalendar invitations and their updates,
/// and the outcome on the case.
@Suite("Field service: visits, invitations and outcomes", .serialized)
struct FieldServiceTests {
    static func parse(_ calendar: String) async throws -> [String: Any] {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("visit-\(UUID().uuidString).ics").path
        defer { try? FileManager.default.removeItem(atPath: file) }
        try calendar.write(toFile: file, atomically: true, encoding: .utf8)
        let run = try await Processes.python(readInvitation, [file])
        #expect(run.status == 0, "\(run.err)")
        return try JSONSerialization.jsonObject(with: Data(run.out.utf8)) as? [String: Any] ?? [:]
    }

    @Test func aVisitIsBookedMovedCancelledAndCompletedWithInvitations() async throws {
        try await TestServer.run { server in
            let brand = server.brand.id
            let (token, _) = try await server.store.createToken(email: DemoData.adminEmail, name: "test", scope: .write)
            let port = server.port
            func api(_ method: String, _ path: String, _ body: [String: Any]? = nil) async throws -> (status: Int, json: [String: Any], text: String) {
                let data = try body.map { try JSONSerialization.data(withJSONObject: $0) } ?? Data()
                let answer = try await Processes.offPool {
                    try RawHTTP.exchange(port: port, method: method, path: path, headers: ["Authorization": "Bearer \(token)", "Content-Type": "application/json"], body: data)
                }
                let text = String(decoding: answer.body, as: UTF8.self)
                return (answer.status, (try? JSONSerialization.jsonObject(with: answer.body) as? [String: Any]) ?? [:], text)
            }
            let technician = try #require(try await server.store.staffUsers(brand: brand).first { $0.role == .technician })
            #expect(try await api("PUT", "/api/v1/technicians/\(technician.id.text)", ["regions": ["Warsaw"], "travelMinutes": 30]).status == 204)
            let item = try #require(try await server.store.cases(brand: brand, filter: CaseFilter(statuses: [.new, .open], contactPoint: .email), limit: 1, cursor: nil).items.first)
            let customer = try await server.store.contact(item.contactID, brand: brand)
            let email = try #require(customer.identities.first { $0.kind == .email }?.value)

            let slots = try await api("GET", "/api/v1/cases/\(item.number)/visit-slots?region=warsaw&minutes=60&skill=meter")
            let first = try #require((slots.json["items"] as? [[String: Any]])?.first)
            #expect(first["technicianId"] as? String == technician.id.text)
            let start = try #require(first["start"] as? String)
            let booked = try await api("POST", "/api/v1/cases/\(item.number)/visits",
                                       ["technicianId": technician.id.text, "start": start, "minutes": 60, "skill": "meter", "region": "warsaw",
                                        "address": "ul. Długa 5, Warszawa"])
            #expect(booked.status == 201, "\(booked.text)")
            let visitID = try #require(booked.json["id"] as? String)
            // The same technician at the same time: refused.
            let clash = try await api("POST", "/api/v1/cases/\(item.number)/visits",
                                      ["technicianId": technician.id.text, "start": start, "minutes": 30, "region": "warsaw"])
            #expect(clash.status == 409 && clash.text.contains("another visit"))

            // The customer's invitation, as their calendar reads it.
            func lastInvitation() async throws -> String {
                let mails = try await server.store.interactions(caseID: item.id, brand: brand).filter { $0.direction == .outbound && $0.contactPoint == .email }
                let attachment = try #require(mails.last?.attachments.first { $0.contentType.hasPrefix("text/calendar") })
                return String(decoding: try await server.store.attachment(sha256: attachment.sha256, brand: brand).data, as: UTF8.self)
            }
            let invitation = try await Self.parse(try await lastInvitation())
            #expect(invitation["method"] as? String == "REQUEST" && invitation["sequence"] as? Int == 0 && invitation["events"] as? Int == 1)
            #expect((invitation["attendee"] as? String)?.lowercased() == "mailto:\(email)")
            #expect(invitation["location"] as? String == "ul. Długa 5, Warszawa")
            let uid = try #require(invitation["uid"] as? String)
            let fractional = ISO8601DateFormatter()
            fractional.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
            let startDate = try #require(fractional.date(from: start))
            #expect(invitation["start"] as? String == ISO8601DateFormatter().string(from: startDate).replacingOccurrences(of: "Z", with: "+00:00"))
            #expect(try await server.store.outbox(brand: brand, state: nil, limit: 200, cursor: nil).items.contains { $0.caseID == item.id })
            // The email says when in the brand's zone (Warsaw) and language, as ICU would write it.
            func lastEmail() async throws -> String {
                try #require(try await server.store.interactions(caseID: item.id, brand: brand).last { $0.direction == .outbound && $0.contactPoint == .email }).text
            }
            func reads(_ date: Date, _ end: Date, _ locale: String) -> String {
                let formatter = DateFormatter()
                formatter.locale = Locale(identifier: locale)
                formatter.timeZone = TimeZone(identifier: "Europe/Warsaw")
                formatter.dateFormat = "EEEE d MMMM, HH:mm"
                let day = formatter.string(from: date)
                // The first free slot follows the clock: a visit that runs past midnight names both days.
                var calendar = Calendar(identifier: .gregorian)
                calendar.timeZone = formatter.timeZone
                if !calendar.isDate(date, inSameDayAs: end) { return "\(day) – \(formatter.string(from: end))" }
                formatter.dateFormat = "HH:mm"
                return "\(day)–\(formatter.string(from: end))"
            }
            let bookedText = try await lastEmail()
            #expect(bookedText == "A technician will visit you on \(reads(startDate, startDate.addingTimeInterval(3600), "en_GB")) at ul. Długa 5, Warszawa. "
                + "The invitation is attached for your calendar.", "\(bookedText)")

            // An unknown zone is refused by name; the brand switches to Polish.
            let badZone = try await api("PATCH", "/api/v1/brand", ["timeZone": "Europe/Atlantis"])
            #expect(badZone.status == 422 && badZone.text.contains("timeZone"), "\(badZone.text)")
            let polish = try await api("PATCH", "/api/v1/brand", ["language": "pl", "timeZone": "Europe/Warsaw"])
            #expect(polish.json["timeZone"] as? String == "Europe/Warsaw" && polish.json["language"] as? String == "pl")

            // Moved two hours later: the same UID, a higher SEQUENCE.
            let later = ISO8601DateFormatter().string(from: startDate.addingTimeInterval(7200))
            #expect(try await api("POST", "/api/v1/visits/\(visitID)/reschedule", ["start": later]).status == 200)
            let moved = try await Self.parse(try await lastInvitation())
            #expect(moved["uid"] as? String == uid && moved["sequence"] as? Int == 1 && moved["method"] as? String == "REQUEST")
            let movedText = try await lastEmail()
            #expect(movedText == "Wizyta technika została przeniesiona na: \(reads(startDate.addingTimeInterval(7200), startDate.addingTimeInterval(10_800), "pl_PL")). "
                + "Zaktualizowane zaproszenie jest w załączniku.", "\(movedText)")
            // Called off: CANCEL, and the downloadable file says so too.
            let calledOff = try await api("POST", "/api/v1/visits/\(visitID)/cancel", ["reason": "customer away"])
            #expect(calledOff.json["status"] as? String == "cancelled")
            let cancelled = try await Self.parse(try await lastInvitation())
            #expect(cancelled["method"] as? String == "CANCEL" && cancelled["sequence"] as? Int == 2 && cancelled["status"] as? String == "CANCELLED")
            let download = try await api("GET", "/api/v1/visits/\(visitID)/calendar")
            let downloaded = try await Self.parse(download.text)
            #expect(download.status == 200 && downloaded["method"] as? String == "CANCEL")

            // A new visit at the freed time, done: resolved on the case and on the timeline.
            let again = try await api("POST", "/api/v1/cases/\(item.number)/visits", ["start": start, "minutes": 60, "skill": "meter", "region": "warsaw"])
            let againID = try #require(again.json["id"] as? String)
            let done = try await api("POST", "/api/v1/visits/\(againID)/complete", ["outcome": "resolved", "note": "Replaced the meter's battery."])
            #expect(done.json["status"] as? String == "done")
            #expect(try await server.store.case(item.id, brand: brand).status == .resolved)
            let report = try #require(try await server.store.interactions(caseID: item.id, brand: brand).last { $0.contactPoint == .fieldService })
            #expect(report.text.contains("resolved") && report.text.contains("battery") && report.nature == .high)
        }
    }
}
