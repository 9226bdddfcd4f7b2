import Crypto
import Foundation
import SQLKit
import TouchpointCore

/// Message-IDs of outbound mail carry the case they belong to and a signature, so a reply
/// threads by its In-Reply-To / References, and a forged header naming a case number
/// cannot attach mail to someone else's case: `<tp.NUMBER.NONCE.SIGNATURE@DOMAIN>`, signed
/// with HMAC-SHA256 under a per-brand secret kept in the brand's settings.
extension Store {
    static let mailSecretKey = "mail.secret"

    /// A new Message-ID (without angle brackets) for mail about case `number`.
    public func outboundMessageID(caseNumber number: Int, brand: BrandID, domain: String) async throws -> String {
        Store.outboundMessageID(caseNumber: number, brand: brand, domain: domain, secret: try await mailSecret(brand: brand))
    }

    /// The same with the secret at hand (inside a transaction that has just numbered the case).
    static func outboundMessageID(caseNumber number: Int, brand: BrandID, domain: String, secret: SymmetricKey) -> String {
        var rng = SystemRandomNumberGenerator()
        let nonce = String(rng.next() & 0xFFFF_FFFF_FFFF, radix: 36)
        return "tp.\(number).\(nonce).\(Store.signature(secret, brand: brand, number: number, nonce: nonce))@\(domain.lowercased())"
    }

    /// The case number a Message-ID of ours names, when its signature is right; nil for
    /// anyone else's ids and for forgeries.
    public func caseNumber(fromMessageID id: String, brand: BrandID) async throws -> Int? {
        let local = id.split(separator: "@", maxSplits: 1).first.map(String.init) ?? ""
        let parts = local.split(separator: ".").map(String.init)
        guard parts.count == 4, parts[0] == "tp", let number = Int(parts[1]), number > 0 else { return nil }
        let secret = try await mailSecret(brand: brand)
        let expected = Store.signature(secret, brand: brand, number: number, nonce: parts[2])
        // Compare without an early exit, so timing does not reveal how much matched.
        guard expected.utf8.count == parts[3].utf8.count,
              zip(expected.utf8, parts[3].utf8).reduce(0, { $0 | ($1.0 ^ $1.1) }) == 0 else { return nil }
        return number
    }

    static func signature(_ secret: SymmetricKey, brand: BrandID, number: Int, nonce: String) -> String {
        let mac = HMAC<SHA256>.authenticationCode(for: Data("\(brand.text)|\(number)|\(nonce)".utf8), using: secret)
        return mac.prefix(12).map { String(format: "%02x", $0) }.joined()
    }

    /// The brand's signing secret, created on first use (concurrent first uses agree: the
    /// insert keeps the first secret written).
    func mailSecret(brand: BrandID) async throws -> SymmetricKey {
        if let cached = mailSecrets.get(brand) { return cached }
        let fresh = SymmetricKey(size: .bits256).withUnsafeBytes { Data($0).base64EncodedString() }
        let now = environment.now()
        let stored = try await database.write { db -> String in
            try await db.raw("""
                INSERT INTO brand_settings (brand_id, key, value, updated_at) VALUES (\(bind: brand.text), \(bind: Store.mailSecretKey), \(bind: fresh), \(bind: Convert.ms(now)))
                ON CONFLICT (brand_id, key) DO NOTHING
                """).run()
            guard let row = try await db.raw("SELECT value FROM brand_settings WHERE brand_id = \(bind: brand.text) AND key = \(bind: Store.mailSecretKey)").first() else {
                throw StoreError.unavailable("the mail secret could not be stored")
            }
            return try row.string("value")
        }
        guard let data = Data(base64Encoded: stored) else { throw StoreError.unavailable("the brand's mail secret is unreadable") }
        let key = SymmetricKey(data: data)
        mailSecrets.put(brand, key)
        return key
    }
}
