import Foundation
import Hummingbird
import HummingbirdWebSocket
import Logging
import TouchpointCore
import TouchpointStore

/// The visitor's side of the web chat, over a WebSocket at `/chat/{brand}/ws`.
///
/// Client → server: `{"type":"hello","visitor":"…","lastSeq":0,"email":…,"phone":…,"name":…}`,
/// `{"type":"message","clientId":"…","text":"…"}`. Server → client: `{"type":"ready","caseNumber",
/// "humanAvailable","waitMinutes"}`, `{"type":"message","seq","from":"visitor|agent","text",
/// "clientId","at"}`, `{"type":"stored","clientId","seq","caseNumber"}`, `{"type":"error","detail"}`.
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
    }

    struct Outbound: Encodable {
        var type: String
        var seq: Int?
        var from: String?
        var text: String?
        var clientId: String?
        var at: String?
        var caseNumber: Int?
        var humanAvailable: Bool?
        var waitMinutes: Int?
        var detail: String?
    }

    /// The case a connection follows, read by the hub's filter on every event.
    final class Interest: @unchecked Sendable {
        private let lock = NSLock()
        private var caseID: String?

        func follow(_ id: CaseID?) {
            lock.lock()
            caseID = id?.text
            lock.unlock()
        }

        func wants(_ event: LiveEvent) -> Bool {
            lock.lock()
            defer { lock.unlock() }
            return event.caseId != nil && event.caseId == caseID
        }
    }

    /// What one connection knows; one actor, so pushes and replies never interleave.
    actor Conversation {
        let store: Store
        let brand: Brand
        let send: @Sendable (Outbound) -> Void
        let interest: Interest
        var visitor: String?
        var caseID: CaseID? {
            didSet { interest.follow(caseID) }
        }
        var lastSent = 0

        init(store: Store, brand: Brand, interest: Interest, send: @escaping @Sendable (Outbound) -> Void) {
            self.store = store
            self.brand = brand
            self.interest = interest
            self.send = send
        }

        func hello(_ message: Inbound) async throws {
            guard let visitor = message.visitor, (16...64).contains(visitor.count),
                  visitor.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }) else {
                throw ValidationError(field: "visitor", reason: "16 to 64 letters, digits and dashes")
            }
            self.visitor = visitor
            lastSent = max(0, message.lastSeq ?? 0)
            caseID = try await store.chatCase(brand: brand.id, visitor: visitor)
            let wait = try await store.waitEstimate(brand: brand.id, contactPoint: .webChat, teamID: nil, topic: nil, account: nil).estimate
            var number: Int?
            if let caseID { number = try await store.case(caseID, brand: brand.id).number }
            send(Outbound(type: "ready", caseNumber: number, humanAvailable: wait.humanAvailable, waitMinutes: wait.minutes.map { Int($0.rounded(.up)) }))
            try await flush()
        }

        func message(_ message: Inbound) async throws {
            guard let visitor else { throw ValidationError(field: "type", reason: "say hello first") }
            guard let clientID = message.clientId, (1...64).contains(clientID.count) else { throw ValidationError(field: "clientId", reason: "1 to 64 characters") }
            let text = try Check.text(message.text ?? "", field: "text", max: 4000)
            let identity = try message.email.map { try Identity(kind: .email, raw: $0, field: "email") }
                ?? message.phone.map { try Identity(kind: .phone, raw: $0, defaultCallingCode: brand.defaultCallingCode, field: "phone") }
            let posted = try await store.postChatMessage(brand: brand.id, visitor: visitor, clientID: clientID, text: text, identity: identity,
                                                         name: message.name)
            caseID = posted.caseID
            send(Outbound(type: "stored", seq: posted.seq, clientId: clientID, caseNumber: posted.caseNumber))
            try await flush()
        }

        /// Sends what the visitor has not seen yet.
        func flush() async throws {
            guard let caseID else { return }
            for item in try await store.chatMessages(caseID: caseID, brand: brand.id, after: lastSent) {
                send(Outbound(type: "message", seq: item.seq, from: item.from, text: item.text, clientId: item.clientID, at: JSONIO.format(item.at)))
                lastSent = item.seq
            }
        }
    }

    static func add(to router: Router<LiveContext>, store: Store, hub: LiveHub) {
        // Any website may embed the widget, so no Origin rule here: the random visitor id
        // the widget keeps is what ties a browser to its conversation.
        router.ws("chat/{brand}/ws") { _, context in
            guard let slug = context.parameters.get("brand"), try await store.brand(slug: slug) != nil else { throw HTTPError(.notFound) }
            return .upgrade([:])
        } onUpgrade: { inbound, outbound, context in
            guard let slug = context.requestContext.parameters.get("brand"), let brand = try await store.brand(slug: slug) else { return }
            let (frames, sink) = AsyncStream.makeStream(of: Outbound.self)
            let interest = Interest()
            let conversation = Conversation(store: store, brand: brand, interest: interest) { sink.yield($0) }
            let events = hub.subscribe(brand: brand.id) { interest.wants($0) }
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask {
                    for await frame in frames {
                        try await outbound.write(.text(String(decoding: try JSONIO.encoder.encode(frame), as: UTF8.self)))
                    }
                }
                group.addTask {
                    for await _ in events { try await conversation.flush() }
                }
                group.addTask {
                    defer { sink.finish() }
                    for try await message in inbound.messages(maxSize: 64 * 1024) {
                        guard case .text(let text) = message else { continue }
                        do {
                            let parsed = try JSONIO.decoder.decode(Inbound.self, from: Data(text.utf8))
                            switch parsed.type {
                            case "hello": try await conversation.hello(parsed)
                            case "message": try await conversation.message(parsed)
                            default: sink.yield(Outbound(type: "error", detail: "unknown type \(parsed.type)"))
                            }
                        } catch {
                            sink.yield(Outbound(type: "error", detail: Problem.from(error).detail))
                        }
                    }
                }
                // The visitor leaving ends the reader; then everything else stops.
                try await group.next()
                group.cancelAll()
            }
        }
    }
}
