import Foundation
import SQLKit
import TouchpointCore

extension Store {
    /// Makes a one-time sign-in link for the contact with this email address, valid for 15
    /// minutes, and queues the email when the brand has a mailbox to send from. At most five
    /// links per address and hour.
    public func requestPortalLink(brand brandID: BrandID, email rawEmail: String, linkBase: String) async throws -> PortalLinkOutcome {
        guard let email = try? Identity.normalizeEmail(rawEmail) else { return .unknownAddress }
        let environment = self.environment
        let brand = try await self.brand(brandID)
        return try await database.write { db in
            guard let row = try await db.raw("""
                SELECT c.id, c.name, c.merged_into FROM identities i JOIN contacts c ON c.id = i.contact_id
                WHERE i.brand_id = \(bind: brandID.text) AND i.kind = 'email' AND i.value = \(bind: email)
                """).first() else { return .unknownAddress }
            // A merged duplicate signs in as the contact it was merged into.
            let contactID = try row.optionalUUID("merged_into") ?? row.uuid("id")
            let now = environment.now()
            let recent = try await db.raw("""
                SELECT COUNT(*) AS n FROM portal_links WHERE brand_id = \(bind: brandID.text) AND email = \(bind: email)
                AND created_at > \(bind: Convert.ms(now.addingTimeInterval(-3600)))
                """).first()?.int("n") ?? 0
            guard recent < 5 else { return .throttled }
            let token = Store.randomToken()
            try await db.raw("""
                INSERT INTO portal_links (token_hash, brand_id, contact_id, email, created_at, expires_at)
                VALUES (\(bind: Store.hash(token: token)), \(bind: brandID.text), \(bind: contactID.text), \(bind: email), \(bind: Convert.ms(now)),
                        \(bind: Convert.ms(now.addingTimeInterval(15 * 60))))
                """).run()
            var emailed = false
            if let box = try await db.raw("SELECT * FROM mailboxes WHERE brand_id = \(bind: brandID.text) ORDER BY created_at, address LIMIT 1").first() {
                let mailbox = try Store.mailbox(from: box)
                let domain = mailbox.address.split(separator: "@").last.map(String.init) ?? "localhost"
                let words = CustomerMessages(try await Store.language(of: contactID, brand: brand, on: db)).portalLink(brand: brand.name, link: linkBase + token)
                let mail = OutboundMail(
                    from: MailAddress(name: brand.name, address: mailbox.address), to: [MailAddress(name: try row.optionalString("name"), address: email)],
                    subject: words.subject, messageID: "portal-\(environment.newID().text)@\(domain)", date: now, text: words.text,
                    automatic: true, loopMarker: mailbox.address)
                try await Store.insertOutbox(OutboxMessage(mail: mail, attachments: []), recipient: email, brand: brandID, caseID: nil, interactionID: nil,
                                             id: environment.newID(), at: now, on: db)
                emailed = true
            }
            try await Store.insert(events: [DomainEvent(id: environment.newID(), brandID: brandID, type: .portalLinkSent, actor: .system, accountID: nil,
                                                        contactID: contactID, caseID: nil, payload: ["email": .string(email)], occurredAt: now)], on: db)
            return .sent(token: token, emailed: emailed)
        }
    }

    /// Uses a sign-in link once and starts a portal session; nil for an unknown, used or
    /// expired link.
    public func redeemPortalLink(_ token: String, brand: BrandID) async throws -> (token: String, session: PortalSession)? {
        let now = environment.now()
        let hash = Store.hash(token: token)
        let contactID = try await database.write { db -> ContactID? in
            let rows = try await db.raw("""
                UPDATE portal_links SET used_at = \(bind: Convert.ms(now))
                WHERE token_hash = \(bind: hash) AND brand_id = \(bind: brand.text) AND used_at IS NULL AND expires_at > \(bind: Convert.ms(now))
                RETURNING contact_id
                """).all()
            return try rows.first?.uuid("contact_id")
        }
        guard let contactID else { return nil }
        return try await startPortalSession(contactID, brand: brand)
    }

    /// The contact whose portal password this is, for signing in with a password.
    public func portalCredentials(brand: BrandID, email rawEmail: String) async throws -> (contactID: ContactID, passwordHash: String?)? {
        guard let email = try? Identity.normalizeEmail(rawEmail) else { return nil }
        return try await database.read { db in
            guard let row = try await db.raw("""
                SELECT c.id, c.merged_into, c.portal_password_hash FROM identities i JOIN contacts c ON c.id = i.contact_id
                WHERE i.brand_id = \(bind: brand.text) AND i.kind = 'email' AND i.value = \(bind: email)
                """).first() else { return nil }
            // A merged duplicate's password is not the survivor's: only the survivor's counts.
            guard try row.optionalString("merged_into") == nil else { return nil }
            return (try row.uuid("id"), try row.optionalString("portal_password_hash"))
        }
    }

