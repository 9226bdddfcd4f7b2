import Foundation
import Hummingbird
import TouchpointApplication
import TouchpointCore

/// The technician's day at `/console/visits`: their visits of a day, made for a phone — who,
/// where, how to call them, the case — and the outcome recorded on the spot.
extension Console {
    func addVisitRoutes(to group: RouterGroup<TouchpointContext>) {
        group.get("visits") { request, context in try await visitsPage(request, context) }
        group.post("visits/{id}/complete") { _, context in
            let session = try context.signedIn()
            guard session.principal.may(.handleCases) else { throw Problem(.forbidden, "your role may not record visits") }
            let form = context.form ?? HTMLForm(urlEncoded: "")
            guard let id = context.parameters.get("id").flatMap(UUID.init(text:)) else { throw Problem(.notFound, "visit not found") }
            guard let outcome = form.text("outcome").flatMap(Appointment.Outcome.init(rawValue:)) else {
                throw ValidationError(field: "outcome", reason: "choose how the visit went")
            }
            let visit = try await app.fieldService.appointment(id, brand: session.user.brandID)
            guard visit.technicianID == session.user.id || session.principal.may(.administer) else {
                throw Problem(.forbidden, "this is another technician's visit")
            }
            _ = try await app.fieldService.completeVisit(id, brand: session.user.brandID, staff: session.user.id, outcome: outcome, note: form["note"])
            let zone = try await app.staff.brand(session.user.brandID).zone
            return Pages.redirect("/console/visits?day=\(CivilDate(visit.start, timeZone: zone))&done=1")
        }
        group.get("visits/{id}/calendar") { _, context in
            let session = try context.signedIn()
            guard let id = context.parameters.get("id").flatMap(UUID.init(text:)) else { throw Problem(.notFound, "visit not found") }
            let visit = try await app.fieldService.appointment(id, brand: session.user.brandID)
            return Response(status: .ok, headers: [.contentType: "text/calendar; charset=utf-8", .contentDisposition: "attachment; filename=\"visit.ics\""],
                            body: .init(byteBuffer: ByteBuffer(string: try await app.fieldService.visitCalendar(visit))))
        }
    }

    /// A visit's state in the technician's words, never the stored name.
    static let visitStatus: [Appointment.Status: (en: String, pl: String)] = [
        .scheduled: ("planned", "zaplanowana"), .cancelled: ("called off", "odwołana"), .done: ("done", "odbyta"),
    ]

    struct VisitsView {
        var chrome: Chrome
        var notice: String?
        var day: String
        var previous: String
        var next: String
        var previousLabel: String
        var nextLabel: String
        var visits: [VisitLine]
    }

    struct VisitLine {
        var id: String
        var time: String
        var status: String
        var open: Bool
        var customer: String
        var phone: String?
        var address: String?
        var caseHref: String
        var caseRef: String
        var subject: String
        var outcome: String?
    }

    func visitsPage(_ request: Request, _ context: TouchpointContext) async throws -> Response {
        let session = try context.signedIn()
        let brand = session.user.brandID
        let query = HTMLForm(urlEncoded: request.uri.query ?? "")
        // The technician's day is the brand's local day, and the times on it its wall clock.
        let brandInfo = try await app.staff.brand(brand)
        let say = context.language
        let reader = brandInfo.reader(say)
        let day = query.text("day").flatMap(CivilDate.init) ?? CivilDate(app.environment.now(), timeZone: brandInfo.zone)
        let (start, end) = day.bounds(in: brandInfo.zone)
        let visits = try await app.fieldService.appointments(technician: session.user.id, brand: brand, from: start, to: end)
        let prefix = brandInfo.casePrefix
        var lines: [VisitLine] = []
        for visit in visits {
            let item = try await app.cases.case(visit.caseID, brand: brand)
            let contact = try await app.contacts.contact(item.contactID, brand: brand)
            lines.append(VisitLine(id: visit.id.text, time: "\(reader.clock(visit.start))–\(reader.clock(visit.end))", status: Self.visitStatus[visit.status].map { say.say($0.en, $0.pl) } ?? "",
                                   open: visit.status == .scheduled, customer: contact.name ?? say.say("customer", "klient"),
                                   phone: contact.identities.first { $0.kind == .phone }?.value, address: visit.address,
                                   caseHref: "/console/cases/\(item.number)", caseRef: "\(prefix)-\(item.number)", subject: item.subject,
                                   outcome: visit.outcome?.words(say)))
        }
        return pages.render("visits", VisitsView(
            chrome: Chrome(title: say.say("My visits", "Moje wizyty"), session: session),
            notice: query["done"] != nil ? say.say("Visit recorded.", "Wizyta zapisana.") : nil, day: reader.day(start),
            previous: day.adding(days: -1).description, next: day.adding(days: 1).description,
            previousLabel: reader.day(day.adding(days: -1).bounds(in: brandInfo.zone).start),
            nextLabel: reader.day(day.adding(days: 1).bounds(in: brandInfo.zone).start),
            visits: lines))
    }
}
