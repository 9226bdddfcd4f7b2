import Foundation
import SQLKit
import TouchpointCore

extension Store {
    /// Records a call event (events may arrive in any order), and when the call has ended,
    /// makes it an interaction on the customer's timeline — on their open phone case, on a
    /// new case for an answered call, or, for a missed inbound call whose service model
    /// offers the phone, on a callback case. The envelope is marked processed with the
    /// history it wrote, so a crash between filling in the call and writing its history
    /// leaves it to be processed again (filling in the call twice changes nothing).
    public func processCall(_ event: CallEvent, integration: Integration, envelope: UUID) async throws -> CallResult {
        let brand = try await self.brand(integration.brandID)
        let number = event.inbound ? event.from : event.to
        let identity = try number.map { try Identity(kind: .phone, raw: $0, defaultCallingCode: brand.defaultCallingCode, field: event.inbound ? "from" : "to") }
        let agentID = try await event.user.asyncMap { try await credentials(email: $0)?.user }?.flatMap { $0.brandID == brand.id ? $0.id : nil }
        let ms = Convert.ms(event.occurredAt)
        let call = try await database.write { db -> (started: Date?, answered: Date?, ended: Date?, agent: UserID?, cause: String?,
                                                   recording: String?, inbound: Bool, number: String?, done: Bool) in
            try await db.raw("""
                INSERT INTO calls (integration_id, call_id, brand_id) VALUES (\(bind: integration.id), \(bind: event.callID), \(bind: brand.id.text))
                ON CONFLICT (integration_id, call_id) DO NOTHING
                """).run()
            var set = SQLQueryString("UPDATE calls SET direction = COALESCE(direction, \(bind: event.inbound ? "in" : "out"))")
            if let identity { set.appendLiteral(", customer_number = COALESCE(customer_number, "); set.appendInterpolation(bind: identity.value); set.appendLiteral(")") }
            if let ours = event.inbound ? event.to : event.from { set.appendLiteral(", our_number = COALESCE(our_number, "); set.appendInterpolation(bind: ours); set.appendLiteral(")") }
            switch event.kind {
            case .newCall: set.appendLiteral(", started_at = "); set.appendInterpolation(bind: ms)
            case .answer:
                set.appendLiteral(", answered_at = "); set.appendInterpolation(bind: ms)
                if let agentID { set.appendLiteral(", agent_id = "); set.appendInterpolation(bind: agentID.text) }
            case .hangup:
                set.appendLiteral(", ended_at = "); set.appendInterpolation(bind: ms)
                set.appendLiteral(", cause = "); set.appendInterpolation(bind: event.cause)
            }
            if let recording = event.recordingURL { set.appendLiteral(", recording_url = "); set.appendInterpolation(bind: recording) }
            set.appendLiteral(" WHERE integration_id = "); set.appendInterpolation(bind: integration.id)
            set.appendLiteral(" AND call_id = "); set.appendInterpolation(bind: event.callID)
            try await db.raw(set).run()
            let row = try await db.raw("SELECT * FROM calls WHERE integration_id = \(bind: integration.id) AND call_id = \(bind: event.callID)").first()!
            return (try row.optionalInt("started_at").map(Convert.date), try row.optionalInt("answered_at").map(Convert.date),
                    try row.optionalInt("ended_at").map(Convert.date), try row.optionalUUID("agent_id"), try row.optionalString("cause"),
                    try row.optionalString("recording_url"), try row.optionalString("direction") != "out", try row.optionalString("customer_number"),
                    try row.optionalString("interaction_id") != nil)
        }
        // A finished call becomes history once; a late event after that only fills the row.
        // A normal hang-up without its answer yet waits for the answer, which is on its way.
        guard let ended = call.ended, !call.done, let customer = call.number,
              call.answered != nil || call.cause != "normalClearing" else {
            try await markEnvelopeProcessed(envelope)
            return CallResult(interactionID: nil, caseID: nil, callback: false)
        }
        let outcome = CallOutcome(inbound: call.inbound, answeredAt: call.answered, startedAt: call.started, endedAt: ended, cause: call.cause)
        let agentName = try await call.agent.asyncMap { try await staffUser($0, brand: brand.id).name }
        var metadata = ["callId": event.callID, "outcome": outcome.answered ? "answered" : (call.cause ?? "noAnswer")]
        if let talk = outcome.talkSeconds { metadata["durationSeconds"] = String(talk) }
        if let wait = outcome.waitSeconds { metadata["waitSeconds"] = String(wait) }
        if let recording = call.recording { metadata["recordingUrl"] = recording }
        let phone = Identity(storedKind: .phone, value: customer)
        let summary = outcome.summary(agent: agentName)
        let environment = self.environment
        let finish: @Sendable (Case, Interaction, any SQLDatabase) async throws -> Void = { item, interaction, db in
            try await db.raw("""
                UPDATE calls SET interaction_id = \(bind: interaction.id.text), case_id = \(bind: item.id.text)
                WHERE integration_id = \(bind: integration.id) AND call_id = \(bind: event.callID)
                """).run()
            try await Store.markEnvelopeProcessed(envelope, caseID: item.id, interactionID: interaction.id, at: environment.now(), on: db)
        }
        let pop = try await screenPop(phone, brand: brand.id)
        if let open = pop.openCases.first(where: { $0.contactPoint == .phone }) {
            let (item, interaction) = try await addInteraction(
                caseID: open.id, brand: brand.id, actor: call.agent.map(Actor.staff) ?? .system,
                request: NewInteraction(direction: outcome.inbound ? .inbound : .outbound, contactPoint: .phone, body: summary,
                                        providerMessageID: "call:\(event.callID)", metadata: metadata, occurredAt: call.started ?? ended, from: phone,
                                        automatic: !outcome.answered),
                also: finish)
            return CallResult(interactionID: interaction.id, caseID: item.id, callback: false)
        }
        let config = try await serviceConfig(brand: brand.id)
        let offersPhone = config.policy(pop.serviceModel ?? config.rules.defaultModel).offeredContactPoints.contains(.phone)
        // An answered call, or a missed one the model promises to return, is a case; a
        // missed call on a model without the phone stays on the timeline only.
        guard outcome.answered || offersPhone else {
            let id = try await recordCaseless(phone, summary: summary, metadata: metadata, at: call.started ?? ended, brand: brand.id,
                                              integration: integration, callID: event.callID, envelope: envelope)
            return CallResult(interactionID: id, caseID: nil, callback: false)
        }
        var request = OpenCase(contactPoint: .phone, from: phone, subject: outcome.missed ? "Call back \(customer)" : "Phone call with \(customer)",
                               body: summary, priority: outcome.missed && pop.serviceModel == .highTouch ? .high : .normal,
                               tags: outcome.missed ? ["callback"] : [], providerMessageID: "call:\(event.callID)", metadata: metadata,
                               occurredAt: call.started ?? ended)
        // A missed call is a callback to make: its own case, never lost inside another.
        request.mayContinue = !outcome.missed
        let opened = try await openCase(brand: brand.id, actor: nil, request: request, also: finish)
        return CallResult(interactionID: opened.interaction.id, caseID: opened.case.id, callback: outcome.missed)
    }

