import Testing
@testable import TouchpointCore

/// WhatsApp templates: registered as the provider would accept them, filled in exactly.
struct MessageTemplateTests {
    let update = MessageTemplate(name: "case_update", language: "en", text: "Hi {{1}}, case {{2}} changed. {{1}}, reply to continue.")

    @Test func placeholdersAreFilledWhereverTheyRepeat() throws {
        #expect(try update.validated(field: "t").parameterCount == 2)
        #expect(try update.render(["Anna", "#7"]) == "Hi Anna, case #7 changed. Anna, reply to continue.")
        // Braces that are not a placeholder stay as written.
        let odd = MessageTemplate(name: "odd", language: "pl", text: "Kod {{x}} i {{1}}")
        #expect(try odd.render(["A1"]) == "Kod {{x}} i A1")
    }

    @Test func badTemplatesAndParametersNameTheirField() {
        #expect(throws: ValidationError(field: "t.name", reason: "1 to 512 lower-case letters, digits and underscores")) {
            try MessageTemplate(name: "Case Update", language: "en", text: "x").validated(field: "t")
        }
        #expect(throws: ValidationError(field: "t.language", reason: "a language code such as en, pl or en_US")) {
            try MessageTemplate(name: "a", language: "english", text: "x").validated(field: "t")
        }
        #expect(throws: ValidationError(field: "t.text", reason: "placeholders must be numbered {{1}}, {{2}}… without gaps")) {
            try MessageTemplate(name: "a", language: "en_US", text: "{{1}} and {{3}}").validated(field: "t")
        }
        #expect(throws: ValidationError(field: "p", reason: "the template case_update takes 2 parameter(s), got 3")) {
            try update.render(["a", "b", "c"], field: "p")
        }
        #expect(throws: ValidationError.self) { try update.render(["two\nlines", "b"]) }
        #expect(throws: ValidationError.self) { try update.render(["a", "     "]) }
    }

    @Test func aUseNamesOneTemplate() throws {
        let polish = MessageTemplate(name: "case_update", language: "pl", text: "Sprawa {{1}}")
        #expect(throws: ValidationError.self) { try TemplateUse(name: "case_update", parameters: []).resolve(in: [update, polish]) }
        #expect(try TemplateUse(name: "case_update", language: "pl", parameters: []).resolve(in: [update, polish]) == polish)
        #expect(try TemplateUse(name: "case_update", parameters: []).resolve(in: [polish]) == polish)
        #expect(throws: ValidationError.self) { try TemplateUse(name: "welcome", parameters: []).resolve(in: [update]) }
    }
}
