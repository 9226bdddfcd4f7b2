import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import NIOPosix
import Testing
import TouchpointApp
import TouchpointChannels
import TouchpointApplication
import TouchpointCore
import TouchpointStore
@testable import TouchpointWeb

/// The SMTP and LMTP listeners over real TCP sessions: Python's smtplib as an independent
/// client, a raw socket for what clients rarely do (pipelining everything, oversize data),
/// and `touchpoint mail deliver` run as the MTA would run it.
@Suite("Mail intake over real SMTP/LMTP sessions and the mail deliver pipe", .serialized)
struct MailListenerTests {
    /// A fixture store with mailboxes, an intake worker and a listener on a free port.
    struct Listener: Sendable {
        let fixture: APIFixture
        let port: Int
        let tasks: [Task<Void, Never>]

        func stop() async {
            for task in tasks { task.cancel() }
            for task in tasks { await task.value }
            await fixture.close()
        }

        /// Waits until every received message has been processed.
        func settled() async throws {
            for _ in 0..<200 {
                if try await fixture.store.pendingMail(limit: 1).isEmpty { return }
                try await Task.sleep(for: .milliseconds(25))
            }
            Issue.record("received mail was not processed in time")
        }

        func records(_ state: InboundMailState) async throws -> [InboundMailRecord] {
            try await fixture.store.inboundMail(brand: fixture.brandID, state: state, limit: 100, cursor: nil).items
        }
    }

    func start(_ mode: SMTPSession.Mode = .smtp, maxMessageBytes: Int = 64 * 1024) async throws -> Listener {
        let fixture = try await APIFixture.make()
        _ = try await fixture.store.saveMailbox(address: "support@acme.example", brand: fixture.brandID, teamID: nil, forwardsOpenForSender: false, actor: .system)
        _ = try await fixture.store.saveMailbox(address: "billing@acme.example", brand: fixture.brandID, teamID: nil, forwardsOpenForSender: false, actor: .system)
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        let worker = MailIntakeWorker(store: fixture.store, logger: logger)
        let server = SMTPServer(configuration: .init(port: 0, mode: mode, hostname: "mx.test", maxMessageBytes: maxMessageBytes),
                                app: UseCases(store: fixture.store), worker: worker, logger: logger)
        let bound = AsyncStream.makeStream(of: Int.self)
        let listening = Task {
            do { try await server.run { bound.continuation.yield($0); bound.continuation.finish() } } catch { bound.continuation.finish() }
        }
        let working = Task { await worker.run() }
        var port = 0
        for await value in bound.stream { port = value }
        #expect(port > 0)
        return Listener(fixture: fixture, port: port, tasks: [listening, working])
    }

