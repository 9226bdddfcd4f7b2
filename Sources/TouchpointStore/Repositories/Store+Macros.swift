import Foundation
import SQLKit
import TouchpointCore

extension Store {
    /// The brand's macros by name.
    public func macros(brand: BrandID) async throws -> [Macro] {
        try await database.read { db in
            try await db.raw("SELECT * FROM macros WHERE brand_id = \(bind: brand.text) ORDER BY name").all().map { row in
                Macro(id: try row.uuid("id"), brandID: try row.uuid("brand_id"), name: try row.string("name"), body: try row.string("body"))
            }
        }
    }

    /// Creates a macro, or with `id` changes one; names are unique within a brand.
    public func saveMacro(id: UUID?, brand: BrandID, name: String, body: String) async throws -> Macro {
        let valid = try Macro.validated(name: name, body: body)
        let macro = Macro(id: id ?? environment.newID(), brandID: brand, name: valid.name, body: valid.body)
        let now = Convert.ms(environment.now())
        try await database.write { db in
            if try await db.raw("SELECT id FROM macros WHERE brand_id = \(bind: brand.text) AND name = \(bind: macro.name) AND id <> \(bind: macro.id.text)").first() != nil {
                throw StoreError.conflict("a macro named '\(macro.name)' exists")
            }
            if id != nil {
                let rows = try await db.raw("""
                    UPDATE macros SET name = \(bind: macro.name), body = \(bind: macro.body), updated_at = \(bind: now)
                    WHERE id = \(bind: macro.id.text) AND brand_id = \(bind: brand.text) RETURNING id
                    """).all()
                guard !rows.isEmpty else { throw StoreError.notFound("macro") }
            } else {
                try await db.raw("""
                    INSERT INTO macros (id, brand_id, name, body, created_at, updated_at)
                    VALUES (\(bind: macro.id.text), \(bind: brand.text), \(bind: macro.name), \(bind: macro.body), \(bind: now), \(bind: now))
                    """).run()
            }
        }
        return macro
    }

    public func deleteMacro(_ id: UUID, brand: BrandID) async throws {
        try await database.write { db in
            try await db.raw("DELETE FROM macros WHERE id = \(bind: id.text) AND brand_id = \(bind: brand.text)").run()
        }
    }
}
