import Foundation
import Hummingbird
import HummingbirdWebSocket
import Logging
import TouchpointApplication
import TouchpointCore

/// The visitor's side of the web chat, over a WebSocket at `/chat/{brand}/ws`.
///
/// Client → server: `hello` {visitor, lastSeq, email?, phone?, name?, lang?}, `identify` {email? phone?},
/// `message` {clientId, text, email?}, `typing` {active}, `read` {seq}.
/// Server → client: `ready` {caseNumber, mode (live, message or assistant), humanAvailable, waitMinutes, notice, seq (how
/// far the agent has read)}, `availability` (the same after `identify`),
/// `message` {seq, from (visitor, agent or bot), text, clientId, name, at, replies (the assistant's
/// suggested answers)}, `stored` {clientId, seq, caseNumber},
/// `typing` {from, name, active}, `read` {from, seq}, `agent` {name}, `error` {detail, clientId (of the message it
/// refuses), retry (true when the message was not stored for now — the database is unavailable — and may be sent again)},
/// `survey` {survey: {kind, reference, question, scores, low, high, commentLabel, send}} — the
/// question asked when the chat's request was resolved — and `survey` {notice} once answered.
/// Client → server also: `survey` {score, text?} answers it.
///
/// Every message has a sequence number within the conversation; after a dropped connection
/// the widget says the last one it saw and gets exactly what came after, and a resent
/// message (same clientId) is stored once.
enum ChatSocket {
    struct Inbound: Decodable {
        var type: String
        var visitor: String?
        var lastSeq: Int?
        var email: String?
        var phone: String?
        var name: String?
        var clientId: String?
        var text: String?
        var active: Bool?
        var seq: Int?
        /// The visitor's page's language (`en`, `pl`), for what the server says.
        var lang: String?
        /// A survey answer: the score on its scale (with `text` as the comment).
        var score: Int?
    }

    /// The satisfaction question at the end of a chat, in the visitor's language.
    struct SurveyOffer: Encodable, Sendable {
        var kind: String
        var reference: String?
        var question: String
        var scores: [Int]
        var low: String
        var high: String
        var commentLabel: String
        var send: String
    }

    /// Every frame the server sends, on both sides of a chat.
    struct Outbound: Encodable, Sendable {
        var type: String
        var seq: Int?
        var from: String?
        var text: String?
        var clientId: String?
        var name: String?
        var at: String?
        var caseNumber: Int?
        var mode: String?
        var humanAvailable: Bool?
        var waitMinutes: Int?
        var notice: String?
        var active: Bool?
        var online: Bool?
        var detail: String?
        /// `error`: the refused frame may be sent again later (nothing of it was stored).
        var retry: Bool?
        /// The assistant's suggested answers to a message.
        var replies: [String]?
        /// `survey`: the question waiting for the visitor; nil with `notice` once answered.
        var survey: SurveyOffer?
    }

    /// Names of the brand's staff as a customer sees them (first names), looked up once.
    final class StaffNames: @unchecked Sendable {
        private let lock = NSLock()
        private var known: [UUID: String] = [:]

        func name(_ id: UUID?, app: UseCases, brand: BrandID) async throws -> String? {
            guard let id else { return nil }
            if let name = lock.withLock({ known[id] }) { return name }
            let first = Self.firstName(try await app.staff.staffUser(id, brand: brand).name)
            lock.withLock { known[id] = first }
            return first
        }

        static func firstName(_ full: String) -> String {
            full.split(separator: " ").first.map(String.init) ?? full
        }
    }

