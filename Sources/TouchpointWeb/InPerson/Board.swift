import Foundation
import Hummingbird
import HummingbirdWebSocket
import TouchpointApplication
import TouchpointCore

/// The display board of a location's walk-in queue, at `/walk-in/board/{brand}/{location}`:
/// which number goes to which desk and the current waits, readable across a room. It shows
/// ticket numbers and category names only — no names — so it needs no sign-in. It updates
/// over a WebSocket (`…/ws`) that sends a fresh snapshot whenever the queue changes.
enum Board {
    /// What the board shows, as the page renders it and the socket sends it.
    struct Snapshot: Encodable, Sendable {
        struct Call: Encodable, Sendable {
            var ticket: String
            var desk: String
            var deskName: String
            var serving: Bool
        }

        struct Wait: Encodable, Sendable {
            var code: String
            var name: String
            var waiting: Int
            /// How many wait and for how long, in the brand's language: "1 waiting · about
            /// 12 min", "w kolejce: 1 · bez czekania", "… · closed" when no desk serves it.
            var detail: String
        }

        var location: String
        var calls: [Call]
        var waits: [Wait]
        /// The newest call, shown large.
        var latest: Call?
    }

    static func snapshot(_ state: QueueState, language: Language) -> Snapshot {
        let words = BoardWords(language)
        let calls = state.atDesks.prefix(8).map { ticket in
            Snapshot.Call(ticket: ticket.label, desk: ticket.desk ?? "", deskName: ticket.desk.flatMap { state.location.setup.desk($0)?.name } ?? "",
                          serving: ticket.state == .serving)
        }
        let waits = state.waits.map { wait in
            Snapshot.Wait(code: wait.category, name: state.location.setup.category(wait.category)?.name(in: language) ?? wait.category,
                          waiting: wait.waiting, detail: words.wait(waiting: wait.waiting, minutes: wait.minutes))
        }
        return Snapshot(location: state.location.name, calls: Array(calls), waits: waits, latest: calls.first { !$0.serving })
    }

    static func find(_ app: UseCases, brand slug: String?, location: String?) async throws -> (Brand, Location) {
        guard let slug, let brand = try await app.staff.brand(slug: slug) else { throw Problem(.notFound, "no such brand") }
        return (brand, try await app.walkIn.location(slug: location ?? "", brand: brand.id))
    }

    static func addRoutes(to router: Router<TouchpointContext>, app: UseCases, pages: Pages) {
        // Public pages still get the console's security headers and HTML errors.
        let area = PageArea(cookie: "tp_none", home: "/", isPublic: { _ in true }, signIn: { $0 }, authenticate: { _, _, _ in nil })
        let group = router.group("walk-in").add(middleware: PageMiddleware(area: area, pages: pages, maxBodyBytes: 1024))
        group.get("board/{brand}/{location}") { _, context in
            let (brand, location) = try await find(app, brand: context.parameters.get("brand"), location: context.parameters.get("location"))
            let state = try await app.walkIn.queueState(location: location.id, brand: brand.id)
            struct View {
                var brand: String
                var slug: String
                var locationSlug: String
                /// The wall clock where the board hangs: its zone, and the time when the page was made.
                var zone: String
                var clock: String
                var board: Snapshot
                var lang: String
                /// The page's fixed words (templates read stored values, so not `BoardWords` itself).
                var words: [String: String]
            }
            let said = BoardWords(brand.language)
            let clock = ReaderTime(zone: location.zone, language: brand.language).clock(app.environment.now())
            return pages.render("board", View(brand: brand.name, slug: brand.slug, locationSlug: location.slug, zone: location.zone.identifier, clock: clock,
                                              board: snapshot(state, language: brand.language), lang: brand.language.rawValue,
                                              words: ["nowCalling": said.nowCalling, "atTheDesks": said.atTheDesks, "waitingHeading": said.waitingHeading,
                                                      "reconnecting": said.reconnecting, "queue": said.queue]))
        }
    }

    static func addSocket(to router: Router<LiveContext>, app: UseCases, hub: LiveHub) {
        router.ws("walk-in/board/{brand}/{location}/ws") { _, context in
            _ = try await find(app, brand: context.parameters.get("brand"), location: context.parameters.get("location"))
            return .upgrade([:])
        } onUpgrade: { inbound, outbound, context in
            let parameters = context.requestContext.parameters
            let (brand, location) = try await find(app, brand: parameters.get("brand"), location: parameters.get("location"))
            let events = hub.subscribe(brand: brand.id)
            @Sendable func send() async throws {
                let state = try await app.walkIn.queueState(location: location.id, brand: brand.id)
                try await outbound.write(.text(String(decoding: try JSONIO.encoder.encode(snapshot(state, language: brand.language)), as: UTF8.self)))
            }
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { for try await _ in inbound {} }
                group.addTask {
                    try await send()
                    for await event in events where event.event.hasPrefix("visit.") || event.event.hasPrefix("desk.") || event.event == "location.updated" {
                        try await send()
                    }
                }
                try await group.next()
                group.cancelAll()
            }
        }
    }
}
