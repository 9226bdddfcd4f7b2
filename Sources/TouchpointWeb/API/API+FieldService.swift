import Foundation
import Hummingbird
import TouchpointApplication
import TouchpointCore

struct VisitDTO: Encodable {
    var id: String
    var caseId: String
    var technicianId: String
    var start: Date
    var end: Date
    var region: String
    var address: String?
    var status: Appointment.Status
    var sequence: Int
    var outcome: Appointment.Outcome?
    /// The visit as iCalendar, for a calendar or the customer.
    var calendar: String

    init(_ visit: Appointment) {
        id = visit.id.text
        caseId = visit.caseID.text
        technicianId = visit.technicianID.text
        start = visit.start
        end = visit.end
        region = visit.region
        address = visit.address
        status = visit.status
        sequence = visit.sequence
        outcome = visit.outcome
        calendar = "/api/v1/visits/\(visit.id.text)/calendar"
    }
}

struct TechnicianRequest: Decodable {
    var regions: [String]
    var travelMinutes: Int
}

struct VisitCreateRequest: Decodable {
    var technicianId: UUID?
    var start: Date
    var minutes: Int
    var skill: String?
    var region: String
    var address: String?
}

struct VisitRescheduleRequest: Decodable {
    var start: Date
    var minutes: Int?
    var technicianId: UUID?
}

struct VisitCancelRequest: Decodable {
    var reason: String?
}

struct VisitCompleteRequest: Decodable {
    var outcome: Appointment.Outcome
    var note: String?
}

extension API {
    /// Field service: technicians' regions, suggested slots, visits and their iCalendar.
    func addFieldServiceRoutes(to group: RouterGroup<TouchpointContext>) {
        group.put("technicians/{id}") { request, context in
            let caller = try context.caller(may: .administer)
            let body = try await io.decode(TechnicianRequest.self, from: request)
            try await app.fieldService.setTechnician(try context.parameters.id(), brand: caller.brandID, regions: body.regions, travelMinutes: body.travelMinutes)
            return Response(status: .noContent)
        }
        group.get("cases/{id}/visit-slots") { request, context in
            let caller = try context.caller(may: .readCustomers)
            _ = try await findCase(context, caller)
            let query = Query(request: request)
            guard let region = query.string("region") else { throw ValidationError(field: "region", reason: "is required") }
            let minutes = try query.given("minutes").map { raw in
                guard let value = Int(raw) else { throw ValidationError(field: "minutes", reason: "a whole number of minutes") }
                return value
            } ?? 60
            let slots = try await app.fieldService.suggestVisitSlots(brand: caller.brandID, minutes: minutes, skill: query.string("skill"), region: region, from: app.environment.now())
            struct SlotDTO: Encodable {
                var technicianId: String
                var start: Date
                var end: Date
            }
            return try JSONIO.response(["items": slots.map { SlotDTO(technicianId: $0.technicianID.text, start: $0.start, end: $0.end) }])
        }
        group.get("cases/{id}/visits") { _, context in
            let caller = try context.caller(may: .readCustomers)
            let item = try await findCase(context, caller)
            return try JSONIO.response(["items": try await app.fieldService.appointments(caseID: item.id, brand: caller.brandID).map(VisitDTO.init)])
        }
        group.post("cases/{id}/visits") { request, context in
            let caller = try context.caller(may: .handleCases)
            let body = try await io.decode(VisitCreateRequest.self, from: request)
            let item = try await findCase(context, caller)
            let visit = try await app.fieldService.scheduleVisit(caseID: item.id, brand: caller.brandID, actor: .staff(caller.userID),
                                                      request: VisitRequest(technicianID: body.technicianId, start: body.start, minutes: body.minutes,
                                                                            skill: body.skill, region: body.region, address: body.address))
            return try JSONIO.response(VisitDTO(visit), status: .created)
        }
        group.post("visits/{id}/reschedule") { request, context in
            let caller = try context.caller(may: .handleCases)
            let body = try await io.decode(VisitRescheduleRequest.self, from: request)
            return try JSONIO.response(VisitDTO(try await app.fieldService.rescheduleVisit(try context.parameters.id(), brand: caller.brandID, actor: .staff(caller.userID),
                                                                                start: body.start, minutes: body.minutes, technicianID: body.technicianId)))
        }
        group.post("visits/{id}/cancel") { request, context in
            let caller = try context.caller(may: .handleCases)
            let body = try await io.decode(VisitCancelRequest.self, from: request)
            return try JSONIO.response(VisitDTO(try await app.fieldService.cancelVisit(try context.parameters.id(), brand: caller.brandID, actor: .staff(caller.userID),
                                                                            reason: body.reason)))
        }
        group.post("visits/{id}/complete") { request, context in
            let caller = try context.caller(may: .handleCases)
            let body = try await io.decode(VisitCompleteRequest.self, from: request)
            return try JSONIO.response(VisitDTO(try await app.fieldService.completeVisit(try context.parameters.id(), brand: caller.brandID, staff: caller.userID,
                                                                              outcome: body.outcome, note: body.note)))
        }
        group.get("visits/{id}/calendar") { _, context in
            let caller = try context.caller(may: .readCustomers)
            let visit = try await app.fieldService.appointment(try context.parameters.id(), brand: caller.brandID)
            return Response(status: .ok, headers: [.contentType: "text/calendar; charset=utf-8; method=\(visit.status == .cancelled ? "CANCEL" : "REQUEST")",
                                                   .contentDisposition: "attachment; filename=\"visit.ics\""],
                            body: .init(byteBuffer: ByteBuffer(string: try await app.fieldService.visitCalendar(visit))))
        }
    }
}
