import Foundation

/// One clause of why a case went where it did, as facts that read in the reader's language.
/// The router writes the English `text` (events and the API carry it, clauses joined by
/// "; "); reading parses it back, so cases routed before this existed read in Polish too.
public enum RoutingReason: Equatable, Sendable {
    case noTeams
    case requested(team: String)
    case noTeam(level: Int, skills: [String])
    case serves(team: String, level: Int, skills: [String])
    /// A more specialised team was passed over for want of anyone free.
    case freeHere(passedOver: [String])
    case busy
    case onCallOnly
    case away
    case nobodyQualified
    case namedCSM
    case namedCSMAway
    case onCallTakes
    case queued(level: Int)
    case roundRobin
    case leastLoaded(active: Int, capacity: Int)
    case other(String)

    /// The clause in English, as events and the API carry it.
    public var text: String { words(.en) }

    /// The clause in `language`.
    public func words(_ language: Language) -> String {
        let say = language
        func skills(_ names: [String]) -> String {
            names.isEmpty ? say.say("no special skills", "bez szczególnych umiejętności")
                : say.say("skills ", "umiejętności: ") + names.joined(separator: ", ")
        }
        return switch self {
        case .noTeams: say.say("the brand has no teams", "marka nie ma jeszcze zespołów")
        case .requested(let team): say.say("team \(team) as requested", "zespół \(team), jak wskazano")
        case .noTeam(let level, let names): say.say("no team serves level \(level) with ", "żaden zespół nie obsługuje poziomu \(level), ") + skills(names)
        case .serves(let team, let level, let names): say.say("team \(team) serves level \(level) with ", "zespół \(team) obsługuje poziom \(level), ") + skills(names)
        case .freeHere(let passed):
            say.say("it has a qualified agent free now, \(passed.joined(separator: ", ")) has none",
                    "ma teraz wolną osobę z kwalifikacjami, a \(passed.joined(separator: ", ")) nie")
        case .busy: say.say("its qualified agents are busy", "jego osoby z kwalifikacjami są zajęte")
        case .onCallOnly: say.say("nobody qualified is at work, and someone is on call", "nikt z kwalifikacjami nie pracuje, a ktoś ma dyżur")
        case .away: say.say("its qualified agents are away", "jego osoby z kwalifikacjami są nieobecne")
        case .nobodyQualified:
            say.say("nobody in any such team works at that level with those skills", "w żadnym takim zespole nikt nie pracuje na tym poziomie z tymi umiejętnościami")
        case .namedCSM: say.say("the account's named CSM", "imienny opiekun firmy")
        case .namedCSMAway: say.say("the named CSM is not available now", "imienny opiekun jest teraz niedostępny")
        case .onCallTakes:
            say.say("nobody qualified is at work: the person on call takes it and is paged", "nikt z kwalifikacjami nie pracuje: sprawę bierze osoba z dyżuru i dostaje wezwanie")
        case .queued(let level):
            say.say("queued: no available agent with room, level \(level) and the skills", "w kolejce: nikt dostępny nie ma miejsca, poziomu \(level) i umiejętności")
        case .roundRobin: say.say("round-robin", "po kolei")
        case .leastLoaded(let active, let capacity):
            say.say("least loaded (\(active) of \(capacity) active cases)", "najmniej obciążona osoba (aktywne sprawy: \(active) z \(capacity))")
        case .other(let text): text
        }
    }

    /// Reads one recorded English clause.
    public init(text: String) {
        func between(_ prefix: String, _ suffix: String) -> String? {
            guard text.hasPrefix(prefix), text.hasSuffix(suffix), text.count > prefix.count + suffix.count else { return nil }
            return String(text.dropFirst(prefix.count).dropLast(suffix.count))
        }
        // "level 2 with skills a, b" → (2, [a, b]).
        func levelAndSkills(_ rest: Substring) -> (Int, [String])? {
            guard let with = rest.range(of: " with "), let level = Int(rest[..<with.lowerBound]) else { return nil }
            let named = rest[with.upperBound...]
            if named == "no special skills" { return (level, []) }
            guard named.hasPrefix("skills ") else { return nil }
            return (level, named.dropFirst("skills ".count).components(separatedBy: ", "))
        }
        let fixed: [RoutingReason] = [.noTeams, .busy, .onCallOnly, .away, .nobodyQualified, .namedCSM, .namedCSMAway, .onCallTakes, .roundRobin]
        if let known = fixed.first(where: { $0.text == text }) { self = known; return }
        if let team = between("team ", " as requested") { self = .requested(team: team); return }
        if text.hasPrefix("no team serves level "), let (level, skills) = levelAndSkills(text.dropFirst("no team serves level ".count)) {
            self = .noTeam(level: level, skills: skills)
            return
        }
        if text.hasPrefix("team "), let serves = text.range(of: " serves level "),
           let (level, skills) = levelAndSkills(text[serves.upperBound...]) {
            self = .serves(team: String(text[text.index(text.startIndex, offsetBy: 5)..<serves.lowerBound]), level: level, skills: skills)
            return
        }
        if let passed = between("it has a qualified agent free now, ", " has none") {
            self = .freeHere(passedOver: passed.components(separatedBy: ", "))
            return
        }
        if let level = between("queued: no available agent with room, level ", " and the skills").flatMap({ Int($0) }) {
            self = .queued(level: level)
            return
        }
        if let load = between("least loaded (", " active cases)"), let of = load.range(of: " of "),
           let active = Int(load[..<of.lowerBound]), let capacity = Int(load[of.upperBound...]) {
            self = .leastLoaded(active: active, capacity: capacity)
            return
        }
        self = .other(text)
    }

    /// A whole recorded explanation (clauses joined by "; ") in `language`.
    public static func explanation(_ english: String, _ language: Language) -> String {
        guard language != .en else { return english }
        return english.components(separatedBy: "; ").map { RoutingReason(text: $0).words(language) }.joined(separator: "; ")
    }
}
