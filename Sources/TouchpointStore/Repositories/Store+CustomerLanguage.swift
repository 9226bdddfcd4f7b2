import Foundation
import SQLKit
import TouchpointCore

extension Store {
    /// The language written to a contact: their account's, else the brand's.
    static func language(of contact: ContactID?, brand: Brand, on db: any SQLDatabase) async throws -> Language {
        guard let contact else { return brand.language }
        let row = try await db.raw("""
            SELECT a.language FROM contacts c JOIN accounts a ON a.id = c.account_id WHERE c.id = \(bind: contact.text) AND c.brand_id = \(bind: brand.id.text)
            """).first()
        return try row?.optionalString("language").flatMap(Language.init(rawValue:)) ?? brand.language
    }

    /// The language written about a case: its account's, else the brand's.
    static func language(ofCase caseID: CaseID, brand: Brand, on db: any SQLDatabase) async throws -> Language {
        let row = try await db.raw("""
            SELECT a.language FROM cases c JOIN accounts a ON a.id = c.account_id WHERE c.id = \(bind: caseID.text) AND c.brand_id = \(bind: brand.id.text)
            """).first()
        return try row?.optionalString("language").flatMap(Language.init(rawValue:)) ?? brand.language
    }
}
