import Foundation
import TouchpointApplication
import TouchpointCore

/// A technician's visit or a desk appointment a customer has coming, as the agent's case page
/// and the customer's portal list them.
struct ComingUpLine {
    var what: String
    var at: TimeText
    var place: String

    /// What `summary` has coming, soonest first: visits in the brand's time zone, desk
    /// appointments in their location's, read in `language`.
    static func lines(_ summary: CustomerSummary, app: UseCases, brand: Brand, language: Language = .en) async throws -> [ComingUpLine] {
        var places: [UUID: Location] = [:]
        for appointment in summary.deskAppointments where places[appointment.locationID] == nil {
            places[appointment.locationID] = try await app.walkIn.location(appointment.locationID, brand: brand.id)
        }
        let reader = brand.reader(language)
        let visits = summary.visits.map {
            (start: $0.start, line: ComingUpLine(what: PortalWords(language).technicianVisit, at: TimeText($0.start, reader), place: $0.address ?? ""))
        }
        let desks = summary.deskAppointments.map { appointment in
            let place = places[appointment.locationID]
            let category = place?.setup.category(appointment.category)?.name ?? appointment.category
            return (
                start: appointment.start,
                line: ComingUpLine(what: "\(PortalWords(language).appointment) \(category)", at: TimeText(appointment.start, place.map { ReaderTime(zone: $0.zone, language: language) } ?? reader),
                                   place: place?.name ?? "")
            )
        }
        return (visits + desks).sorted { $0.start < $1.start }.map(\.line)
    }
}
