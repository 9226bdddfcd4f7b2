import Foundation
import NIOCore
import NIOPosix
import NIOSSL
import TouchpointCore

/// The smarthost outbound mail is handed to.
public struct Smarthost: Sendable, Equatable {
    public var host: String
    public var port: Int
    /// AUTH PLAIN (or LOGIN) with these, when given.
    public var username: String?
    public var password: String?
    /// The name we give in EHLO.
    public var heloName: String
    /// A whole conversation taking longer than this is abandoned and retried later.
    public var timeout: Duration
    /// Require STARTTLS (RFC 3207) before AUTH and the message; a server that does not
    /// offer it gets nothing.
    public var startTLS: Bool
    /// PEM file of the certificate authorities to trust instead of the system's.
    public var trustedCertificates: String?

    public init(host: String, port: Int = 25, username: String? = nil, password: String? = nil, heloName: String = "localhost",
                timeout: Duration = .seconds(60), startTLS: Bool = false, trustedCertificates: String? = nil) {
        self.host = host
        self.port = port
        self.username = username
        self.password = password
        self.heloName = heloName
        self.timeout = timeout
        self.startTLS = startTLS
        self.trustedCertificates = trustedCertificates
    }
}

/// Why a message was not taken: try again later, or never.
public enum SMTPClientError: Error, Equatable, Sendable {
    case temporary(String)
    case permanent(String)
}

/// Sends one message per connection to the smarthost. A 5xx reply to the sender, a
/// recipient or the data is permanent; anything else that goes wrong is temporary.
public struct SMTPClient: Sendable {
    public let smarthost: Smarthost

    public init(smarthost: Smarthost) {
        self.smarthost = smarthost
    }

    /// Delivers `message` (RFC 5322 bytes) and returns the server's final reply text.
    /// `copies` are recipients the message may go without: a server refusing one of them
    /// does not fail the message.
    public func send(from sender: String, to recipients: [String], copies: [String] = [], message: [UInt8]) async throws(SMTPClientError) -> String {
        let timeout = smarthost.timeout
        do {
            return try await withThrowingTaskGroup(of: String.self) { group in
                group.addTask { try await self.converse(from: sender, to: recipients, copies: copies, message: message) }
                group.addTask {
                    try await Task.sleep(for: timeout)
                    throw SMTPClientError.temporary("no answer from \(smarthost.host):\(smarthost.port) within \(timeout)")
                }
                defer { group.cancelAll() }
                guard let reply = try await group.next() else { throw SMTPClientError.temporary("the conversation ended early") }
                return reply
            }
        } catch let error as SMTPClientError {
            throw error
        } catch {
            throw .temporary("\(smarthost.host):\(smarthost.port): \(error)")
        }
    }

