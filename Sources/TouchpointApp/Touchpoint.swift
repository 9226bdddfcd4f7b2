import Foundation
import Hummingbird
import HummingbirdWebSocket
import Logging
import NIOCore
import ServiceLifecycle
import TouchpointApplication
import TouchpointChannels
import TouchpointCore
import TouchpointStore
import TouchpointWeb

/// The composition root: opens the database, migrates it, wires the store into the HTTP
/// API and runs the server until the process is asked to stop.
public enum Touchpoint {
    /// Opens and migrates the database a command works on.
    public static func openStore(_ location: DatabaseLocation, logger: Logger) async throws -> Store {
        let database = try await location.open(logger: logger)
        let store = Store(database: database)
        do {
            let applied = try await Migrator.migrate(database)
            // Cases written before schema 4 get the moment their SLA becomes at risk, once.
            if applied.contains(4) {
                let filled = try await store.backfillSLARisk()
                if filled > 0 { logger.info("recorded when open cases' SLAs become at risk", metadata: ["cases": "\(filled)"]) }
            }
            // Open cases written before schema 37 take their place in the deadline order, once.
            if applied.contains(37) {
                let filled = try await store.backfillDeadlines()
                if filled > 0 { logger.info("placed open cases in the deadline order", metadata: ["cases": "\(filled)"]) }
            }
        } catch {
            await database.shutdown()
            throw error
        }
        return store
    }

    /// Builds the application for `store`: the HTTP server, and as services of the same
    /// service group the inbox's intake worker and whatever `services` the caller adds (tests
    /// use it with `runService`; `serve` with `Stopping.run`). SIGTERM stops the server from
    /// taking requests, then the services, each finishing the item at hand.
    public static func application(store: Store, inbox: Inbox, config: AppConfig, logger: Logger, services: [any Service] = [],
                                   address: PublicAddress? = nil,
                                   onRunning: @escaping @Sendable (Int) async -> Void = { _ in }) -> some ApplicationProtocol {
        let address = address ?? config.publicAddress()
        let app = UseCases(store: store, address: address)
        let router = buildRouter(app: app, inbox: inbox, config: config.web)
        return Application(
            router: router,
            server: HTTPLimits.server(
                webSocketRouter: buildWebSocketRouter(app: app, inbox: inbox, config: config.web), idleTimeout: config.web.idleTimeout,
                maxConnections: config.web.maxConnections),
            configuration: .init(address: .hostname(config.host, port: config.port), serverName: "touchpoint"),
            services: [BackgroundService("inbox intake") { await inbox.run() }] + services,
            onServerRunning: { channel in
                let port = channel.localAddress?.port ?? config.port
                address.bound(host: config.host, port: port)
                await onRunning(port)
            },
            logger: logger)
    }

