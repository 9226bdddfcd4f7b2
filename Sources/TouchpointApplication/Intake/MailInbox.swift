import Foundation
import TouchpointCore
import TouchpointStore

/// Received mail: storing it on receipt, reading it back, running or discarding it again.
public struct MailInbox: Sendable {
    let store: Store

    /// Stores a received message durably, once per brand among its recipients, and
    /// returns the ids to process. Only after this returns may the sender hear 250.
    public func receiveMail(raw: [UInt8], envelopeFrom: String, recipients: [String]) async throws -> [UUID] {
        try await store.receiveMail(raw: raw, envelopeFrom: envelopeFrom, recipients: recipients)
    }

    /// Received mail of a brand in one state, newest first.
    public func inboundMail(brand: BrandID, state: InboundMailState?, limit: Int, cursor: Cursor?) async throws -> Page<InboundMailRecord> {
        try await store.inboundMail(brand: brand, state: state, limit: limit, cursor: cursor)
    }

    /// One received message with its state and reason.
    public func inboundMail(_ id: UUID, brand: BrandID) async throws -> InboundMailRecord {
        try await store.inboundMail(id, brand: brand)
    }

    /// The message exactly as it was received.
    public func rawMail(_ id: UUID, brand: BrandID) async throws -> Data {
        try await store.rawMail(id, brand: brand)
    }

    /// Runs a quarantined message through intake again (after a fix, or to let it through
    /// a limit); `force` skips the per-sender rate limit.
    public func rerunMail(_ id: UUID, brand: BrandID, actor: Actor, force: Bool = false) async throws -> MailIntakeResult {
        try await store.rerunMail(id, brand: brand, actor: actor, force: force)
    }

    /// Throws a quarantined message away: its bytes are deleted, its record stays.
    public func discardMail(_ id: UUID, brand: BrandID, actor: Actor) async throws {
        try await store.discardMail(id, brand: brand, actor: actor)
    }
}
