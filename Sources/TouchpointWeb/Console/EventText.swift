import Foundation
import TouchpointCore

/// One line of prose for a recorded event on a timeline, in staff's words (never a stored
/// name such as `contact.created` or `highTouch`), its times in the brand's zone.
enum EventText {
    static func describe(_ event: DomainEvent, staff: [UserID: String], reader: ReaderTime) -> String {
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
        func words(_ key: String) -> String? { text(key).map(StaffWords.value) }
        // An instant in the payload, as the brand's wall clock reads it.
        func moment(_ key: String) -> String {
            guard let raw = text(key) else { return "" }
            return ISODate.parse(raw).map(reader.moment) ?? raw
        }
        let change = words("from").map { "\($0) → \(words("to") ?? "—")" } ?? words("to") ?? ""
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
        case .caseUpdated:
            guard let field = text("field") else { return text("why").map { "Case moved: \($0)" } ?? "Case details changed" }
            return "\(StaffWords.event(field)) \(change)"
        case .caseLevelChanged: return "Support level \(change)"
        case .caseEscalated: return "Escalated \(change)\(why)"
        case .caseDeescalated: return "De-escalated \(change)\(why)"
        case .caseAssigned: return "Assigned to \(person("to"))"
        case .caseRouted: return "Routed: \(text("why") ?? "")"
        case .caseLinked: return "Linked with another case"
        case .caseMerged: return "Cases merged"
        case .caseContinued: return "Continued on \(words("contactPoint") ?? "another contact point"): \(text("why") ?? "")"
        case .slaWarning: return "\(StaffWords.event(words("clock") ?? "SLA")) at risk"
        case .slaBreached: return "\(StaffWords.event(words("clock") ?? "SLA")) target missed"
        case .commitmentCreated: return "Promise made: \(text("what") ?? "")"
        case .commitmentUpdated: return "Promise \(text("status") ?? "updated")"
        case .accountModelChanged: return "Service model \(change)\(text("why").map { " (\($0))" } ?? "")"
        case .contactCreated: return "Customer added"
        case .contactUpdated: return "Customer details changed"
        case .accountCreated: return "Account added"
        case .accountUpdated: return "Account details changed"
        case .contactMerged: return "Contacts merged"
        case .contactUnmerged: return "Contact merge undone"
        case .contactIdentityAdded:
            let kind = text("kind").flatMap(IdentityKind.init(rawValue:))?.words ?? "Identity"
            return "\(kind) added: \(text("value") ?? "")"
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
        case .appointmentScheduled: return "Technician's visit booked for \(moment("start"))"
        case .appointmentRescheduled: return "Technician's visit moved to \(moment("start"))"
        case .appointmentCancelled: return "Technician's visit cancelled\(why)"
        case .appointmentCompleted: return "Technician's visit done: \(words("outcome") ?? "")"
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
        case .onCallPaged:
            let by = text("by") == PageBy.sms.rawValue ? "by SMS" : "by email"
            let page = text("page").map { " (page \($0) of \(text("pagesPerPerson") ?? $0))" } ?? ""
            return "On call: \(person("userId")) paged \(by)\(page)"
        case .onCallAcknowledged:
            let how = text("how").map { ": \($0)" } ?? ""
            return "On call: \(person("userId")) is on it\(how)"
        case .onCallUnanswered: return "On call: nobody answered (\(text("paged") ?? "every") people paged); the managers were told"
        default: return StaffWords.event(event.type.rawValue)
        }
    }
}
