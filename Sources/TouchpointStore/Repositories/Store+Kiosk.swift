import Crypto
import Foundation
import SQLKit
import TouchpointCore

extension Store {
    /// How long an identified customer's session lasts at most.
    public static let kioskSessionLength: TimeInterval = 600
    static let kioskCodeLength: TimeInterval = 300
    static let kioskCodesPerWindow = 3
    static let kioskCodeWindow: TimeInterval = 15 * 60

    /// Registers a kiosk and returns its device token (shown once; stored hashed). The demo
    /// data passes a fixed token; real installations get a random one.
    public func registerKiosk(brand: BrandID, location: UUID?, name: String, idleSeconds: Int = 60, languages: [String] = ["en"],
                              token given: String? = nil) async throws -> (Kiosk, token: String) {
        guard (5...3600).contains(idleSeconds) else { throw ValidationError(field: "idleSeconds", reason: "between 5 and 3600 seconds") }
        let supported = ["en", "pl"]
        guard !languages.isEmpty, languages.allSatisfy(supported.contains) else {
            throw ValidationError(field: "languages", reason: "one or more of \(supported.joined(separator: ", "))")
        }
        let kiosk = Kiosk(id: environment.newID(), brandID: brand, locationID: location, name: try Check.text(name, field: "name", max: 100),
                          idleSeconds: idleSeconds, languages: languages)
        let token = given ?? Store.randomToken()
        let now = environment.now()
        try await database.write { db in
            if let location { _ = try await Store.location(location, brand: brand, on: db) }
            try await db.raw("""
                INSERT INTO kiosks (id, brand_id, location_id, name, token_hash, idle_seconds, languages, created_at)
                VALUES (\(bind: kiosk.id.text), \(bind: brand.text), \(bind: location?.text), \(bind: kiosk.name), \(bind: Store.hash(token: token)),
                        \(bind: idleSeconds), \(bind: Convert.json(languages)), \(bind: Convert.ms(now)))
                """).run()
        }
        return (kiosk, token)
    }

    /// The kiosk a device token belongs to.
    public func kiosk(token: String) async throws -> Kiosk? {
        try await database.read { db in
            try await db.raw("SELECT * FROM kiosks WHERE token_hash = \(bind: Store.hash(token: token))").first().map(Store.kiosk(from:))
        }
    }

    public func kiosks(brand: BrandID) async throws -> [Kiosk] {
        try await database.read { db in
            try await db.raw("SELECT * FROM kiosks WHERE brand_id = \(bind: brand.text) ORDER BY name, id").all().map(Store.kiosk(from:))
        }
    }

    static func kiosk(from row: any SQLRow) throws -> Kiosk {
        Kiosk(id: try row.uuid("id"), brandID: try row.uuid("brand_id"), locationID: try row.optionalUUID("location_id"), name: try row.string("name"),
              idleSeconds: try row.int("idle_seconds"), languages: Convert.strings(try row.string("languages")))
    }

    /// A customer identifies with their customer (card) number.
    public func kioskIdentify(_ kiosk: Kiosk, customerNumber raw: String) async throws -> (token: String, session: KioskSession) {
        let identity = try Identity(kind: .customerNumber, raw: raw, field: "number")
        guard let found = try await database.read({ db in try await Store.resolve(identity, brand: kiosk.brandID, on: db) }) else {
            throw KioskRefusal.notRecognized
        }
        return try await startKioskSession(kiosk, contact: found.contact, method: "customer number")
    }

    /// Sends a one-time code by SMS to a customer's phone number. Says nothing about whether
    /// the number is known: an unknown number simply gets no message. A kiosk sends one
    /// number at most `kioskCodesPerWindow` codes in `kioskCodeWindow`, known or not, so
    /// nobody can flood a phone with codes (or learn from a refusal which numbers are known).
    /// The text is in `language`, the one the kiosk's screen speaks (nil: the brand's).
    public func kioskSendCode(_ kiosk: Kiosk, phone raw: String, language: Language? = nil) async throws {
        let brand = try await self.brand(kiosk.brandID)
        let phone = try Identity(kind: .phone, raw: raw, defaultCallingCode: brand.defaultCallingCode, field: "phone")
        let code = String(format: "%06d", Int.random(in: 0..<1_000_000))
        let now = environment.now()
        let environment = self.environment
        try await database.write { db in
            guard let integration = try await db.raw("""
                SELECT * FROM integrations WHERE brand_id = \(bind: kiosk.brandID.text) AND kind = 'sms' ORDER BY created_at, id LIMIT 1
                """).first().map(Store.integration(from:)) else {
                throw StoreError.conflict("this kiosk cannot send codes: the brand has no SMS integration")
            }
            var sends = 1
            var windowStart = now
            if let previous = try await db.raw("""
                SELECT sends, window_start FROM kiosk_codes WHERE kiosk_id = \(bind: kiosk.id.text) AND phone = \(bind: phone.value)
                """).first(), now.timeIntervalSince(try previous.date("window_start")) < Store.kioskCodeWindow {
                sends = try previous.int("sends") + 1
                windowStart = try previous.date("window_start")
            }
            guard sends <= Store.kioskCodesPerWindow else { throw KioskRefusal.tooManyAttempts }
            let known = try await Store.resolve(phone, brand: kiosk.brandID, on: db) != nil
            try await db.raw("DELETE FROM kiosk_codes WHERE kiosk_id = \(bind: kiosk.id.text) AND phone = \(bind: phone.value)").run()
            // An unknown number gets a row too (for a code never sent), so it is counted alike.
            try await db.raw("""
                INSERT INTO kiosk_codes (kiosk_id, phone, code_hash, attempts, expires_at, sends, window_start)
                VALUES (\(bind: kiosk.id.text), \(bind: phone.value), \(bind: Store.hash(token: known ? code : Store.randomToken())), 0,
                        \(bind: Convert.ms(now.addingTimeInterval(Store.kioskCodeLength))), \(bind: sends), \(bind: Convert.ms(windowStart)))
                """).run()
            guard known else { return }
            try await Store.insertTextOutbox(TextContent(text: CustomerMessages(language ?? brand.language).kioskCode(brand: brand.name, code: code)), recipient: phone.value,
                                             integration: integration, caseID: nil, interactionID: nil, id: environment.newID(), at: now, on: db)
        }
    }

