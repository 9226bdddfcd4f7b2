import Foundation
import Hummingbird
import Logging
import TouchpointApp
import TouchpointApplication
import TouchpointCore
import TouchpointStore
import TouchpointWeb

/// The whole application listening on a loopback port, over a fresh SQLite database with
/// the demo data, for tests that talk to it over real sockets.
struct TestServer {
    let base: String
    let port: Int
    let store: Store
    let brand: Brand

    static func run(web: WebConfig = WebConfig(), _ body: (TestServer) async throws -> Void) async throws {
        var logger = Logger(label: "test-server")
        logger.logLevel = .warning
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tp-server-\(UUID().uuidString)").path
        let store = try await Touchpoint.openStore(.sqlite(directory: directory), logger: logger)
        _ = try await DemoData.load(into: store)
        let brand = try await store.brands().first { $0.slug == "acme" }!
        let ports = AsyncStream.makeStream(of: Int.self)
        let app = Touchpoint.application(store: store, inbox: Inbox(store: store, logger: logger), config: AppConfig(host: "127.0.0.1", port: 0, database: .sqlite(directory: directory), web: web),
                                         logger: logger) { port in ports.continuation.yield(port) }
        let server = Task { try await app.runService(gracefulShutdownSignals: []) }
        var port = 0
        for await bound in ports.stream {
            port = bound
            break
        }
        var failure: (any Error)?
        do {
            try await body(TestServer(base: "http://127.0.0.1:\(port)", port: port, store: store, brand: brand))
        } catch {
            failure = error
        }
        server.cancel()
        _ = try? await server.value
        await store.database.shutdown()
        try? FileManager.default.removeItem(atPath: directory)
        if let failure { throw failure }
    }

    /// Turns the assistant off for every model, for tests of chatting with a person (the
    /// demo brand's assistant answers tech- and low-touch visitors first).
    func assistantOff() async throws {
        for model in ServiceModel.allCases {
            var policy = try await store.serviceConfig(brand: brand.id).policy(model)
            var bot = policy.assistant
            bot.mode = .off
            policy.chatbot = bot
            _ = try await store.setPolicy(policy, brand: brand.id, actor: .system)
        }
    }

    /// Makes every team work around the clock, so whether a person answers a chat does not
    /// depend on when the test runs (the demo teams keep Warsaw office hours).
    func openAroundTheClock() async throws {
        for profile in try await store.teamProfiles(brand: brand.id) {
            _ = try await store.updateTeam(profile.team.id, brand: brand.id, actor: .system, changes: TeamChanges(calendarID: .some(nil)))
        }
        for policy in [ServiceModel.lowTouch, .midTouch] {
            var changed = try await store.serviceConfig(brand: brand.id).policy(policy)
            changed.calendarId = nil
            _ = try await store.setPolicy(changed, brand: brand.id, actor: .system)
        }
    }
}
