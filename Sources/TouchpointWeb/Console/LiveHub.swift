import Foundation
import Logging
import TouchpointApplication
import TouchpointCore

/// What a live console page hears about: something happened to a case (or an account).
struct LiveEvent: Encodable, Sendable {
    var event: String
    var caseId: String?
    var accountId: String?
    var contactId: String?
    var at: String
    /// The colleague the event is for (a case assigned to them, a notification), whose
    /// console shows `note` as a notice wherever they are.
    var userId: String?
    var note: String?
    /// `note` in Polish, for a page that speaks Polish.
    var notePl: String?
    /// The case's number, for a link to it from the notice.
    var caseNumber: Int?

    init(event: String, caseId: String? = nil, accountId: String? = nil, contactId: String? = nil, at: String, userId: String? = nil, note: String? = nil) {
        self.event = event
        self.caseId = caseId
        self.accountId = accountId
        self.contactId = contactId
        self.at = at
        self.userId = userId
        self.note = note
    }

    /// The event as a console hears it, with whom it is for and what to tell them.
    init(_ event: DomainEvent) {
        self.init(event: event.type.rawValue, caseId: event.caseID?.text, accountId: event.accountID?.text, contactId: event.contactID?.text,
                  at: JSONIO.format(event.occurredAt))
        func text(_ key: String) -> String? { if case .string(let value)? = event.payload[key] { value } else { nil } }
        switch event.type {
        case .caseAssigned:
            userId = text("to")
            note = "A case was assigned to you."
            notePl = "Przydzielono Ci sprawę."
        case .staffNotified, .onCallPaged:
            userId = event.recipient?.text
            if case .int(let number)? = event.payload["caseNumber"] { caseNumber = number }
            note = event.noticeText(.en)
            notePl = event.noticeText(.pl)
        default: break
        }
    }
}

/// Fans recorded events out to the console pages and chats that are open. It follows the
/// events table rather than in-process calls, so changes made by another node, the mail
/// worker or a CLI process reach every open page alike: at once after a commit of this
/// process, within the poll interval otherwise. It polls only while someone listens.
final class LiveHub: @unchecked Sendable {
    private let app: UseCases
    private let interval: Duration
    private let logger: Logger
    private let lock = NSLock()
    /// Console pages: every event of their brand.
    private var listeners: [BrandID: [UUID: AsyncStream<LiveEvent>.Continuation]] = [:]
    /// Chats: the events of one case each, found by the case's id, so an event costs a
    /// lookup however many chats are open (not a call per chat).
    private var followers: [String: [UUID: AsyncStream<LiveEvent>.Continuation]] = [:]
    private var followed: [UUID: (brand: BrandID, caseKey: String)] = [:]
    private var followedBrands: [BrandID: Int] = [:]
    private var poller: Task<Void, Never>?

    init(app: UseCases, interval: Duration = .milliseconds(500), logger: Logger = Logger(label: "touchpoint.live")) {
        self.app = app
        self.interval = interval
        self.logger = logger
    }

    /// A stream of the brand's events from now on; it ends when the caller stops iterating.
    func subscribe(brand: BrandID) -> AsyncStream<LiveEvent> {
        let (stream, continuation) = AsyncStream.makeStream(of: LiveEvent.self, bufferingPolicy: .bufferingNewest(100))
        let id = UUID()
        continuation.onTermination = { [weak self] _ in self?.remove(id, brand: brand) }
        lock.lock()
        listeners[brand, default: [:]][id] = continuation
        startPolling()
        lock.unlock()
        return stream
    }

    /// The events of one case, for a chat; the feed can move to another case (a visitor's
    /// conversation gets its case with the first message) and ends when iteration stops.
    func feed(brand: BrandID, caseID: CaseID?) -> CaseFeed {
        let (stream, continuation) = AsyncStream.makeStream(of: LiveEvent.self, bufferingPolicy: .bufferingNewest(100))
        let feed = CaseFeed(hub: self, brand: brand, sink: continuation, events: stream)
        let id = feed.id
        continuation.onTermination = { [weak self] _ in self?.follow(id, brand: brand, caseID: nil, sink: continuation) }
        feed.follow(caseID)
        return feed
    }

