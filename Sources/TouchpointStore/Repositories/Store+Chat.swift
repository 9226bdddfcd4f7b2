import Foundation
import SQLKit
import TouchpointCore

/// One message of a web chat as the widget sees it, numbered within the conversation.
public struct ChatMessage: Sendable, Equatable {
    /// 1, 2, 3… in the order the conversation's messages were recorded; stable across
    /// reconnects, so a widget asks for what came after the last one it saw.
    public var seq: Int
    /// `visitor` or `agent`.
    public var from: String
    public var text: String
    /// The widget's own id of a visitor message (to match its acknowledgement).
    public var clientID: String?
    public var at: Date
}

extension Store {
    /// The case of a visitor's conversation while it is still open.
    public func chatCase(brand: BrandID, visitor: String) async throws -> CaseID? {
        try await database.read { db in
            try await db.raw("""
                SELECT s.case_id FROM chat_sessions s JOIN cases c ON c.id = s.case_id
                WHERE s.brand_id = \(bind: brand.text) AND s.visitor = \(bind: visitor) AND c.status IN ('new', 'open', 'pending') AND c.merged_into IS NULL
                """).first()?.uuid("case_id")
        }
    }

    /// Records a visitor's chat message: on their open chat case, or a new webChat case.
    /// With an email or phone the visitor gave, the chat joins that customer's history. A
    /// message resent after a dropped connection (same client id) is recorded once.
    public func postChatMessage(brand: BrandID, visitor: String, clientID: String, text: String, identity given: Identity?, name: String?) async throws
        -> (caseID: CaseID, caseNumber: Int, seq: Int) {
        let identity = given ?? Identity(storedKind: .chatVisitor, value: visitor)
        let providerID = "chat:\(visitor):\(clientID)"
        let caseID: CaseID
        let caseNumber: Int
        if let open = try await chatCase(brand: brand, visitor: visitor) {
            let (item, _) = try await addInteraction(caseID: open, brand: brand, actor: .system,
                                                     request: NewInteraction(direction: .inbound, contactPoint: .webChat, body: text, providerMessageID: providerID,
                                                                             metadata: ["clientId": clientID], from: identity, name: name))
            caseID = item.id
            caseNumber = item.number
        } else {
            let firstLine = text.split(whereSeparator: \.isNewline).first.map(String.init) ?? text
            let environment = self.environment
            let opened = try await openCase(
                brand: brand, actor: nil,
                request: OpenCase(contactPoint: .webChat, from: identity, name: name, subject: firstLine.count > 80 ? String(firstLine.prefix(79)) + "…" : firstLine,
                                  body: text, providerMessageID: providerID, metadata: ["clientId": clientID]),
                also: { item, _, db in
                    try await db.raw("""
                        INSERT INTO chat_sessions (brand_id, visitor, case_id, contact_id, created_at)
                        VALUES (\(bind: brand.text), \(bind: visitor), \(bind: item.id.text), \(bind: item.contactID.text), \(bind: Convert.ms(environment.now())))
                        ON CONFLICT (brand_id, visitor) DO UPDATE SET case_id = excluded.case_id, contact_id = excluded.contact_id
                        """).run()
                })
            caseID = opened.case.id
            caseNumber = opened.case.number
        }
        let seq = try await chatMessages(caseID: caseID, brand: brand, after: 0).first { $0.clientID == clientID && $0.from == "visitor" }?.seq ?? 0
        return (caseID, caseNumber, seq)
    }

    /// The conversation's messages after `seq` (internal notes are never part of it).
    public func chatMessages(caseID: CaseID, brand: BrandID, after seq: Int) async throws -> [ChatMessage] {
        let all = try await database.read { db in
            try await db.raw("""
                SELECT * FROM interactions WHERE case_id = \(bind: caseID.text) AND brand_id = \(bind: brand.text) AND direction <> 'internal'
                ORDER BY occurred_at, id LIMIT 2000
                """).all().map(Store.interaction(from:))
        }
        return all.enumerated().compactMap { index, item in
            guard index + 1 > seq else { return nil }
            return ChatMessage(seq: index + 1, from: item.direction == .inbound ? "visitor" : "agent", text: item.text,
                               clientID: item.metadata["clientId"], at: item.occurredAt)
        }
    }
}
