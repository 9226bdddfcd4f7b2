import Foundation
import TouchpointCore

/// One line of prose for a recorded event on a timeline.
enum EventText {
    static func describe(_ event: DomainEvent, staff: [UserID: String]) -> String {
        let payload = event.payload
        func text(_ key: String) -> String? {
            switch payload[key] {
            case .string(let value): value
            case .int(let value): String(value)
            case .double(let value): String(value)
            case .bool(let value): value ? "yes" : "no"
            default: nil
            }
        }
        func person(_ key: String) -> String {
            guard let raw = text(key) else { return "nobody" }
            return UUID(text: raw).flatMap { staff[$0] } ?? "someone"
        }
        let change = text("from").map { "\($0) → \(text("to") ?? "—")" } ?? text("to") ?? ""
        let why = text("reason").map { " — \($0)" } ?? ""
        let medium = switch text("contactPoint").flatMap(ContactPoint.init(rawValue:)) {
        case .email: "Email"
        case .sms: "SMS"
        case .whatsApp: "WhatsApp message"
        default: "Message"
        }
        switch event.type {
        case .caseCreated: return "Case opened"
        case .caseStatusChanged: return "Status \(change)"
        case .caseUpdated: return "\(text("field") ?? "Case") \(change)"
        case .caseLevelChanged: return "Support level \(change)"
        case .caseEscalated: return "Escalated \(change)\(why)"
        case .caseDeescalated: return "De-escalated \(change)\(why)"
        case .caseAssigned: return "Assigned to \(person("to"))"
        case .caseRouted: return "Routed: \(text("why") ?? "")"
        case .caseLinked: return "Linked with another case"
        case .caseMerged: return "Cases merged"
        case .slaWarning: return "SLA \(text("clock") ?? "") at risk"
        case .slaBreached: return "SLA \(text("clock") ?? "") breached"
        case .commitmentCreated: return "Promise made: \(text("what") ?? "")"
        case .commitmentUpdated: return "Promise \(text("status") ?? "updated")"
        case .accountModelChanged: return "Service model \(change)\(text("why").map { " (\($0))" } ?? "")"
        case .contactMerged: return "Contacts merged"
        case .contactUnmerged: return "Contact merge undone"
        case .contactIdentityAdded: return "New identity: \(text("kind") ?? "") \(text("value") ?? "")"
        case .mailBounced: return "Mail bounced: \(text("recipient") ?? text("address") ?? "")"
        case .messageSent: return "\(medium) sent\(text("to").map { " to \($0)" } ?? "")"
        case .messageFailed: return "\(medium)\(text("to").map { " to \($0)" } ?? "") could not be delivered: \(text("error") ?? "")"
        case .visitQueued: return "Took number \(text("ticket") ?? "") at \(text("locationName") ?? "a service point")\(text("source").map { " (\($0))" } ?? "")"
        case .visitCalled:
            if payload["arrived"] != nil { return "Number \(text("ticket") ?? "") at the desk" }
            return "Number \(text("ticket") ?? "") called to desk \(text("desk") ?? "")\(payload["again"] != nil ? " again" : "")"
        case .visitTransferred: return "Number \(text("ticket") ?? "") sent on to \(text("toDesk").map { "desk \($0)" } ?? "category \(text("category") ?? "")")\(why)"
        case .visitNoShow: return "Number \(text("ticket") ?? "") did not come to the desk"
        case .visitCancelled: return "Number \(text("ticket") ?? "") left the queue"
        case .appointmentScheduled: return "Technician's visit booked for \(text("start") ?? "")"
        case .appointmentRescheduled: return "Technician's visit moved to \(text("start") ?? "")"
        case .appointmentCancelled: return "Technician's visit cancelled\(why)"
        case .appointmentCompleted: return "Technician's visit done: \(text("outcome") ?? "")"
        case .deskAppointmentBooked: return "Appointment at \(text("locationName") ?? "a service point") booked for \(text("localStart") ?? text("start") ?? "")"
        case .deskAppointmentCancelled: return "Appointment at \(text("locationName") ?? "a service point") on \(text("localStart") ?? "") cancelled\(why)"
        case .deskAppointmentCheckedIn: return "Checked in for the \(text("localStart") ?? "") appointment: number \(text("ticket") ?? "")"
        case .deskAppointmentMissed: return "Did not come to the \(text("localStart") ?? "") appointment at \(text("locationName") ?? "a service point")"
        case .billingUpdated: return "Billing updated: \(text("invoices") ?? "") invoice(s) from the billing system"
        case .surveySent, .surveyAnswered:
            let nps = text("kind") == SurveyKind.nps.rawValue
            let point = text("contactPoint").flatMap(ContactPoint.init(rawValue:)).map { " (\($0.label))" } ?? ""
            guard event.type == .surveyAnswered, let score = text("score") else {
                return "\(nps ? "Recommendation" : "Satisfaction") survey asked\(point)"
            }
            let comment = text("comment").map { ": “\($0)”" } ?? ""
            return nps ? "Would recommend us \(score) of 10\(point)\(comment)" : "Rated the handling \(score) of 5\(point)\(comment)"
        default: return event.type.rawValue
        }
    }
}