    fileprivate func follow(_ id: UUID, brand: BrandID, caseID: CaseID?, sink: AsyncStream<LiveEvent>.Continuation) {
        lock.lock()
        defer { lock.unlock() }
        if let old = followed.removeValue(forKey: id) {
            followers[old.caseKey]?[id] = nil
            if followers[old.caseKey]?.isEmpty == true { followers[old.caseKey] = nil }
            followedBrands[old.brand, default: 1] -= 1
            if followedBrands[old.brand] == 0 { followedBrands[old.brand] = nil }
        }
        guard let caseID else { return }
        followed[id] = (brand, caseID.text)
        followers[caseID.text, default: [:]][id] = sink
        followedBrands[brand, default: 0] += 1
        startPolling()
    }

    /// Called with the lock held.
    private func startPolling() {
        if poller == nil { poller = Task { [weak self] in await self?.poll() } }
    }

    private func remove(_ id: UUID, brand: BrandID) {
        lock.lock()
        listeners[brand]?[id] = nil
        if listeners[brand]?.isEmpty == true { listeners[brand] = nil }
        lock.unlock()
    }

    private func stopIfIdle() -> Bool {
        lock.lock()
        defer { lock.unlock() }
        guard listeners.isEmpty, followedBrands.isEmpty else { return false }
        poller = nil
        return true
    }

    private func brands() -> [BrandID] {
        lock.lock()
        defer { lock.unlock() }
        return Array(Set(listeners.keys).union(followedBrands.keys))
    }

    /// Reads new events with a look-back window, since a transaction can commit after a later
    /// one did while carrying an earlier time; ids already sent are remembered for the window.
    private func poll() async {
        // Commits are timestamped before they commit, so a later read may find an earlier
        // time; two seconds covers any transaction here (each is one command).
        let window: TimeInterval = 2
        // What happened before anyone listened is on the page already.
        let started = app.environment.now().addingTimeInterval(-1)
        var watermark = app.environment.now()
        var sent: [UUID: Date] = [:]
        var seen = app.commits.current
        while !Task.isCancelled {
            // A commit of this process wakes the hub at once; other processes' changes are
            // found by the poll at the interval.
            await app.commits.wait(after: seen, timeout: interval)
            seen = app.commits.current
            // A burst of commits is read in rounds, not once per commit.
            try? await Task.sleep(for: .milliseconds(5))
            let brands = brands()
            // Nobody listens: stop; the next subscriber starts a new poller.
            if brands.isEmpty, stopIfIdle() { return }
            for brand in brands {
                var since = max(watermark.addingTimeInterval(-window), started)
                do {
                    // Page through a burst (an import, a bulk change) within one round.
                    while true {
                        let events = try await app.lookups.events(brand: brand, since: since, limit: 500)
                        for event in events where sent[event.id] == nil {
                            sent[event.id] = event.occurredAt
                            publish(LiveEvent(event), brand: brand)
                        }
                        guard events.count == 500, let last = events.last?.occurredAt, last > since else { break }
                        since = last
                    }
                } catch {
                    logger.warning("live updates could not read events", metadata: ["error": "\(error)"])
                }
            }
            watermark = max(sent.values.max() ?? watermark, app.environment.now().addingTimeInterval(-window))
            sent = sent.filter { $0.value >= watermark.addingTimeInterval(-2 * window) }
        }
    }

    private func publish(_ event: LiveEvent, brand: BrandID) {
        lock.lock()
        var targets = Array(listeners[brand]?.values ?? [:].values)
        if let key = event.caseId, let chats = followers[key] { targets += chats.values }
        lock.unlock()
        for target in targets { target.yield(event) }
    }
}

/// One chat's subscription to its case's events.
final class CaseFeed: Sendable {
    let id = UUID()
    let events: AsyncStream<LiveEvent>
    private let hub: LiveHub
    private let brand: BrandID
    private let sink: AsyncStream<LiveEvent>.Continuation

    fileprivate init(hub: LiveHub, brand: BrandID, sink: AsyncStream<LiveEvent>.Continuation, events: AsyncStream<LiveEvent>) {
        self.hub = hub
        self.brand = brand
        self.sink = sink
        self.events = events
    }

    /// From now on, the events of this case (nil: none).
    func follow(_ caseID: CaseID?) {
        hub.follow(id, brand: brand, caseID: caseID, sink: sink)
    }
}
