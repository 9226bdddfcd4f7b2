import Foundation
import Logging
import Testing
import TouchpointApp
import TouchpointApplication
import TouchpointChannels
import TouchpointCore
import TouchpointStore

/// Outbound mail through the outbox worker to a real SMTP server: aiosmtpd (from PyPI,
/// `.ci/run` installs it) with AUTH, which parses what it receives with Python's email
/// package and reports it as JSON.
@Suite("Outbound mail to a real SMTP sink", .serialized)
struct OutboundMailDeliveryTests {
    static let sink = """
        import asyncio, email, json, socket, sys
        from email import policy
        from aiosmtpd.controller import Controller
        from aiosmtpd.smtp import AuthResult, LoginPassword

        class Sink:
            async def handle_RCPT(self, server, session, envelope, address, options):
                if address.startswith('reject'):
                    return '550 5.1.1 no such user'
                if address.startswith('later'):
                    return '451 4.3.0 try again later'
                envelope.rcpt_tos.append(address)
                return '250 OK'

            async def handle_DATA(self, server, session, envelope):
                message = email.message_from_bytes(envelope.content, policy=policy.default)
                body = message.get_body(('plain',))
                html = message.get_body(('html',))
                report = {
                    'tls': session.ssl is not None, 'mailFrom': envelope.mail_from, 'rcptTos': envelope.rcpt_tos, 'authenticated': bool(session.authenticated),
                    'subject': str(message['Subject']), 'from': str(message['From']), 'to': str(message['To']), 'cc': str(message['Cc']),
                    'messageId': str(message['Message-ID']), 'inReplyTo': str(message['In-Reply-To']),
                    'references': str(message['References']), 'autoSubmitted': str(message['Auto-Submitted']),
                    'xLoop': str(message['X-Loop']), 'text': body.get_content().replace('\\r\\n', '\\n') if body else None,
                    'html': html.get_content() if html else None,
                    'attachments': [[part.get_filename(), len(part.get_content())] for part in message.iter_attachments()],
                    'defects': [str(d) for part in message.walk() for d in part.defects],
                }
                print(json.dumps(report), flush=True)
                return '250 2.0.0 queued'

        def authenticate(server, session, envelope, mechanism, data):
            ok = isinstance(data, LoginPassword) and data.login == b'touchpoint' and data.password == b's3cret'
            return AuthResult(success=ok, handled=False)

        probe = socket.socket(); probe.bind(('127.0.0.1', 0)); port = probe.getsockname()[1]; probe.close()
        tls = {}
        if len(sys.argv) > 1:
            import ssl
            context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
            context.load_cert_chain(sys.argv[1], sys.argv[2])
            tls = dict(tls_context=context, require_starttls=True)
        controller = Controller(Sink(), hostname='127.0.0.1', port=port, authenticator=authenticate,
                                auth_require_tls=False, auth_required=True, **tls)
        controller.start()
        print(port, flush=True)
        sys.stdin.read()
        controller.stop()
        """

