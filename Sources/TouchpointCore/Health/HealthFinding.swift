import Foundation

/// What one health signal found, kept as facts so that it reads in the reader's language:
/// "3 open cases" / "3 otwarte sprawy".
public enum HealthFinding: Codable, Equatable, Sendable {
    /// What a brand expects of an account's conversations under its service model.
    public enum Expectation: Codable, Equatable, Sendable {
        case atLeast(Int), atMost(Int), met
    }

    case openCases(Int)
    case noCaseWaiting
    case oldestCaseWaited(days: Double)
    case responseTimesMissed(Int, windowDays: Int)
    case escalations(Int, windowDays: Int)
    case satisfaction(average: Double, answers: Int)
    case recommendation(average: Double, answers: Int)
    case invoicesPaid
    case overdueInvoices(Int, oldestDays: Int)
    case conversations(Int, windowDays: Int, expected: Expectation)
    case usage(active: Double, licensed: Double)
    case outreach(engaged: Int, reached: Int, windowDays: Int)

    /// The finding as a sentence in `language`.
    public func words(_ language: Language) -> String {
        let say = language
        switch self {
        case .openCases(0):
            return say.say("No open cases", "Brak otwartych spraw")
        case .openCases(let n):
            return say.count(n, ("open case", "open cases"), ("otwarta sprawa", "otwarte sprawy", "otwartych spraw"))
        case .noCaseWaiting:
            return say.say("No case is waiting", "Żadna sprawa nie czeka")
        case .oldestCaseWaited(let days):
            return say.say("The oldest open case has waited ", "Najstarsza otwarta sprawa czeka ") + Self.days(days, say)
        case .responseTimesMissed(0, let window):
            return say.say("Every response time met in \(window) days", "Każdy termin odpowiedzi dotrzymany w ostatnich \(window) dniach")
        case .responseTimesMissed(let n, let window):
            return say.say("\(n) response \(n == 1 ? "time" : "times") missed in \(window) days",
                           "Przekroczone terminy odpowiedzi w ostatnich \(window) dniach: \(n)")
        case .escalations(0, let window):
            return say.say("No escalations in \(window) days", "Brak eskalacji w ostatnich \(window) dniach")
        case .escalations(let n, let window):
            return say.say("\(n) \(n == 1 ? "escalation" : "escalations") in \(window) days", "Eskalacje w ostatnich \(window) dniach: \(n)")
        case .satisfaction(let average, let answers):
            return say.say("Satisfaction \(Self.tenths(average, say)) of 5 from \(answers) \(answers == 1 ? "answer" : "answers")",
                           "Zadowolenie \(Self.tenths(average, say)) z 5 (odpowiedzi: \(answers))")
        case .recommendation(let average, let answers):
            return say.say("Would recommend \(Self.tenths(average, say)) of 10 from \(answers) \(answers == 1 ? "answer" : "answers")",
                           "Gotowość polecenia \(Self.tenths(average, say)) z 10 (odpowiedzi: \(answers))")
        case .invoicesPaid:
            return say.say("Every invoice paid on time", "Każda faktura zapłacona w terminie")
        case .overdueInvoices(let n, let oldest):
            return say.say("\(n) overdue \(n == 1 ? "invoice" : "invoices"), the oldest \(oldest) \(oldest == 1 ? "day" : "days") past due",
                           "Zaległe faktury: \(n), najstarsza \(say.count(oldest, ("day", "days"), ("dzień", "dni", "dni"))) po terminie")
        case .conversations(let n, let window, let expected):
            let said = say.say("\(n) \(n == 1 ? "conversation" : "conversations") in \(window) days", "Rozmowy w ostatnich \(window) dniach: \(n)")
            return switch expected {
            case .atLeast(let min): said + say.say("; at least \(min) expected for this service model", "; ten model obsługi zakłada co najmniej \(min)")
            case .atMost(let max): said + say.say("; at most \(max) expected for this service model", "; ten model obsługi zakłada najwyżej \(max)")
            case .met: said + say.say(", as expected for this service model", ", tak jak zakłada ten model obsługi")
            }
        case .usage(let active, let licensed):
            let share = Int((active / licensed * 100).rounded())
            let (used, of) = (Int(active.rounded()), Int(licensed.rounded()))
            return say.say("\(share)% of licensed users active (\(used) of \(of))", "Aktywni użytkownicy: \(share)% licencji (\(used) z \(of))")
        case .outreach(let engaged, let reached, let window):
            return say.say("Answered \(engaged) of \(reached) automated \(reached == 1 ? "outreach" : "outreaches") in \(window) days",
                           "Odpowiedzi na \(engaged) z \(reached) automatycznych wiadomości w ostatnich \(window) dniach")
        }
    }

