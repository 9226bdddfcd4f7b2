import Foundation
import TouchpointCore

/// One line of prose for a recorded event on a timeline, in staff's words and language
/// (never a stored name such as `contact.created` or `highTouch`), its times in the brand's
/// zone. Free text an event recorded (a reason someone typed, an error a provider gave) stays
/// as it was written.
enum EventText {
    static func describe(_ event: DomainEvent, staff: [UserID: String], reader: ReaderTime) -> String {
        let payload = event.payload
        let say = reader.language
        func text(_ key: String) -> String? {
            switch payload[key] {
            case .string(let value): value
            case .int(let value): String(value)
            case .double(let value): String(value)
            case .bool(let value): value ? say.say("yes", "tak") : say.say("no", "nie")
            default: nil
            }
        }
        func person(_ key: String) -> String {
            guard let raw = text(key) else { return say.say("nobody", "nikt") }
            return UUID(text: raw).flatMap { staff[$0] } ?? say.say("someone", "ktoś")
        }
        func words(_ key: String) -> String? { text(key).map { StaffWords.value($0, say) } }
        // An instant in the payload, as the brand's wall clock reads it.
        func moment(_ key: String) -> String {
            guard let raw = text(key) else { return "" }
            return ISODate.parse(raw).map(reader.moment) ?? raw
        }
        let change = words("from").map { "\($0) → \(words("to") ?? "—")" } ?? words("to") ?? ""
        let why = text("reason").map { " — \($0)" } ?? ""
        let medium = switch text("contactPoint").flatMap(ContactPoint.init(rawValue:)) {
        case .email: say.say("Email", "E-mail")
        case .sms: "SMS"
        case .whatsApp: say.say("WhatsApp message", "Wiadomość WhatsApp")
        default: say.say("Message", "Wiadomość")
        }
        let place = text("locationName") ?? say.say("a service point", "punkt obsługi")
        let ticket = text("ticket") ?? ""
        switch event.type {
        case .caseCreated: return say.say("Case opened", "Sprawa otwarta")
        case .caseStatusChanged: return "Status \(change)"
        case .caseUpdated:
            guard let field = text("field") else {
                return text("why").map { say.say("Case moved: \($0)", "Sprawa przeniesiona: \($0)") } ?? say.say("Case details changed", "Zmieniono dane sprawy")
            }
            return "\(StaffWords.field(field, say)) \(change)"
        case .caseLevelChanged: return say.say("Support level \(change)", "Poziom wsparcia \(change)")
        case .caseEscalated: return say.say("Escalated \(change)\(why)", "Eskalacja \(change)\(why)")
        case .caseDeescalated: return say.say("De-escalated \(change)\(why)", "Deeskalacja \(change)\(why)")
        case .caseAssigned: return say.say("Assigned to \(person("to"))", "Przydzielona: \(person("to"))")
        case .caseRouted: return say.say("Routed: ", "Skierowana: ") + RoutingReason.explanation(text("why") ?? "", say)
        case .caseLinked: return say.say("Linked with another case", "Powiązana z inną sprawą")
        case .caseMerged: return say.say("Cases merged", "Sprawy połączone")
        case .caseContinued:
            return say.say("Continued on \(words("contactPoint") ?? "another contact point")", "Kontynuacja: \(words("contactPoint") ?? "inny punkt kontaktu")")
                + ": \(text("why") ?? "")"
        case .slaWarning: return say.say("\(words("clock") ?? "SLA") at risk", "\(words("clock") ?? "SLA"): termin zagrożony").capitalizedFirst
        case .slaBreached: return say.say("\(words("clock") ?? "SLA") target missed", "\(words("clock") ?? "SLA"): termin przekroczony").capitalizedFirst
        case .commitmentCreated: return say.say("Promise made: ", "Obietnica: ") + (text("what") ?? "")
        case .commitmentUpdated:
            let status = text("status").flatMap(CommitmentStatus.init(rawValue:))?.words(say)
            return say.say("Promise \(status ?? "updated")", "Obietnica: \(status ?? "zmieniona")")
        case .accountModelChanged:
            // The facts of the decision read in the reader's language; older events have only
            // the English sentence, which is also what English readers get.
            let because = say == .en ? text("why") : payload["because"].flatMap(Segmentation.init(payload:))?.explanation(say) ?? text("why")
            return say.say("Service model ", "Model obsługi ") + change + (because.map { " (\($0))" } ?? "")
        case .contactCreated: return say.say("Customer added", "Dodano klienta")
        case .contactUpdated: return say.say("Customer details changed", "Zmieniono dane klienta")
        case .accountCreated: return say.say("Account added", "Dodano firmę")
        case .accountUpdated: return say.say("Account details changed", "Zmieniono dane firmy")
        case .contactMerged: return say.say("Contacts merged", "Połączono kontakty")
        case .contactUnmerged: return say.say("Contact merge undone", "Cofnięto połączenie kontaktów")
        case .contactIdentityAdded:
            let kind = text("kind").flatMap(IdentityKind.init(rawValue:))?.words(say) ?? say.say("Identity", "Dane kontaktowe")
            return say.say("\(kind) added: ", "Dodano: \(kind) ") + (text("value") ?? "")
        case .mailBounced: return say.say("Mail bounced: ", "E-mail odbity: ") + (text("recipient") ?? text("address") ?? "")
        case .messageSent:
            return say.say("\(medium) sent", "\(medium): wysłano") + (text("to").map { say.say(" to \($0)", " do \($0)") } ?? "")
        case .messageFailed:
            return say.say("\(medium)\(text("to").map { " to \($0)" } ?? "") could not be delivered: ",
                           "\(medium)\(text("to").map { " do \($0)" } ?? ""): nie udało się doręczyć: ") + (text("error") ?? "")
        case .visitQueued:
            return say.say("Took number \(ticket) at \(place)", "Pobrano numer \(ticket) w: \(place)") + (text("source").map { " (\($0))" } ?? "")
        case .visitCalled:
            if payload["arrived"] != nil { return say.say("Number \(ticket) at the desk", "Numer \(ticket) przy stanowisku") }
            return say.say("Number \(ticket) called to desk \(text("desk") ?? "")", "Numer \(ticket) wezwany do stanowiska \(text("desk") ?? "")")
                + (payload["again"] != nil ? say.say(" again", " ponownie") : "")
        case .visitTransferred:
            let to = text("toDesk").map { say.say("desk \($0)", "stanowiska \($0)") } ?? say.say("category \(text("category") ?? "")", "kategorii \(text("category") ?? "")")
            return say.say("Number \(ticket) sent on to \(to)", "Numer \(ticket) przekazany do \(to)") + why
        case .visitNoShow: return say.say("Number \(ticket) did not come to the desk", "Numer \(ticket) nie podszedł do stanowiska")
        case .visitCancelled: return say.say("Number \(ticket) left the queue", "Numer \(ticket) opuścił kolejkę")
        case .appointmentScheduled: return say.say("Technician's visit booked for ", "Wizyta technika umówiona na ") + moment("start")
        case .appointmentRescheduled: return say.say("Technician's visit moved to ", "Wizyta technika przeniesiona na ") + moment("start")
        case .appointmentCancelled: return say.say("Technician's visit cancelled", "Wizyta technika odwołana") + why
        case .appointmentCompleted: return say.say("Technician's visit done: ", "Wizyta technika zakończona: ") + (words("outcome") ?? "")
        case .deskAppointmentBooked:
            let start = text("localStart") ?? text("start") ?? ""
            return say.say("Appointment at \(place) booked for \(start)", "Umówiona wizyta w: \(place), \(start)")
        case .deskAppointmentCancelled:
            return say.say("Appointment at \(place) on \(text("localStart") ?? "") cancelled", "Odwołana wizyta w: \(place), \(text("localStart") ?? "")") + why
        case .deskAppointmentCheckedIn:
            return say.say("Checked in for the \(text("localStart") ?? "") appointment: number \(ticket)",
                           "Zameldowanie na wizytę \(text("localStart") ?? ""): numer \(ticket)")
        case .deskAppointmentMissed:
            return say.say("Did not come to the \(text("localStart") ?? "") appointment at \(place)", "Nie przyszedł na wizytę \(text("localStart") ?? "") w: \(place)")
        case .billingUpdated:
            return say.say("Billing updated: \(text("invoices") ?? "") invoice(s) from the billing system",
                           "Rozliczenia zaktualizowane: faktury z systemu rozliczeń: \(text("invoices") ?? "")")
        case .surveySent, .surveyAnswered:
            let nps = text("kind") == SurveyKind.nps.rawValue
            let point = text("contactPoint").flatMap(ContactPoint.init(rawValue:)).map { " (\($0.label(say)))" } ?? ""
            guard event.type == .surveyAnswered, let score = text("score") else {
                return (nps ? say.say("Recommendation survey asked", "Wysłano ankietę o poleceniu") : say.say("Satisfaction survey asked", "Wysłano ankietę zadowolenia")) + point
            }
            let comment = text("comment").map { ": “\($0)”" } ?? ""
            return (nps ? say.say("Would recommend us \(score) of 10", "Poleciłby nas: \(score) z 10") : say.say("Rated the handling \(score) of 5", "Ocena obsługi: \(score) z 5"))
                + point + comment
        case .onCallPaged:
            let by = text("by") == PageBy.sms.rawValue ? say.say("by SMS", "SMS-em") : say.say("by email", "e-mailem")
            let page = text("page").map { say.say(" (page \($0) of \(text("pagesPerPerson") ?? $0))", " (wezwanie \($0) z \(text("pagesPerPerson") ?? $0))") } ?? ""
            return say.say("On call: \(person("userId")) paged \(by)\(page)", "Dyżur: wezwano \(person("userId")) \(by)\(page)")
        case .onCallAcknowledged:
            let how = text("how").map { ": \($0)" } ?? ""
            return say.say("On call: \(person("userId")) is on it\(how)", "Dyżur: \(person("userId")) zajmuje się sprawą\(how)")
        case .onCallUnanswered:
            return say.say("On call: nobody answered (\(text("paged") ?? "every") people paged); the managers were told",
                           "Dyżur: nikt nie odpowiedział (wezwane osoby: \(text("paged") ?? "wszystkie")); powiadomiono kierowników")
        default: return StaffWords.event(event.type, say)
        }
    }
}

private extension String {
    /// The first letter capitalised, as a line starts: "first response at risk" → "First …".
    var capitalizedFirst: String { prefix(1).uppercased() + dropFirst() }
}