    @Test func repliesAndAcknowledgementsArriveAsWritten() async throws {
        let sink = try Background(python: Self.sink, [])
        defer { sink.stop() }
        let port = try #require(Int(await sink.line()), "the sink did not start (pip install aiosmtpd)")
        let fixture = try await APIFixture.make()
        let store = fixture.store
        _ = try await store.saveMailbox(address: "support@acme.example", brand: fixture.brandID, teamID: nil, forwardsOpenForSender: false,
                                        acknowledges: true, actor: .system)
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        let smtp = SMTPDriver(smarthost: Smarthost(host: "127.0.0.1", port: port, username: "touchpoint", password: "s3cret", heloName: "touchpoint.test",
                                                   timeout: .seconds(20)))
        let worker = DeliveryWorker(store: store, drivers: [smtp], logger: logger, pollInterval: .milliseconds(50))
        let running = Task { await worker.run() }

        // Written to us with a colleague and an address the smarthost refuses in copy.
        let raw = "From: =?utf-8?q?J=C3=B3zef?= <jozef@example.org>\r\nTo: support@acme.example\r\nCc: Anna <anna@example.org>, reject@example.org, Support@acme.example\r\n"
            + "Subject: Licznik\r\nMessage-ID: <in-1@example.org>\r\n"
            + "Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nPhoto attached.\r\n--b\r\n"
            + "Content-Type: image/png\r\nContent-Disposition: attachment; filename=\"meter.png\"\r\nContent-Transfer-Encoding: base64\r\n\r\niVBORw0KGgo=\r\n--b--\r\n"
        let ids = try await store.receiveMail(raw: Array(raw.utf8), envelopeFrom: "jozef@example.org", recipients: ["support@acme.example"])
        let opened = try await store.processMail(ids[0])
        let caseID = try #require(opened.caseID)
        let ack = try JSONSerialization.jsonObject(with: Data(await sink.line().utf8)) as? [String: Any] ?? [:]
        #expect(ack["autoSubmitted"] as? String == "auto-replied")
        #expect(ack["authenticated"] as? Bool == true)
        #expect(ack["rcptTos"] as? [String] == ["jozef@example.org"])
        #expect(ack["mailFrom"] as? String == "support@acme.example")
        #expect(ack["inReplyTo"] as? String == "<in-1@example.org>")
        #expect((ack["subject"] as? String)?.hasSuffix("[Acme #\(opened.caseNumber ?? 0)]") == true)

        let photo = try #require(try await store.interactions(caseID: caseID, brand: fixture.brandID).first?.attachments.first)
        let text = "Dzień dobry Józefie,\n.\nwymienimy licznik jutro.\n-- \nAcme"
        _ = try await store.addInteraction(caseID: caseID, brand: fixture.brandID, actor: .system,
                                           request: NewInteraction(direction: .outbound, body: text, html: "<p>Wymienimy licznik <b>jutro</b>.</p>",
                                                                   attachments: [photo]))
        let reply = try JSONSerialization.jsonObject(with: Data(await sink.line().utf8)) as? [String: Any] ?? [:]
        #expect(reply["autoSubmitted"] as? String == "None")
        #expect(reply["text"] as? String == text + "\n" || reply["text"] as? String == text, "\(reply["text"] ?? "")")
        #expect(reply["html"] as? String == "<p>Wymienimy licznik <b>jutro</b>.</p>")
        #expect((reply["attachments"] as? [[Any]])?.first?.first as? String == "meter.png")
        #expect(reply["to"] as? String == "Józef <jozef@example.org>")
        // A reply goes to all the customer wrote to except our own mailbox; a refused copy
        // does not stop the message.
        #expect(reply["cc"] as? String == "anna@example.org, reject@example.org", "\(reply["cc"] ?? "")")
        #expect(reply["rcptTos"] as? [String] == ["jozef@example.org", "anna@example.org"])
        #expect(reply["xLoop"] as? String == "support@acme.example")
        #expect((reply["references"] as? String)?.contains("<in-1@example.org>") == true)
        #expect((reply["defects"] as? [String])?.isEmpty == true, "\(reply["defects"] ?? "")")
        let replyID = try #require((reply["messageId"] as? String)?.trimmingCharacters(in: CharacterSet(charactersIn: "<>")))
        #expect(try await store.caseNumber(fromMessageID: replyID, brand: fixture.brandID) == opened.caseNumber)

        // Both deliveries are on record; a refused address fails, a deferring one waits.
        for _ in 0..<100 where try await store.outbox(brand: fixture.brandID, state: .sent, limit: 10, cursor: nil).items.count < 2 {
            try await Task.sleep(for: .milliseconds(20))
        }
        #expect(try await store.outbox(brand: fixture.brandID, state: .sent, limit: 10, cursor: nil).items.count == 2)
        for address in ["reject@example.org", "later@example.org"] {
            let other = try await store.openCase(brand: fixture.brandID, actor: nil, request: OpenCase(
                contactPoint: .email, from: try Identity(kind: .email, raw: address), subject: "x", body: "y"))
            _ = try await store.addInteraction(caseID: other.case.id, brand: fixture.brandID, actor: .system,
                                               request: NewInteraction(direction: .outbound, body: "answer"))
        }
        var failed: [OutboxItem] = [], waiting: [OutboxItem] = []
        for _ in 0..<200 {
            failed = try await store.outbox(brand: fixture.brandID, state: .failed, limit: 10, cursor: nil).items
            waiting = try await store.outbox(brand: fixture.brandID, state: .pending, limit: 10, cursor: nil).items.filter { $0.lastError != nil }
            if failed.count == 1, waiting.count == 1 { break }
            try await Task.sleep(for: .milliseconds(20))
        }
        #expect(failed.map(\.recipient) == ["reject@example.org"])
        #expect(failed.first?.lastError?.contains("550") == true)
        #expect(waiting.map(\.recipient) == ["later@example.org"])
        #expect(waiting.first?.lastError?.contains("451") == true)
        running.cancel()
        await running.value
        await fixture.close()
    }