    /// Checks the code typed at the kiosk: five tries, five minutes.
    public func kioskVerifyCode(_ kiosk: Kiosk, phone raw: String, code: String) async throws -> (token: String, session: KioskSession) {
        let brand = try await self.brand(kiosk.brandID)
        let phone = try Identity(kind: .phone, raw: raw, defaultCallingCode: brand.defaultCallingCode, field: "phone")
        let now = environment.now()
        // A wrong code must count even though it is refused, so the refusal is decided inside
        // the transaction and thrown after it commits.
        let checked: Result<ContactID, KioskRefusal> = try await database.write { db in
            guard let row = try await db.raw("""
                SELECT code_hash, attempts, expires_at FROM kiosk_codes WHERE kiosk_id = \(bind: kiosk.id.text) AND phone = \(bind: phone.value)
                """).first(), try row.date("expires_at") > now else { return .failure(.codeWrongOrExpired) }
            guard try row.int("attempts") < 5 else { return .failure(.tooManyAttempts) }
            // Hashes are compared, so timing tells nothing about the code.
            guard try row.string("code_hash") == Store.hash(token: code.filter(\.isNumber)) else {
                try await db.raw("UPDATE kiosk_codes SET attempts = attempts + 1 WHERE kiosk_id = \(bind: kiosk.id.text) AND phone = \(bind: phone.value)").run()
                return .failure(.codeWrongOrExpired)
            }
            try await db.raw("DELETE FROM kiosk_codes WHERE kiosk_id = \(bind: kiosk.id.text) AND phone = \(bind: phone.value)").run()
            guard let found = try await Store.resolve(phone, brand: kiosk.brandID, on: db) else { return .failure(.notRecognized) }
            return .success(found.contact)
        }
        let contact = try checked.get()
        return try await startKioskSession(kiosk, contact: contact, method: "phone and a one-time code")
    }

    /// Opens the customer's session and puts the kiosk visit on their timeline.
    func startKioskSession(_ kiosk: Kiosk, contact: ContactID, method: String) async throws -> (token: String, session: KioskSession) {
        let token = Store.randomToken()
        let now = environment.now()
        let session = KioskSession(kioskID: kiosk.id, contactID: contact, method: method, expiresAt: now.addingTimeInterval(Store.kioskSessionLength))
        let environment = self.environment
        try await database.write { db in
            try await db.raw("DELETE FROM kiosk_sessions WHERE kiosk_id = \(bind: kiosk.id.text) OR expires_at < \(bind: Convert.ms(now))").run()
            try await db.raw("""
                INSERT INTO kiosk_sessions (token_hash, kiosk_id, contact_id, method, created_at, expires_at)
                VALUES (\(bind: Store.hash(token: token)), \(bind: kiosk.id.text), \(bind: contact.text), \(bind: method), \(bind: Convert.ms(now)),
                        \(bind: Convert.ms(session.expiresAt)))
                """).run()
            let item = Interaction(id: environment.newID(), brandID: kiosk.brandID, contactID: contact, caseID: nil, contactPoint: .kiosk,
                                   direction: .inbound, authorKind: .contact, authorID: contact,
                                   text: "Signed in at the kiosk \(kiosk.name) with their \(method).", metadata: ["kiosk": kiosk.name],
                                   occurredAt: now)
            try await Store.insert(interaction: item, now: now, on: db)
        }
        return (token, session)
    }

    /// The customer session behind a kiosk's customer cookie, on that kiosk only.
    public func kioskSession(token: String, kiosk: Kiosk) async throws -> KioskSession? {
        let now = environment.now()
        return try await database.read { db in
            guard let row = try await db.raw("""
                SELECT * FROM kiosk_sessions WHERE token_hash = \(bind: Store.hash(token: token)) AND kiosk_id = \(bind: kiosk.id.text)
                """).first() else { return nil }
            let session = KioskSession(kioskID: kiosk.id, contactID: try row.uuid("contact_id"), method: try row.string("method"),
                                       expiresAt: try row.date("expires_at"))
            return session.expiresAt > now ? session : nil
        }
    }

    /// Ends the customer's session (done, or the idle reset).
    public func endKioskSessions(_ kiosk: Kiosk) async throws {
        try await database.write { db in
            try await db.raw("DELETE FROM kiosk_sessions WHERE kiosk_id = \(bind: kiosk.id.text)").run()
        }
    }
}