    /// Sets (or with nil removes) the contact's portal password; ends their other sessions.
    public func setPortalPassword(_ hash: String?, contactID: ContactID, brand: BrandID) async throws {
        try await database.write { db in
            _ = try await Store.contact(contactID, brand: brand, on: db)
            try await db.raw("UPDATE contacts SET portal_password_hash = \(bind: hash) WHERE id = \(bind: contactID.text)").run()
            try await db.raw("DELETE FROM portal_sessions WHERE contact_id = \(bind: contactID.text)").run()
        }
    }

    public func startPortalSession(_ contactID: ContactID, brand: BrandID, lifetime: SessionLifetime = SessionLifetime(idle: 3600 * 24, absolute: 30 * 24 * 3600))
        async throws -> (token: String, session: PortalSession) {
        let token = Store.randomToken()
        let csrf = Store.randomToken()
        let now = environment.now()
        let expires = now.addingTimeInterval(min(lifetime.idle, lifetime.absolute))
        let environment = self.environment
        let contact = try await database.write { db -> Contact in
            let contact = try await Store.contact(contactID, brand: brand, on: db)
            try await db.raw("""
                INSERT INTO portal_sessions (token_hash, brand_id, contact_id, csrf_token, created_at, last_seen_at, expires_at)
                VALUES (\(bind: Store.hash(token: token)), \(bind: brand.text), \(bind: contactID.text), \(bind: csrf), \(bind: Convert.ms(now)),
                        \(bind: Convert.ms(now)), \(bind: Convert.ms(expires)))
                """).run()
            try await Store.insert(events: [DomainEvent(id: environment.newID(), brandID: brand, type: .portalSignedIn, actor: .contact(contactID),
                                                        accountID: contact.accountID, contactID: contactID, caseID: nil, payload: [:], occurredAt: now)], on: db)
            return contact
        }
        return (token, PortalSession(contact: contact, csrfToken: csrf, expiresAt: expires))
    }

    /// The live portal session behind a cookie value for this brand, or nil.
    public func portalSession(token: String, brand: BrandID) async throws -> PortalSession? {
        let hash = Store.hash(token: token)
        let now = environment.now()
        return try await database.read { db in
            guard let row = try await db.raw("""
                SELECT contact_id, csrf_token, expires_at FROM portal_sessions WHERE token_hash = \(bind: hash) AND brand_id = \(bind: brand.text)
                AND expires_at > \(bind: Convert.ms(now))
                """).first() else { return nil }
            let contact = try await Store.contact(try row.uuid("contact_id"), brand: brand, on: db)
            return PortalSession(contact: contact, csrfToken: try row.string("csrf_token"), expiresAt: try row.date("expires_at"))
        }
    }

    public func endPortalSession(token: String) async throws {
        let hash = Store.hash(token: token)
        try await database.write { db in try await db.raw("DELETE FROM portal_sessions WHERE token_hash = \(bind: hash)").run() }
    }

    /// The cases of a contact and of the contacts merged into it, newest first.
    public func portalCases(contactID: ContactID, brand: BrandID, limit: Int = 200) async throws -> [Case] {
        try await database.read { db in
            let family = try await Store.family(of: contactID, brand: brand, on: db)
            return try await db.raw("""
                SELECT * FROM cases WHERE brand_id = \(bind: brand.text) AND \(Store.inList("contact_id", family)) AND merged_into IS NULL
                ORDER BY updated_at DESC, id DESC LIMIT \(bind: limit)
                """).all().map(Store.case(from:))
        }
    }

    /// A case as its customer may see it: theirs (or a merged duplicate's), and without
    /// the staff's internal notes. Any other case is not found.
    public func portalCase(number: Int, contactID: ContactID, brand: BrandID) async throws -> (case: Case, interactions: [Interaction]) {
        try await database.read { db in
            let family = try await Store.family(of: contactID, brand: brand, on: db)
            guard let row = try await db.raw("""
                SELECT * FROM cases WHERE brand_id = \(bind: brand.text) AND number = \(bind: number) AND \(Store.inList("contact_id", family))
                """).first() else { throw StoreError.notFound("request \(number)") }
            let item = try Store.case(from: row)
            let interactions = try await db.raw("""
                SELECT * FROM interactions WHERE case_id = \(bind: item.id.text) AND direction <> 'internal' ORDER BY occurred_at, id LIMIT 500
                """).all().map(Store.interaction(from:))
            return (item, interactions)
        }
    }
}