    /// Sends `script` in one write and returns the replies, each as its last line.
    func converse(port: Int, _ script: String, replies expected: Int) async throws -> [String] {
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connect(host: "127.0.0.1", port: port) { channel in
                channel.eventLoop.makeCompletedFuture { try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel) }
            }
        return try await channel.executeThenClose { inbound, outbound in
            try await outbound.write(ByteBuffer(string: script))
            var text = ""
            var replies: [String] = []
            for try await buffer in inbound {
                text += String(buffer: buffer)
                replies = text.components(separatedBy: "\r\n").filter { $0.count >= 4 && $0[$0.index($0.startIndex, offsetBy: 3)] == " " }
                if replies.count >= expected { break }
            }
            return replies
        }
    }

    static let sendScript = """
        import smtplib, sys
        from email.message import EmailMessage
        port, mode = int(sys.argv[1]), sys.argv[2]
        m = EmailMessage()
        m['From'] = 'Jan Kowalski <jan@example.org>'
        m['To'] = 'support@acme.example'
        m['Cc'] = 'billing@acme.example, nobody@acme.example'
        m['Subject'] = 'Zażółć: meter'
        m['Message-ID'] = '<py-1@example.org>'
        m.set_content('Dear support,\\n.\\n.. two dots\\nmy meter stopped. Zażółć gęślą jaźń.')
        m.add_attachment(b'\\x00\\x01binary', maintype='application', subtype='octet-stream', filename='data.bin')
        client = smtplib.LMTP('127.0.0.1', port) if mode == 'lmtp' else smtplib.SMTP('127.0.0.1', port)
        refused = client.send_message(m, to_addrs=['support@acme.example', 'billing@acme.example', 'nobody@acme.example'])
        print(sorted(refused.items()))
        client.quit()
        """

    @Test(arguments: [SMTPSession.Mode.smtp, .lmtp])
    func aRealClientDeliversAndTheMessageBecomesACase(mode: SMTPSession.Mode) async throws {
        let listener = try await start(mode)
        let result = try await Processes.python(Self.sendScript, ["\(listener.port)", mode.rawValue])
        #expect(result.status == 0, "\(result.err)")
        #expect(result.out.contains("nobody@acme.example"), "the unknown recipient is refused: \(result.out)")
        #expect(result.out.contains("550"))
        try await listener.settled()
        let records = try await listener.records(.processed)
        #expect(records.count == 1, "two mailboxes of one brand: stored once")
        let record = try #require(records.first)
        #expect(record.recipients == ["support@acme.example", "billing@acme.example"])
        #expect(record.envelopeFrom == "jan@example.org")
        let caseID = try #require(record.caseID)
        let interaction = try #require(try await listener.fixture.store.interactions(caseID: caseID, brand: listener.fixture.brandID).first)
        #expect(interaction.text.contains("Dear support,\n.\n.. two dots\n"), "dot-stuffing undone: \(interaction.text)")
        #expect(interaction.text.contains("Zażółć gęślą jaźń"))
        #expect(interaction.attachments.map(\.name) == ["data.bin"])
        let opened = try await listener.fixture.store.case(caseID, brand: listener.fixture.brandID)
        #expect(opened.subject == "Zażółć: meter")
        // The raw message keeps our trace headers in front of the client's bytes.
        let raw = String(decoding: try await listener.fixture.store.rawMail(record.id, brand: listener.fixture.brandID), as: UTF8.self)
        #expect(raw.hasPrefix("Return-Path: <jan@example.org>\r\nReceived: from "))
        #expect(raw.contains("by mx.test (Touchpoint) with \(mode == .lmtp ? "LMTP" : "ESMTP")"))
        await listener.stop()
    }

    @Test func aPipelinedSessionGetsEveryReplyInOrder() async throws {
        let listener = try await start()
        let message = "From: anna@example.org\r\nSubject: pipelined\r\nMessage-ID: <pipe-%d@example.org>\r\n\r\nbody %d\r\n.\r\n"
        var script = "EHLO client.test\r\n"
        for index in 1...3 {
            script += "MAIL FROM:<anna@example.org>\r\nRCPT TO:<support@acme.example>\r\nDATA\r\n" + String(format: message, index, index)
        }
        script += "QUIT\r\n"
        let replies = try await converse(port: listener.port, script, replies: 14)
        let transaction = ["250", "250", "354", "250"]
        let expected: [String] = ["220", "250"] + transaction + transaction + transaction + ["221"]
        let codes: [String] = replies.map { String($0.prefix(3)) }
        #expect(codes == expected, "\(replies)")
        try await listener.settled()
        let cases = try await listener.fixture.store.cases(brand: listener.fixture.brandID, filter: CaseFilter(), limit: 10, cursor: nil).items
        #expect(Set(cases.map(\.subject)) == ["pipelined"])
        #expect(cases.count == 3)
        await listener.stop()
    }

    @Test func oversizeMailIsRefusedAndNothingIsStored() async throws {
        let listener = try await start(maxMessageBytes: 2048)
        let big = String(repeating: "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\r\n", count: 64)
        let script = "EHLO c\r\nMAIL FROM:<a@example.org> SIZE=999999\r\nMAIL FROM:<a@example.org>\r\nRCPT TO:<support@acme.example>\r\nDATA\r\n"
            + "Subject: big\r\n\r\n" + big + ".\r\nQUIT\r\n"
        let replies = try await converse(port: listener.port, script, replies: 8)
        #expect(replies.map { String($0.prefix(3)) } == ["220", "250", "552", "250", "250", "354", "552", "221"], "\(replies)")
        #expect(try await listener.records(.received).isEmpty)
        #expect(try await listener.records(.processed).isEmpty)
        await listener.stop()
    }

    @Test func aStoreThatCannotWriteAnswersTemporarilySoTheSenderRetries() async throws {
        let listener = try await start()
        // Storing fails (as on a full disk); recipient checks still work.
        try await listener.fixture.store.database.write { db in
            try await db.raw("CREATE TRIGGER refuse_mail BEFORE INSERT ON inbound_mail BEGIN SELECT RAISE(ABORT, 'disk full'); END").run()
        }
        let script = "EHLO c\r\nMAIL FROM:<a@example.org>\r\nRCPT TO:<support@acme.example>\r\nDATA\r\nSubject: retry me\r\n\r\nx\r\n.\r\nQUIT\r\n"
        let refused = try await converse(port: listener.port, script, replies: 7)
        #expect(refused.map { String($0.prefix(3)) } == ["220", "250", "250", "250", "354", "451", "221"], "\(refused)")
        #expect(try await listener.records(.received).isEmpty)
        try await listener.fixture.store.database.write { db in try await db.raw("DROP TRIGGER refuse_mail").run() }
        let accepted = try await converse(port: listener.port, script, replies: 7)
        #expect(accepted.map { String($0.prefix(3)) } == ["220", "250", "250", "250", "354", "250", "221"], "\(accepted)")
        try await listener.settled()
        #expect(try await listener.records(.processed).count == 1)
        await listener.stop()
    }

    @Test func theMailDeliverPipeExitsAsMTAsExpect() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tp-deliver-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let binary = try Processes.touchpoint()
        #expect(try await Processes.run(binary, ["demo", "--data-dir", directory]).status == 0)
        let message = Data("From: Pipe Person <pipe@example.org>\r\nSubject: via pipe\r\nMessage-ID: <pipe@example.org>\r\n\r\nhello\r\n".utf8)
        let stored = try await Processes.run(binary, ["mail", "deliver", "--data-dir", directory, "--recipient", "support@acme.example"], input: message)
        #expect(stored.status == 0, "\(stored.err)")
        #expect(stored.out.contains("opened case #"), "\(stored.out)")
        let again = try await Processes.run(binary, ["mail", "deliver", "--data-dir", directory, "--recipient", "support@acme.example"], input: message)
        #expect(again.status == 0)
        #expect(again.out.contains("duplicate"), "\(again.out)")
        let unknown = try await Processes.run(binary, ["mail", "deliver", "--data-dir", directory, "--recipient", "nobody@acme.example"], input: message)
        #expect(unknown.status == 65)
        #expect(unknown.err.contains("no mailbox nobody@acme.example"))
        let tooBig = try await Processes.run(binary, ["mail", "deliver", "--data-dir", directory, "--recipient", "support@acme.example", "--max-message-bytes", "10"], input: message)
        #expect(tooBig.status == 65)
        // A database that cannot be opened: the MTA keeps the message and retries.
        let noDatabase = try await Processes.run(binary, ["mail", "deliver", "--data-dir", "/dev/null/touchpoint", "--recipient", "support@acme.example"],
                                           input: message)
        #expect(noDatabase.status == 75, "\(noDatabase.err)")
        // A message without headers is stored (exit 0) and quarantined for an operator.
        let garbage = try await Processes.run(binary, ["mail", "deliver", "--data-dir", directory, "--recipient", "support@acme.example"], input: Data("\r\nno headers".utf8))
        #expect(garbage.status == 0)
        #expect(garbage.out.contains("quarantined"))
        let listed = try await Processes.run(binary, ["mail", "quarantine", "--data-dir", directory])
        let id = try #require(listed.out.split(separator: "\t").first.map(String.init))
        let raw = try await Processes.run(binary, ["mail", "raw", "--data-dir", directory, id])
        #expect(raw.out == "\r\nno headers")
        let discarded = try await Processes.run(binary, ["mail", "discard", "--data-dir", directory, id])
        #expect(discarded.status == 0)
        #expect(try await Processes.run(binary, ["mail", "quarantine", "--data-dir", directory]).out.isEmpty)
    }

    @Test func operatorsWorkTheQuarantineThroughTheAPI() async throws {
        try await withAPI { fixture, client in
            _ = try await fixture.store.saveMailbox(address: "support@acme.example", brand: fixture.brandID, teamID: nil, forwardsOpenForSender: false, actor: .system)
            let put = try await client.execute(uri: "/api/v1/mailboxes/help@acme.example", method: .put, headers: fixture.headers("admin"),
                                               body: body(["forwardsOpenForSender": true]))
            #expect(put.status == .created)
            #expect(try json(put)["forwardsOpenForSender"] as? Bool == true)
            let byAgent = try await client.execute(uri: "/api/v1/mailboxes/x@acme.example", method: .put, headers: fixture.headers("agent"), body: body([:]))
            #expect(byAgent.status == .forbidden)
            let taken = try await client.execute(uri: "/api/v1/mailboxes/help@acme.example", method: .put, headers: fixture.headers("globex"), body: body([:]))
            #expect(taken.status == .conflict)
            // The address may come percent-encoded, as clients that encode path segments send it.
            let encoded = try await client.execute(uri: "/api/v1/mailboxes/help%40acme.example", method: .put, headers: fixture.headers("admin"),
                                                   body: body(["forwardsOpenForSender": false]))
            let encodedAddress = try json(encoded)["address"] as? String
            #expect(encoded.status == .ok && encodedAddress == "help@acme.example", "\(String(buffer: encoded.body))")
            let gone = try await client.execute(uri: "/api/v1/mailboxes/help%40acme.example", method: .delete, headers: fixture.headers("admin"))
            #expect(gone.status == .noContent)
            let left = String(buffer: try await client.execute(uri: "/api/v1/mailboxes", method: .get, headers: fixture.headers("admin")).body)
            #expect(!left.contains("help@acme.example") && left.contains("support@acme.example"))

            let ids = try await fixture.store.receiveMail(raw: Array("\r\nbroken".utf8), envelopeFrom: "", recipients: ["support@acme.example"])
            _ = try await fixture.store.processMail(ids[0])
            let list = try await client.execute(uri: "/api/v1/mail/inbound?state=quarantined", method: .get, headers: fixture.headers("admin"))
            let items = try #require(try json(list)["items"] as? [[String: Any]])
            #expect(items.count == 1)
            #expect(items.first?["reason"] as? String == InboundMailError.noHeaders.reason)
            let id = ids[0].text
            let raw = try await client.execute(uri: "/api/v1/mail/inbound/\(id)/raw", method: .get, headers: fixture.headers("admin"))
            #expect(raw.headers[.contentType] == "message/rfc822")
            #expect(String(buffer: raw.body) == "\r\nbroken")
            let hidden = try await client.execute(uri: "/api/v1/mail/inbound/\(id)/raw", method: .get, headers: fixture.headers("globex"))
            #expect(hidden.status == .notFound)
            let rerun = try await client.execute(uri: "/api/v1/mail/inbound/\(id)/rerun", method: .post, headers: fixture.headers("admin"))
            #expect(try json(rerun)["outcome"] as? String == "quarantined")
            let discard = try await client.execute(uri: "/api/v1/mail/inbound/\(id)/discard", method: .post, headers: fixture.headers("admin"))
            #expect(try json(discard)["state"] as? String == "discarded")
            let twice = try await client.execute(uri: "/api/v1/mail/inbound/\(id)/discard", method: .post, headers: fixture.headers("admin"))
            #expect(twice.status == .conflict)
        }
    }
}
