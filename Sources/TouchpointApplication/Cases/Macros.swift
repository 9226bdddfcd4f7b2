import Foundation
import TouchpointCore
import TouchpointStore

/// Saved replies agents insert with one click.
public struct Macros: Sendable {
    let store: Store

    /// The brand's macros by name.
    public func macros(brand: BrandID) async throws -> [Macro] {
        try await store.macros(brand: brand)
    }

    /// Creates a macro, or with `id` changes one; names are unique within a brand.
    public func saveMacro(id: UUID?, brand: BrandID, name: String, body: String) async throws -> Macro {
        try await store.saveMacro(id: id, brand: brand, name: name, body: body)
    }

    /// Deletes a saved reply.
    public func deleteMacro(_ id: UUID, brand: BrandID) async throws {
        try await store.deleteMacro(id, brand: brand)
    }
}