    @Test func wrongCredentialsAreATemporaryFailure() async throws {
        let sink = try Background(python: Self.sink, [])
        defer { sink.stop() }
        let port = try #require(Int(await sink.line()))
        let client = SMTPClient(smarthost: Smarthost(host: "127.0.0.1", port: port, username: "touchpoint", password: "wrong", timeout: .seconds(20)))
        await #expect(throws: SMTPClientError.self) {
            try await client.send(from: "a@acme.example", to: ["b@example.org"], message: Array("Subject: x\r\n\r\ny".utf8))
        }
        do {
            _ = try await client.send(from: "a@acme.example", to: ["b@example.org"], message: Array("Subject: x\r\n\r\ny".utf8))
        } catch {
            guard case .temporary(let why) = error else { Issue.record("a login failure is to be retried, not given up: \(error)"); return }
            #expect(why.contains("AUTH"))
        }
        // Nobody listening: temporary too.
        let closed = SMTPClient(smarthost: Smarthost(host: "127.0.0.1", port: 1, timeout: .seconds(5)))
        do {
            _ = try await closed.send(from: "a@acme.example", to: ["b@example.org"], message: [])
            Issue.record("sent to a closed port")
        } catch {
            #expect(error.isTemporary)
        }
    }
}

extension OutboundMailDeliveryTests {
    /// STARTTLS with a certificate made for the test: trusted, the message goes out over TLS;
    /// not trusted, or not offered, nothing is sent and the failure is temporary.
    @Test func startTLSIsUsedAndItsCertificateChecked() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("tp-tls-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let cert = folder.appendingPathComponent("cert.pem").path, key = folder.appendingPathComponent("key.pem").path
        let made = try await Processes.run(URL(fileURLWithPath: "/usr/bin/env"), [
            "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert, "-days", "2",
            "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1"])
        #expect(made.status == 0, "\(made.err)")
        let sink = try Background(python: Self.sink, [cert, key])
        defer { sink.stop() }
        let port = try #require(Int(await sink.line()), "the sink did not start")
        let message = Array("From: support@acme.example\r\nTo: b@example.org\r\nSubject: over TLS\r\n\r\nsecret".utf8)
        for host in ["localhost", "127.0.0.1"] {
            let client = SMTPClient(smarthost: Smarthost(host: host, port: port, username: "touchpoint", password: "s3cret", timeout: .seconds(20),
                                                         startTLS: true, trustedCertificates: cert))
            let reply = try await client.send(from: "support@acme.example", to: ["b@example.org"], message: message)
            #expect(reply.hasPrefix("250"))
            let report = try JSONSerialization.jsonObject(with: Data(await sink.line().utf8)) as? [String: Any] ?? [:]
            #expect(report["tls"] as? Bool == true)
            #expect(report["authenticated"] as? Bool == true)
            #expect(report["subject"] as? String == "over TLS")
        }
        // The system's authorities do not know this certificate.
        let untrusting = SMTPClient(smarthost: Smarthost(host: "localhost", port: port, timeout: .seconds(20), startTLS: true))
        do {
            _ = try await untrusting.send(from: "support@acme.example", to: ["b@example.org"], message: message)
            Issue.record("sent to a server with an untrusted certificate")
        } catch {
            #expect(error.isTemporary)
        }
        // A server without STARTTLS gets nothing when TLS is required.
        let plain = try Background(python: Self.sink, [])
        defer { plain.stop() }
        let plainPort = try #require(Int(await plain.line()))
        let insisting = SMTPClient(smarthost: Smarthost(host: "127.0.0.1", port: plainPort, timeout: .seconds(20), startTLS: true))
        do {
            _ = try await insisting.send(from: "support@acme.example", to: ["b@example.org"], message: message)
            Issue.record("sent without TLS")
        } catch {
            guard case .temporary(let why) = error else { Issue.record("\(error)"); return }
            #expect(why.contains("STARTTLS"))
        }
    }
}

extension SMTPClientError {
    var isTemporary: Bool { if case .temporary = self { true } else { false } }
}
