import Crypto
import Foundation
import SQLKit
import TouchpointCore

extension Store {
    /// The mailboxes of a brand, by address.
    public func mailboxes(brand: BrandID) async throws -> [Mailbox] {
        try await database.read { db in
            try await db.raw("SELECT * FROM mailboxes WHERE brand_id = \(bind: brand.text) ORDER BY address").all().map(Store.mailbox(from:))
        }
    }

    /// The mailbox with this address in any brand (SMTP recipients name no brand).
    public func mailbox(address: String) async throws -> Mailbox? {
        let normalized = (try? Identity.normalizeEmail(address)) ?? address.lowercased()
        return try await database.read { db in
            try await db.raw("SELECT * FROM mailboxes WHERE address = \(bind: normalized)").first().map(Store.mailbox(from:))
        }
    }

    /// Creates or changes a mailbox of `brand`. An address another brand uses is a conflict.
    public func saveMailbox(address rawAddress: String, brand: BrandID, teamID: TeamID?, forwardsOpenForSender: Bool, acknowledges: Bool = false,
                            actor: Actor) async throws -> Mailbox {
        let address = try Identity.normalizeEmail(rawAddress, field: "address")
        let environment = self.environment
        return try await database.write { db in
            if let team = teamID { try await Store.requireTeam(team, brand: brand, on: db) }
            let now = environment.now()
            if let existing = try await db.raw("SELECT * FROM mailboxes WHERE address = \(bind: address)").first().map(Store.mailbox(from:)) {
                guard existing.brandID == brand else { throw StoreError.conflict("the address \(address) receives mail for another brand") }
                try await db.raw("""
                    UPDATE mailboxes SET team_id = \(bind: teamID?.text), forwards_open_for_sender = \(bind: forwardsOpenForSender ? 1 : 0),
                    acknowledges = \(bind: acknowledges ? 1 : 0) WHERE address = \(bind: address)
                    """).run()
            } else {
                try await db.raw("""
                    INSERT INTO mailboxes (address, brand_id, team_id, forwards_open_for_sender, acknowledges, created_at)
                    VALUES (\(bind: address), \(bind: brand.text), \(bind: teamID?.text), \(bind: forwardsOpenForSender ? 1 : 0), \(bind: acknowledges ? 1 : 0),
                    \(bind: Convert.ms(now)))
                    """).run()
            }
            let payload: [String: JSONValue] = ["address": .string(address), "teamId": .optionalString(teamID?.text),
                                                "forwardsOpenForSender": .bool(forwardsOpenForSender), "acknowledges": .bool(acknowledges)]
            try await Store.insert(events: self.events([EventDraft(type: .mailboxUpdated, payload: payload)], brand: brand, actor: actor,
                                                       account: nil, contact: nil, caseID: nil, at: now), on: db)
            guard let saved = try await db.raw("SELECT * FROM mailboxes WHERE address = \(bind: address)").first().map(Store.mailbox(from:)) else {
                throw StoreError.unavailable("the mailbox was not saved")
            }
            return saved
        }
    }

    /// Stops receiving mail at an address; mail already received stays.
    public func deleteMailbox(address rawAddress: String, brand: BrandID, actor: Actor) async throws {
        let address = (try? Identity.normalizeEmail(rawAddress)) ?? rawAddress.lowercased()
        let environment = self.environment
        try await database.write { db in
            guard try await db.raw("SELECT address FROM mailboxes WHERE address = \(bind: address) AND brand_id = \(bind: brand.text)").first() != nil else {
                throw StoreError.notFound("mailbox \(address)")
            }
            try await db.raw("DELETE FROM mailboxes WHERE address = \(bind: address)").run()
            try await Store.insert(events: self.events([EventDraft(type: .mailboxUpdated, payload: ["address": .string(address), "deleted": .bool(true)])],
                                                       brand: brand, actor: actor, account: nil, contact: nil, caseID: nil, at: environment.now()), on: db)
        }
    }

    static func mailbox(from row: any SQLRow) throws -> Mailbox {
        Mailbox(address: try row.string("address"), brandID: try row.uuid("brand_id"), teamID: try row.optionalUUID("team_id"),
                forwardsOpenForSender: try row.int("forwards_open_for_sender") != 0, acknowledges: try row.int("acknowledges") != 0,
                createdAt: try row.date("created_at"))
    }

    // MARK: - Attachments

    /// Stores attachment bytes once per brand under their SHA-256 and returns the reference.
    static func storeAttachment(name: String, contentType: String, data: [UInt8], brand: BrandID, at now: Date, on db: any SQLDatabase) async throws -> AttachmentRef {
        let hash = SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined()
        try await db.raw("""
            INSERT INTO attachments (brand_id, sha256, content_type, size, data, created_at)
            VALUES (\(bind: brand.text), \(bind: hash), \(bind: contentType), \(bind: data.count), \(bind: Data(data)), \(bind: Convert.ms(now)))
            ON CONFLICT (brand_id, sha256) DO NOTHING
            """).run()
        return AttachmentRef(name: name, contentType: contentType, size: data.count, sha256: hash)
    }

    /// Stores files staff attach to a reply or a note (each once per brand, under its hash)
    /// and returns their references, in order.
    public func saveAttachments(_ files: [(name: String, contentType: String, data: [UInt8])], brand: BrandID) async throws -> [AttachmentRef] {
        guard !files.isEmpty else { return [] }
        let now = environment.now()
        return try await database.write { db in
            var refs: [AttachmentRef] = []
            for file in files {
                refs.append(try await Store.storeAttachment(name: file.name, contentType: file.contentType, data: file.data, brand: brand, at: now, on: db))
            }
            return refs
        }
    }

    /// An attachment's bytes and type, when the brand has one with this hash.
    public func attachment(sha256: String, brand: BrandID) async throws -> (contentType: String, data: Data) {
        try await database.read { db in
            guard let row = try await db.raw("SELECT content_type, data FROM attachments WHERE brand_id = \(bind: brand.text) AND sha256 = \(bind: sha256.lowercased())").first() else {
                throw StoreError.notFound("attachment \(sha256)")
            }
            return (try row.string("content_type"), try row.decode(column: "data", as: Data.self))
        }
    }
}
