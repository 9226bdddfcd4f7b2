import Foundation
import TouchpointCore
import TouchpointStore

/// The phone system: what the agent sees when a call rings.
public struct Calls: Sendable {
    let store: Store

    /// Who this number belongs to, their model and open cases, and whom to ring.
    public func screenPop(_ identity: Identity?, brand: BrandID) async throws -> ScreenPop {
        try await store.screenPop(identity, brand: brand)
    }
}
