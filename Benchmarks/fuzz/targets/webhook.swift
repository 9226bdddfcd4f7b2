import Foundation
import TouchpointCore

let brand = Brand(id: UUID(), slug: "acme", name: "Acme", casePrefix: "Acme", defaultCallingCode: "48")
let sms = Integration(id: "sms", brandID: brand.id, kind: .sms, name: "SMS", secret: "s")
let whatsApp = Integration(id: "wa", brandID: brand.id, kind: .whatsApp, name: "WhatsApp", secret: "s")
let phone = Integration(id: "cti", brandID: brand.id, kind: .cti, name: "Phone", secret: "s")

/// Any bytes as a verified provider body (SMS, WhatsApp, a phone system): refused with an
/// error or made an envelope, never a trap; what becomes an envelope must be storable.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzWebhook(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let raw = Array(UnsafeBufferPointer(start: data, count: size))
    for integration in [sms, whatsApp] {
        if let envelope = try? TextWebhook.envelope(raw: raw, integration: integration, brand: brand) {
            precondition(envelope.raw == raw && !envelope.providerKey.isEmpty && !envelope.lane.isEmpty)
            if let payload = try? TextPayload.decode(raw), payload.status == nil {
                let message = payload.message
                precondition(!message.text.unicodeScalars.contains { $0.value == 0 }, "a NUL reached the text")
            }
        }
    }
    if let call = try? CallWebhook.envelope(raw: raw, integration: phone, brand: brand) {
        precondition(!call.callID.isEmpty && call.envelope.lane == "call:\(call.callID)")
        _ = (try? CallPayload.decode(raw))?.callEvent
    }
    return 0
}
