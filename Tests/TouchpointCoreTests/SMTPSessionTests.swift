import Foundation
import Testing
@testable import TouchpointCore

/// The SMTP/LMTP state machine, driven as the network adapter drives it.
@Suite("SMTP and LMTP sessions: pipelining, dot-stuffing, limits, order of commands")
struct SMTPSessionTests {
    /// Plays the adapter: feeds `input`, answers recipients (`known` accepted) and
    /// deliveries (`store` decides the reply), and returns the reply codes in order and
    /// the delivered envelopes.
    struct Run {
        var codes: [Int] = []
        var replies: [SMTPSession.Reply] = []
        var delivered: [SMTPSession.Envelope] = []
        var closed = false
    }

    func run(_ session: inout SMTPSession, _ input: String, known: Set<String> = ["support@acme.example", "billing@acme.example"],
             store: (SMTPSession.Envelope) -> [SMTPSession.Reply] = { envelope in envelope.recipients.map { _ in SMTPSession.Reply(250, "2.0.0 stored") } }) -> Run {
        var result = Run()
        session.receive(Array(input.utf8))
        while let step = session.next() {
            switch step {
            case .reply(let reply):
                result.codes.append(reply.code)
                result.replies.append(reply)
            case .verifyRecipient(let address):
                session.recipientVerified(known.contains(address.lowercased()) ? .accepted : .unknown)
            case .deliver(let envelope):
                result.delivered.append(envelope)
                session.delivered(store(envelope))
            case .close:
                result.closed = true
            }
        }
        return result
    }

    func session(_ mode: SMTPSession.Mode = .smtp, maxBytes: Int = 1000) -> SMTPSession {
        SMTPSession(configuration: .init(hostname: "mx.test", mode: mode, maxMessageBytes: maxBytes))
    }

    @Test func ehloAnnouncesWhatTheServerDoes() {
        var smtp = session()
        #expect(smtp.greeting.wire == "220 mx.test ESMTP Touchpoint ready\r\n")
        let result = run(&smtp, "EHLO client.example\r\n")
        #expect(result.codes == [250])
        let wire = result.replies[0].wire
        for capability in ["250-PIPELINING\r\n", "250-8BITMIME\r\n", "250-SMTPUTF8\r\n", "250-ENHANCEDSTATUSCODES\r\n", "250 SIZE 1000\r\n"] {
            #expect(wire.contains(capability), "\(capability)")
        }
        #expect(wire.hasPrefix("250-mx.test\r\n"))
    }

    /// Found by the smtp fuzz target: a bare "=" after the path split into nothing, and the
    /// session trapped indexing it; it is an unknown parameter, answered 555, on MAIL and RCPT.
    @Test func aBareEqualsSignAfterThePathIsAnUnknownParameter() {
        var smtp = session()
        let result = run(&smtp, "EHLO c\r\nMAIL FROM:<a@example.com> =\r\nMAIL FROM:<a@example.com>\r\nRCPT TO:<support@acme.example> =\r\nQUIT\r\n")
        #expect(result.codes == [250, 555, 250, 555, 221], "\(result.codes)")
    }

    @Test func aPipelinedTransactionIsAnsweredInOrderAndUnstuffed() {
        var smtp = session()
        // Everything up to DATA in one packet, as a PIPELINING client sends it.
        let first = run(&smtp, "EHLO c\r\nMAIL FROM:<jan@example.org> BODY=8BITMIME\r\nRCPT TO:<support@acme.example>\r\nRCPT TO:<nobody@acme.example>\r\nDATA\r\n")
        #expect(first.codes == [250, 250, 250, 550, 354])
        let second = run(&smtp, "Subject: hi\r\n\r\n..dot line\r\n...\r\nlast\r\n.\r\nQUIT\r\n")
        #expect(second.codes == [250, 221])
        #expect(second.closed)
        let envelope = try! #require(second.delivered.first)
        #expect(envelope.reversePath == "jan@example.org")
        #expect(envelope.recipients == ["support@acme.example"])
        #expect(envelope.eightBitMIME)
        #expect(String(decoding: envelope.data, as: UTF8.self) == "Subject: hi\r\n\r\n.dot line\r\n..\r\nlast\r\n")
    }

    @Test func bytesArrivingOneAtATimeGiveTheSameResult() {
        var smtp = session()
        let script = "EHLO c\r\nMAIL FROM:<>\r\nRCPT TO:<support@acme.example>\r\nDATA\r\nline one\r\n.\r\n"
        var codes: [Int] = []
        var delivered: [SMTPSession.Envelope] = []
        for byte in script.utf8 {
            let result = run(&smtp, String(decoding: [byte], as: UTF8.self))
            codes += result.codes
            delivered += result.delivered
        }
        #expect(codes == [250, 250, 250, 354, 250])
        #expect(delivered.first?.reversePath == "", "the null sender of a bounce")
        #expect(delivered.first.map { String(decoding: $0.data, as: UTF8.self) } == "line one\r\n")
    }

