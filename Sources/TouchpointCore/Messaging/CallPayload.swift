import Foundation

/// A call event as a phone system posts it.
public struct CallPayload: Decodable, Sendable {
    public enum Way: String, Decodable, Sendable { case `in`, out }
    public var event: CallEventKind
    public var callId: String
    public var direction: Way
    public var from: String?
    public var to: String?
    public var user: String?
    public var cause: String?
    public var recordingUrl: String?
    public var occurredAt: Date

    static let decoder = ISODate.decoder()

    public static func decode(_ raw: [UInt8]) throws -> CallPayload {
        try decoder.decode(CallPayload.self, from: Data(raw))
    }

    /// The event as the store records it.
    public var callEvent: CallEvent {
        CallEvent(
            kind: event, callID: callId.trimmedWhitespace, inbound: direction == .in, from: from, to: to, user: user, cause: cause,
            recordingURL: recordingUrl, occurredAt: occurredAt)
    }
}

/// The phone system's edge: a call event checked and made an envelope; the customer's
/// number comes back for the screen pop the phone system waits for.
public enum CallWebhook {
    public static func envelope(
        raw: [UInt8], integration: Integration, brand: Brand
    ) throws -> (envelope: NewEnvelope, callID: String, caller: Identity?) {
        let payload = try CallPayload.decode(raw)
        let callID = try Check.text(payload.callId, field: "callId", max: 200)
        let inbound = payload.direction == .in
        // The customer's number must be one we could call back.
        let identity = try (inbound ? payload.from : payload.to).map {
            try Identity(kind: .phone, raw: $0, defaultCallingCode: brand.defaultCallingCode, field: inbound ? "from" : "to")
        }
        // One call's events in order, whatever number they carry.
        let envelope = NewEnvelope(
            brandID: brand.id, contactPoint: .phone, source: integration.id, providerKey: "\(callID):\(payload.event.rawValue)",
            lane: "call:\(callID)", raw: raw)
        return (envelope, callID, identity)
    }
}
