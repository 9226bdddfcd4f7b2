import Foundation
import TouchpointApplication
import TouchpointCore

/// The messages of one chat a socket has sent so far, and sending the rest. Nothing goes out
/// before the client's hello was answered (so `ready` always comes first), and one pass runs
/// at a time: a change arriving during a pass asks for one more pass instead of starting a
/// second reader of the same messages, which would send them twice or out of order.
actor ChatBacklog {
    private let app: UseCases
    let names = ChatSocket.StaffNames()
    /// The highest message number sent (or known to the client from before).
    private(set) var lastSent = 0
    private var greeted = false
    private var passing = false
    private var again = false

    init(app: UseCases) {
        self.app = app
    }

    /// The client's hello is answered; it had seen messages up to `seq`.
    func greet(after seq: Int?) {
        lastSent = max(0, seq ?? 0)
        greeted = true
    }

    func flush(caseID: CaseID, brand: BrandID, send: @Sendable (ChatSocket.Outbound) -> Void) async throws {
        guard greeted else { return }
        guard !passing else {
            again = true
            return
        }
        passing = true
        defer { passing = false }
        repeat {
            again = false
            for item in try await app.chat.chatMessages(caseID: caseID, brand: brand, after: lastSent) {
                var frame = ChatSocket.Outbound(type: "message", seq: item.seq, from: item.from, text: item.text, clientId: item.clientID,
                                                name: try await names.name(item.authorID, app: app, brand: brand), at: JSONIO.format(item.at))
                if !item.replies.isEmpty { frame.replies = item.replies }
                send(frame)
                lastSent = item.seq
            }
        } while again
    }
}