    /// Who this number belongs to, their model and open cases, and whom to ring.
    public func screenPop(_ identity: Identity?, brand: BrandID) async throws -> ScreenPop {
        guard let identity, let resolved = try await database.read({ db in try await Store.resolve(identity, brand: brand, on: db) }) else {
            return ScreenPop(contact: nil, account: nil, serviceModel: nil, openCases: [], csm: nil, teamID: nil)
        }
        let contact = try await self.contact(resolved.contact, brand: brand)
        let account = try await resolved.account.asyncMap { try await self.account($0, brand: brand) }
        let config = try await serviceConfig(brand: brand)
        let model = config.rules.evaluateContact(profile: account?.profile ?? AccountProfile(), role: contact.title).model
        let open = try await cases(brand: brand, filter: CaseFilter(statuses: [.new, .open, .pending], contactID: contact.id), limit: 10, cursor: nil).items
        let policy = config.policy(model)
        let csm = policy.namedCSM ? try await account?.profile.ownerCSM.asyncMap { try await staffUser($0, brand: brand) } : nil
        return ScreenPop(contact: contact, account: account, serviceModel: model, openCases: open, csm: csm ?? nil,
                         teamID: open.first?.teamID, offModel: policy.offModelAction(.phone), offModelReason: policy.offModelReason(.phone))
    }

    /// A missed call as an interaction on the caller's timeline, on no case.
    func recordCaseless(_ phone: Identity, summary: String, metadata: [String: String], at occurredAt: Date, brand: BrandID,
                        integration: Integration, callID: String, envelope: UUID) async throws -> InteractionID {
        let environment = self.environment
        let dialect = self.dialect
        return try await database.write { db in
            let now = environment.now()
            // Two events of one call finishing at once record it once.
            if let existing = try await Store.interaction(providerID: "call:\(callID)", contactPoint: .phone, brand: brand, on: db) {
                try await Store.markEnvelopeProcessed(envelope, interactionID: existing.id, at: now, on: db)
                return existing.id
            }
            let sender = try await Store.resolveOrCreate(phone, name: nil, contactPoint: .phone, brand: brand, environment: environment,
                                                         dialect: dialect, at: now, on: db)
            let interaction = Interaction(id: environment.newID(), brandID: brand, contactID: sender.contact, caseID: nil, contactPoint: .phone,
                                          direction: .inbound, authorKind: .system, authorID: nil, text: summary,
                                          providerMessageID: "call:\(callID)", metadata: metadata, occurredAt: occurredAt)
            try await Store.insert(interaction: interaction, now: now, on: db)
            try await Store.insert(events: sender.events + [DomainEvent(
                id: environment.newID(), brandID: brand, type: .interactionAdded, actor: .system, accountID: sender.account, contactID: sender.contact,
                caseID: nil, payload: ["interactionId": .string(interaction.id.text), "direction": .string("inbound")], occurredAt: occurredAt)], on: db)
            try await db.raw("""
                UPDATE calls SET interaction_id = \(bind: interaction.id.text) WHERE integration_id = \(bind: integration.id) AND call_id = \(bind: callID)
                """).run()
            try await Store.markEnvelopeProcessed(envelope, interactionID: interaction.id, at: now, on: db)
            return interaction.id
        }
    }
}
