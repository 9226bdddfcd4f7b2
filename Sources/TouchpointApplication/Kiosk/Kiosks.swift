import Foundation
import TouchpointCore
import TouchpointStore

/// Kiosks: the device, identifying a customer with a code, the session.
public struct Kiosks: Sendable {
    let store: Store

    /// How long an identified customer's session lasts at most.
    public static let sessionLength = Store.kioskSessionLength

    /// The kiosk a device token belongs to.
    public func kiosk(token: String) async throws -> Kiosk? {
        try await store.kiosk(token: token)
    }

    /// A customer identifies with their customer (card) number.
    public func kioskIdentify(_ kiosk: Kiosk, customerNumber raw: String) async throws -> (token: String, session: KioskSession) {
        try await store.kioskIdentify(kiosk, customerNumber: raw)
    }

    /// Sends a one-time code by SMS to a customer's phone number. Says nothing about whether
    /// the number is known: an unknown number simply gets no message. A kiosk sends one
    /// number at most `kioskCodesPerWindow` codes in `kioskCodeWindow`, known or not, so
    /// nobody can flood a phone with codes (or learn from a refusal which numbers are known).
    /// The text speaks `language`, the screen's (nil: the brand's).
    public func kioskSendCode(_ kiosk: Kiosk, phone raw: String, language: Language? = nil) async throws {
        try await store.kioskSendCode(kiosk, phone: raw, language: language)
    }

    /// Checks the code typed at the kiosk: five tries, five minutes.
    public func kioskVerifyCode(_ kiosk: Kiosk, phone raw: String, code: String) async throws -> (token: String, session: KioskSession) {
        try await store.kioskVerifyCode(kiosk, phone: raw, code: code)
    }

    /// The customer session behind a kiosk's customer cookie, on that kiosk only.
    public func kioskSession(token: String, kiosk: Kiosk) async throws -> KioskSession? {
        try await store.kioskSession(token: token, kiosk: kiosk)
    }

    /// Ends the customer's session (done, or the idle reset).
    public func endKioskSessions(_ kiosk: Kiosk) async throws {
        try await store.endKioskSessions(kiosk)
    }
}
