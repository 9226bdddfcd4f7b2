import TouchpointCore

/// Any bytes as what a client sends, fed to the SMTP (and LMTP) session in pieces the input
/// itself chooses, with the adapter's answers varying: the session must answer every
/// command, deliver only complete messages within the size limit, and never loop.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzSMTP(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    guard let first = bytes.first else { return 0 }
    let limit = 2048
    let configuration = SMTPSession.Configuration(
        hostname: "mx.example.com", mode: first & 1 == 0 ? .smtp : .lmtp, maxMessageBytes: limit, maxRecipients: 3,
        maxCommandBytes: 512, maxErrors: 5)
    var session = SMTPSession(configuration: configuration)
    // Chunk sizes from the input's first byte, so reads split lines and CRLFs anywhere.
    let chunk = Int(first >> 1) + 1
    var offset = 1
    var steps = 0
    var verdict = 0
    feeding: while offset < bytes.count {
        session.receive(bytes[offset..<min(offset + chunk, bytes.count)])
        offset += chunk
        while let step = session.next() {
            steps += 1
            precondition(steps < 4 * bytes.count + 16, "the session keeps stepping without input")
            switch step {
            case .reply(let reply):
                precondition((200..<600).contains(reply.code) && reply.wire.hasSuffix("\r\n"), "reply \(reply)")
            case .verifyRecipient:
                verdict += 1
                session.recipientVerified([.accepted, .accepted, .unknown, .unavailable][verdict % 4])
            case .deliver(let envelope):
                precondition(envelope.data.count <= limit + 2, "delivered \(envelope.data.count) bytes over a \(limit) limit")
                precondition(!envelope.recipients.isEmpty && envelope.recipients.count <= 3, "recipients \(envelope.recipients)")
                precondition(envelope.data.isEmpty || envelope.data.suffix(2) == [13, 10], "data without a final CRLF")
                session.delivered([SMTPSession.Reply(250, "2.0.0 stored")])
            case .close:
                break feeding
            }
        }
    }
    return 0
}
