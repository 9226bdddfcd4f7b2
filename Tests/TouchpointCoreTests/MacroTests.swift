import Foundation
import Testing
@testable import TouchpointCore

@Suite("Macros: canned replies with placeholders")
struct MacroTests {
    let values = Macro.values(customerName: "Katarzyna Kaminska", caseNumber: 12, casePrefix: "Acme", subject: "Meter",
                              agentName: "Ola Basic", brandName: "Acme Energy", accountName: nil)

    @Test func placeholdersAreFilledAndMissingValuesLeaveNoBraces() {
        let macro = Macro(id: UUID(), brandID: UUID(), name: "hello",
                          body: "Hello {{customer.firstName}}, about {{ case.ref }} ({{case.subject}}) for {{account.name}}. — {{agent.firstName}}, {{brand.name}}")
        #expect(macro.render(values) == "Hello Katarzyna, about Acme-12 (Meter) for . — Ola, Acme Energy")
        // An unclosed opening is kept as written.
        #expect(Macro(id: UUID(), brandID: UUID(), name: "x", body: "a {{case.number}} b {{ c").render(values) == "a 12 b {{ c")
    }

    @Test func unknownPlaceholdersAreRefusedWhenSaving() throws {
        #expect(throws: ValidationError.self) { try Macro.validated(name: "typo", body: "Hi {{customer.nmae}}") }
        #expect(throws: ValidationError.self) { try Macro.validated(name: " ", body: "Hi") }
        let valid = try Macro.validated(name: " Thanks ", body: "Thanks {{customer.name}}")
        #expect(valid.name == "Thanks")
        do {
            _ = try Macro.validated(name: "typo", body: "Hi {{customer.nmae}}")
        } catch {
            #expect(error.field == "body" && error.reason.contains("{{customer.nmae}}") && error.reason.contains("{{customer.name}}"))
        }
    }
}