    /// What one visitor connection knows; one actor, so pushes and replies never interleave.
    actor Conversation {
        let app: UseCases
        let inbox: Inbox
        let brand: Brand
        let relay: ChatRelay
        let feed: CaseFeed
        let id = UUID()
        let send: @Sendable (Outbound) -> Void
        var visitor: String?
        var identity: Identity?
        var availability: ChatAvailability?
        var language: Language?
        var caseID: CaseID? {
            didSet {
                guard oldValue != caseID else { return }
                feed.follow(caseID)
                if let oldValue { relay.leave(oldValue, id: id) }
                if let caseID { relay.join(caseID, side: .visitor, id: id) { [send] in send(Self.frame($0)) } }
            }
        }
        /// The agent the visitor was last told about (nil inside: nobody yet).
        var agentShown: UUID??
        let backlog: ChatBacklog
        var names: StaffNames { backlog.names }

        init(app: UseCases, inbox: Inbox, brand: Brand, relay: ChatRelay, feed: CaseFeed, send: @escaping @Sendable (Outbound) -> Void) {
            self.app = app
            self.inbox = inbox
            self.brand = brand
            self.relay = relay
            self.feed = feed
            self.send = send
            self.backlog = ChatBacklog(app: app)
        }

        /// What the agents' signals look like to the visitor.
        static func frame(_ signal: ChatRelay.Signal) -> Outbound {
            switch signal {
            case .typing(let side, let name, let active): Outbound(type: "typing", from: side.rawValue, name: name, active: active)
            case .read(let side, let seq): Outbound(type: "read", seq: seq, from: side.rawValue)
            case .presence(let online): Outbound(type: "presence", online: online)
            }
        }

        func leave() {
            caseID = nil
        }

        func hello(_ message: Inbound) async throws {
            guard let visitor = message.visitor, (16...64).contains(visitor.count),
                  visitor.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }) else {
                throw ValidationError(field: "visitor", reason: "16 to 64 letters, digits and dashes")
            }
            self.visitor = visitor
            identity = try given(message) ?? identity
            caseID = try await app.chat.chatCase(brand: brand.id, visitor: visitor)
            language = message.lang.flatMap(Language.init(rawValue:)) ?? language
            let available = try await app.chat.chatAvailability(brand: brand.id, visitor: visitor, identity: identity, language: language)
            availability = available
            var ready = Self.describe(available, type: "ready")
            if let caseID {
                ready.caseNumber = try await app.cases.case(caseID, brand: brand.id).number
                ready.seq = try await app.chat.chatSession(caseID: caseID, brand: brand.id)?.agentRead
            }
            send(ready)
            await backlog.greet(after: message.lastSeq)
            try await flush()
            try await offerSurvey()
        }

        /// Shows the survey waiting for this visitor (asked when their chat's case was
        /// resolved), if any: after `hello`, and as soon as it is asked during a chat.
        func offerSurvey() async throws {
            guard let visitor, let prompt = try await app.surveys.waiting(visitor: visitor, brand: brand.id) else { return }
            let words = CustomerMessages(language ?? brand.language).surveyPage(prompt.kind)
            send(Outbound(type: "survey", survey: SurveyOffer(
                kind: prompt.kind.rawValue, reference: prompt.caseReference, question: words.question, scores: Array(prompt.kind.scores),
                low: words.low, high: words.high, commentLabel: words.commentLabel, send: words.send)))
        }

        /// The visitor answered the survey shown to them; `survey` again with the thanks.
        func answerSurvey(_ message: Inbound) async throws {
            guard let visitor else { throw ValidationError(field: "type", reason: "say hello first") }
            guard let score = message.score else { throw ValidationError(field: "score", reason: "is required") }
            guard let prompt = try await app.surveys.waiting(visitor: visitor, brand: brand.id) else {
                throw ValidationError(field: "survey", reason: "no survey is waiting for an answer")
            }
            let comment = try message.text.map { try Check.text($0, field: "text", max: 4000) }
            _ = try await app.surveys.answer(prompt, brand: brand.id, score: score, comment: comment, on: .webChat)
            send(Outbound(type: "survey", notice: CustomerMessages(language ?? brand.language).surveyPage(prompt.kind).thanks))
        }

        /// The visitor gave (or changed) their email or phone: the chat may now belong to a
        /// customer whose model decides differently.
        func identify(_ message: Inbound) async throws {
            guard let visitor else { throw ValidationError(field: "type", reason: "say hello first") }
            identity = try given(message) ?? identity
            let available = try await app.chat.chatAvailability(brand: brand.id, visitor: visitor, identity: identity, language: language)
            availability = available
            send(Self.describe(available, type: "availability"))
        }

        func message(_ message: Inbound) async throws {
            guard let visitor else { throw ValidationError(field: "type", reason: "say hello first") }
            guard let clientID = message.clientId, (1...64).contains(clientID.count) else { throw ValidationError(field: "clientId", reason: "1 to 64 characters") }
            let text = try Check.text(message.text ?? "", field: "text", max: 4000)
            identity = try given(message) ?? identity
            let leftMessage = availability?.mode == .message && caseID == nil
            if leftMessage, identity?.kind != .email {
                // The answer goes by email, so without an address nobody could ever answer.
                throw ValidationError(field: "email", reason: "leave your email address so we can answer")
            }
            // Stored first: once `stored` is said the message is safe whatever happens next; it is
            // then taken into the history at once, and the answer says where it went.
            let payload = ChatPayload(visitor: visitor, clientId: clientID, text: text, identity: identity, name: message.name, leftMessage: leftMessage)
            let receipt = try await inbox.receiveChatMessage(payload, brand: brand.id)
            if let taken = receipt.caseID {
                caseID = taken
                relay.send(.typing(.visitor, name: nil, active: false), on: taken, from: id)
            }
            let stored = Outbound(type: "stored", seq: receipt.seq, clientId: clientID, caseNumber: receipt.caseNumber)
            send(stored)
            // The assistant answers in this task rather than when the listener comes round;
            // a failure here leaves the message to the listener, which answers it then.
            if let taken = receipt.caseID { _ = try? await app.chatbot.answerLatest(caseID: taken, brand: brand.id) }
            try await flush()
        }

        func typing(_ message: Inbound) {
            guard let caseID else { return }
            relay.send(.typing(.visitor, name: nil, active: message.active ?? false), on: caseID, from: id)
        }

        func read(_ message: Inbound) async throws {
            guard let caseID, let seq = message.seq, seq > 0 else { return }
            let stored = try await app.chat.markChatRead(caseID: caseID, brand: brand.id, side: .visitor, seq: min(seq, await backlog.lastSent))
            relay.send(.read(.visitor, seq: stored), on: caseID, from: id)
        }

        /// Events after which the person answering may be someone else.
        static let assignmentEvents: Set<String> = [EventType.caseCreated, .caseAssigned, .caseRouted, .caseEscalated, .caseDeescalated]
            .reduce(into: []) { $0.insert($1.rawValue) }

        /// The case changed: messages always; the person answering only after an event that
        /// can change it, so a busy chat does not read its case for every message.
        func changed(_ event: LiveEvent) async throws {
            try await flush(assignment: agentShown == nil || Self.assignmentEvents.contains(event.event))
            if event.event == EventType.surveySent.rawValue { try await offerSurvey() }
        }

        /// Sends what the visitor has not seen yet, and who is answering when that changed.
        func flush(assignment: Bool = true) async throws {
            guard let caseID else { return }
            try await backlog.flush(caseID: caseID, brand: brand.id, send: send)
            // A message left for an email answer is not a live chat: naming whoever has the
            // case as "answering you now" would contradict "we will answer by email".
            guard assignment, availability?.mode != .message else { return }
            let assignee = try await app.cases.case(caseID, brand: brand.id).assigneeID
            if agentShown != .some(assignee) {
                agentShown = .some(assignee)
                send(Outbound(type: "agent", name: try await names.name(assignee, app: app, brand: brand.id)))
            }
        }

        private func given(_ message: Inbound) throws -> Identity? {
            if let email = message.email?.trimmingCharacters(in: .whitespaces), !email.isEmpty {
                return try Identity(kind: .email, raw: email, field: "email")
            }
            if let phone = message.phone?.trimmingCharacters(in: .whitespaces), !phone.isEmpty {
                return try Identity(kind: .phone, raw: phone, defaultCallingCode: brand.defaultCallingCode, field: "phone")
            }
            return nil
        }

        static func describe(_ availability: ChatAvailability, type: String) -> Outbound {
            Outbound(type: type, mode: availability.mode.rawValue, humanAvailable: availability.mode == .live,
                     waitMinutes: availability.waitMinutes, notice: availability.notice)
        }
    }

    static func add(to router: Router<LiveContext>, app: UseCases, inbox: Inbox, hub: LiveHub, relay: ChatRelay) {
        // Any website may embed the widget, so no Origin rule here: the random visitor id
        // the widget keeps is what ties a browser to its conversation.
        router.ws("chat/{brand}/ws") { _, context in
            guard let slug = context.parameters.get("brand"), try await app.staff.brand(slug: slug) != nil else { throw HTTPError(.notFound) }
            return .upgrade([:])
        } onUpgrade: { inbound, outbound, context in
            guard let slug = context.requestContext.parameters.get("brand"), let brand = try await app.staff.brand(slug: slug) else { return }
            let (frames, sink) = AsyncStream.makeStream(of: Outbound.self)
            let feed = hub.feed(brand: brand.id, caseID: nil)
            let conversation = Conversation(app: app, inbox: inbox, brand: brand, relay: relay, feed: feed) { sink.yield($0) }
            try await pump(inbound: inbound, outbound: outbound, frames: frames, sink: sink, events: feed.events,
                           changed: { try await conversation.changed($0) }, finished: { await conversation.leave() }) { parsed in
                switch parsed.type {
                case "hello": try await conversation.hello(parsed)
                case "identify": try await conversation.identify(parsed)
                case "message": try await conversation.message(parsed)
                case "typing": await conversation.typing(parsed)
                case "read": try await conversation.read(parsed)
                case "survey": try await conversation.answerSurvey(parsed)
                default: throw ValidationError(field: "type", reason: "unknown type \(parsed.type)")
                }
            }
        }
    }

    /// Runs one chat connection: frames out in order, the case's events in (`changed`), the
    /// peer's frames handled one by one (a bad frame answers an error and the chat goes on).
    /// The peer leaving ends the reader, and with it everything else.
    static func pump(inbound: WebSocketInboundStream, outbound: WebSocketOutboundWriter, frames: AsyncStream<Outbound>,
                     sink: AsyncStream<Outbound>.Continuation, events: AsyncStream<LiveEvent>,
                     changed: @escaping @Sendable (LiveEvent) async throws -> Void, finished: @escaping @Sendable () async -> Void,
                     handle: @escaping @Sendable (Inbound) async throws -> Void) async throws {
        do {
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask {
                    for await frame in frames {
                        try await outbound.write(.text(String(decoding: try JSONIO.encoder.encode(frame), as: UTF8.self)))
                    }
                }
                group.addTask {
                    for await event in events { try await changed(event) }
                }
                group.addTask {
                    defer { sink.finish() }
                    for try await message in inbound.messages(maxSize: 64 * 1024) {
                        guard case .text(let text) = message else { continue }
                        var frame: Inbound?
                        do {
                            frame = try JSONIO.decoder.decode(Inbound.self, from: Data(text.utf8))
                            try await handle(frame!)
                        } catch {
                            let problem = Problem.from(error)
                            sink.yield(Outbound(type: "error", clientId: frame?.clientId, detail: problem.detail,
                                                retry: problem.status == .serviceUnavailable ? true : nil))
                        }
                    }
                }
                try await group.next()
                group.cancelAll()
            }
        } catch {
            await finished()
            throw error
        }
        await finished()
    }
}