    private func converse(from sender: String, to recipients: [String], copies: [String], message: [UInt8]) async throws -> String {
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connectTimeout(.seconds(15))
            .connect(host: smarthost.host, port: smarthost.port) { channel in
                channel.eventLoop.makeCompletedFuture { try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel) }
            }
        return try await channel.executeThenClose { inbound, outbound in
            var wire = Conversation(inbound: inbound.makeAsyncIterator(), outbound: outbound)
            try expect(try await wire.reply(), 220, "greeting")
            var hello = try await wire.send("EHLO \(smarthost.heloName)")
            if hello.code != 250 {
                hello = try await wire.send("HELO \(smarthost.heloName)")
                try expect(hello, 250, "HELO")
            }
            var extensions = Set(hello.lines.dropFirst().map { $0.uppercased() })
            if smarthost.startTLS {
                guard extensions.contains("STARTTLS") else {
                    throw SMTPClientError.temporary("\(smarthost.host) does not offer STARTTLS, which is required")
                }
                try expect(try await wire.send("STARTTLS"), 220, "STARTTLS", permanentOn5xx: false)
                // The server says nothing more until the handshake: TLS goes in front of
                // everything on this connection from here on.
                // The handler is made and added on the channel's own event loop (it is not Sendable).
                let context = try tlsContext()
                let serverName = tlsServerName
                try await channel.channel.eventLoop.submit {
                    try channel.channel.pipeline.syncOperations.addHandler(try NIOSSLClientHandler(context: context, serverHostname: serverName),
                                                                           position: .first)
                }.get()
                // RFC 3207: forget what was learnt before TLS and say hello again.
                hello = try await wire.send("EHLO \(smarthost.heloName)")
                try expect(hello, 250, "EHLO after STARTTLS", permanentOn5xx: false)
                extensions = Set(hello.lines.dropFirst().map { $0.uppercased() })
            }
            if let username = smarthost.username, let password = smarthost.password {
                if extensions.contains(where: { $0.hasPrefix("AUTH") && $0.contains("PLAIN") }) || !extensions.contains(where: { $0.hasPrefix("AUTH") && $0.contains("LOGIN") }) {
                    let token = Data(([0] + Array(username.utf8) + [0] + Array(password.utf8))).base64EncodedString()
                    try expect(try await wire.send("AUTH PLAIN \(token)"), 235, "AUTH PLAIN", permanentOn5xx: false)
                } else {
                    try expect(try await wire.send("AUTH LOGIN"), 334, "AUTH LOGIN", permanentOn5xx: false)
                    try expect(try await wire.send(Data(username.utf8).base64EncodedString()), 334, "AUTH LOGIN user", permanentOn5xx: false)
                    try expect(try await wire.send(Data(password.utf8).base64EncodedString()), 235, "AUTH LOGIN password", permanentOn5xx: false)
                }
            }
            let needsUTF8 = (sender + recipients.joined() + copies.joined()).utf8.contains { $0 >= 0x80 }
            let eightBit = message.contains { $0 >= 0x80 } && extensions.contains("8BITMIME")
            var mail = "MAIL FROM:<\(sender)>"
            if eightBit { mail += " BODY=8BITMIME" }
            if needsUTF8 { mail += " SMTPUTF8" }
            try expect(try await wire.send(mail), 250, "MAIL FROM")
            for recipient in recipients {
                let reply = try await wire.send("RCPT TO:<\(recipient)>")
                guard reply.code == 250 || reply.code == 251 else { try expect(reply, 250, "RCPT TO:<\(recipient)>"); break }
            }
            for copy in copies {
                _ = try await wire.send("RCPT TO:<\(copy)>")
            }
            try expect(try await wire.send("DATA"), 354, "DATA")
            try await outbound.write(ByteBuffer(bytes: SMTPWire.dataBlock(message)))
            let accepted = try await wire.reply()
            try expect(accepted, 250, "the message")
            _ = try? await wire.send("QUIT")
            return "\(accepted.code) \(accepted.lines.joined(separator: " "))"
        }
    }

    private func tlsContext() throws -> NIOSSLContext {
        var configuration = TLSConfiguration.makeClientConfiguration()
        if let file = smarthost.trustedCertificates { configuration.trustRoots = .file(file) }
        return try NIOSSLContext(configuration: configuration)
    }

    /// SNI and name checks need a host name; an IP address is checked against the certificate's IP entries.
    private var tlsServerName: String? {
        (try? SocketAddress(ipAddress: smarthost.host, port: 0)) != nil ? nil : smarthost.host
    }

    private func expect(_ reply: SMTPSession.Reply, _ code: Int, _ step: String, permanentOn5xx: Bool = true) throws {
        guard reply.code != code else { return }
        let text = "\(step): \(reply.code) \(reply.lines.joined(separator: " "))"
        if permanentOn5xx, (500..<600).contains(reply.code) { throw SMTPClientError.permanent(text) }
        throw SMTPClientError.temporary(text)
    }
}

/// Commands out, replies in, over one connection.
private struct Conversation {
    var inbound: NIOAsyncChannelInboundStream<ByteBuffer>.AsyncIterator
    let outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>
    var reader = SMTPWire.ReplyReader()

    init(inbound: NIOAsyncChannelInboundStream<ByteBuffer>.AsyncIterator, outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>) {
        self.inbound = inbound
        self.outbound = outbound
    }

    mutating func reply() async throws -> SMTPSession.Reply {
        while true {
            if let reply = reader.next() { return reply }
            guard let buffer = try await inbound.next() else { throw SMTPClientError.temporary("the server closed the connection") }
            reader.receive(buffer.readableBytesView)
        }
    }

    mutating func send(_ line: String) async throws -> SMTPSession.Reply {
        try await outbound.write(ByteBuffer(string: line + "\r\n"))
        return try await reply()
    }
}
