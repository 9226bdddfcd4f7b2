import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
@testable import TouchpointCore
@testable import TouchpointWeb

/// Why something was refused reads in the page's language: every sentence the sources
/// write has its Polish, values and field paths are said in Polish, and the console's forms,
/// error pages and sign-in pages use them.
@Suite("Refusals in the reader's language")
struct RefusalWordsTests {
    // MARK: every sentence has its Polish

    static let sources = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Sources")

    /// A Swift string literal from its opening quote: the text with `{}` for each
    /// interpolation, and where it ends.
    static func literal(_ text: [Character], from start: Int) -> (String, Int)? {
        guard start < text.count, text[start] == "\"" else { return nil }
        var index = start + 1
        var out = ""
        while index < text.count {
            let character = text[index]
            if character == "\\", index + 1 < text.count {
                if text[index + 1] == "(" {
                    var depth = 1
                    index += 2
                    while index < text.count, depth > 0 {
                        if text[index] == "(" { depth += 1 } else if text[index] == ")" { depth -= 1 } else if text[index] == "\"" {
                            index += 1
                            while index < text.count, text[index] != "\"" { index += text[index] == "\\" ? 2 : 1 }
                        }
                        index += 1
                    }
                    out += "{}"
                    continue
                }
                out.append(text[index + 1])
                index += 2
                continue
            }
            if character == "\"" { return (out, index + 1) }
            out.append(character)
            index += 1
        }
        return nil
    }

