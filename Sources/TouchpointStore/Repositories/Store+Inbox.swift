import Foundation
import SQLKit
import TouchpointCore

extension Store {
    /// Stores an envelope durably (one group-committed insert) and returns its id; `duplicate`
    /// when its source delivered this key before, and then nothing is written.
    public func accept(_ envelope: NewEnvelope) async throws -> (id: UUID, duplicate: Bool) {
        let id: UUID = environment.newID()
        let now = Convert.ms(environment.now())
        return try await database.write { db in
            let inserted = try await db.raw(
                """
                INSERT INTO inbox (id, brand_id, contact_point, source, provider_key, lane, raw, received_at, state)
                VALUES (\(bind: id.text), \(bind: envelope.brandID.text), \(bind: envelope.contactPoint.rawValue), \(bind: envelope.source),
                        \(bind: envelope.providerKey), \(bind: envelope.lane), \(bind: Data(envelope.raw)), \(bind: now), 'received')
                ON CONFLICT (source, provider_key) DO NOTHING RETURNING id
                """
            ).all()
            if !inserted.isEmpty { return (id, false) }
            guard
                let existing = try await db.raw(
                    """
                    SELECT id FROM inbox WHERE source = \(bind: envelope.source) AND provider_key = \(bind: envelope.providerKey)
                    """
                ).first()
            else { throw StoreError.unavailable("the inbox refused an envelope it does not hold") }
            return (try existing.uuid("id"), true)
        }
    }

    /// Envelopes still to process whose time has come, oldest first, with their lanes;
    /// `receivedBefore` leaves out what just arrived (it is already in a lane).
    /// `after` continues a listing after the last item of the previous page.
    public func pendingEnvelopes(
        limit: Int, receivedBefore: Date? = nil, after: (receivedAt: Date, id: UUID)? = nil
    ) async throws
        -> [(id: UUID, lane: String, receivedAt: Date)]
    {
        let before = Convert.ms(receivedBefore ?? .distantFuture)
        let now = Convert.ms(environment.now())
        let from = after.map { Convert.ms($0.receivedAt) } ?? -1
        let fromID = after?.id.text ?? ""
        return try await database.read { db in
            try await db.raw(
                """
                SELECT id, lane, received_at FROM inbox WHERE state = 'received' AND received_at < \(bind: before)
                AND (received_at > \(bind: from) OR (received_at = \(bind: from) AND id > \(bind: fromID)))
                AND (next_attempt_at IS NULL OR next_attempt_at <= \(bind: now)) ORDER BY received_at, id LIMIT \(bind: limit)
                """
            ).all().map { (try $0.uuid("id"), try $0.string("lane"), try $0.date("received_at")) }
        }
    }

    /// An envelope with its body, of any brand (the intake worker's read).
    public func envelope(_ id: UUID) async throws -> (Envelope, [UInt8]) {
        try await database.read { db in
            guard let row = try await db.raw("SELECT \(unsafeRaw: Store.envelopeColumns), raw FROM inbox WHERE id = \(bind: id.text)").first() else {
                throw StoreError.notFound("envelope \(id.text)")
            }
            return (try Store.envelope(from: row), Array(try row.decode(column: "raw", as: Data.self)))
        }
    }

    /// Where an envelope is now (a primary-key read without the body).
    public func envelopeState(_ id: UUID) async throws -> EnvelopeState? {
        try await database.read { db in
            try await db.raw("SELECT state FROM inbox WHERE id = \(bind: id.text)").first().map { try $0.wire("state", as: EnvelopeState.self) }
        }
    }

    /// An envelope as an operator of its brand sees it.
    public func envelope(_ id: UUID, brand: BrandID) async throws -> Envelope {
        try await database.read { db in
            guard
                let row = try await db.raw(
                    """
                    SELECT \(unsafeRaw: Store.envelopeColumns) FROM inbox WHERE id = \(bind: id.text) AND brand_id = \(bind: brand.text)
                    """
                ).first()
            else { throw StoreError.notFound("envelope \(id.text)") }
            return try Store.envelope(from: row)
        }
    }

    /// A brand's envelopes in one state, newest first.
    public func envelopes(brand: BrandID, state: EnvelopeState?, limit: Int, cursor: Cursor?) async throws -> Page<Envelope> {
        try await statePage(
            table: "inbox", columns: Store.envelopeColumns, timeColumn: "received_at", brand: brand, state: state?.rawValue,
            limit: limit, cursor: cursor, read: Store.envelope(from:)
        ) { Cursor(time: Convert.ms($0.receivedAt), id: $0.id.text) }
    }

    /// The body as the provider sent it.
    public func rawEnvelope(_ id: UUID, brand: BrandID) async throws -> Data {
        try await database.read { db in
            guard let row = try await db.raw("SELECT raw, state FROM inbox WHERE id = \(bind: id.text) AND brand_id = \(bind: brand.text)").first()
            else {
                throw StoreError.notFound("envelope \(id.text)")
            }
            if try row.string("state") == EnvelopeState.discarded.rawValue {
                throw StoreError.conflict("the envelope was discarded; its body is gone")
            }
            return try row.decode(column: "raw", as: Data.self)
        }
    }

    /// Marks an envelope processed inside the transaction that took it into the history
    /// (keeping the case and interaction a first run recorded when this one found them done).
    static func markEnvelopeProcessed(
        _ envelope: UUID, caseID: CaseID? = nil, interactionID: InteractionID? = nil, note: String? = nil, at now: Date,
        on db: any SQLDatabase
    ) async throws {
        try await db.raw(
            """
            UPDATE inbox SET state = 'processed', case_id = COALESCE(\(bind: caseID?.text), case_id),
            interaction_id = COALESCE(\(bind: interactionID?.text), interaction_id), reason = \(bind: note), stage = NULL,
            attempts = attempts + 1, processed_at = \(bind: Convert.ms(now)) WHERE id = \(bind: envelope.text)
            """
        ).run()
    }