    @Test func aDotAfterABareLineFeedDoesNotEndTheMessage() {
        // SMTP smuggling: "\n.\r\n" must not end DATA, or a second message hides in the first.
        var smtp = session()
        let result = run(&smtp, "EHLO c\r\nMAIL FROM:<a@b.example>\r\nRCPT TO:<support@acme.example>\r\nDATA\r\nhello\n.\r\nMAIL FROM:<evil@x.example>\r\n.\r\n")
        #expect(result.codes == [250, 250, 250, 354, 250])
        #expect(result.delivered.count == 1)
        let text = String(decoding: result.delivered[0].data, as: UTF8.self)
        #expect(text.contains("MAIL FROM:<evil@x.example>"), "the smuggled command stays message text")
    }

    @Test func oversizeMessagesAreRefusedEarlyOrAtTheEnd() {
        var smtp = session(maxBytes: 100)
        let declared = run(&smtp, "EHLO c\r\nMAIL FROM:<a@b.example> SIZE=5000\r\n")
        #expect(declared.codes == [250, 552])
        let body = String(repeating: "x", count: 80) + "\r\n" + String(repeating: "y", count: 80) + "\r\n"
        let actual = run(&smtp, "MAIL FROM:<a@b.example>\r\nRCPT TO:<support@acme.example>\r\nDATA\r\n" + body + ".\r\nNOOP\r\n")
        #expect(actual.codes == [250, 250, 354, 552, 250])
        #expect(actual.delivered.isEmpty)
        // The session is usable afterwards.
        let again = run(&smtp, "MAIL FROM:<a@b.example>\r\nRCPT TO:<support@acme.example>\r\nDATA\r\nsmall\r\n.\r\n")
        #expect(again.codes == [250, 250, 354, 250])
    }

    @Test func overLongCommandLinesAreRefusedWithoutBufferingThem() {
        var smtp = session()
        let long = "MAIL FROM:<" + String(repeating: "a", count: 600) + "@b.example>\r\n"
        let result = run(&smtp, "EHLO c\r\n" + long + "NOOP\r\n")
        #expect(result.codes == [250, 500, 250])
        // Without a line end at all, a flood is dropped rather than kept.
        var other = session()
        _ = run(&other, "EHLO c\r\n")
        let flood = run(&other, String(repeating: "z", count: 10_000))
        #expect(flood.codes.isEmpty)
        let after = run(&other, "zz\r\nNOOP\r\n")
        #expect(after.codes == [500, 250])
    }

    @Test func commandsOutOfOrderGetTheirCodes() {
        var smtp = session()
        #expect(run(&smtp, "MAIL FROM:<a@b.example>\r\n").codes == [503], "EHLO first")
        #expect(run(&smtp, "HELO c\r\nRCPT TO:<support@acme.example>\r\nDATA\r\n").codes == [250, 503, 503])
        #expect(run(&smtp, "MAIL FROM:<a@b.example>\r\nMAIL FROM:<a@b.example>\r\n").codes == [250, 503])
        #expect(run(&smtp, "RCPT TO:<nobody@acme.example>\r\nDATA\r\n").codes == [550, 554], "no valid recipient")
        #expect(run(&smtp, "RSET\r\nVRFY x\r\nFOO\r\nSTARTTLS\r\nMAIL FROM:<a@b.example> RET=HDRS\r\n").codes == [250, 252, 500, 502, 555])
        #expect(run(&smtp, "MAIL FROM:<jürgen@b.example>\r\nMAIL FROM:<jürgen@b.example> SMTPUTF8\r\n").codes == [553, 250])
    }

    @Test func lmtpAnswersEachRecipientAfterData() {
        var lmtp = session(.lmtp)
        #expect(lmtp.greeting.wire.contains("LMTP"))
        #expect(run(&lmtp, "EHLO c\r\n").codes == [500], "LMTP speaks LHLO")
        let result = run(&lmtp, "LHLO c\r\nMAIL FROM:<a@b.example>\r\nRCPT TO:<support@acme.example>\r\nRCPT TO:<billing@acme.example>\r\nDATA\r\nhi\r\n.\r\n") { envelope in
            [SMTPSession.Reply(250, "2.0.0 ok"), SMTPSession.Reply(452, "4.2.2 full")]
        }
        #expect(result.codes == [250, 250, 250, 250, 354, 250, 452])
        #expect(result.delivered.first?.recipients == ["support@acme.example", "billing@acme.example"])
    }

    @Test func aTemporaryStoreFailureIsATemporaryReply() {
        var smtp = session()
        let result = run(&smtp, "EHLO c\r\nMAIL FROM:<a@b.example>\r\nRCPT TO:<support@acme.example>\r\nDATA\r\nhi\r\n.\r\n") { _ in
            [SMTPSession.Reply(451, "4.3.0 try again")]
        }
        #expect(result.codes.last == 451)
    }

    @Test func tooManyErrorsEndTheSession() {
        var smtp = session()
        let result = run(&smtp, String(repeating: "BOGUS\r\n", count: 25))
        #expect(result.codes.count == 20)
        #expect(result.codes.last == 421)
        #expect(result.closed)
    }

    @Test func theRecipientLimitIsTemporary() {
        var smtp = SMTPSession(configuration: .init(hostname: "mx.test", maxRecipients: 2))
        let result = run(&smtp, "EHLO c\r\nMAIL FROM:<a@b.example>\r\nRCPT TO:<support@acme.example>\r\nRCPT TO:<billing@acme.example>\r\nRCPT TO:<support@acme.example>\r\n")
        #expect(result.codes == [250, 250, 250, 250, 452])
    }
}
