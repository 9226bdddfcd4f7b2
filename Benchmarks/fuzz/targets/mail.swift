import TouchpointCore

/// Any bytes as a raw message, through what mail intake does with one: the MIME parser,
/// charsets, encoded words, addresses, threading and classification, the quoted-reply
/// split, and the sanitizer for the HTML part. Nothing may trap; a parse may only refuse.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzMail(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let raw = Array(UnsafeBufferPointer(start: data, count: size))
    guard let mail = try? InboundMail(parsing: raw, envelopeSender: "bounce@example.com", casePrefix: "Acme", loopMarker: "tp-loop")
    else { return 0 }
    // The timeline keeps at most this much text; more means the cap was skipped.
    precondition(mail.text.utf8.count <= InboundMail.maxTextBytes + 4, "text over the cap: \(mail.text.utf8.count) bytes")
    _ = HTMLSanitizer.sanitize(mail.html ?? "")
    return 0
}