    /// "2.5" / "2,5".
    static func tenths(_ value: Double, _ language: Language) -> String {
        let text = String(format: "%.1f", value)
        return language == .pl ? text.replacingOccurrences(of: ".", with: ",") : text
    }

    /// "less than a day", "1 day", "10 days" / "krócej niż dzień", "1 dzień", "10 dni".
    static func days(_ value: Double, _ language: Language) -> String {
        guard value >= 1 else { return language.say("less than a day", "krócej niż dzień") }
        return language.count(Int(value.rounded()), ("day", "days"), ("dzień", "dni", "dni"))
    }
}

/// Why an account may leave, kept as facts so that it reads in the reader's language.
public enum ChurnReason: Codable, Equatable, Sendable {
    case churned
    case lowHealth(score: Int)
    case middlingHealth(score: Int)
    case healthFell(points: Int, since: CivilDate)
    case renewalNear(on: CivilDate, inDays: Int, healthBelow60: Bool)
    case responseTimesMissed(Int)
    case escalated(Int)
    case invoiceOverdue(days: Int)
    case unhappy(satisfaction: Double)
    case wouldNotRecommend(score: Double)
    case markedAtRisk

    /// The reason as a sentence in `language`. English dates stay `2026-12-25`, as events
    /// have always carried them; Polish ones read "25 grudnia 2026".
    public func words(_ language: Language) -> String {
        let say = language
        func date(_ day: CivilDate) -> String { language == .pl ? ReaderTime.date(day, language) : day.description }
        switch self {
        case .churned:
            return say.say("The account has left (journey stage: churned)", "Firma odeszła (etap relacji: utracony)")
        case .lowHealth(let score):
            return say.say("Health is low (\(score) of 100)", "Niska kondycja (\(score) ze 100)")
        case .middlingHealth(let score):
            return say.say("Health is middling (\(score) of 100)", "Przeciętna kondycja (\(score) ze 100)")
        case .healthFell(let points, let since):
            return say.say("Health fell \(points) points since \(date(since))", "Kondycja spadła o \(points) pkt od \(date(since))")
        case .renewalNear(let on, let days, let below):
            return say.say("Renewal on \(date(on)), in \(days) \(days == 1 ? "day" : "days"), while health is " + (below ? "below 60" : "falling"),
                           "Odnowienie \(date(on)), za \(say.count(days, ("day", "days"), ("dzień", "dni", "dni"))), a kondycja "
                               + (below ? "jest poniżej 60" : "spada"))
        case .responseTimesMissed(let n):
            return say.say("\(n) response times missed lately", "Ostatnio przekroczone terminy odpowiedzi: \(n)")
        case .escalated(let n):
            return say.say("\(n) \(n == 1 ? "case" : "cases") escalated lately", "Ostatnio eskalowane sprawy: \(n)")
        case .invoiceOverdue(let days):
            return say.say("An invoice \(days) days overdue", "Faktura \(say.count(days, ("day", "days"), ("dzień", "dni", "dni"))) po terminie")
        case .unhappy(let average):
            return say.say("Unhappy with recent service (satisfaction \(HealthFinding.tenths(average, say)) of 5)",
                           "Niezadowolenie z ostatniej obsługi (zadowolenie \(HealthFinding.tenths(average, say)) z 5)")
        case .wouldNotRecommend(let average):
            return say.say("Would not recommend the company (\(HealthFinding.tenths(average, say)) of 10)",
                           "Niska gotowość polecenia firmy (\(HealthFinding.tenths(average, say)) z 10)")
        case .markedAtRisk:
            return say.say("Marked at risk in the customer journey", "Etap relacji oznaczony jako zagrożony")
        }
    }
}
