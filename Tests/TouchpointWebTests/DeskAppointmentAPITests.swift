import Foundation
import Testing
import TouchpointApp
import TouchpointCore
import TouchpointStore

/// Desk appointments over the API against a running server with the demo data: opening
/// hours on the location, free times, booking and its refusals, the iCalendar read by an
/// independent parser, check-in to a ticket, cancelling.
@Suite("Desk appointments over the API", .serialized)
struct DeskAppointmentAPITests {
    @Test func anAppointmentIsBookedCheckedInAndAnotherCancelled() async throws {
        try await TestServer.run { server in
            let brand = server.brand.id
            let (token, _) = try await server.store.createToken(email: DemoData.adminEmail, name: "test", scope: .write)
            let port = server.port
            func api(_ method: String, _ path: String, _ body: Any? = nil) async throws -> (status: Int, json: [String: Any], text: String, type: String) {
                let data = try body.map { try JSONSerialization.data(withJSONObject: $0) } ?? Data()
                let answer = try await Processes.offPool {
                    try RawHTTP.exchange(port: port, method: method, path: path, headers: ["Authorization": "Bearer \(token)", "Content-Type": "application/json"], body: data)
                }
                return (answer.status, (try? JSONSerialization.jsonObject(with: answer.body) as? [String: Any]) ?? [:], String(decoding: answer.body, as: UTF8.self),
                        answer.head.lowercased())
            }
            // Open every hour of every day, so the test does not depend on when it runs.
            let always = try await server.store.saveCalendar(id: nil, name: "Always open", calendar: try CalendarDefinition(timeZone: "Europe/Warsaw", weekly: [
                "mon": [["00:00", "24:00"]], "tue": [["00:00", "24:00"]], "wed": [["00:00", "24:00"]], "thu": [["00:00", "24:00"]],
                "fri": [["00:00", "24:00"]], "sat": [["00:00", "24:00"]], "sun": [["00:00", "24:00"]],
            ]).calendar(), brand: brand, actor: .system)
            let unknown = try await api("PATCH", "/api/v1/locations/warsaw-centre", ["calendarId": UUID().uuidString])
            #expect(unknown.status == 422 && unknown.text.contains("calendarId") && unknown.type.contains("content-type: application/problem+json"))
            let patched = try await api("PATCH", "/api/v1/locations/warsaw-centre", ["calendarId": always.id.uuidString])
            #expect(patched.status == 200 && (patched.json["calendarId"] as? String)?.lowercased() == always.id.uuidString.lowercased())

            let customers = try await server.store.contacts(brand: brand, accountID: nil, identity: nil, query: nil, limit: 2, cursor: nil).items
            #expect(customers.count == 2)
            let slots = try await api("GET", "/api/v1/locations/warsaw-centre/appointment-slots?category=C")
            let items = try #require(slots.json["items"] as? [[String: Any]])
            #expect(items.count == 8)
            let first = try #require(items.first?["start"] as? String)
            #expect((items.first?["local"] as? String)?.count == 16)
            let missing = try await api("GET", "/api/v1/locations/warsaw-centre/appointment-slots")
            #expect(missing.status == 422 && missing.text.contains("category"))

            let booked = try await api("POST", "/api/v1/locations/warsaw-centre/appointments", ["category": "C", "contactId": customers[0].id.text, "start": first])
            #expect(booked.status == 201, "\(booked.text)")
            let id = try #require(booked.json["id"] as? String)
            #expect(booked.json["state"] as? String == "booked" && booked.json["caseId"] is String)
            // The time is taken: refused, saying why.
            let taken = try await api("POST", "/api/v1/locations/warsaw-centre/appointments", ["category": "C", "contactId": customers[1].id.text, "start": first])
            #expect(taken.status == 409 && taken.text.contains("every appointment at that time is taken"))
            let badStart = try await api("POST", "/api/v1/locations/warsaw-centre/appointments", ["category": "C", "contactId": customers[1].id.text, "start": 12])
            #expect([400, 422].contains(badStart.status) && badStart.text.contains("start"))
            let walkInOnly = try await api("POST", "/api/v1/locations/warsaw-centre/appointments", ["category": "S", "contactId": customers[1].id.text, "start": first])
            #expect(walkInOnly.status == 409 && walkInOnly.text.contains("takes no appointments"))

            // The invitation as a calendar reads it.
            let download = try await api("GET", "/api/v1/desk-appointments/\(id)/calendar")
            let invitation = try await FieldServiceTests.parse(download.text)
            #expect(download.status == 200 && invitation["method"] as? String == "REQUEST" && invitation["sequence"] as? Int == 0)
            let fractional = ISO8601DateFormatter()
            fractional.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
            let startDate = try #require(fractional.date(from: first) ?? ISO8601DateFormatter().date(from: first))
            #expect(invitation["start"] as? String == ISO8601DateFormatter().string(from: startDate).replacingOccurrences(of: "Z", with: "+00:00"))
            #expect((invitation["location"] as? String)?.contains("Warsaw Centre") == true)

            // The desk's day list has it; checking in gives a ticket that remembers it.
            let day = try await api("GET", "/api/v1/locations/warsaw-centre/appointments?day=\(String((items.first?["local"] as? String ?? "").prefix(10)))")
            #expect((day.json["items"] as? [[String: Any]])?.contains { $0["id"] as? String == id } == true)
            let checkIn = try await api("POST", "/api/v1/desk-appointments/\(id)/check-in")
            #expect(checkIn.status == 200, "\(checkIn.text)")
            let ticket = try #require(checkIn.json["ticket"] as? [String: Any])
            #expect(ticket["appointmentId"] as? String == id && (ticket["label"] as? String)?.hasPrefix("C") == true)
            #expect(try await api("POST", "/api/v1/desk-appointments/\(id)/check-in").status == 409)

            // Another one, called off: a CANCEL.
            let second = try #require(items.dropFirst().first?["start"] as? String)
            let other = try await api("POST", "/api/v1/locations/warsaw-centre/appointments", ["category": "C", "contactId": customers[1].id.text, "start": second])
            let otherID = try #require(other.json["id"] as? String)
            let cancelled = try await api("POST", "/api/v1/desk-appointments/\(otherID)/cancel", ["reason": "customer rang"])
            #expect(cancelled.json["state"] as? String == "cancelled" && cancelled.json["sequence"] as? Int == 1)
            let cancel = try await FieldServiceTests.parse(try await api("GET", "/api/v1/desk-appointments/\(otherID)/calendar").text)
            #expect(cancel["method"] as? String == "CANCEL" && cancel["status"] as? String == "CANCELLED")
            #expect(try await api("GET", "/api/v1/desk-appointments/\(UUID().uuidString)").status == 404)
        }
    }
}
