import Foundation
import TouchpointCore
import TouchpointStore

/// Stored envelopes of every contact point: listing the quarantine, reading the raw delivery, discarding.
public struct Envelopes: Sendable {
    let store: Store

    /// An envelope with its body, of any brand (the intake worker's read).
    public func envelope(_ id: UUID) async throws -> (Envelope, [UInt8]) {
        try await store.envelope(id)
    }

    /// An envelope as an operator of its brand sees it.
    public func envelope(_ id: UUID, brand: BrandID) async throws -> Envelope {
        try await store.envelope(id, brand: brand)
    }

    /// A brand's envelopes in one state, newest first.
    public func envelopes(brand: BrandID, state: EnvelopeState?, limit: Int, cursor: Cursor?) async throws -> Page<Envelope> {
        try await store.envelopes(brand: brand, state: state, limit: limit, cursor: cursor)
    }

    /// The body as the provider sent it.
    public func rawEnvelope(_ id: UUID, brand: BrandID) async throws -> Data {
        try await store.rawEnvelope(id, brand: brand)
    }

    /// Throws a quarantined envelope away: its body is deleted, its record stays.
    public func discardEnvelope(_ id: UUID, brand: BrandID, actor: Actor) async throws -> Envelope {
        try await store.discardEnvelope(id, brand: brand, actor: actor)
    }
}