    /// The sentences of refusals written in the sources the pages show: problems, validation
    /// errors, the store's errors and the sign-in pages' messages (not the API's own).
    static func writtenSentences() throws -> [String: String] {
        let starts: [(NSRegularExpression, Bool)] = try [
            (NSRegularExpression(pattern: #"Problem\(\.\w+,\s*(?=")"#), false),
            (NSRegularExpression(pattern: #"\.(?:conflict|notFound|forbidden|unavailable)\(\s*(?=")"#), false),
            (NSRegularExpression(pattern: #"(?:ValidationError\(|\.invalid\()field:\s*"#), true),
            (NSRegularExpression(pattern: #"\berror:\s*(?=")"#), false),
        ]
        var found: [String: String] = [:]
        let files = FileManager.default.enumerator(at: sources, includingPropertiesForKeys: nil)?.allObjects as? [URL] ?? []
        for file in files where file.pathExtension == "swift" {
            let path = file.path
            guard ["TouchpointWeb", "TouchpointStore", "TouchpointApplication", "TouchpointCore"].contains(where: { path.contains("/Sources/\($0)/") }),
                  !path.contains("/API/"), !path.contains("/Chat/") else { continue }
            let source = try String(contentsOf: file, encoding: .utf8)
            let characters = Array(source)
            // Regex offsets are UTF-16; the literal reader walks characters.
            let utf16 = Array(source.utf16)
            func characterIndex(_ offset: Int) -> Int { String(decoding: utf16[..<offset], as: UTF16.self).count }
            for (regex, hasField) in starts {
                for match in regex.matches(in: source, range: NSRange(location: 0, length: utf16.count)) {
                    var index = characterIndex(match.range.location + match.range.length)
                    if hasField {
                        if let (_, end) = literal(characters, from: index) { index = end }
                        // Past the field (a literal or an expression) to the reason.
                        let rest = String(characters[index..<min(characters.count, index + 220)])
                        guard let reason = rest.range(of: "reason:") else { continue }
                        index += rest.distance(from: rest.startIndex, to: reason.upperBound)
                        while index < characters.count, characters[index] == " " { index += 1 }
                    }
                    guard let (sentence, _) = literal(characters, from: index) else { continue }
                    // A key the kiosk's template words ("notRecognized"), or only a value.
                    guard sentence.contains(where: \.isLetter), sentence.contains(" ") || sentence.first?.isLowercase == true,
                          sentence != "notRecognized" else { continue }
                    found[sentence] = file.lastPathComponent
                }
            }
        }
        return found
    }

    @Test func everySentenceTheSourcesWriteHasItsPolish() throws {
        let written = try Self.writtenSentences()
        #expect(written.count > 400, "the scan found \(written.count) sentences")
        let known = RefusalWords.Catalogue.shared.ids
        let missing = written.filter { !known.contains($0.key) }.map { "\($0.value): \($0.key)" }.sorted()
        #expect(missing.isEmpty, "no Polish in words/refusals-pl.tsv for:\n\(missing.joined(separator: "\n"))")
        // And nothing is kept for sentences no longer written.
        var everything = ""
        for file in FileManager.default.enumerator(at: Self.sources, includingPropertiesForKeys: nil)?.allObjects as? [URL] ?? []
        where file.pathExtension == "swift" {
            everything += try String(contentsOf: file, encoding: .utf8)
        }
        let stale = known.filter { id in
            let fixed = id.components(separatedBy: "{}").map { $0.replacingOccurrences(of: "\"", with: "\\\"") }.max { $0.count < $1.count } ?? id
            return !everything.contains(fixed)
        }
        #expect(stale.isEmpty, "sentences no source writes: \(stale.sorted())")
    }

    // MARK: values and fields

    @Test func valuesListsAndFieldPathsAreSaidInPolish() {
        // A sentence with values: a stored status in words, the appended list too.
        #expect(RefusalWords.say("a closed case cannot become open; allowed: pending", .pl)
            == "sprawa w stanie „zamknięta” nie może przejść do stanu „otwarta”; dozwolone: \(CaseStatus.pending.words(.pl))")
        #expect(CaseStatus.pending.words(.pl) != "pending")
        // A value that is a sentence itself: "case #12" inside "… not found".
        #expect(RefusalWords.detail(Problem.from(StoreError.notFound("case #12")), .pl) == "nie znaleziono: sprawa nr 12")
        // Values change places where Polish wants them elsewhere.
        #expect(RefusalWords.say("staff user ola@acme.example is a agentL1, not a CSM", .pl) == "ola@acme.example ma rolę agentL1, a nie doradcy klienta (CSM)")
        // A field's path, part by part, an index as the item's number.
        let refused = StoreError.invalid(field: "steps[2].templates.pl.subject", reason: "an email needs a subject")
        #expect(RefusalWords.sentence(refused, .pl) == "Krok 3 › Szablony › pl › Temat: e-mail wymaga tematu")
        #expect(RefusalWords.sentence(refused, .en) == "steps[2].templates.pl.subject: an email needs a subject")
        // English stays as written; an unknown sentence stays English rather than vanish.
        #expect(RefusalWords.say("the body is not valid JSON", .en) == "the body is not valid JSON")
        #expect(RefusalWords.say("something nobody wrote down", .pl) == "something nobody wrote down")
        // A name with a list at its end is not a list sentence by accident.
        #expect(RefusalWords.say("no topic 'billing'; known: meters, outage", .pl) == "nie ma rodzaju sprawy „billing”; znane: meters, outage")
    }

    // MARK: on the pages

    @Test func formsErrorPagesAndSignInSayWhyInPolish() async throws {
        try await withConsole { fixture, client in
            var admin = ConsoleBrowser(client)
            _ = try await admin.signIn("admin@acme.example")
            _ = try await admin.get("/console/language/pl")
            // The policy form: the field by its Polish label, the reason in Polish.
            var risk = try #require(PageForm(String(buffer: try await admin.get("/console/admin/models").body), button: "policy-form:lowTouch"))
            risk.set("atRiskPercent", "99")
            let riskPage = String(buffer: try await admin.post("/console/admin/models", pairs: risk.fields).body)
            #expect(riskPage.contains("Zagrożone po (% wykorzystanego czasu): musi być od 50 do 95 %"), "\(riskPage)")
            var wrong = try #require(PageForm(String(buffer: try await admin.get("/console/admin/models").body), button: "policy-form:lowTouch"))
            wrong.set("sla-high-nextResponse", "soon")
            let wrongPage = String(buffer: try await admin.post("/console/admin/models", pairs: wrong.fields).body)
            #expect(wrongPage.contains("Priorytet wysoki, kolejna odpowiedź: „soon” nie jest długością czasu")
                || wrongPage.contains("Priorytet wysoki, następna odpowiedź: „soon” nie jest długością czasu"), "\(wrongPage)")
            #expect(!wrongPage.contains("is not a length of time"))
            // A team named twice: the store's refusal, in Polish.
            var teams = try #require(PageForm(String(buffer: try await admin.get("/console/admin/teams").body), button: "", formID: "new-team"))
            teams.set("name", "Rozliczenia")
            _ = try await admin.post("/console/admin/teams", pairs: teams.fields)
            let twice = String(buffer: try await admin.post("/console/admin/teams", pairs: teams.fields).body)
            #expect(twice.contains("espół o nazwie „Rozliczenia” już istnieje") && !twice.contains("already a team named"), "\(twice)")

            // An empty reply: the error page says what is missing in Polish.
            let opened = try await fixture.store.openCase(brand: fixture.brandID, actor: nil, request: OpenCase(
                contactPoint: .email, from: Identity(storedKind: .email, value: "jan@example.org"), subject: "Licznik", body: "Nie działa."))
            var agent = ConsoleBrowser(client)
            _ = try await agent.signIn("agent@acme.example")
            _ = try await agent.get("/console/language/pl")
            let csrf = ConsoleBrowser.csrf(try await agent.get("/console/cases/\(opened.case.number)"))
            let empty = try await agent.post("/console/cases/\(opened.case.number)/reply", ["body": " ", "csrf": csrf, "contactPoint": "email"])
            let emptyPage = String(buffer: empty.body)
            #expect(empty.status == .unprocessableContent && emptyPage.contains("Treść: najpierw coś napisz"), "\(emptyPage)")
            // A case that is not there.
            let nowhere = String(buffer: try await agent.get("/console/cases/999999").body)
            #expect(nowhere.contains("Nie ma takiej") && !nowhere.contains("not found"), "\(nowhere)")

            // Signing in with the wrong password on a Polish browser.
            var stranger = ConsoleBrowser(client)
            _ = try await stranger.get("/console/language/pl")
            let failed = String(buffer: try await stranger.signIn("agent@acme.example", password: "not the password").body)
            #expect(failed.contains("Adres e-mail lub hasło są nieprawidłowe.") && !failed.contains("is not right"), "\(failed)")
        }
    }
}
