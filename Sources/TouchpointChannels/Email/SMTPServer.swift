import Foundation
import Logging
import NIOCore
import NIOPosix
import TouchpointApplication
import TouchpointCore

/// The built-in SMTP or LMTP listener: a thin SwiftNIO adapter around `SMTPSession`. A
/// message is answered 250 only after `UseCases.receiveMail` committed its bytes; when that
/// fails the answer is 451 and the sending server retries.
public struct SMTPServer: Sendable {
    public struct Configuration: Sendable {
        public var host: String
        public var port: Int
        public var mode: SMTPSession.Mode
        /// The name in the greeting and in `Received:` headers.
        public var hostname: String
        public var maxMessageBytes: Int
        /// A client silent for this long is disconnected (RFC 5321 §4.5.3.2 suggests minutes).
        public var idleTimeout: TimeAmount

        public init(host: String = "127.0.0.1", port: Int, mode: SMTPSession.Mode = .smtp, hostname: String = "localhost",
                    maxMessageBytes: Int = 25 * 1_048_576, idleTimeout: TimeAmount = .minutes(5)) {
            self.host = host
            self.port = port
            self.mode = mode
            self.hostname = hostname
            self.maxMessageBytes = maxMessageBytes
            self.idleTimeout = idleTimeout
        }
    }

    let configuration: Configuration
    let app: UseCases
    let worker: MailIntakeWorker
    let logger: Logger

    public init(configuration: Configuration, app: UseCases, worker: MailIntakeWorker, logger: Logger) {
        self.configuration = configuration
        self.app = app
        self.worker = worker
        self.logger = logger
    }

    /// A listener that holds its port, ready to serve.
    public struct Bound: Sendable {
        public let port: Int
        let server: SMTPServer
        let channel: NIOAsyncChannel<NIOAsyncChannel<ByteBuffer, ByteBuffer>, Never>

        /// Serves connections until the task is cancelled.
        public func run() async throws {
            try await withThrowingDiscardingTaskGroup { group in
                try await channel.executeThenClose { connections in
                    for try await connection in connections {
                        group.addTask { await server.serve(connection) }
                    }
                }
            }
        }
    }

    /// Why a listener did not start.
    public struct BindError: Error, CustomStringConvertible {
        public let description: String
    }

    /// Binds the port, so a port in use stops `serve` before it reports itself running.
    public func bind() async throws -> Bound {
        let idle = configuration.idleTimeout
        do {
            let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .serverChannelOption(.backlog, value: 256)
                .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
                .bind(host: configuration.host, port: configuration.port) { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHandler(IdleStateHandler(readTimeout: idle))
                        try channel.pipeline.syncOperations.addHandler(CloseOnIdle())
                        return try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                    }
                }
            return Bound(port: channel.channel.localAddress?.port ?? configuration.port, server: self, channel: channel)
        } catch {
            throw BindError(description: "the \(configuration.mode.rawValue.uppercased()) listener cannot listen on \(configuration.host):\(configuration.port) (\(error)); "
                            + "free the port or choose another with --\(configuration.mode.rawValue)-port (-1 turns it off)")
        }
    }

    /// Binds, reports the bound port, and serves until the task is cancelled.
    public func run(onBound: @Sendable (Int) async -> Void = { _ in }) async throws {
        let bound = try await bind()
        await onBound(bound.port)
        try await bound.run()
    }

    fileprivate func serve(_ connection: NIOAsyncChannel<ByteBuffer, ByteBuffer>) async {
        let peer = connection.channel.remoteAddress?.ipAddress ?? "unknown"
        do {
            try await connection.executeThenClose { inbound, outbound in
                var session = SMTPSession(configuration: .init(hostname: configuration.hostname, mode: configuration.mode,
                                                               maxMessageBytes: configuration.maxMessageBytes))
                try await outbound.write(ByteBuffer(string: session.greeting.wire))
                for try await buffer in inbound {
                    session.receive(buffer.readableBytesView)
                    // Replies to pipelined commands go out together, in order.
                    var replies = ByteBuffer()
                    while let step = session.next() {
                        switch step {
                        case .reply(let reply):
                            replies.writeString(reply.wire)
                        case .verifyRecipient(let address):
                            session.recipientVerified(await verify(address))
                        case .deliver(let envelope):
                            if replies.readableBytes > 0 {
                                try await outbound.write(replies)
                                replies.clear()
                            }
                            session.delivered(await deliver(envelope, peer: peer))
                        case .close:
                            if replies.readableBytes > 0 { try await outbound.write(replies) }
                            return
                        }
                    }
                    if replies.readableBytes > 0 { try await outbound.write(replies) }
                }
            }
        } catch {
            logger.debug("SMTP connection ended", metadata: ["peer": "\(peer)", "error": "\(error)"])
        }
    }

    private func verify(_ address: String) async -> SMTPSession.RecipientVerdict {
        do {
            return try await app.mailboxes.mailbox(address: address) == nil ? .unknown : .accepted
        } catch {
            logger.warning("could not check an SMTP recipient", metadata: ["recipient": "\(address)", "error": "\(error)"])
            return .unavailable
        }
    }

    private func deliver(_ envelope: SMTPSession.Envelope, peer: String) async -> [SMTPSession.Reply] {
        let raw = traceHeaders(envelope, peer: peer) + envelope.data
        do {
            let ids = try await app.mailInbox.receiveMail(raw: raw, envelopeFrom: envelope.reversePath, recipients: envelope.recipients)
            worker.submit(ids, sender: envelope.reversePath)
            AppMetrics.intake(.email, "accepted")
            let reference = ids.first.map { $0.uuidString.lowercased() } ?? "-"
            return envelope.recipients.map { _ in SMTPSession.Reply(250, "2.0.0 stored as \(reference)") }
        } catch StoreError.notFound(let what) {
            // A mailbox removed between RCPT and the end of DATA.
            return envelope.recipients.map { _ in SMTPSession.Reply(550, "5.1.1 \(what) does not receive mail any more") }
        } catch {
            logger.error("could not store received mail; the sender will retry", metadata: ["error": "\(error)", "bytes": "\(raw.count)"])
            return envelope.recipients.map { _ in SMTPSession.Reply(451, "4.3.0 the message could not be stored; try again later") }
        }
    }

    /// `Return-Path:` and `Received:` (RFC 5321 §4.4): the final delivery records the
    /// envelope sender and this hop.
    private func traceHeaders(_ envelope: SMTPSession.Envelope, peer: String) -> [UInt8] {
        let protocolName = configuration.mode == .lmtp ? "LMTP" : (envelope.smtpUTF8 ? "UTF8SMTP" : "ESMTP")
        let date = MailDate.format(app.environment.now())
        let client = envelope.clientName.replacingOccurrences(of: "\r", with: "").replacingOccurrences(of: "\n", with: "")
        return Array("Return-Path: <\(envelope.reversePath)>\r\nReceived: from \(client) ([\(peer)])\r\n\tby \(configuration.hostname) (Touchpoint) with \(protocolName);\r\n\t\(date)\r\n".utf8)
    }
}

/// Closes a connection whose client has been silent past the idle timeout.
private final class CloseOnIdle: ChannelInboundHandler, Sendable {
    typealias InboundIn = ByteBuffer

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if event is IdleStateHandler.IdleStateEvent {
            context.writeAndFlush(NIOAny(ByteBuffer(string: "421 4.4.2 idle too long; closing\r\n")), promise: nil)
            context.close(promise: nil)
        } else {
            context.fireUserInboundEventTriggered(event)
        }
    }
}