    /// Marks an envelope processed when processing wrote nothing else: an event that only
    /// fills in a call, or a message a first run already took into the history.
    public func markEnvelopeProcessed(_ envelope: UUID, caseID: CaseID? = nil, interactionID: InteractionID? = nil, note: String? = nil) async throws
    {
        let now = environment.now()
        try await database.write { db in
            try await Store.markEnvelopeProcessed(envelope, caseID: caseID, interactionID: interactionID, note: note, at: now, on: db)
        }
    }

    /// Records a failed attempt: the envelope waits until `retryAt`, or, without one, is
    /// quarantined with its stage and reason (and an event tells the brand's operators).
    public func recordFailure(_ id: UUID, stage: IntakeStage, reason: String, retryAt: Date?) async throws {
        let environment = self.environment
        let clipped = Store.clip(reason, bytes: 1000)
        try await database.write { db in
            guard let row = try await db.raw("SELECT brand_id, state, contact_point FROM inbox WHERE id = \(bind: id.text)").first(),
                try row.string("state") == EnvelopeState.received.rawValue
            else { return }
            try await db.raw(
                """
                UPDATE inbox SET state = \(bind: retryAt == nil ? EnvelopeState.quarantined.rawValue : EnvelopeState.received.rawValue),
                stage = \(bind: stage.rawValue), reason = \(bind: clipped), attempts = attempts + 1,
                next_attempt_at = \(bind: retryAt.map(Convert.ms)) WHERE id = \(bind: id.text)
                """
            ).run()
            guard retryAt == nil else { return }
            let payload: [String: JSONValue] = [
                "envelopeId": .string(id.text), "stage": .string(stage.rawValue), "reason": .string(clipped),
                "contactPoint": .string(try row.string("contact_point")),
            ]
            try await Store.insert(
                events: self.events(
                    [EventDraft(type: .intakeQuarantined, payload: payload)], brand: try row.uuid("brand_id"),
                    actor: .system, account: nil, contact: nil, caseID: nil, at: environment.now()), on: db)
        }
    }

    /// Puts a quarantined envelope back in line (after a fix); it is processed again from
    /// the start, and processing is idempotent.
    public func rerunEnvelope(_ id: UUID, brand: BrandID, actor: Actor) async throws -> Envelope {
        let environment = self.environment
        try await database.write { db in
            try await Store.requireQuarantinedEnvelope(id, brand: brand, doing: "run again", on: db)
            try await db.raw(
                """
                UPDATE inbox SET state = 'received', attempts = 0, next_attempt_at = NULL WHERE id = \(bind: id.text)
                """
            ).run()
            try await Store.insert(
                events: self.events(
                    [EventDraft(type: .intakeRerun, payload: ["envelopeId": .string(id.text)])], brand: brand,
                    actor: actor, account: nil, contact: nil, caseID: nil, at: environment.now()), on: db)
        }
        return try await envelope(id, brand: brand)
    }

    /// Throws a quarantined envelope away: its body is deleted, its record stays.
    public func discardEnvelope(_ id: UUID, brand: BrandID, actor: Actor) async throws -> Envelope {
        let environment = self.environment
        try await database.write { db in
            try await Store.requireQuarantinedEnvelope(id, brand: brand, doing: "discarded", on: db)
            try await db.raw("UPDATE inbox SET state = 'discarded', raw = \(bind: Data()) WHERE id = \(bind: id.text)").run()
            try await Store.insert(
                events: self.events(
                    [EventDraft(type: .intakeDiscarded, payload: ["envelopeId": .string(id.text)])], brand: brand,
                    actor: actor, account: nil, contact: nil, caseID: nil, at: environment.now()), on: db)
        }
        return try await envelope(id, brand: brand)
    }

    static func requireQuarantinedEnvelope(_ id: UUID, brand: BrandID, doing what: String, on db: any SQLDatabase) async throws {
        guard let row = try await db.raw("SELECT state FROM inbox WHERE id = \(bind: id.text) AND brand_id = \(bind: brand.text)").first() else {
            throw StoreError.notFound("envelope \(id.text)")
        }
        guard try row.string("state") == EnvelopeState.quarantined.rawValue else {
            throw StoreError.conflict("only a quarantined envelope can be \(what)")
        }
    }

    static let envelopeColumns = """
        id, brand_id, contact_point, source, provider_key, lane, received_at, state, stage, reason, attempts, next_attempt_at, case_id, interaction_id, processed_at
        """

    static func envelope(from row: any SQLRow) throws -> Envelope {
        Envelope(
            id: try row.uuid("id"), brandID: try row.uuid("brand_id"), contactPoint: try row.wire("contact_point", as: ContactPoint.self),
            source: try row.string("source"), providerKey: try row.string("provider_key"), lane: try row.string("lane"),
            receivedAt: try row.date("received_at"), state: try row.wire("state", as: EnvelopeState.self),
            stage: try row.optionalString("stage").flatMap(IntakeStage.init(rawValue:)), reason: try row.optionalString("reason"),
            attempts: try row.int("attempts"), nextAttemptAt: try row.optionalInt("next_attempt_at").map(Convert.date),
            caseID: try row.optionalUUID("case_id"), interactionID: try row.optionalUUID("interaction_id"),
            processedAt: try row.optionalInt("processed_at").map(Convert.date))
    }
}