    /// `touchpoint serve`: migrate, load demo data on a new database, print how to start, serve.
    public static func serve(config: AppConfig, logger: Logger) async throws {
        let store = try await openStore(config.database, logger: logger)
        var banner: [String] = []
        if config.loadDemoData, try await store.brands().isEmpty {
            let demo = try await DemoData.load(into: store)
            banner.append("Loaded the demo data set: \(demo.summary)")
            banner.append("Console: http://\(config.host):PORT/console — sign in as \(DemoData.adminEmail) (or any demo staff member) "
                          + "with the password \(DemoData.demoPassword) (development only; change it on /console/password)")
            banner.append("Web chat: http://\(config.host):PORT/chat/acme shows the widget (<script src=\"/widget.js\" data-brand=\"acme\">)")
            banner.append("Customer portal: http://\(config.host):PORT/portal/acme — customers sign in with a link sent by email "
                          + "(without --public-url the link is also written to this log)")
            banner.append("Webhooks: POST http://\(config.host):PORT/api/v1/webhooks/cti/demo-pbx, …/webhooks/sms/demo-sms and …/webhooks/whatsapp/demo-whatsapp, "
                          + "signed with the secret \(DemoData.demoSecret) (see README: Text messages)")
            banner.append("Kiosk: open http://\(config.host):PORT/kiosk/setup?token=\(DemoData.demoKioskToken) on the kiosk's screen "
                          + "(try customer number C-10000); display board: http://\(config.host):PORT/walk-in/board/acme/warsaw-centre; "
                          + "service desk: http://\(config.host):PORT/console/walk-in")
            banner.append("Demo admin token (shown once): \(demo.adminToken)")
            banner.append("Try: curl -H 'Authorization: Bearer \(demo.adminToken)' http://\(config.host):PORT/api/v1/cases")
        } else if try await store.brands().isEmpty {
            banner.append("The database is empty; run `touchpoint demo` to load demo data.")
        } else {
            banner.append("Console: http://\(config.host):PORT/console")
            banner.append("Create an API token with: touchpoint token create --email \(DemoData.adminEmail)")
        }
        for brand in try await store.brands() {
            let evaluated = try await store.segmentUnevaluated(brand: brand.id)
            if evaluated > 0 { logger.info("gave accounts their service model", metadata: ["brand": "\(brand.slug)", "accounts": "\(evaluated)"]) }
        }
        // A logger per component: every line says which part of `serve` wrote it.
        let log: @Sendable (String) -> Logger = { component in
            var named = logger
            named[metadataKey: "component"] = .string(component)
            return named
        }
        let address = config.publicAddress()
        let worker = MailIntakeWorker(store: store, logger: log("mail-intake"))
        // The mail listeners take their ports first: one that cannot stops `serve` here,
        // before anything reports itself running.
        var mailLines: [String] = []
        var services: [any Service] = [
            BackgroundService("mail intake") { await worker.run() },
            BackgroundService("SLA scheduler") { await SLAScheduler(store: store, logger: log("scheduler")).run() },
        ]
        // One delivery worker for the whole outbox; mail waits there until a smarthost is given.
        let drivers: [any OutboundDriver] = [ProviderDriver()] + (config.mail.smarthost.map { [SMTPDriver(smarthost: $0)] } ?? [])
        services.append(BackgroundService("delivery") { await DeliveryWorker(store: store, drivers: drivers, logger: log("delivery")).run() })
        services.append(BackgroundService("listeners") {
            await EventDispatcher(store: store, listeners: Listeners.all(store: store, address: address), logger: log("listeners")).run()
        })
        services.append(BackgroundService("playbooks") {
            let app = UseCases(store: store, address: address)
            await PlaybookService(runner: PlaybookRunner(store: store, address: address), playbooks: app.playbooks, logger: log("playbooks")).run()
        })
        services.append(BackgroundService("health") { await HealthSweep(health: UseCases(store: store).health, logger: log("health")).run() })
        services.append(BackgroundService("assistant") { await ChatbotSweep(chatbot: UseCases(store: store, address: address).chatbot, logger: log("assistant")).run() })
        do {
            for (mode, port) in [(SMTPSession.Mode.smtp, config.mail.smtpPort), (.lmtp, config.mail.lmtpPort)] {
                guard let port else { continue }
                let server = SMTPServer(configuration: .init(host: config.mail.host, port: port, mode: mode, hostname: config.mail.hostname,
                                                              maxMessageBytes: config.mail.maxMessageBytes),
                                        app: UseCases(store: store), worker: worker, logger: log(mode.rawValue))
                let bound = try await server.bind()
                services.append(BackgroundService("\(mode.rawValue.uppercased()) listener") { try await bound.run() })
                mailLines.append("\(mode.rawValue.uppercased()) \(config.mail.host):\(bound.port)")
            }
        } catch {
            await store.database.shutdown()
            throw error
        }
        for brand in try await store.brands() {
            let addresses = try await store.mailboxes(brand: brand.id).map(\.address)
            if !addresses.isEmpty { mailLines.append("Mailboxes of \(brand.slug): \(addresses.joined(separator: ", "))") }
        }
        var lines = banner + (mailLines.isEmpty ? [] : ["Mail intake: " + mailLines.joined(separator: "; ")])
        if let smarthost = config.mail.smarthost {
            lines.append("Outbound mail goes to the smarthost \(smarthost.host):\(smarthost.port)")
        } else {
            lines.append("Outbound mail waits in the outbox; start with --smarthost host:port to send it")
        }
        let startLines = lines
        let inbox = Inbox(store: store, logger: log("inbox"))
        let running = RunningFlag()
        let app = application(store: store, inbox: inbox, config: config, logger: logger, services: services, address: address) { port in
            running.set()
            var text = "Touchpoint is running at http://\(config.host):\(port)  (database: \(store.database.describe))\n"
            for line in startLines { text += line.replacingOccurrences(of: "PORT", with: "\(port)") + "\n" }
            text += "API document: http://\(config.host):\(port)/api/v1/openapi.yaml\n"
            // Unbuffered, so scripts waiting for this line see it at once.
            FileHandle.standardOutput.write(Data(text.utf8))
        }
        var failure: (any Error)?
        do {
            try await Stopping.run(app, logger: logger)
        } catch {
            // The server never ran: its port could not be had.
            failure = running.isSet ? error : ListenError(description: "the HTTP listener cannot listen on \(config.host):\(config.port) (\(error)); "
                                                                        + "free the port or choose another with --port")
        }
        if running.isSet { logger.info("stopped the server and the services; closing the database") }
        await store.database.shutdown()
        if running.isSet { logger.info("stopped") }
        if let failure { throw failure }
    }
}

/// Whether the HTTP server reported itself running.
private final class RunningFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var value = false

    func set() { lock.withLock { value = true } }
    var isSet: Bool { lock.withLock { value } }
}

/// A listener of `serve` that could not start.
public struct ListenError: Error, CustomStringConvertible {
    public let description: String
}
